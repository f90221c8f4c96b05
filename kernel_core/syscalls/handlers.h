#pragma once
// One handler per syscall, declared from the REDOX_SYSCALLS list. Each takes the raw
// argument registers and returns a value or an Error; dispatch.cpp turns Errors into -errno.
#include "../abi/redox/syscall_numbers.h"
#include "../ktl/result.h"

namespace kernel {
// Runs one syscall for the current context; returns the value or -errno. Called by the
// platform's syscall entry (hal/syscall_entry.h).
long handle_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e);
} // namespace kernel

namespace kernel::syscalls {

using Result = ktl::ErrorOr<usize>;

#define REDOX_SYSCALL_DECLARE(name, number) Result sys_##name(usize a, usize b, usize c, usize d, usize e);
REDOX_SYSCALLS(REDOX_SYSCALL_DECLARE)
#undef REDOX_SYSCALL_DECLARE

} // namespace kernel::syscalls
