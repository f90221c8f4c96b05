#pragma once
// The last lines a driver wrote to its stdout/stderr pipe. Bytes arrive in arbitrary
// chunks; a line is complete at its newline, or when it grows past MAX_LINE (a driver
// printing without newlines must not grow driverd's memory).
#include "ktl/string.h"
#include "ktl/vector.h"

namespace drivers {

class LogRing {
public:
    static constexpr usize CAPACITY = 200;
    static constexpr usize MAX_LINE = 1024;

    // Appends a chunk; each line it completes is also appended to `completed`.
    void feed(ktl::StringView chunk, ktl::Vector<ktl::String>& completed);
    // The writer is gone: an unfinished last line counts as a line.
    void finish(ktl::Vector<ktl::String>& completed);
    void append_line(ktl::StringView line);
    // The retained lines, oldest first, each ending in a newline.
    ktl::String text() const;
    usize size() const { return m_lines.size(); }

private:
    ktl::Vector<ktl::String> m_lines; // a ring once full: m_oldest is the first line
    usize m_oldest { 0 };
    ktl::String m_partial;
};

} // namespace drivers
