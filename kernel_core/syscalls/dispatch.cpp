// The syscall handler: one table (REDOX_SYSCALLS) drives dispatch. Each world's entry
// (redox_syscall: a call in the sim, an interrupt-masked call or `syscall` on hardware)
// lands here. This is the only place
// where an Error becomes -errno. Every syscall is a preemption point, and pending signals
// are delivered on the way out.
#include "../hal/clock.h"
#include "../kernel.h"
#include "../klog.h"
#include "../process.h"
#include "../scheduler.h"
#include "../signals.h"
#include "handlers.h"
#include "user_memory.h"

using namespace kernel;
using namespace kernel::syscalls;

static Result dispatch(unsigned long number, usize a, usize b, usize c, usize d, usize e)
{
    switch (number) {
#define REDOX_SYSCALL_CASE(name, value)                                                                                \
    case (value):                                                                                                      \
        return sys_##name(a, b, c, d, e);
        REDOX_SYSCALLS(REDOX_SYSCALL_CASE)
#undef REDOX_SYSCALL_CASE
    default:
        return ktl::Error::from_errno(redox::ENOSYS);
    }
}

static const char* syscall_name(unsigned long number)
{
    switch (number) {
#define REDOX_SYSCALL_NAME(name, value)                                                                                \
    case (value):                                                                                                      \
        return #name;
        REDOX_SYSCALLS(REDOX_SYSCALL_NAME)
#undef REDOX_SYSCALL_NAME
    default:
        return "unknown";
    }
}

static void trace_syscall(unsigned long number, usize a, usize b, usize c, usize d, const Result& result)
{
    long value = result.is_error() ? -static_cast<long>(result.error().code) : static_cast<long>(result.value());
    klog(hal::LogLevel::Debug, "syscall", "pid %u %s(%#lx, %#lx, %#lx, %#lx) = %ld", current().pid,
        syscall_name(number), a, b, c, d, value);
}

long kernel::handle_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e)
{
    Kernel& k = the_kernel();
    Scheduler& scheduler = k.scheduler();
    k.count_syscall();
    // Reading the clock now and then lets the HAL notice an expired time slice.
    if ((k.syscall_count() & 63) == 0)
        (void)hal::monotonic_ns();
    scheduler.preemption_point();

    Result result = dispatch(number, a, b, c, d, e);
    if (k.config().trace_syscalls) [[unlikely]]
        trace_syscall(number, a, b, c, d, result);

    Context& self = scheduler.current();
    if (self.exec_pending) [[unlikely]]
        start_pending_exec(self);
    if (self.pending_signals) [[unlikely]]
        deliver_signals(self);
    if (result.is_error())
        return -static_cast<long>(result.error().code);
    return static_cast<long>(result.value());
}

namespace kernel {

ktl::ErrorOr<ktl::Vector<ktl::String>> copy_user_string_array(usize address)
{
    ktl::Vector<ktl::String> out;
    if (!address)
        return out;
    constexpr usize max_entries = 4096;
    constexpr usize max_total = 256 * 1024;
    usize total = 0;
    for (usize i = 0;; ++i) {
        if (i >= max_entries)
            return ktl::Error::from_errno(redox::E2BIG);
        const char* const* slot = TRY(user_object<const char* const>(address + i * sizeof(char*)));
        const char* text = *slot;
        if (!text)
            break;
        // Scan at most what the limit still allows, checking each byte is program memory.
        usize length = 0;
        for (;; ++length) {
            if (total + length + 1 > max_total)
                return ktl::Error::from_errno(redox::E2BIG);
            TRY(validate_user_range(reinterpret_cast<usize>(text) + length, 1));
            if (!text[length])
                break;
        }
        total += length + 1;
        if (total > max_total)
            return ktl::Error::from_errno(redox::E2BIG);
        out.append(ktl::String(text, length));
    }
    return out;
}

} // namespace kernel
