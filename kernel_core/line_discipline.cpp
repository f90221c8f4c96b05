#include "line_discipline.h"

#include "abi/redox/flags.h"
#include "context.h"
#include "kernel.h"
#include "klog.h"
#include "scheduler.h"
#include "signals.h"

namespace kernel {

namespace {

    StringView trim_newline(StringView text)
    {
        while (!text.is_empty() && (text[text.length() - 1] == '\n' || text[text.length() - 1] == ' '))
            text = text.substring(0, text.length() - 1);
        return text;
    }

} // namespace

ErrorOr<usize> LineDiscipline::read(void* buffer, usize length, unsigned long flags)
{
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

bool LineDiscipline::readable()
{
    bool raw = raw_active();
    return !m_ready.is_empty() || (raw && !m_raw.is_empty()) || m_eof_marks || m_input_ended;
}

ErrorOr<usize> LineDiscipline::read_mode(void* buffer, usize length)
{
    StringView state = raw_active() ? StringView("1\n") : StringView("0\n");
    usize n = ktl::min(length, state.length());
    ktl::copy_bytes(buffer, state.chars(), n);
    return n;
}

ErrorOr<usize> LineDiscipline::write_mode(StringView text, const Caller& caller)
{
    usize length = text.length();
    text = trim_newline(text);
    if (text != "0" && text != "1")
        return errno_error(redox::EINVAL);
    if (!m_terminal.interactive())
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

ErrorOr<usize> LineDiscipline::write_foreground(StringView text)
{
    usize length = text.length();
    u64 pgid;
    if (!ktl::parse_u64(trim_newline(text), pgid) || pgid == 0 || pgid > 0xffffffffu)
        return errno_error(redox::EINVAL);
    m_foreground_pgid = static_cast<u32>(pgid);
    return length;
}

void LineDiscipline::check_raw_owner()
{
    if (m_raw_pid)
        (void)raw_active(); // its owner may have died: cooked again, and readers woken
}

bool LineDiscipline::raw_active()
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

void LineDiscipline::enter_raw(u32 pid, u64 start_ns)
{
    if (!m_raw_pid) {
        // A half-typed line goes to the raw reader as it is (it was echoed already).
        m_ready.append(m_line.view());
        m_line.clear();
        m_escape = 0;
    }
    m_raw_pid = pid;
    m_raw_start_ns = start_ns;
    wake_readers();
}

void LineDiscipline::leave_raw()
{
    m_raw_pid = 0;
    m_raw_start_ns = 0;
    // Bytes typed ahead in raw mode and not read are input for whoever reads next (the
    // program the shell starts): they go through the line discipline now, echo included.
    ktl::String pending = static_cast<ktl::String&&>(m_raw);
    m_raw.clear();
    for (usize i = 0; i < pending.length(); ++i)
        take_cooked_input(pending[i]);
    wake_readers();
}

void LineDiscipline::wake_readers()
{
    if (!has_input())
        return;
    m_readers.wake_all();
    m_terminal.input_ready();
}

void LineDiscipline::end_input()
{
    if (!m_line.is_empty()) {
        m_ready.append(m_line.view());
        m_line.clear();
    }
    m_input_ended = true;
}

void LineDiscipline::take_input(char c)
{
    if (raw_active()) {
        m_raw.append(c);
        return;
    }
    take_cooked_input(c);
}

void LineDiscipline::take_cooked_input(char c)
{
    if (!m_terminal.interactive()) {
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
        m_terminal.echo("^C\n");
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
            m_terminal.echo("\b \b");
        }
        return;
    case 21: // Ctrl-U: erase the line
        while (!m_line.is_empty()) {
            m_line.truncate(m_line.length() - 1);
            m_terminal.echo("\b \b");
        }
        return;
    case 23: // Ctrl-W: erase a word
        while (!m_line.is_empty() && m_line[m_line.length() - 1] == ' ') {
            m_line.truncate(m_line.length() - 1);
            m_terminal.echo("\b \b");
        }
        while (!m_line.is_empty() && m_line[m_line.length() - 1] != ' ') {
            m_line.truncate(m_line.length() - 1);
            m_terminal.echo("\b \b");
        }
        return;
    case '\r':
    case '\n':
        m_line.append('\n');
        m_ready.append(m_line.view());
        m_line.clear();
        m_terminal.echo("\n");
        return;
    case 27:
        m_escape = 1;
        return;
    default:
        if (static_cast<unsigned char>(c) < 32 && c != '\t')
            return;
        m_line.append(c);
        m_terminal.echo(StringView(&c, 1));
    }
}

} // namespace kernel
