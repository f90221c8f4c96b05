#include "klog.h"

#include "kernel.h"
#include "ktl/format.h"

namespace kernel {

void KernelLog::append(hal::LogLevel level, const char* subsystem, const char* message)
{
    hal::log(level, subsystem, message);
    if (level == hal::LogLevel::Trace)
        return;
    m_ring.append("[");
    m_ring.append(subsystem);
    m_ring.append("] ");
    m_ring.append(message);
    m_ring.append('\n');
    if (m_ring.length() > capacity) {
        // Drop the oldest half, at a line boundary.
        ktl::StringView text = m_ring.view();
        isize cut = text.find('\n', capacity / 2);
        m_ring = text.substring(cut < 0 ? capacity / 2 : static_cast<usize>(cut) + 1);
    }
}

ktl::String KernelLog::text() const { return m_ring; }

void klog(hal::LogLevel level, const char* subsystem, const char* fmt, ...)
{
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    ktl::vformat_buffer(buffer, sizeof buffer, fmt, args);
    va_end(args);
    the_kernel().log().append(level, subsystem, buffer);
}

} // namespace kernel
