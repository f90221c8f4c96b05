#pragma once
// Process life cycle: creating contexts (clone), running programs (exec), exiting,
// waiting for children and re-parenting orphans to init.
#include "context.h"
#include "file_table.h"
#include "ktl/result.h"

namespace kernel {

// Creates pid 1 running `program` with console fds 0, 1, 2.
Context* create_init(Program& program, const ktl::Vector<ktl::String>& args);

// Starts a new process, a child of `parent`, running entry(argument) with root credentials,
// the root namespace, umask 0, cwd /, no open files and no environment (host bridges:
// host_bridge.h). Returns its pid.
ErrorOr<u32> start_context(Context& parent, CloneEntry entry, void* argument, ktl::Vector<ktl::String>&& args);

ErrorOr<u32> clone_current(unsigned long flags, CloneEntry entry, void* argument);

// Prepares the current context to run the program named by the executable `file`: on
// success the syscall exit path calls start_pending_exec, which never returns.
ErrorOr<void> exec_current(ktl::RefPtr<FileDescription> file, ktl::Vector<ktl::String>&& args,
    ktl::Vector<ktl::String>&& env, StringView exec_path);

[[noreturn]] void start_pending_exec(Context& self);

// Exits the current context with a wait status (exit code << 8, or a signal number).
[[noreturn]] void exit_current(int wait_status);

ErrorOr<u32> wait_child(long pid, int* status, int options);

} // namespace kernel
