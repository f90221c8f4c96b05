#pragma once
// Signals: pending bits per context, delivered at syscall return. The default action of
// SIGCHLD, SIGCONT and SIGWINCH is to ignore; every other signal terminates.
// FIXME: no stop/continue job control yet (SIGSTOP/SIGTSTP are ignored).
#include "context.h"
#include "ktl/result.h"

namespace kernel {

bool has_deliverable_signal(const Context& context);
// Marks the signal pending and interrupts the target if it sleeps interruptibly.
void raise_signal(Context& target, int signal);
// Permission-checked kill(pid, sig) as POSIX describes (pid > 0, 0, -1, < -1).
ktl::ErrorOr<void> kill(Context& sender, long pid, int signal);
// Sends `signal` to every process of group `pgid` (no permission check: the kernel's own
// console does this for Ctrl-C).
void signal_process_group(u32 pgid, int signal);
// Runs handlers or default actions for the current context; may not return (termination).
void deliver_signals(Context& self);

} // namespace kernel
