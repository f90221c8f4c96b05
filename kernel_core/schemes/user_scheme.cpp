#include "user_scheme.h"

#include "../abi/redox/flags.h"
#include "../abi/redox/protocol.h"
#include "../context.h"
#include "../events.h"
#include "../kernel.h"
#include "../klog.h"
#include "../namespace.h"
#include "../scheduler.h"

namespace kernel {

static ErrorOr<usize> decode_result(u64 result)
{
    i64 value = static_cast<i64>(result);
    if (value < 0 && value >= -4095)
        return errno_error(static_cast<int>(-value));
    return static_cast<usize>(result);
}

static u64 ptr(const void* p) { return reinterpret_cast<u64>(p); }

void UserScheme::enqueue(Pending& pending)
{
    m_queued.append(pending);
    m_daemon_waiters.wake_one();
    notify_event(*m_root, m_channel_handle, redox::EVENT_READ);
}

ErrorOr<usize> UserScheme::call(u8 opcode, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, const Caller* caller)
{
    if (m_dead)
        return errno_error(redox::EIO);
    Context& self = current();
    Pending pending {};
    pending.request.opcode = opcode;
    pending.request.tag = m_next_tag++;
    pending.request.args[0] = a0;
    pending.request.args[1] = a1;
    pending.request.args[2] = a2;
    pending.request.args[3] = a3;
    pending.request.args[4] = a4;
    u32 uid = caller ? caller->uid : self.credentials.euid;
    u32 gid = caller ? caller->gid : self.credentials.egid;
    pending.request.args[5] = static_cast<u64>(uid) | static_cast<u64>(gid) << 32;
    pending.request.caller_pid = self.pid;
    pending.caller = &self;
    enqueue(pending);
    // Not interruptible: the daemon may be writing into the caller's buffer right now.
    while (!pending.done)
        the_kernel().scheduler().block(nullptr, 0, false);
    return decode_result(pending.result);
}

ErrorOr<usize> UserScheme::take_requests(void* buffer, usize length, bool nonblocking)
{
    usize capacity = length / sizeof(redox::SchemeRequest);
    if (capacity == 0)
        return errno_error(redox::EINVAL);
    while (m_queued.is_empty()) {
        if (nonblocking)
            return errno_error(redox::EAGAIN);
        if (the_kernel().scheduler().block(&m_daemon_waiters, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
    auto* out = static_cast<redox::SchemeRequest*>(buffer);
    usize n = 0;
    while (n < capacity) {
        Pending* pending = m_queued.take_first();
        if (!pending)
            break;
        out[n++] = pending->request;
        if (pending->request.flags & redox::REQUEST_FLAG_ONEWAY)
            delete pending; // nobody waits for it
        else
            m_inflight.append(*pending);
    }
    return n * sizeof(redox::SchemeRequest);
}

ErrorOr<usize> UserScheme::complete(const void* buffer, usize length)
{
    if (length % sizeof(redox::SchemeCompletion))
        return errno_error(redox::EINVAL);
    auto* completions = static_cast<const redox::SchemeCompletion*>(buffer);
    for (usize i = 0; i < length / sizeof(redox::SchemeCompletion); ++i) {
        const redox::SchemeCompletion& completion = completions[i];
        if ((completion.flags & 7) == redox::COMPLETION_SEND_FEVENT) {
            notify_event(*this, static_cast<usize>(completion.result), completion.tag);
            continue;
        }
        // A completion for a request nobody waits for any more is dropped.
        for (Pending* pending = m_inflight.first(); pending; pending = m_inflight.next_of(*pending)) {
            if (pending->request.tag != completion.tag)
                continue;
            decltype(m_inflight)::remove(*pending);
            pending->result = completion.result;
            pending->done = true;
            the_kernel().scheduler().wake(*pending->caller, 0);
            break;
        }
    }
    return length;
}

void UserScheme::die()
{
    if (m_dead)
        return;
    m_dead = true;
    if (the_kernel().scheduler().is_stopped()) {
        // Kernel teardown: the waiting callers' stacks (where their records live) are gone,
        // so the lists are dropped without being walked.
        m_queued.forget_all();
        m_inflight.forget_all();
        return;
    }
    KLOG_INFO("scheme", "scheme '%s' lost its daemon; failing its calls", name().c_str());
    auto fail = [&](Pending* pending) {
        if (pending->request.flags & redox::REQUEST_FLAG_ONEWAY) {
            delete pending;
            return;
        }
        pending->result = static_cast<u64>(-redox::EIO);
        pending->done = true;
        the_kernel().scheduler().wake(*pending->caller, 0);
    };
    while (Pending* pending = m_queued.take_first())
        fail(pending);
    while (Pending* pending = m_inflight.take_first())
        fail(pending);
    the_kernel().namespaces().remove_everywhere(this);
}

ErrorOr<usize> UserScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    return call(redox::OP_OPENAT, redox::ROOT_HANDLE, ptr(path.chars()), path.length(), flags, 0, &caller);
}

// A daemon's answer is not trusted: a count beyond the caller's buffer is an I/O error.
static ErrorOr<usize> within(ErrorOr<usize> result, usize length)
{
    if (!result.is_error() && result.value() > length)
        return errno_error(redox::EIO);
    return result;
}

ErrorOr<usize> UserScheme::read(
    usize handle, void* buffer, usize length, u64 offset, unsigned long flags, const Caller& caller)
{
    return within(call(redox::OP_READ, handle, ptr(buffer), length, offset, flags, &caller), length);
}

ErrorOr<usize> UserScheme::write(
    usize handle, const void* buffer, usize length, u64 offset, unsigned long flags, const Caller& caller)
{
    return within(call(redox::OP_WRITE, handle, ptr(buffer), length, offset, flags, &caller), length);
}

ErrorOr<u64> UserScheme::fsize(usize handle) { return static_cast<u64>(TRY(call(redox::OP_FSIZE, handle))); }

void UserScheme::close(usize handle)
{
    if (m_dead || the_kernel().scheduler().is_stopped())
        return;
    // One-way: the caller does not wait, so the record lives on the heap until the daemon reads it.
    auto* pending = new Pending {};
    pending->request.opcode = redox::OP_CLOSE;
    pending->request.flags = redox::REQUEST_FLAG_ONEWAY;
    pending->request.tag = m_next_tag++;
    pending->request.args[0] = handle;
    pending->request.caller_pid = the_kernel().scheduler().has_current() ? current().pid : 0;
    enqueue(*pending);
}

ErrorOr<usize> UserScheme::dup(usize handle, StringView what, const Caller& caller)
{
    return call(redox::OP_DUP, handle, ptr(what.chars()), what.length(), 0, 0, &caller);
}

ErrorOr<usize> UserScheme::fpath(usize handle, char* buffer, usize length)
{
    return within(call(redox::OP_FPATH, handle, ptr(buffer), length), length);
}

ErrorOr<void> UserScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(call(redox::OP_FSTAT, handle, ptr(&st), sizeof st));
    return {};
}

ErrorOr<void> UserScheme::fstatvfs(usize handle, redox::StatVfs& st)
{
    TRY(call(redox::OP_FSTATVFS, handle, ptr(&st), sizeof st));
    return {};
}

ErrorOr<void> UserScheme::fsync(usize handle)
{
    TRY(call(redox::OP_FSYNC, handle));
    return {};
}

ErrorOr<usize> UserScheme::fmap(usize handle, u64 offset, usize size, u64 flags, const Caller& caller)
{
    usize address = TRY(call(redox::OP_MMAP_PREP, handle, offset, size, flags, 0, &caller));
    // The daemon's answer is an address in the shared address space: it must at least be
    // a plausible, aligned range.
    if (address == 0 || address % alignof(u64) != 0 || address + size < address)
        return errno_error(redox::EIO);
    return address;
}

ErrorOr<void> UserScheme::ftruncate(usize handle, u64 length)
{
    TRY(call(redox::OP_FTRUNCATE, handle, length));
    return {};
}

ErrorOr<void> UserScheme::fchmod(usize handle, u16 mode, const Caller& caller)
{
    TRY(call(redox::OP_FCHMOD, handle, mode, 0, 0, 0, &caller));
    return {};
}

ErrorOr<void> UserScheme::fchown(usize handle, u32 uid, u32 gid, const Caller& caller)
{
    TRY(call(redox::OP_FCHOWN, handle, uid, gid, 0, 0, &caller));
    return {};
}

ErrorOr<void> UserScheme::futimens(usize handle, const redox::TimeSpec* times, usize count, const Caller& caller)
{
    TRY(call(redox::OP_FUTIMENS, handle, ptr(times), count, 0, 0, &caller));
    return {};
}

ErrorOr<void> UserScheme::frename(usize handle, StringView path, const Caller& caller)
{
    TRY(call(redox::OP_FRENAME, handle, ptr(path.chars()), path.length(), 0, 0, &caller));
    return {};
}

ErrorOr<void> UserScheme::flink(usize handle, StringView path, const Caller& caller)
{
    TRY(call(redox::OP_FLINK, handle, ptr(path.chars()), path.length(), 0, 0, &caller));
    return {};
}

ErrorOr<void> UserScheme::unlink(StringView path, unsigned long flags, const Caller& caller)
{
    TRY(call(redox::OP_UNLINKAT, redox::ROOT_HANDLE, ptr(path.chars()), path.length(), flags, 0, &caller));
    return {};
}

ErrorOr<usize> UserScheme::getdents(usize handle, void* buffer, usize length, u64 offset)
{
    return within(call(redox::OP_GETDENTS, handle, ptr(buffer), length, offset), length);
}

ErrorOr<usize> UserScheme::fevent(usize handle, usize flags) { return call(redox::OP_FEVENT, handle, flags); }

ErrorOr<usize> UserScheme::fcntl(usize handle, int cmd, usize arg)
{
    return call(redox::OP_FCNTL, handle, static_cast<u64>(cmd), arg);
}

ErrorOr<usize> RootScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    Namespace* ns = the_kernel().namespaces().get(current().ens);
    if (!ns)
        return errno_error(redox::EACCES);
    if (path.is_empty()) {
        if (flags & redox::O_CREAT)
            return errno_error(redox::EINVAL);
        auto* listing = new Handle;
        ns->for_each([&](StringView name, Scheme&) {
            if (!name.is_empty())
                listing->names.append(name);
        });
        return m_handles.insert(listing);
    } else {
        if (!(flags & redox::O_CREAT))
            return ns->find(path) ? errno_error(redox::EISDIR) : errno_error(redox::ENOENT);
        if (caller.uid != 0)
            return errno_error(redox::EACCES);
        if (path.contains('/') || path.contains(':') || path.length() > 255)
            return errno_error(redox::EINVAL);
        if (ns->find(path))
            return errno_error(redox::EEXIST);
    }
    auto* channel = new Handle;
    usize index = m_handles.insert(channel);
    channel->scheme = ktl::make_ref<UserScheme>(*this, index);
    channel->scheme->set_name(path);
    if (auto inserted = ns->insert(path, channel->scheme); inserted.is_error()) {
        delete m_handles.take(index);
        return inserted.error();
    }
    KLOG_INFO("scheme", "pid %u registered scheme '%.*s'", caller.pid, static_cast<int>(path.length()), path.chars());
    return index;
}

ErrorOr<usize> RootScheme::read(
    usize handle, void* buffer, usize length, u64 offset, unsigned long flags, const Caller&)
{
    Handle* h = TRY(m_handles.get(handle));
    if (h->scheme) {
        ktl::RefPtr<UserScheme> scheme = h->scheme;
        return scheme->take_requests(buffer, length, flags & redox::O_NONBLOCK);
    }
    ktl::String text;
    for (const ktl::String& name : h->names) {
        text.append(name.view());
        text.append('\n');
    }
    if (offset >= text.length())
        return 0u;
    usize n = ktl::min<usize>(length, text.length() - static_cast<usize>(offset));
    ktl::copy_bytes(buffer, text.c_str() + offset, n);
    return n;
}

ErrorOr<usize> RootScheme::write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Handle* h = TRY(m_handles.get(handle));
    if (!h->scheme)
        return errno_error(redox::EBADF);
    ktl::RefPtr<UserScheme> scheme = h->scheme;
    return scheme->complete(buffer, length);
}

