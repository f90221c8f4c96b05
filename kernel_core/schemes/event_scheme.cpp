#include "event_scheme.h"

#include "../abi/redox/flags.h"
#include "../context.h"
#include "../file_table.h"
#include "../hal/clock.h"
#include "../kernel.h"
#include "../scheduler.h"

namespace kernel {

void notify_event(Scheme& scheme, usize handle, usize flags) { event_scheme().notify(scheme, handle, flags); }
void forget_event_watches(Scheme& scheme, usize handle) { event_scheme().forget(scheme, handle); }

void EventScheme::forget(Scheme& scheme, usize handle)
{
    for (Watch* watch = m_watches.first(); watch;) {
        Watch* next = m_watches.next_of(*watch);
        if (watch->scheme == &scheme && watch->handle == handle) {
            decltype(m_watches)::remove(*watch);
            delete watch;
        }
        watch = next;
    }
}

ErrorOr<usize> EventScheme::open(StringView path, unsigned long, const Caller&)
{
    if (!path.is_empty())
        return errno_error(redox::ENOENT);
    auto* q = new Queue;
    q->handle = m_queues.insert(q);
    return q->handle;
}

void EventScheme::push(Queue& q, u64 id, u64 flags, u64 data)
{
    if (!flags)
        return;
    for (redox::Event& event : q.ready) {
        if (event.id == id && event.data == data) {
            event.flags |= flags;
            return;
        }
    }
    q.ready.append({ id, flags, data });
    q.readers.wake_all();
    notify(*this, q.handle, redox::EVENT_READ);
}

void EventScheme::notify(Scheme& scheme, usize handle, usize flags)
{
    for (Watch* watch = m_watches.first(); watch;) {
        Watch* next = m_watches.next_of(*watch);
        if (watch->scheme == &scheme && watch->handle == handle)
            push(*watch->queue, watch->id, watch->flags & flags, watch->data);
        watch = next;
    }
}

ErrorOr<usize> EventScheme::write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Queue* q = TRY(m_queues.get(handle));
    if (length % sizeof(redox::Event))
        return errno_error(redox::EINVAL);
    auto* events = static_cast<const redox::Event*>(buffer);
    for (usize i = 0; i < length / sizeof(redox::Event); ++i) {
        redox::Event event = events[i];
        event.flags &= redox::EVENT_READ | redox::EVENT_WRITE; // unknown bits are dropped
        if (event.id == redox::EVENT_TIMEOUT_ID) {
            for (usize t = 0; t < q->timeouts.size();) {
                if (!q->timeouts[t]->timer.is_armed()) {
                    delete q->timeouts[t];
                    q->timeouts.remove(t);
                } else {
                    ++t;
                }
            }
            auto* timeout = new TimeoutTimer { {}, q, event.data };
            timeout->timer.owner = timeout;
            timeout->timer.callback = [](Timer& timer) {
                auto* t = static_cast<TimeoutTimer*>(timer.owner);
                event_scheme().push(*t->queue, redox::EVENT_TIMEOUT_ID, redox::EVENT_READ, t->data);
            };
            q->timeouts.append(timeout);
            // Saturate: a timeout too long to represent never fires.
            u64 delay = event.data > ~0ull / 2'000'000 ? ~0ull / 2 : event.data * 1'000'000ull;
            the_kernel().scheduler().arm(timeout->timer, hal::monotonic_ns() + delay);
            continue;
        }
        auto description = TRY(current().files->get(event.id));
        if (description->scheme.ptr() == this && description->handle == handle)
            return errno_error(redox::EINVAL); // a queue can not watch itself
        // Replace any earlier watch of this fd by this queue.
        for (Watch* watch = m_watches.first(); watch;) {
            Watch* next = m_watches.next_of(*watch);
            if (watch->queue == q && watch->id == event.id) {
                decltype(m_watches)::remove(*watch);
                delete watch;
            }
            watch = next;
        }
        if (!event.flags)
            continue;
        usize ready = TRY(description->scheme->fevent(description->handle, event.flags));
        auto* watch
            = new Watch { {}, q, description->scheme.ptr(), description->handle, event.id, event.flags, event.data };
        m_watches.append(*watch);
        push(*q, event.id, ready & event.flags, event.data);
    }
    return length;
}

ErrorOr<usize> EventScheme::read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&)
{
    Queue* q = TRY(m_queues.get(handle));
    usize capacity = length / sizeof(redox::Event);
    if (capacity == 0)
        return errno_error(redox::EINVAL);
    while (q->ready.is_empty()) {
        if (flags & redox::O_NONBLOCK)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&q->readers, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
        q = TRY(m_queues.get(handle));
    }
    usize n = ktl::min(capacity, q->ready.size());
    ktl::copy_bytes(buffer, q->ready.data(), n * sizeof(redox::Event));
    for (usize i = 0; i < n; ++i)
        q->ready.remove(0);
    return n * sizeof(redox::Event);
}

void EventScheme::close(usize handle)
{
    Queue* q = m_queues.take(handle);
    if (!q)
        return;
    for (Watch* watch = m_watches.first(); watch;) {
        Watch* next = m_watches.next_of(*watch);
        if (watch->queue == q || (watch->scheme == this && watch->handle == handle)) {
            decltype(m_watches)::remove(*watch);
            delete watch;
        }
        watch = next;
    }
    for (TimeoutTimer* timeout : q->timeouts) {
        the_kernel().scheduler().cancel(timeout->timer);
        delete timeout;
    }
    delete q;
}

ErrorOr<void> EventScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(m_queues.get(handle));
    st = {};
    st.st_mode = redox::MODE_CHR | 0600;
    return {};
}

ErrorOr<usize> EventScheme::fevent(usize handle, usize flags)
{
    Queue* q = TRY(m_queues.get(handle));
    return (q->ready.is_empty() ? 0 : redox::EVENT_READ) & flags;
}

} // namespace kernel
