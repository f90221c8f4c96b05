// hal/syscall_entry.h for the simulator: contexts are fibers of this process, so entering
// the kernel is a function call.
#include "../../kernel_core/hal/syscall_entry.h"

#include "../../kernel_core/syscalls/handlers.h"

extern "C" long redox_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e)
{
    return kernel::handle_syscall(number, a, b, c, d, e);
}
