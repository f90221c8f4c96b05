#pragma once
// Wait queues and timers: the two ways a context stops running until something happens.
#include "ktl/list.h"

namespace kernel {

struct Context;

// Contexts blocked until an event (data in a pipe, a child's exit...). Waking moves them
// back to the run queue; the waker does not switch.
class WaitQueue {
public:
    WaitQueue() = default;
    WaitQueue(const WaitQueue&) = delete;
    WaitQueue& operator=(const WaitQueue&) = delete;
    ~WaitQueue();

    bool is_empty() const;
    void wake_one();
    void wake_all();

    // Lives on the blocked context's stack, so blocking never allocates.
    struct Waiter {
        ktl::ListNode node;
        Context* context;
    };

    using List = ktl::IntrusiveList<Waiter, &Waiter::node>;

private:
    friend class Scheduler;
    List m_waiters;
};

// A one-shot kernel timer. The callback runs in the scheduler (never inside the HAL) and
// must not block.
struct Timer {
    ktl::ListNode node;
    u64 deadline { 0 };
    void (*callback)(Timer&) { nullptr };
    void* owner { nullptr };
    bool is_armed() const { return node.is_linked(); }
};

} // namespace kernel
