#pragma once
// `event`: Redox event queues. Each open is a queue. Writing an Event {id = fd, flags, data}
// watches that fd of the writer (flags 0 stops watching; if it is ready now the event fires
// at once); writing {id = EVENT_TIMEOUT_ID, data = milliseconds} arms a one-shot timeout.
// Reading returns ready Events (24 bytes each), blocking or EAGAIN with O_NONBLOCK.
// Queues nest: a queue's fd can be watched by another queue (not by itself).
#include "../handle_table.h"
#include "../ktl/list.h"
#include "../ktl/vector.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

class EventScheme final : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(
        usize handle, const void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;
    ErrorOr<usize> fpath(usize, char*, usize) override { return 0u; }

    void notify(Scheme& scheme, usize handle, usize flags);
    void forget(Scheme& scheme, usize handle);

private:
    struct Queue;
    struct Watch {
        ktl::ListNode node;
        Queue* queue;
        Scheme* scheme;
        usize handle;
        u64 id;
        u64 flags;
        u64 data;
    };
    struct TimeoutTimer {
        Timer timer;
        Queue* queue;
        u64 data;
    };
    struct Queue {
        usize handle;
        ktl::Vector<redox::Event> ready;
        WaitQueue readers;
        ktl::Vector<TimeoutTimer*> timeouts;
    };
    void push(Queue& queue, u64 id, u64 flags, u64 data);

    HandleTable<Queue> m_queues;
    ktl::IntrusiveList<Watch, &Watch::node> m_watches;
};

EventScheme& event_scheme();

} // namespace kernel
