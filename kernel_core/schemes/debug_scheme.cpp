#include "debug_scheme.h"

#include "../abi/redox/flags.h"
#include "../events.h"
#include "../hal/console.h"

namespace kernel {

ErrorOr<usize> DebugScheme::open(StringView path, unsigned long, const Caller&)
{
    if (path.is_empty())
        return static_cast<usize>(Output);
    if (path == "stderr")
        return static_cast<usize>(ErrorOutput);
    return errno_error(redox::ENOENT);
}

ErrorOr<usize> DebugScheme::read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&)
{
    if (handle == ForegroundGroup)
        return errno_error(redox::EBADF);
    if (handle == RawMode)
        return m_discipline.read_mode(buffer, length);
    return m_discipline.read(buffer, length, flags);
}

ErrorOr<usize> DebugScheme::write(
    usize handle, const void* buffer, usize length, u64, unsigned long, const Caller& caller)
{
    StringView text(static_cast<const char*>(buffer), length);
    if (handle == RawMode)
        return m_discipline.write_mode(text, caller);
    if (handle == ForegroundGroup)
        return m_discipline.write_foreground(text);
    hal::console_write(handle == ErrorOutput ? hal::ConsoleStream::Error : hal::ConsoleStream::Output,
        static_cast<const char*>(buffer), length);
    return length;
}

ErrorOr<usize> DebugScheme::dup(usize handle, StringView what, const Caller&)
{
    if (what.is_empty())
        return handle;
    if (what == "pgrp")
        return static_cast<usize>(ForegroundGroup);
    if (what == "raw")
        return static_cast<usize>(RawMode);
    return errno_error(redox::EINVAL);
}

ErrorOr<usize> DebugScheme::fpath(usize handle, char* buffer, usize length)
{
    StringView path = handle == ErrorOutput ? StringView("stderr")
        : handle == ForegroundGroup         ? StringView("pgrp")
        : handle == RawMode                 ? StringView("raw")
                                            : StringView("");
    usize n = ktl::min(length, path.length());
    ktl::copy_bytes(buffer, path.chars(), n);
    return n;
}

ErrorOr<void> DebugScheme::fstat(usize, redox::Stat& st)
{
    st = {};
    st.st_mode = redox::MODE_CHR | 0620;
    return {};
}

ErrorOr<usize> DebugScheme::fevent(usize, usize flags)
{
    usize ready = redox::EVENT_WRITE;
    if (m_discipline.readable())
        ready |= redox::EVENT_READ;
    return ready & flags;
}

void DebugScheme::echo(StringView text)
{
    if (hal::console_is_interactive())
        hal::console_write(hal::ConsoleStream::Output, text.chars(), text.length());
}

bool DebugScheme::interactive() const { return hal::console_is_interactive(); }

void DebugScheme::input_ready() { notify_event(*this, Output, redox::EVENT_READ); }

void DebugScheme::poll_input()
{
    m_discipline.check_raw_owner();
    if (m_discipline.input_ended())
        return;
    char buffer[256];
    isize n = hal::console_poll_input(buffer, sizeof buffer);
    if (n == 0)
        return;
    if (n < 0) {
        m_discipline.end_input();
    } else {
        for (isize i = 0; i < n; ++i)
            m_discipline.take_input(buffer[i]);
    }
    m_discipline.wake_readers();
}

} // namespace kernel
