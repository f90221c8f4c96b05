// hal/clock.h for the simulator: host clocks, or a virtual clock for deterministic runs.
// The one-shot timer is noticed whenever the core reads the clock (it does so at least
// every 64 syscalls and in the scheduler) and in idle(): no signals, no host threads.
#include "../../kernel_core/hal/clock.h"

#include "../../kernel_core/hal/console.h"
#include "../../kernel_core/hal/host.h"
#include "host_work.h"
#include "sim_state.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace {

std::uint64_t s_armed_deadline = 0;
std::uint64_t s_virtual_now = 1'000'000'000; // virtual monotonic time starts at 1 s
constexpr std::int64_t virtual_epoch_ns = 1'735'689'600'000'000'000; // 2025-01-01T00:00:00Z
// Each clock read in virtual mode moves time on a little, so busy loops still see time pass.
constexpr std::uint64_t virtual_tick_ns = 1000;

std::uint64_t host_monotonic()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

void check_timer(std::uint64_t now)
{
    if (s_armed_deadline && now >= s_armed_deadline) {
        s_armed_deadline = 0;
        kernel::on_timer();
    }
}

} // namespace

namespace hal {

u64 monotonic_ns()
{
    std::uint64_t now;
    if (sim::hal_settings().virtual_clock) {
        s_virtual_now += virtual_tick_ns;
        now = s_virtual_now;
    } else {
        now = host_monotonic();
    }
    check_timer(now);
    return now;
}

i64 realtime_ns()
{
    if (sim::hal_settings().virtual_clock)
        return virtual_epoch_ns + static_cast<std::int64_t>(s_virtual_now);
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000ll + ts.tv_nsec;
}

void timer_arm(u64 deadline_ns) { s_armed_deadline = deadline_ns; }

// With --seed, how long idle waits (in real time) for host work before virtual time jumps.
constexpr int VIRTUAL_HOST_WAIT_MS = 20;

void idle(u64 deadline_ns)
{
    if (sim::hal_settings().virtual_clock && deadline_ns) {
        // A host thread may be about to post work (a driver's Linux process answering): its
        // latency is not virtual time, so give it a moment before time jumps.
        if (sim::host_work_fd() >= 0 && host_work_possible()) {
            timespec wait { 0, VIRTUAL_HOST_WAIT_MS * 1'000'000l };
            sim::host_work_wait(&wait);
        }
        if (sim::host_work_pending())
            return;
        // Nothing runs until the next timer: jump there.
        if (deadline_ns > s_virtual_now)
            s_virtual_now = deadline_ns;
        check_timer(s_virtual_now);
        return;
    }
    // Host work comes in bursts (a `tar x` through the FUSE bridge is thousands of requests
    // in a row): right after some ran, wait a few microseconds on the CPU for the next one
    // instead of paying a sleep and a wake-up for each. Only while work comes that fast: the
    // 1 MiB writes of a big copy come 0.5 ms apart, and a spin then only takes a CPU from the
    // writer. An idle system never spins.
    constexpr std::int64_t BURST_NS = 2'000'000, SPIN_NS = 50'000;
    std::int64_t since_work = static_cast<std::int64_t>(host_monotonic()) - sim::host_work_last_ns();
    if (sim::host_work_fd() >= 0 && since_work >= 0 && since_work < BURST_NS && sim::host_work_gap_ns() < 2 * SPIN_NS) {
        std::uint64_t until = host_monotonic() + SPIN_NS;
        if (deadline_ns && deadline_ns < until)
            until = deadline_ns;
        constexpr std::uint64_t SOURCE_PROBE_NS = 5'000; // a poll of the source fd: a system call
        std::uint64_t next_probe = 0;
        for (std::uint64_t now = host_monotonic(); now < until; now = host_monotonic()) {
            if (sim::host_work_pending())
                return;
            if (now >= next_probe) {
                if (sim::host_source_poll())
                    return;
                next_probe = now + SOURCE_PROBE_NS;
            }
        }
    }
    // Sleep until the deadline, console input, or work from a host thread (host_work.h).
    timespec timeout {};
    timespec* timeout_pointer = nullptr;
    if (deadline_ns) {
        std::uint64_t now = host_monotonic();
        std::uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
        timeout.tv_sec = static_cast<time_t>(wait / 1'000'000'000ull);
        timeout.tv_nsec = static_cast<long>(wait % 1'000'000'000ull);
        timeout_pointer = &timeout;
    }
    char probe;
    sim::host_work_wait(timeout_pointer, console_poll_input(&probe, 0) >= 0 ? STDIN_FILENO : -1);
    monotonic_ns();
}

} // namespace hal
