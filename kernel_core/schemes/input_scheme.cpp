#include "input_scheme.h"

#include "../abi/redox/flags.h"
#include "../events.h"
#include "../kernel.h"
#include "../scheduler.h"

namespace kernel {

InputScheme::InputScheme() : m_ring(new redox::OrbitalEvent[capacity]) {}

InputScheme::~InputScheme() { delete[] m_ring; }

ErrorOr<usize> InputScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    TRY(check_device_open(path.is_empty(), flags, caller));
    usize handle = m_handles.insert(new Open { flags });
    m_open_handles.append(handle);
    return handle;
}

ErrorOr<usize> InputScheme::read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&)
{
    TRY(m_handles.get(handle));
    if (length < sizeof(redox::OrbitalEvent))
        return errno_error(redox::EINVAL);
    while (m_size == 0) {
        if (flags & redox::O_NONBLOCK)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&m_readable, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
    usize count = ktl::min(length / sizeof(redox::OrbitalEvent), m_size);
    auto* out = static_cast<redox::OrbitalEvent*>(buffer);
    for (usize i = 0; i < count; ++i) {
        out[i] = m_ring[m_head];
        m_head = (m_head + 1) % capacity;
    }
    m_size -= count;
    return count * sizeof(redox::OrbitalEvent);
}

void InputScheme::close(usize handle)
{
    delete m_handles.take(handle);
    for (usize i = 0; i < m_open_handles.size(); ++i) {
        if (m_open_handles[i] == handle) {
            m_open_handles.remove(i);
            break;
        }
    }
}

ErrorOr<usize> InputScheme::fpath(usize handle, char* buffer, usize length)
{
    TRY(m_handles.get(handle));
    (void)buffer;
    (void)length;
    return 0u;
}

ErrorOr<void> InputScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(m_handles.get(handle));
    st = {};
    st.st_mode = redox::MODE_CHR | 0600;
    return {};
}

ErrorOr<usize> InputScheme::fevent(usize handle, usize flags)
{
    TRY(m_handles.get(handle));
    return m_size ? (flags & redox::EVENT_READ) : 0;
}

void InputScheme::deliver(const redox::OrbitalEvent& event)
{
    if (m_size == capacity) { // nobody keeps up: forget the oldest
        m_head = (m_head + 1) % capacity;
        --m_size;
        ++m_dropped;
    }
    m_ring[(m_head + m_size) % capacity] = event;
    ++m_size;
    m_readable.wake_all();
    for (usize handle : m_open_handles)
        notify_event(*this, handle, redox::EVENT_READ);
}

void deliver_input(const redox::OrbitalEvent& event) { the_kernel().input().deliver(event); }

} // namespace kernel
