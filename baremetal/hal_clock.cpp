// hal/clock.h on bare metal: the PIT interrupts 1000 times a second (the preemption tick);
// time itself comes from the TSC, calibrated against the PIT at boot; the wall clock starts
// from the CMOS real-time clock.
#include "../kernel_core/hal/clock.h"
#include "arch.h"
#include "clock.h"
#include "kernel_mode.h"

namespace {
volatile u64 s_ticks = 0;
u64 s_tsc_at_boot = 0;
u64 s_tsc_per_ms = 1'000'000; // replaced by calibration
i64 s_epoch_at_boot_ns = 0;
volatile u64 s_armed = 0;

u8 cmos(u8 reg)
{
    arch::out8(0x70, reg);
    return arch::in8(0x71);
}

i64 days_from_civil(i64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<i64>(doe) - 719468;
}

i64 read_rtc_epoch_seconds()
{
    while (cmos(0x0A) & 0x80) {} // update in progress
    u8 second = cmos(0x00), minute = cmos(0x02), hour = cmos(0x04), day = cmos(0x07), month = cmos(0x08),
       year = cmos(0x09);
    bool bcd = !(cmos(0x0B) & 0x04);
    auto decode = [&](u8 v) { return bcd ? static_cast<u8>((v & 0x0F) + (v >> 4) * 10) : v; };
    i64 days = days_from_civil(2000 + decode(year), decode(month), decode(day));
    return days * 86400 + decode(hour) * 3600 + decode(minute) * 60 + decode(second);
}
} // namespace

namespace baremetal {

void clock_init()
{
    // Count TSC cycles over 50 PIT ticks (50 ms).
    arch::interrupts_enable();
    u64 start_tick = s_ticks;
    while (s_ticks == start_tick)
        asm volatile("pause");
    u64 tsc_start = arch::read_tsc();
    u64 target = s_ticks + 50;
    while (s_ticks < target)
        asm volatile("pause");
    u64 tsc_end = arch::read_tsc();
    arch::interrupts_disable();
    s_tsc_per_ms = (tsc_end - tsc_start) / 50;
    if (s_tsc_per_ms == 0)
        s_tsc_per_ms = 1;
    s_tsc_at_boot = tsc_start;
    s_epoch_at_boot_ns = read_rtc_epoch_seconds() * 1'000'000'000ll;
}

u64 tsc_per_ms() { return s_tsc_per_ms; }

} // namespace baremetal

namespace hal {

u64 monotonic_ns()
{
    u64 cycles = arch::read_tsc() - s_tsc_at_boot;
    return static_cast<u64>(static_cast<unsigned __int128>(cycles) * 1'000'000u / s_tsc_per_ms);
}

i64 realtime_ns() { return s_epoch_at_boot_ns + static_cast<i64>(monotonic_ns()); }

void timer_arm(u64 deadline_ns) { s_armed = deadline_ns; }

// Any interrupt ends the wait: the scheduler then fires timers and runs host work (driver
// interrupts, hal_interrupts.cpp).
void idle(u64) { arch::wait_for_interrupt(); }

} // namespace hal

void arch::on_timer_tick()
{
    s_ticks = s_ticks + 1;
    if (s_armed && hal::monotonic_ns() >= s_armed) {
        s_armed = 0;
        kernel::on_timer();
    }
    // Program code is preemptible: let the scheduler switch if the slice is over. The
    // interrupt stub restores this context's registers whenever it runs again.
    if (!baremetal::g_in_kernel) {
        baremetal::g_in_kernel = true;
        kernel::preempt_from_interrupt();
        baremetal::g_in_kernel = false;
    }
}
