#include "signals.h"

#include "abi/redox/flags.h"
#include "hal/context.h"
#include "kernel.h"
#include "process.h"
#include "scheduler.h"

namespace kernel {

static bool ignored_by_default(int signal)
{
    return signal == redox::SIGCHLD || signal == redox::SIGCONT || signal == 28 /* SIGWINCH */
        || signal == redox::SIGSTOP || signal == 20 /* SIGTSTP */;
}

static bool is_ignored(const Context& context, int signal)
{
    if (signal == redox::SIGKILL)
        return false;
    unsigned long handler = context.signal_handlers[signal];
    return handler == redox::SIG_IGN || (handler == redox::SIG_DFL && ignored_by_default(signal));
}

bool has_deliverable_signal(const Context& context)
{
    u32 pending = context.pending_signals;
    while (pending) {
        int signal = __builtin_ctz(pending);
        if (!is_ignored(context, signal))
            return true;
        pending &= pending - 1;
    }
    return false;
}

void raise_signal(Context& target, int signal)
{
    if (signal <= 0 || signal >= redox::NSIG || target.state == ContextState::Zombie)
        return;
    if (is_ignored(target, signal))
        return;
    // As on Linux, init only receives the signals it installed handlers for.
    if (target.pid == 1 && target.signal_handlers[signal] <= redox::SIG_IGN)
        return;
    target.pending_signals |= 1u << signal;
    if (target.state == ContextState::Blocked && (target.interruptible || signal == redox::SIGKILL))
        the_kernel().scheduler().wake(target, -redox::EINTR);
}

static bool may_signal(const Context& sender, const Context& target)
{
    const Credentials& s = sender.credentials;
    const Credentials& t = target.credentials;
    return s.euid == 0 || s.euid == t.ruid || s.ruid == t.ruid || s.euid == t.euid;
}

ErrorOr<void> kill(Context& sender, long pid, int signal)
{
    if (signal < 0 || signal >= redox::NSIG)
        return errno_error(redox::EINVAL);
    // Pids and groups are u32: a wider value names nobody (and must not alias by truncation).
    if (pid > 0xffffffffl || pid < -0xffffffffl)
        return errno_error(redox::ESRCH);
    bool found = false, permitted = false;
    // A zombie still exists until it is reaped (as on Linux, kill succeeds and does nothing):
    // a `kill -0` probe must not report a child that exited but was not waited for as gone.
    auto consider = [&](Context& target) {
        found = true;
        if (!may_signal(sender, target))
            return;
        permitted = true;
        if (signal && target.state != ContextState::Zombie)
            raise_signal(target, signal);
    };
    if (pid > 0) {
        Context* target = the_kernel().contexts().find(static_cast<u32>(pid));
        if (target)
            consider(*target);
    } else {
        u32 group = pid == 0 ? sender.pgid : static_cast<u32>(-pid);
        the_kernel().contexts().for_each([&](Context& target) {
            if (pid == -1 ? (target.pid != 1 && target.pid != sender.pid) : target.pgid == group)
                consider(target);
        });
    }
    if (!found)
        return errno_error(redox::ESRCH);
    if (!permitted)
        return errno_error(redox::EPERM);
    return {};
}

void signal_process_group(u32 pgid, int signal)
{
    the_kernel().contexts().for_each([&](Context& target) {
        if (target.pgid == pgid)
            raise_signal(target, signal);
    });
}

void deliver_signals(Context& self)
{
    while (u32 pending = self.pending_signals) {
        int signal = __builtin_ctz(pending);
        self.pending_signals &= ~(1u << signal);
        unsigned long handler = self.signal_handlers[signal];
        if (signal == redox::SIGKILL || handler == redox::SIG_DFL) {
            if (ignored_by_default(signal))
                continue;
            exit_current(signal);
        }
        if (handler == redox::SIG_IGN)
            continue;
        // One address space: the handler is simply called on the context's own stack.
        hal::program_begins();
        reinterpret_cast<void (*)(int)>(handler)(signal);
        hal::program_ends();
    }
}

} // namespace kernel
