#include "debug_scheme.h"

#include "../abi/redox/flags.h"
#include "../context.h"
#include "../events.h"
#include "../hal/console.h"
#include "../kernel.h"
#include "../klog.h"
#include "../scheduler.h"
#include "../signals.h"

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
    if (handle == RawMode) {
        StringView state = raw_active() ? StringView("1\n") : StringView("0\n");
        usize n = ktl::min(length, state.length());
        ktl::copy_bytes(buffer, state.chars(), n);
        return n;
    }
    for (;;) {
        bool raw = raw_active();
        if (!m_ready.is_empty()) {
            // One line per read, like a terminal in canonical mode: a shell reading its next
            // command must not swallow the lines typed ahead for the program it starts.
            // In raw mode (lines typed before it began) whatever is there goes.
            isize newline = m_ready.view().find('\n');
            usize line = raw || newline < 0 ? m_ready.length() : static_cast<usize>(newline) + 1;
            usize n = ktl::min(length, line);
            ktl::copy_bytes(buffer, m_ready.c_str(), n);
            m_ready = m_ready.view().substring(n);
            return n;
        }
        if (raw && !m_raw.is_empty()) {
            usize n = ktl::min(length, m_raw.length());
            ktl::copy_bytes(buffer, m_raw.c_str(), n);
            m_raw = m_raw.view().substring(n);
            return n;
        }
        if (m_eof_marks) {
            --m_eof_marks;
            return 0u;
        }
        if (m_input_ended)
            return 0u;
        if (flags & redox::O_NONBLOCK)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&m_readers, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
}

ErrorOr<usize> DebugScheme::write(
    usize handle, const void* buffer, usize length, u64, unsigned long, const Caller& caller)
{
    if (handle == RawMode) {
        StringView text(static_cast<const char*>(buffer), length);
        while (!text.is_empty() && (text[text.length() - 1] == '\n' || text[text.length() - 1] == ' '))
            text = text.substring(0, text.length() - 1);
        if (text != "0" && text != "1")
            return errno_error(redox::EINVAL);
        if (!hal::console_is_interactive())
            return length; // piped input has no modes: it is passed through as it comes
        if (text == "0") {
            if (m_raw_pid)
                leave_raw();
        } else {
            Context* owner = the_kernel().contexts().find(caller.pid);
            if (!owner)
                return errno_error(redox::ESRCH);
            enter_raw(caller.pid, owner->start_ns);
        }
        return length;
    }
    if (handle == ForegroundGroup) {
        u64 pgid;
        StringView text(static_cast<const char*>(buffer), length);
        while (!text.is_empty() && (text[text.length() - 1] == '\n' || text[text.length() - 1] == ' '))
            text = text.substring(0, text.length() - 1);
        if (!ktl::parse_u64(text, pgid) || pgid == 0 || pgid > 0xffffffffu)
            return errno_error(redox::EINVAL);
        (void)caller;
        m_foreground_pgid = static_cast<u32>(pgid);
        return length;
    }
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
    bool raw = raw_active();
    if (!m_ready.is_empty() || (raw && !m_raw.is_empty()) || m_eof_marks || m_input_ended)
        ready |= redox::EVENT_READ;
    return ready & flags;
}

void DebugScheme::echo(StringView text)
{
    if (hal::console_is_interactive())
        hal::console_write(hal::ConsoleStream::Output, text.chars(), text.length());
}

bool DebugScheme::raw_active()
{
    if (!m_raw_pid)
        return false;
    Context* owner = the_kernel().contexts().find(m_raw_pid);
    if (owner && owner->state != ContextState::Zombie && owner->start_ns == m_raw_start_ns)
        return true;
    KLOG_DEBUG("console", "raw mode owner %u is gone: back to cooked", m_raw_pid);
    leave_raw();
    return false;
}

