#pragma once
// A window's pending events, bounded so that a client that never reads costs a fixed amount
// of memory. Position reports (mouse moves, window moves and resizes, hover) are
// superseded by newer ones: a new one replaces an equal-kind one at the tail, and when the
// queue is full the oldest such report is dropped first. Only when the queue is full of
// keys and clicks is the oldest event of any kind dropped.
#include "../../kernel_core/ktl/vector.h"
#include "event.h"

namespace orbital {

class EventQueue {
public:
    static constexpr usize CAPACITY = 256;

    bool is_empty() const { return m_events.is_empty(); }
    usize size() const { return m_events.size(); }
    u64 dropped() const { return m_dropped; }

    void push(const Event& event);
    // Moves up to `max` events into `out` (any alignment); returns how many.
    usize take(void* out, usize max);
    void clear() { m_events.clear(); }

private:
    static bool is_position_report(i64 code);

    ktl::Vector<Event> m_events;
    u64 m_dropped { 0 };
};

} // namespace orbital
