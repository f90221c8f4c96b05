#include "request_handler.h"

#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/abi/redox/protocol.h"

namespace orbital {

namespace {

    u64 encode_error(int code) { return static_cast<u64>(-static_cast<i64>(code)); }

    template<typename T>
    u64 encode(ErrorOr<T>&& result)
    {
        if (result.is_error())
            return encode_error(result.error().code);
        return static_cast<u64>(result.value());
    }

    u64 encode(ErrorOr<void>&& result) { return result.is_error() ? encode_error(result.error().code) : 0; }

    void* pointer(u64 address) { return reinterpret_cast<void*>(address); }

} // namespace

u64 RequestHandler::execute(const redox::SchemeRequest& request, bool& deferred)
{
    const u64* args = request.args;
    switch (request.opcode) {
    case redox::OP_OPENAT: {
        if (args[0] != redox::ROOT_HANDLE)
            return encode_error(redox::EINVAL);
        StringView path(static_cast<const char*>(pointer(args[1])), static_cast<usize>(args[2]));
        return encode(m_server.open(path, args[3], static_cast<u32>(args[5])));
    }
    case redox::OP_READ: {
        auto result = m_server.read(args[0], pointer(args[1]), static_cast<usize>(args[2]), args[3]);
        if (result.is_error() && result.error().code == redox::EAGAIN && !(args[4] & redox::O_NONBLOCK)) {
            m_pending.append({ request.tag, args[0], pointer(args[1]), static_cast<usize>(args[2]) });
            deferred = true;
            return 0;
        }
        return encode(static_cast<ErrorOr<usize>&&>(result));
    }
    case redox::OP_WRITE:
        return encode(m_server.write(args[0], pointer(args[1]), static_cast<usize>(args[2])));
    case redox::OP_FSYNC:
        return encode(m_server.fsync(args[0]));
    case redox::OP_FPATH:
        return encode(m_server.fpath(args[0], static_cast<char*>(pointer(args[1])), static_cast<usize>(args[2])));
    case redox::OP_FEVENT:
        return encode(m_server.fevent(args[0], args[1]));
    case redox::OP_FSIZE:
        return encode(m_server.fsize(args[0]));
    case redox::OP_MMAP_PREP:
        return encode(m_server.mmap_prep(args[0], args[1], args[2], args[3]));
    case redox::OP_FSTAT: {
        if (args[2] < sizeof(redox::Stat))
            return encode_error(redox::EINVAL);
        auto size = m_server.fsize(args[0]);
        if (size.is_error())
            return encode_error(size.error().code);
        redox::Stat st {};
        st.st_mode = redox::MODE_CHR | 0666;
        st.st_size = size.value();
        ktl::copy_bytes(pointer(args[1]), &st, sizeof st);
        return 0;
    }
    case redox::OP_DUP:
        // Each window is its own open; a window has no named sub-handles.
        return encode_error(redox::EINVAL);
    default:
        return encode_error(redox::ENOSYS);
    }
}

bool RequestHandler::handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion)
{
    if (request.opcode == redox::OP_CLOSE) {
        // A pending read of that handle has no caller any more once the handle is closed.
        for (usize i = m_pending.size(); i-- > 0;) {
            if (m_pending[i].handle == request.args[0])
                m_pending.remove(i);
        }
        m_server.close(request.args[0]);
        return false;
    }
    if (request.flags & redox::REQUEST_FLAG_ONEWAY)
        return false;
    bool deferred = false;
    u64 result = execute(request, deferred);
    if (deferred)
        return false;
    completion = { redox::COMPLETION_RESPOND_REGULAR, {}, request.tag, result };
    return true;
}

void RequestHandler::complete_ready(ktl::Vector<redox::SchemeCompletion>& out)
{
    // Oldest first, so two readers of one window are served in the order they came.
    for (usize i = 0; i < m_pending.size();) {
        PendingRead& pending = m_pending[i];
        if (!m_server.read_ready(pending.handle)) {
            ++i;
            continue;
        }
        u64 result = encode(m_server.read(pending.handle, pending.buffer, pending.length, 0));
        out.append({ redox::COMPLETION_RESPOND_REGULAR, {}, pending.tag, result });
        m_pending.remove(i);
    }
    ktl::Vector<u64> ready;
    m_server.take_ready(ready);
    for (u64 handle : ready) {
        if (m_server.read_ready(handle) && m_server.window(handle))
            out.append({ redox::COMPLETION_SEND_FEVENT, {}, static_cast<u32>(redox::EVENT_READ), handle });
    }
}

} // namespace orbital