void RootScheme::close(usize handle)
{
    Handle* h = m_handles.take(handle);
    if (h && h->scheme)
        h->scheme->die();
    delete h;
}

ErrorOr<usize> RootScheme::fpath(usize handle, char* buffer, usize length)
{
    Handle* h = TRY(m_handles.get(handle));
    StringView name = h->scheme ? h->scheme->name().view() : StringView();
    usize n = ktl::min(length, name.length());
    ktl::copy_bytes(buffer, name.chars(), n);
    return n;
}

ErrorOr<void> RootScheme::fstat(usize handle, redox::Stat& st)
{
    Handle* h = TRY(m_handles.get(handle));
    st = {};
    st.st_mode = h->scheme ? (redox::MODE_CHR | 0600) : (redox::MODE_DIR | 0555);
    st.st_nlink = 1;
    return {};
}

ErrorOr<usize> RootScheme::getdents(usize handle, void* buffer, usize length, u64 offset)
{
    Handle* h = TRY(m_handles.get(handle));
    if (h->scheme)
        return errno_error(redox::ENOTDIR);
    usize written = 0;
    for (u64 i = offset; i < h->names.size(); ++i) {
        usize n = write_dirent(
            static_cast<char*>(buffer) + written, length - written, h->names[i].view(), i + 1, redox::DT_DIR, i + 1);
        if (!n) {
            if (!written)
                return errno_error(redox::EINVAL);
            break;
        }
        written += n;
    }
    return written;
}

ErrorOr<usize> RootScheme::fevent(usize handle, usize flags)
{
    Handle* h = TRY(m_handles.get(handle));
    if (!h->scheme)
        return flags & redox::EVENT_READ;
    return (h->scheme->has_requests() ? redox::EVENT_READ : 0) & flags;
}

} // namespace kernel
