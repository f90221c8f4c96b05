#include "pty_scheme.h"

#include "../abi/redox/flags.h"
#include "../events.h"
#include "../kernel.h"
#include "../ktl/format.h"
#include "../scheduler.h"
#include "../wait_queue.h"

namespace kernel {

struct PtyScheme::Pty final : LineDiscipline::Terminal {
    Pty(PtyScheme& owner, u32 n) : scheme(owner), number(n), discipline(*this) {}

    PtyScheme& scheme;
    u32 number;
    LineDiscipline discipline;
    ktl::String output; // written to the slave (and echo), not yet read by the master
    u32 masters { 0 };
    u32 slaves { 0 };
    bool slave_opened { false };
    ktl::Vector<usize> handles; // every open end, for event-queue notifications
    WaitQueue master_readers;
    WaitQueue slave_writers;

    bool hung_up() const { return slave_opened && slaves == 0; }

    // Output to the master: a terminal moves down with LF only, so LF goes as CR LF.
    void emit(StringView text)
    {
        for (usize i = 0; i < text.length(); ++i) {
            if (text[i] == '\n')
                output.append('\r');
            output.append(text[i]);
        }
        master_readers.wake_all();
        scheme.notify(*this, true, redox::EVENT_READ);
    }

    void echo(StringView text) override { emit(text); }
    bool interactive() const override { return true; }
    void input_ready() override { scheme.notify(*this, false, redox::EVENT_READ); }
};

PtyScheme::~PtyScheme()
{
    for (Pty* pty : m_ptys)
        delete pty;
}

usize PtyScheme::add_end(Pty* pty, Kind kind)
{
    usize handle = m_ends.insert(new End { pty, kind });
    pty->handles.append(handle);
    if (kind == Kind::Master)
        ++pty->masters;
    else if (kind == Kind::Slave) {
        ++pty->slaves;
        pty->slave_opened = true;
    }
    return handle;
}

void PtyScheme::notify(Pty& pty, bool master_side, usize flags)
{
    for (usize handle : pty.handles) {
        End* end = m_ends.find(handle);
        if (end && (end->kind == Kind::Master) == master_side)
            notify_event(*this, handle, flags);
    }
}

ErrorOr<usize> PtyScheme::open(StringView path, unsigned long flags, const Caller&)
{
    if (flags & redox::O_DIRECTORY)
        return errno_error(redox::ENOTDIR);
    if (path.is_empty()) {
        auto* pty = new Pty(*this, m_next_number++);
        m_ptys.append(pty);
        return add_end(pty, Kind::Master);
    }
    u64 number;
    if (!ktl::parse_u64(path, number))
        return errno_error(redox::ENOENT);
    for (Pty* pty : m_ptys) {
        if (pty->number == number && pty->masters > 0)
            return add_end(pty, Kind::Slave);
    }
    return errno_error(redox::ENOENT);
}

ErrorOr<usize> PtyScheme::read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&)
{
    End* end = TRY(m_ends.get(handle));
    Pty& pty = *end->pty;
    switch (end->kind) {
    case Kind::Slave:
        return pty.discipline.read(buffer, length, flags);
    case Kind::RawMode:
        return pty.discipline.read_mode(buffer, length);
    case Kind::ForegroundGroup:
        return errno_error(redox::EBADF);
    case Kind::Master:
        break;
    }
    while (pty.output.is_empty()) {
        if (pty.hung_up() || length == 0)
            return 0u;
        if (flags & redox::O_NONBLOCK)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&pty.master_readers, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
    usize n = ktl::min(length, pty.output.length());
    ktl::copy_bytes(buffer, pty.output.c_str(), n);
    pty.output = pty.output.view().substring(n);
    pty.slave_writers.wake_all();
    notify(pty, false, redox::EVENT_WRITE);
    return n;
}

ErrorOr<usize> PtyScheme::write(
    usize handle, const void* buffer, usize length, u64, unsigned long flags, const Caller& caller)
{
    End* end = TRY(m_ends.get(handle));
    Pty& pty = *end->pty;
    StringView text(static_cast<const char*>(buffer), length);
    switch (end->kind) {
    case Kind::Master:
        for (usize i = 0; i < length; ++i)
            pty.discipline.take_input(text[i]);
        pty.discipline.wake_readers();
        return length;
    case Kind::RawMode:
        return pty.discipline.write_mode(text, caller);
    case Kind::ForegroundGroup:
        return pty.discipline.write_foreground(text);
    case Kind::Slave:
        break;
    }
    // A master that does not read holds the writer back once its buffer is full.
    while (pty.output.length() >= output_capacity) {
        if (pty.masters == 0)
            return errno_error(redox::EIO);
        if (flags & redox::O_NONBLOCK)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&pty.slave_writers, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
    if (pty.masters == 0)
        return errno_error(redox::EIO);
    usize n = ktl::min(length, output_capacity - pty.output.length());
    pty.emit(text.substring(0, n));
    return n;
}

ErrorOr<usize> PtyScheme::dup(usize handle, StringView what, const Caller&)
{
    End* end = TRY(m_ends.get(handle));
    if (what.is_empty())
        return add_end(end->pty, end->kind);
    if (end->kind == Kind::Master)
        return errno_error(redox::EINVAL);
    if (what == "raw")
        return add_end(end->pty, Kind::RawMode);
    if (what == "pgrp")
        return add_end(end->pty, Kind::ForegroundGroup);
    return errno_error(redox::EINVAL);
}

void PtyScheme::close(usize handle)
{
    End* end = m_ends.take(handle);
    if (!end)
        return;
    Pty* pty = end->pty;
    for (usize i = 0; i < pty->handles.size(); ++i) {
        if (pty->handles[i] == handle) {
            pty->handles.remove(i);
            break;
        }
    }
    if (end->kind == Kind::Master && --pty->masters == 0) {
        // Hang up: the shell reads end of file, blocked writers fail.
        pty->discipline.end_input();
        pty->discipline.wake_readers();
        pty->slave_writers.wake_all();
        notify(*pty, false, redox::EVENT_READ | redox::EVENT_WRITE);
    } else if (end->kind == Kind::Slave && --pty->slaves == 0) {
        pty->master_readers.wake_all();
        notify(*pty, true, redox::EVENT_READ);
    }
    delete end;
    if (pty->handles.is_empty()) {
        for (usize i = 0; i < m_ptys.size(); ++i) {
            if (m_ptys[i] == pty) {
                m_ptys.remove(i);
                break;
            }
        }
        delete pty;
    }
}

ErrorOr<usize> PtyScheme::fpath(usize handle, char* buffer, usize length)
{
    End* end = TRY(m_ends.get(handle));
    char path[16];
    usize n = ktl::format_buffer(path, sizeof path, "%u", end->pty->number);
    n = ktl::min(n, length);
    ktl::copy_bytes(buffer, path, n);
    return n;
}

ErrorOr<void> PtyScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(m_ends.get(handle));
    st = {};
    st.st_mode = redox::MODE_CHR | 0620;
    return {};
}

ErrorOr<usize> PtyScheme::fevent(usize handle, usize flags)
{
    End* end = TRY(m_ends.get(handle));
    Pty& pty = *end->pty;
    usize ready = 0;
    if (end->kind == Kind::Master) {
        if (!pty.output.is_empty() || pty.hung_up())
            ready |= redox::EVENT_READ;
        ready |= redox::EVENT_WRITE;
    } else {
        if (pty.discipline.readable())
            ready |= redox::EVENT_READ;
        if (pty.output.length() < output_capacity || pty.masters == 0)
            ready |= redox::EVENT_WRITE;
    }
    return ready & flags;
}

} // namespace kernel
