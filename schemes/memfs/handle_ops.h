#pragma once
// Operations on an open handle that do not depend on how a file system stores its nodes,
// shared by the `file` servers (memfs and redoxfs). A Handle has `u64 flags` and
// `String path` (canonical, without the leading '/').
#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/ktl/result.h"

namespace file_server {

// Writes "/path" into the caller's buffer (cut to its length); returns the bytes written.
template<typename Handle>
ktl::ErrorOr<usize> fpath(const Handle& handle, char* buffer, usize length)
{
    if (length && !buffer)
        return ktl::Error::from_errno(redox::EFAULT);
    usize n = 0;
    if (n < length)
        buffer[n++] = '/';
    usize copy = ktl::min(handle.path.length(), length - n);
    ktl::copy_bytes(buffer + n, handle.path.c_str(), copy);
    return n + copy;
}

// F_GETFL / F_SETFL (O_APPEND and O_NONBLOCK are settable); F_GETFD / F_SETFD belong to the
// kernel's fd table, so the server answers 0.
template<typename Handle>
ktl::ErrorOr<u64> fcntl(Handle& handle, u64 command, u64 argument)
{
    switch (command) {
    case redox::F_GETFL:
        return handle.flags;
    case redox::F_SETFL: {
        constexpr u64 settable = redox::O_APPEND | redox::O_NONBLOCK;
        handle.flags = (handle.flags & ~settable) | (argument & settable);
        return u64(0);
    }
    case redox::F_GETFD:
    case redox::F_SETFD:
        return u64(0);
    default:
        return ktl::Error::from_errno(redox::EINVAL);
    }
}

} // namespace file_server
