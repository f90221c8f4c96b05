#include "scheduler.h"

#include "abi/redox/errno.h"
#include "hal/clock.h"
#include "hal/host.h"
#include "hal/platform.h"
#include "kernel.h"
#include "klog.h"
#include "schemes/debug_scheme.h"
#include "signals.h"

namespace kernel {

// A queue only goes away when nobody can be waiting on it (blocked callers hold references
// to what owns it), or at kernel teardown, when the waiters' stacks are already gone.
WaitQueue::~WaitQueue() = default;

bool WaitQueue::is_empty() const { return m_waiters.is_empty(); }

void WaitQueue::wake_one()
{
    if (the_kernel().scheduler().is_stopped())
        return m_waiters.forget_all(); // teardown: the waiters' stacks are gone
    if (Waiter* waiter = m_waiters.first())
        the_kernel().scheduler().wake(*waiter->context, 0);
}

void WaitQueue::wake_all()
{
    if (the_kernel().scheduler().is_stopped())
        return m_waiters.forget_all();
    while (Waiter* waiter = m_waiters.first())
        the_kernel().scheduler().wake(*waiter->context, 0);
}

Scheduler::Scheduler(u64 time_slice_ns) : m_time_slice_ns(time_slice_ns) {}

void Scheduler::make_runnable(Context& context)
{
    // The running context is not on the queue, unless it blocked and is woken from inside
    // its own schedule() (the idle loop runs on the blocked context's stack).
    bool was_blocked = context.state == ContextState::Blocked;
    context.state = ContextState::Runnable;
    if (!context.run_node.is_linked() && (&context != m_current || was_blocked))
        m_run_queue.append(context);
}

void Scheduler::wake(Context& context, int result)
{
    if (m_stopped || context.state != ContextState::Blocked)
        return;
    context.wake_result = result;
    if (context.waiter)
        WaitQueue::List::remove(*context.waiter);
    cancel(context.wake_timer);
    make_runnable(context);
}

int Scheduler::block(WaitQueue* queue, u64 deadline_ns, bool interruptible)
{
    Context& self = *m_current;
    if (interruptible && has_deliverable_signal(self))
        return -redox::EINTR;
    WaitQueue::Waiter waiter { {}, &self };
    if (queue) {
        queue->m_waiters.append(waiter);
        self.waiter = &waiter;
    }
    if (deadline_ns) {
        self.wake_timer.owner = &self;
        self.wake_timer.callback = [](Timer& timer) {
            the_kernel().scheduler().wake(*static_cast<Context*>(timer.owner), -redox::ETIMEDOUT);
        };
        arm(self.wake_timer, deadline_ns);
    }
    self.state = ContextState::Blocked;
    self.interruptible = interruptible;
    self.wake_result = 0;
    schedule();
    if (waiter.node.is_linked())
        WaitQueue::List::remove(waiter);
    self.waiter = nullptr;
    cancel(self.wake_timer);
    return self.wake_result;
}

void Scheduler::yield()
{
    if (m_current)
        m_run_queue.append(*m_current);
    schedule();
}

void Scheduler::exit_current()
{
    Context& self = *m_current;
    m_pending_destroy = self.hal_context;
    self.hal_context = nullptr;
    schedule();
    hal::panic("scheduler: an exited context was resumed");
}

void Scheduler::restart_current(hal::ContextEntry entry, void* argument)
{
    Context& self = *m_current;
    hal::Context* fresh = hal::context_create(entry, argument);
    hal::Context* old = self.hal_context;
    self.hal_context = fresh;
    m_pending_destroy = old;
    hal::context_switch(old, fresh);
    hal::panic("scheduler: a replaced context was resumed");
}

void Scheduler::arm(Timer& timer, u64 deadline_ns)
{
    cancel(timer);
    timer.deadline = deadline_ns;
    Timer* at = m_timers.first();
    while (at && at->deadline <= deadline_ns)
        at = m_timers.next_of(*at);
    if (at)
        m_timers.insert_before(*at, timer);
    else
        m_timers.append(timer);
    rearm_hal_timer();
}

void Scheduler::cancel(Timer& timer)
{
    if (timer.is_armed())
        decltype(m_timers)::remove(timer);
}

void Scheduler::rearm_hal_timer()
{
    u64 deadline = m_slice_end;
    if (Timer* first = m_timers.first(); first && (deadline == 0 || first->deadline < deadline))
        deadline = first->deadline;
    hal::timer_arm(deadline);
}

void Scheduler::on_timer()
{
    m_timer_fired = true;
    m_need_reschedule = true;
}

void Scheduler::fire_due_timers(u64 now)
{
    while (Timer* timer = m_timers.first()) {
        if (timer->deadline > now)
            break;
        decltype(m_timers)::remove(*timer);
        timer->callback(*timer);
    }
}

void Scheduler::finish_switch()
{
    if (m_pending_destroy) {
        hal::context_destroy(m_pending_destroy);
        m_pending_destroy = nullptr;
    }
}

void Scheduler::request_stop(int status)
{
    if (m_stop_requested)
        return;
    m_stop_requested = true;
    m_stop_status = status;
    m_need_reschedule = true;
}

int Scheduler::run_until_stopped()
{
    m_boot = hal::context_boot();
    m_current = nullptr;
    schedule();
    finish_switch();
    m_current = nullptr;
    m_stopped = true; // teardown: nothing is woken or scheduled any more
    return m_stop_status;
}

void Scheduler::schedule()
{
    for (;;) {
        u64 now = hal::monotonic_ns();
        m_timer_fired = false;
        fire_due_timers(now);
        the_kernel().debug().poll_input();
        hal::run_host_work(); // may wake contexts (host bridge requests)

        if (m_stop_requested) {
            if (!m_current)
                return; // the boot stack itself: run_until_stopped returns
            hal::Context* from = m_current->hal_context;
            if (!from)
                from = m_pending_destroy; // an exiting context stops the system
            m_current = nullptr;
            hal::context_switch(from, m_boot);
            hal::panic("scheduler: resumed after stop");
        }

        if (Context* next = m_run_queue.take_first()) {
            switch_to(*next);
            return;
        }

        Timer* first = m_timers.first();
        if (!first && the_kernel().debug().input_ended() && !hal::host_work_possible()) {
            // Everything is blocked for good: no timer, no input can wake anyone.
            KLOG_WARN("sched", "deadlock: every context is blocked and nothing can wake one; stopping");
            request_stop(70);
            continue;
        }
        // Idle time is nobody's CPU time: charge the blocked context up to now, not for the wait.
        if (m_current)
            m_current->cpu_ns += now - m_switched_in_at;
        hal::idle(first ? first->deadline : 0);
        m_switched_in_at = hal::monotonic_ns();
    }
}

void Scheduler::switch_to(Context& next)
{
    Context* previous = m_current;
    u64 now = hal::monotonic_ns();
    if (previous)
        previous->cpu_ns += now - m_switched_in_at;
    m_switched_in_at = now;
    m_slice_end = now + m_time_slice_ns;
    m_need_reschedule = false;
    rearm_hal_timer();
    m_current = &next;
    hal::Context* from = previous ? previous->hal_context : m_boot;
    if (!from)
        from = m_pending_destroy; // the exiting context saves its state into its doomed stack
    if (from == next.hal_context)
        return;
    ++m_switches;
    hal::context_switch(from, next.hal_context);
    finish_switch();
}

} // namespace kernel
