#pragma once
// The scheduler: a round-robin run queue with time slices, wait queues, timers and idle.
//
// Algorithm: runnable contexts wait in FIFO order; the running context keeps the CPU until
// it blocks, yields, or its time slice (BootConfig::time_slice_ns) expires. Expiry is noticed
// at preemption points: every syscall entry in the simulator, the timer interrupt on
// hardware. Waking a context appends it to the run queue, so every runnable context runs
// within (runnable - 1) slices: the scheduler is fair between runnable contexts.
// Each time it schedules, the scheduler fires due timers, feeds console input to the debug
// scheme and runs host work (hal/host.h: requests from host bridges); when nothing is
// runnable it asks the HAL to idle until the next timer, console input or host work.
#include "context.h"

namespace kernel {

class Scheduler {
public:
    explicit Scheduler(u64 time_slice_ns);

    Context& current() { return *m_current; }
    bool has_current() const { return m_current != nullptr; }

    // Puts a new or woken context on the run queue.
    void make_runnable(Context& context);
    // Wakes a blocked context with a result for its block() call (no-op if it is not blocked).
    void wake(Context& context, int result);

    // Blocks the current context on `queue` (may be null) until woken, until `deadline_ns`
    // (0 = none) passes (returns -ETIMEDOUT), or, when interruptible, until a signal
    // arrives (returns -EINTR). Returns 0 when woken normally.
    int block(WaitQueue* queue, u64 deadline_ns, bool interruptible);

    void yield();
    // Called at every syscall entry: switches when the time slice ran out.
    void preemption_point()
    {
        if (m_need_reschedule) [[unlikely]]
            yield();
    }
    // The running context has finished: switch away for good. Its HAL context is freed by
    // whoever runs next.
    [[noreturn]] void exit_current();
    // Replaces the running context's stack with a fresh one starting at entry (exec).
    [[noreturn]] void restart_current(hal::ContextEntry entry, void* argument);

    void arm(Timer& timer, u64 deadline_ns);
    void cancel(Timer& timer);

    // Runs contexts on the boot stack until request_stop(); returns the stop status.
    int run_until_stopped();
    void request_stop(int status);

    // From the HAL timer: marks the slice expired and timers due.
    void on_timer();

    // Called first thing on a freshly started context.
    void finish_switch();
    u64 context_switches() const { return m_switches; }
    bool is_stopped() const { return m_stopped; }

private:
    void schedule();
    void switch_to(Context& next);
    void fire_due_timers(u64 now);
    void rearm_hal_timer();

    Context* m_current { nullptr };
    hal::Context* m_boot { nullptr };
    hal::Context* m_pending_destroy { nullptr };
    ktl::IntrusiveList<Context, &Context::run_node> m_run_queue;
    ktl::IntrusiveList<Timer, &Timer::node> m_timers; // sorted by deadline
    u64 m_time_slice_ns;
    u64 m_slice_end { 0 };
    u64 m_switched_in_at { 0 };
    u64 m_switches { 0 };
    volatile bool m_need_reschedule { false };
    volatile bool m_timer_fired { false };
    bool m_stop_requested { false };
    bool m_stopped { false };
    bool m_on_boot_stack { true };
    int m_stop_status { 0 };
};

} // namespace kernel