void DebugScheme::enter_raw(u32 pid, u64 start_ns)
{
    if (!m_raw_pid) {
        // A half-typed line goes to the raw reader as it is (it was echoed already).
        m_ready.append(m_line.view());
        m_line.clear();
        m_escape = 0;
    }
    m_raw_pid = pid;
    m_raw_start_ns = start_ns;
    if (has_input())
        m_readers.wake_all();
}

void DebugScheme::leave_raw()
{
    m_raw_pid = 0;
    m_raw_start_ns = 0;
    // Bytes typed ahead in raw mode and not read are input for whoever reads next (the
    // program the shell starts): they go through the line discipline now, echo included.
    ktl::String pending = std::move(m_raw);
    m_raw.clear();
    for (usize i = 0; i < pending.length(); ++i)
        take_cooked_input(pending[i]);
    if (has_input()) {
        m_readers.wake_all();
        notify_event(*this, Output, redox::EVENT_READ);
    }
}

void DebugScheme::take_input(char c)
{
    if (raw_active()) {
        m_raw.append(c);
        return;
    }
    take_cooked_input(c);
}

void DebugScheme::take_cooked_input(char c)
{
    bool interactive = hal::console_is_interactive();
    if (!interactive) {
        // Piped input passes through untouched, line by line.
        m_line.append(c);
        if (c == '\n') {
            m_ready.append(m_line.view());
            m_line.clear();
        }
        return;
    }
    if (m_escape) {
        // Escape sequences (arrow keys...) are not edited: drop them whole.
        if (m_escape == 1 && (c == '[' || c == 'O'))
            m_escape = 2;
        else if (m_escape == 1 || (c >= 0x40 && c <= 0x7e))
            m_escape = 0;
        return;
    }
    switch (c) {
    case 3: // Ctrl-C
        m_line.clear();
        echo("^C\n");
        KLOG_DEBUG("console", "Ctrl-C: SIGINT to process group %u", m_foreground_pgid);
        if (m_foreground_pgid)
            signal_process_group(m_foreground_pgid, redox::SIGINT);
        return;
    case 4: // Ctrl-D: end of file for one read, or send the partial line
        if (m_line.is_empty()) {
            ++m_eof_marks;
        } else {
            m_ready.append(m_line.view());
            m_line.clear();
        }
        return;
    case 8:
    case 127: // Backspace
        if (!m_line.is_empty()) {
            m_line.truncate(m_line.length() - 1);
            echo("\b \b");
        }
        return;
    case 21: // Ctrl-U: erase the line
        while (!m_line.is_empty()) {
            m_line.truncate(m_line.length() - 1);
            echo("\b \b");
        }
        return;
    case 23: // Ctrl-W: erase a word
        while (!m_line.is_empty() && m_line[m_line.length() - 1] == ' ') {
            m_line.truncate(m_line.length() - 1);
            echo("\b \b");
        }
        while (!m_line.is_empty() && m_line[m_line.length() - 1] != ' ') {
            m_line.truncate(m_line.length() - 1);
            echo("\b \b");
        }
        return;
    case '\r':
    case '\n':
        m_line.append('\n');
        m_ready.append(m_line.view());
        m_line.clear();
        echo("\n");
        return;
    case 27:
        m_escape = 1;
        return;
    default:
        if (static_cast<unsigned char>(c) < 32 && c != '\t')
            return;
        m_line.append(c);
        echo(StringView(&c, 1));
    }
}

void DebugScheme::poll_input()
{
    if (m_raw_pid)
        (void)raw_active(); // its owner may have died: cooked again, and readers woken
    if (m_input_ended)
        return;
    char buffer[256];
    isize n = hal::console_poll_input(buffer, sizeof buffer);
    if (n == 0)
        return;
    if (n < 0) {
        if (!m_line.is_empty()) {
            m_ready.append(m_line.view());
            m_line.clear();
        }
        m_input_ended = true;
    } else {
        for (isize i = 0; i < n; ++i)
            take_input(buffer[i]);
    }
    if (has_input()) {
        m_readers.wake_all();
        notify_event(*this, Output, redox::EVENT_READ);
    }
}

} // namespace kernel
