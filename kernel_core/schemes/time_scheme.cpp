#include "time_scheme.h"

#include "../abi/redox/flags.h"
#include "../events.h"
#include "../hal/clock.h"
#include "../kernel.h"
#include "../ktl/format.h"
#include "../scheduler.h"

namespace kernel {

ErrorOr<i64> clock_now_ns(int clock)
{
    if (clock == redox::CLOCK_REALTIME)
        return hal::realtime_ns();
    if (clock == redox::CLOCK_MONOTONIC)
        return static_cast<i64>(hal::monotonic_ns());
    return errno_error(redox::EINVAL);
}

ErrorOr<usize> TimeScheme::open(StringView path, unsigned long, const Caller&)
{
    u64 id;
    if (!ktl::parse_u64(path, id) || (id != redox::CLOCK_REALTIME && id != redox::CLOCK_MONOTONIC))
        return errno_error(redox::ENOENT);
    auto* c = new Clock;
    c->clock = static_cast<int>(id);
    c->scheme = this;
    c->handle = m_clocks.insert(c);
    return c->handle;
}

ErrorOr<usize> TimeScheme::read(usize handle, void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Clock* c = TRY(m_clocks.get(handle));
    if (length < sizeof(redox::TimeSpec))
        return errno_error(redox::EINVAL);
    i64 now = TRY(clock_now_ns(c->clock));
    redox::TimeSpec ts { now / 1'000'000'000, static_cast<i32>(now % 1'000'000'000), 0 };
    ktl::copy_bytes(buffer, &ts, sizeof ts);
    c->expired = false;
    return sizeof ts;
}

ErrorOr<usize> TimeScheme::write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Clock* c = TRY(m_clocks.get(handle));
    if (length < sizeof(redox::TimeSpec))
        return errno_error(redox::EINVAL);
    redox::TimeSpec ts;
    ktl::copy_bytes(&ts, buffer, sizeof ts);
    if (ts.tv_nsec < 0 || ts.tv_nsec >= 1'000'000'000 || ts.tv_sec < 0)
        return errno_error(redox::EINVAL);
    constexpr i64 max_seconds = 9'000'000'000; // about 285 years: keeps the product in range
    i64 target = (ts.tv_sec > max_seconds ? max_seconds : ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    i64 now = TRY(clock_now_ns(c->clock));
    // Timers run on the monotonic clock; convert a realtime target by its distance from now.
    u64 deadline = hal::monotonic_ns() + static_cast<u64>(target > now ? target - now : 0);
    c->expired = false;
    c->timer.owner = c;
    c->timer.callback = [](Timer& timer) {
        auto* expired = static_cast<Clock*>(timer.owner);
        expired->expired = true;
        notify_event(*expired->scheme, expired->handle, redox::EVENT_READ);
    };
    the_kernel().scheduler().arm(c->timer, deadline ? deadline : 1);
    return sizeof ts;
}

void TimeScheme::close(usize handle)
{
    if (Clock* c = m_clocks.take(handle)) {
        the_kernel().scheduler().cancel(c->timer);
        delete c;
    }
}

ErrorOr<usize> TimeScheme::fpath(usize handle, char* buffer, usize length)
{
    Clock* c = TRY(m_clocks.get(handle));
    char text[4];
    usize n = ktl::format_buffer(text, sizeof text, "%d", c->clock);
    n = ktl::min(n, length);
    ktl::copy_bytes(buffer, text, n);
    return n;
}

ErrorOr<void> TimeScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(m_clocks.get(handle));
    st = {};
    st.st_mode = redox::MODE_CHR | 0444;
    return {};
}

ErrorOr<usize> TimeScheme::fevent(usize handle, usize flags)
{
    Clock* c = TRY(m_clocks.get(handle));
    return (c->expired ? redox::EVENT_READ : 0) & flags;
}

} // namespace kernel
