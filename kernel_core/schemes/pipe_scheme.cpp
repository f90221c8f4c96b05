#include "pipe_scheme.h"

#include "../abi/redox/flags.h"
#include "../context.h"
#include "../events.h"
#include "../kernel.h"
#include "../scheduler.h"
#include "../signals.h"

namespace kernel {

usize PipeScheme::allocate_handle(Pipe* pipe, bool is_write)
{
    usize handle = m_ends.insert(new End { pipe, is_write });
    if (is_write) {
        ++pipe->writers;
        pipe->write_handles.append(handle);
    } else {
        ++pipe->readers;
        pipe->read_handles.append(handle);
    }
    return handle;
}

void PipeScheme::notify_end(Pipe& pipe, bool write_end, usize flags)
{
    for (usize handle : write_end ? pipe.write_handles : pipe.read_handles)
        notify_event(*this, handle, flags);
}

ErrorOr<usize> PipeScheme::open(StringView path, unsigned long, const Caller&)
{
    if (!path.is_empty())
        return errno_error(redox::ENOENT);
    auto* pipe = new Pipe;
    pipe->buffer = new u8[capacity];
    return allocate_handle(pipe, false);
}

ErrorOr<usize> PipeScheme::dup(usize handle, StringView what, const Caller&)
{
    End* e = TRY(m_ends.get(handle));
    if (what == "write")
        return allocate_handle(e->pipe, true);
    if (what == "read")
        return allocate_handle(e->pipe, false);
    if (what.is_empty())
        return allocate_handle(e->pipe, e->is_write);
    return errno_error(redox::EINVAL);
}

void PipeScheme::close(usize handle)
{
    End* e = m_ends.take(handle);
    if (!e)
        return;
    Pipe* pipe = e->pipe;
    bool is_write = e->is_write;
    delete e;
    ktl::Vector<usize>& handles = is_write ? pipe->write_handles : pipe->read_handles;
    for (usize i = 0; i < handles.size(); ++i) {
        if (handles[i] == handle) {
            handles.remove(i);
            break;
        }
    }
    if (is_write) {
        if (--pipe->writers == 0) {
            pipe->readable.wake_all();
            if (pipe->readers)
                notify_end(*pipe, false, redox::EVENT_READ);
        }
    } else if (--pipe->readers == 0) {
        pipe->writable.wake_all();
        if (pipe->writers)
            notify_end(*pipe, true, redox::EVENT_WRITE);
    }
    if (pipe->readers == 0 && pipe->writers == 0) {
        delete[] pipe->buffer;
        delete pipe;
    }
}

ErrorOr<usize> PipeScheme::read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&)
{
    End* e = TRY(m_ends.get(handle));
    if (e->is_write)
        return errno_error(redox::EBADF);
    Pipe* pipe = e->pipe;
    while (pipe->size == 0) {
        if (pipe->writers == 0 || length == 0)
            return 0u;
        if (flags & redox::O_NONBLOCK)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&pipe->readable, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
    usize n = ktl::min(length, pipe->size);
    auto* out = static_cast<u8*>(buffer);
    usize first = ktl::min(n, capacity - pipe->head);
    ktl::copy_bytes(out, pipe->buffer + pipe->head, first);
    ktl::copy_bytes(out + first, pipe->buffer, n - first);
    pipe->head = (pipe->head + n) % capacity;
    pipe->size -= n;
    if (pipe->size == 0)
        pipe->head = 0;
    pipe->writable.wake_all();
    notify_end(*pipe, true, redox::EVENT_WRITE);
    return n;
}

ErrorOr<usize> PipeScheme::write(
    usize handle, const void* buffer, usize length, u64, unsigned long flags, const Caller&)
{
    End* e = TRY(m_ends.get(handle));
    if (!e->is_write)
        return errno_error(redox::EBADF);
    Pipe* pipe = e->pipe;
    auto* in = static_cast<const u8*>(buffer);
    usize written = 0;
    while (written < length) {
        if (pipe->readers == 0) {
            raise_signal(current(), redox::SIGPIPE);
            return written ? ErrorOr<usize>(written) : ErrorOr<usize>(errno_error(redox::EPIPE));
        }
        usize space = capacity - pipe->size;
        if (space == 0) {
            if (flags & redox::O_NONBLOCK)
                return written ? ErrorOr<usize>(written) : ErrorOr<usize>(errno_error(redox::EAGAIN));
            if (the_kernel().scheduler().block(&pipe->writable, 0, true) == -redox::EINTR)
                return written ? ErrorOr<usize>(written) : ErrorOr<usize>(errno_error(redox::EINTR));
            continue;
        }
        usize n = ktl::min(space, length - written);
        usize tail = (pipe->head + pipe->size) % capacity;
        usize first = ktl::min(n, capacity - tail);
        ktl::copy_bytes(pipe->buffer + tail, in + written, first);
        ktl::copy_bytes(pipe->buffer, in + written + first, n - first);
        pipe->size += n;
        written += n;
        pipe->readable.wake_all();
        notify_end(*pipe, false, redox::EVENT_READ);
    }
    return written;
}

ErrorOr<usize> PipeScheme::fpath(usize handle, char* buffer, usize length)
{
    End* e = TRY(m_ends.get(handle));
    StringView path = e->is_write ? "write" : "read";
    usize n = ktl::min(length, path.length());
    ktl::copy_bytes(buffer, path.chars(), n);
    return n;
}

ErrorOr<void> PipeScheme::fstat(usize handle, redox::Stat& st)
{
    End* e = TRY(m_ends.get(handle));
    st = {};
    st.st_mode = redox::MODE_FIFO | (e->is_write ? 0200 : 0400);
    st.st_size = e->pipe->size;
    return {};
}

ErrorOr<usize> PipeScheme::fevent(usize handle, usize flags)
{
    End* e = TRY(m_ends.get(handle));
    usize ready = 0;
    if (!e->is_write && (e->pipe->size || e->pipe->writers == 0))
        ready |= redox::EVENT_READ;
    if (e->is_write && (e->pipe->size < capacity || e->pipe->readers == 0))
        ready |= redox::EVENT_WRITE;
    return ready & flags;
}

} // namespace kernel
