#include "event_queue.h"

namespace orbital {

bool EventQueue::is_position_report(i64 code)
{
    return code == ORB_EVENT_MOUSE || code == ORB_EVENT_MOUSE_RELATIVE || code == ORB_EVENT_MOVE
        || code == ORB_EVENT_RESIZE || code == ORB_EVENT_HOVER;
}

void EventQueue::push(const Event& event)
{
    if (is_position_report(event.code) && event.code != ORB_EVENT_MOUSE_RELATIVE && !m_events.is_empty()
        && m_events.last().code == event.code) {
        m_events.last() = event; // only the newest position matters
        return;
    }
    if (m_events.size() == CAPACITY) {
        usize victim = 0;
        for (usize i = 0; i < m_events.size(); ++i) {
            if (is_position_report(m_events[i].code)) {
                victim = i;
                break;
            }
        }
        m_events.remove(victim);
        ++m_dropped;
    }
    m_events.append(event);
}

usize EventQueue::take(void* out, usize max)
{
    usize n = ktl::min(max, m_events.size());
    ktl::copy_bytes(out, m_events.data(), n * sizeof(Event));
    usize rest = m_events.size() - n;
    for (usize i = 0; i < rest; ++i)
        m_events[i] = m_events[n + i];
    m_events.resize(rest);
    return n;
}

} // namespace orbital
