#include "scheme_daemon.h"

#include "abi/redox/protocol.h"
#include "ktl/format.h"
#include "ktl/memory.h"
#include "redox/sys.h"

namespace driver {

namespace {

constexpr usize REQUEST_BATCH = 16;
constexpr u64 CHANNEL_EVENT = ~0ull; // the event `data` of the scheme channel

long errno_result(long error) { return -static_cast<long>(error); }

} // namespace

long SchemeHandler::read(u64, u8*, usize, u64, const Request&) { return errno_result(redox::EBADF); }
long SchemeHandler::write(u64, const u8*, usize, u64, const Request&) { return errno_result(redox::EBADF); }
long SchemeHandler::fstat(u64, redox::Stat&) { return errno_result(redox::EBADF); }
long SchemeHandler::fsize(u64) { return errno_result(redox::ESPIPE); }
long SchemeHandler::fsync(u64) { return 0; }
long SchemeHandler::fpath(u64, char*, usize) { return errno_result(redox::EBADF); }
long SchemeHandler::getdents(u64, u8*, usize, u64) { return errno_result(redox::ENOTDIR); }
long SchemeHandler::fevent(u64, u64) { return 0; }
void SchemeHandler::close(u64) {}

SchemeDaemon::~SchemeDaemon()
{
    if (m_queue >= 0)
        sys::close(m_queue);
    if (m_channel >= 0)
        sys::close(m_channel);
}

long SchemeDaemon::start(StringView name, SchemeHandler& handler)
{
    char registration[80];
    if (name.length() + 2 > sizeof registration)
        return errno_result(redox::ENAMETOOLONG);
    ktl::format_buffer(registration, sizeof registration, ":%.*s", static_cast<int>(name.length()), name.chars());
    long queue = sys::open("/scheme/event", redox::O_RDWR);
    if (queue < 0)
        return queue;
    long channel = sys::open(registration, redox::O_CREAT | redox::O_RDWR | redox::O_NONBLOCK);
    if (channel < 0) {
        sys::close(static_cast<int>(queue));
        return channel;
    }
    m_queue = static_cast<int>(queue);
    m_channel = static_cast<int>(channel);
    m_handler = &handler;
    redox::Event event { static_cast<u64>(m_channel), redox::EVENT_READ, CHANNEL_EVENT };
    long r = sys::write(m_queue, &event, sizeof event);
    return r < 0 ? r : 0;
}

long SchemeDaemon::watch(int fd, void (*on_ready)(void*), void* argument)
{
    if (m_queue < 0)
        return errno_result(redox::EBADF);
    m_watches.append({ fd, on_ready, argument });
    redox::Event event { static_cast<u64>(fd), redox::EVENT_READ, m_watches.size() - 1 };
    long r = sys::write(m_queue, &event, sizeof event);
    return r < 0 ? r : 0;
}

void SchemeDaemon::complete(u32 tag, long result)
{
    m_outgoing.append({ redox::COMPLETION_RESPOND_REGULAR, {}, tag, static_cast<u64>(result) });
}

void SchemeDaemon::notify(u64 handle, u64 flags)
{
    m_outgoing.append({ redox::COMPLETION_SEND_FEVENT, {}, static_cast<u32>(flags), handle });
}

long SchemeDaemon::flush()
{
    if (m_outgoing.is_empty())
        return 0;
    long r = sys::write(m_channel, m_outgoing.data(), m_outgoing.size() * sizeof(redox::SchemeCompletion));
    m_outgoing.clear();
    return r < 0 ? r : 0;
}

long SchemeDaemon::drain_requests()
{
    redox::SchemeRequest requests[REQUEST_BATCH];
    for (;;) {
        long r = sys::read(m_channel, requests, sizeof requests);
        if (r == errno_result(redox::EAGAIN))
            return 0;
        if (r <= 0)
            return r == 0 ? errno_result(redox::EPIPE) : r; // the channel is gone
        usize count = static_cast<usize>(r) / sizeof(redox::SchemeRequest);
        for (usize i = 0; i < count; ++i)
            handle(requests[i]);
        if (long f = flush(); f < 0)
            return f;
        if (count < REQUEST_BATCH)
            return 0;
    }
}

long SchemeDaemon::run()
{
    if (!m_handler)
        return errno_result(redox::EBADF);
    m_stopping = false;
    if (long r = drain_requests(); r < 0)
        return r == errno_result(redox::EPIPE) ? 0 : r;
    while (!m_stopping) {
        redox::Event events[8];
        long r = sys::read(m_queue, events, sizeof events);
        if (r == errno_result(redox::EINTR))
            continue;
        if (r < 0)
            return r;
        for (usize i = 0; i < static_cast<usize>(r) / sizeof(redox::Event); ++i) {
            if (events[i].data == CHANNEL_EVENT)
                continue; // drained below, after the device had its say
            if (events[i].data < m_watches.size()) {
                Watch& watch = m_watches[events[i].data];
                watch.on_ready(watch.argument);
            }
        }
        if (long f = flush(); f < 0)
            return f;
        if (long d = drain_requests(); d < 0)
            return d == errno_result(redox::EPIPE) ? 0 : d;
    }
    return 0;
}

void SchemeDaemon::handle(const redox::SchemeRequest& request)
{
    const u64* a = request.args;
    Request caller { request.tag, static_cast<u32>(a[5]), static_cast<u32>(a[5] >> 32), request.caller_pid, 0 };
    long result = errno_result(redox::ENOSYS);
    switch (request.opcode) {
    case redox::OP_OPENAT:
        if (a[0] != redox::ROOT_HANDLE) {
            result = errno_result(redox::EOPNOTSUPP);
            break;
        }
        caller.flags = a[3];
        result = m_handler->open(StringView(reinterpret_cast<const char*>(a[1]), a[2]), a[3], caller);
        break;
    case redox::OP_READ:
        caller.flags = a[4];
        result = m_handler->read(a[0], reinterpret_cast<u8*>(a[1]), a[2], a[3], caller);
        break;
    case redox::OP_WRITE:
        caller.flags = a[4];
        result = m_handler->write(a[0], reinterpret_cast<const u8*>(a[1]), a[2], a[3], caller);
        break;
    case redox::OP_FSTAT:
        if (a[2] < sizeof(redox::Stat)) {
            result = errno_result(redox::EINVAL);
            break;
        }
        {
            redox::Stat stat {};
            result = m_handler->fstat(a[0], stat);
            if (result >= 0)
                ktl::copy_bytes(reinterpret_cast<void*>(a[1]), &stat, sizeof stat);
        }
        break;
    case redox::OP_FSIZE:
        result = m_handler->fsize(a[0]);
        break;
    case redox::OP_FSYNC:
        result = m_handler->fsync(a[0]);
        break;
    case redox::OP_FPATH:
        result = m_handler->fpath(a[0], reinterpret_cast<char*>(a[1]), a[2]);
        break;
    case redox::OP_GETDENTS:
        result = m_handler->getdents(a[0], reinterpret_cast<u8*>(a[1]), a[2], a[3]);
        break;
    case redox::OP_FEVENT:
        result = m_handler->fevent(a[0], a[1]);
        break;
    case redox::OP_CLOSE:
        m_handler->close(a[0]);
        return; // one-way
    default:
        result = errno_result(redox::ENOSYS);
        break;
    }
    if (result != PENDING)
        complete(request.tag, result);
}

} // namespace driver
