#include "log_ring.h"

namespace drivers {

void LogRing::append_line(ktl::StringView line)
{
    if (m_lines.size() < CAPACITY) {
        m_lines.append(ktl::String(line));
        return;
    }
    m_lines[m_oldest] = line;
    m_oldest = (m_oldest + 1) % CAPACITY;
}

void LogRing::feed(ktl::StringView chunk, ktl::Vector<ktl::String>& completed)
{
    for (usize i = 0; i < chunk.length(); ++i) {
        char c = chunk[i];
        if (c != '\n')
            m_partial.append(c);
        if (c == '\n' || m_partial.length() >= MAX_LINE) {
            append_line(m_partial);
            completed.append(static_cast<ktl::String&&>(m_partial));
            m_partial = ktl::String();
        }
    }
}

void LogRing::finish(ktl::Vector<ktl::String>& completed)
{
    if (m_partial.is_empty())
        return;
    append_line(m_partial);
    completed.append(static_cast<ktl::String&&>(m_partial));
    m_partial = ktl::String();
}

ktl::String LogRing::text() const
{
    ktl::String out;
    for (usize i = 0; i < m_lines.size(); ++i) {
        out.append(m_lines[(m_oldest + i) % m_lines.size()]);
        out.append('\n');
    }
    return out;
}

} // namespace drivers
