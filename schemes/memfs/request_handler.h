#pragma once
// Decodes SchemeRequests (see abi/redox/protocol.h for the argument layout of each opcode)
// into calls on a file system server and builds the completions. Buffers in the arguments
// are caller addresses used directly (one address space). Platform-free, so unit tests can
// drive it with hand-built requests.
//
// The server type `Fs` offers Memfs's handle-based interface (open, close, dup, read, write,
// getdents, fsize, fstat, fstatvfs, fsync, ftruncate, fchmod, fchown, futimens, fpath,
// frename, flink, unlinkat, fevent, fcntl with Memfs's signatures): Memfs itself, and
// RedoxFS's server (schemes/redoxfs/server.h).
#include "memfs.h"

namespace memfs {

template<typename Fs>
class BasicRequestHandler {
public:
    explicit BasicRequestHandler(Fs& fs) : m_fs(fs) {}

    // The result of a request: a value, or -errno as u64.
    u64 execute(const redox::SchemeRequest& request);

    // Handles one request; returns false when no completion must be sent (one-way requests,
    // OP_CLOSE), true with `completion` filled otherwise.
    bool handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion);

    static u64 encode_error(int code) { return static_cast<u64>(-static_cast<i64>(code)); }

private:
    Fs& m_fs;
};

using RequestHandler = BasicRequestHandler<Memfs>;


namespace request_detail {

    inline u64 encode_error_code(int code) { return static_cast<u64>(-static_cast<i64>(code)); }

    template<typename T>
    u64 encode(ErrorOr<T>& result)
    {
        if (result.is_error())
            return encode_error_code(result.error().code);
        return static_cast<u64>(result.value());
    }

    inline u64 encode(ErrorOr<void>& result)
    {
        if (result.is_error())
            return encode_error_code(result.error().code);
        return 0;
    }

    template<typename T>
    u64 encode(ErrorOr<T>&& result)
    {
        return encode(result);
    }
    inline u64 encode(ErrorOr<void>&& result) { return encode(result); }

    // A path argument: (pointer, length). False when it cannot be a valid path.
    inline bool path_arg(u64 pointer, u64 length, StringView& out, int& error)
    {
        if (length >= PATH_MAX) {
            error = redox::ENAMETOOLONG;
            return false;
        }
        if (length && !pointer) {
            error = redox::EFAULT;
            return false;
        }
        out = StringView(reinterpret_cast<const char*>(pointer), static_cast<usize>(length));
        return true;
    }

    template<typename T>
    T* buffer_arg(u64 pointer)
    {
        return reinterpret_cast<T*>(pointer);
    }

} // namespace request_detail

template<typename Fs>
u64 BasicRequestHandler<Fs>::execute(const redox::SchemeRequest& request)
{
    using namespace redox;
    using namespace request_detail;
    const u64* a = request.args;
    Cred cred = Cred::from_arg(a[5]);
    StringView path;
    int error = 0;
    switch (request.opcode) {
    case OP_OPENAT:
        if (!path_arg(a[1], a[2], path, error))
            return encode_error(error);
        return encode(m_fs.open(path, a[3], cred, a[0]));
    case OP_CLOSE:
        return encode(m_fs.close(a[0]));
    case OP_DUP: {
        if (!path_arg(a[1], a[2], path, error))
            return encode_error(error);
        return encode(m_fs.dup(a[0], path));
    }
    case OP_READ:
        return encode(m_fs.read(a[0], buffer_arg<void>(a[1]), static_cast<usize>(a[2]), a[3]));
    case OP_WRITE:
        return encode(m_fs.write(a[0], buffer_arg<const void>(a[1]), static_cast<usize>(a[2]), a[3]));
    case OP_GETDENTS:
        return encode(m_fs.getdents(a[0], buffer_arg<void>(a[1]), static_cast<usize>(a[2]), a[3]));
    case OP_FSIZE:
        return encode(m_fs.fsize(a[0]));
    case OP_FSTAT: {
        if (a[2] < sizeof(Stat))
            return encode_error(EINVAL);
        if (!a[1])
            return encode_error(EFAULT);
        Stat st;
        auto result = m_fs.fstat(a[0], st);
        if (!result.is_error())
            ktl::copy_bytes(buffer_arg<void>(a[1]), &st, sizeof st);
        return encode(result);
    }
    case OP_FSTATVFS: {
        if (a[2] < sizeof(StatVfs))
            return encode_error(EINVAL);
        if (!a[1])
            return encode_error(EFAULT);
        StatVfs st;
        auto result = m_fs.fstatvfs(a[0], st);
        if (!result.is_error())
            ktl::copy_bytes(buffer_arg<void>(a[1]), &st, sizeof st);
        return encode(result);
    }
    case OP_FSYNC:
        return encode(m_fs.fsync(a[0]));
    case OP_FTRUNCATE:
        return encode(m_fs.ftruncate(a[0], a[1]));
    case OP_FCHMOD:
        return encode(m_fs.fchmod(a[0], static_cast<u32>(a[1]), cred));
    case OP_FCHOWN:
        return encode(m_fs.fchown(a[0], a[1], a[2], cred));
    case OP_FUTIMENS: {
        // The count may be given in TimeSpecs (1 or 2) or in bytes (as sys::futimens does).
        u64 count = a[2] <= 2 ? a[2] : a[2] / sizeof(TimeSpec);
        if (count > 2)
            count = 2;
        TimeSpec times[2] {};
        if (count) {
            if (!a[1])
                return encode_error(EFAULT);
            ktl::copy_bytes(times, buffer_arg<const void>(a[1]), static_cast<usize>(count) * sizeof(TimeSpec));
        }
        return encode(m_fs.futimens(a[0], times, static_cast<usize>(count), cred));
    }
    case OP_FPATH:
        return encode(m_fs.fpath(a[0], buffer_arg<char>(a[1]), static_cast<usize>(a[2])));
    case OP_FRENAME:
        if (!path_arg(a[1], a[2], path, error))
            return encode_error(error);
        return encode(m_fs.frename(a[0], path, cred));
    case OP_FLINK:
        if (!path_arg(a[1], a[2], path, error))
            return encode_error(error);
        return encode(m_fs.flink(a[0], path, cred));
    case OP_UNLINKAT:
        if (!path_arg(a[1], a[2], path, error))
            return encode_error(error);
        return encode(m_fs.unlinkat(a[0], path, a[3], cred));
    case OP_FEVENT:
        return encode(m_fs.fevent(a[0], a[1]));
    case OP_FCNTL:
        return encode(m_fs.fcntl(a[0], a[1], a[2]));
    default:
        return encode_error(ENOSYS);
    }
}

template<typename Fs>
bool BasicRequestHandler<Fs>::handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion)
{
    using namespace redox;
    u64 result = execute(request);
    if ((request.flags & REQUEST_FLAG_ONEWAY) || request.opcode == OP_CLOSE)
        return false;
    completion = SchemeCompletion {};
    completion.flags = COMPLETION_RESPOND_REGULAR;
    completion.tag = request.tag;
    completion.result = result;
    return true;
}


extern template class BasicRequestHandler<Memfs>;

} // namespace memfs
