#pragma once
// Operations on an open handle that do not depend on how a file system stores its nodes,
// shared by the `file` servers (memfs and redoxfs). A Handle has `u64 flags` and
// `String path` (canonical, without the leading '/').
#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/ktl/result.h"

namespace file_server {

// FIFOs and sockets are nodes a `file` server keeps (name, owner, mode, times) but serves no
// data for: a host that mounts the file system (Linux through the FUSE bridge) gives them
// their meaning. Redox has no device nodes (devices are schemes).
inline bool is_special(u32 mode)
{
    u32 type = mode & redox::MODE_TYPE;
    return type == redox::MODE_FIFO || type == redox::MODE_SOCK;
}

// The type of the node an open with O_CREAT makes: the type bits of the open's mode ask for a
// FIFO or a socket (as relibc's mkfifo does); anything else makes a file.
inline ktl::ErrorOr<u32> created_type(u64 flags)
{
    if (flags & redox::O_DIRECTORY)
        return redox::MODE_DIR;
    if (flags & redox::O_SYMLINK)
        return redox::MODE_SYMLINK;
    u32 type = static_cast<u32>(flags) & redox::MODE_TYPE;
    if (type == redox::MODE_CHR || type == redox::MODE_BLK)
        return ktl::Error::from_errno(redox::EPERM);
    return is_special(type) ? type : redox::MODE_FILE;
}

// Opening a FIFO or socket node to read or write it: there is nothing to read or write on
// this side (ENXIO, as Linux's open of a socket). O_STAT and O_SYMLINK open the node itself.
inline bool refuses_data(u32 mode, u64 flags)
{
    return is_special(mode) && !(flags & (redox::O_STAT | redox::O_SYMLINK)) && (flags & redox::O_ACCMODE);
}

// The mode after a chown, by anyone, as Linux: anything but a directory loses setuid, and
// setgid when group-executable (without group execute it marks mandatory locking and stays).
inline u32 mode_after_chown(u32 mode)
{
    if ((mode & redox::MODE_TYPE) == redox::MODE_DIR)
        return mode;
    mode &= ~04000u;
    if (mode & 00010)
        mode &= ~02000u;
    return mode;
}

// The mode after a write by someone other than root, as Linux (a write by anyone without
// CAP_FSETID): setuid goes, and setgid when the file is group-executable or the writer is not
// in its group. Linux's own FUSE writes rely on this too (fuse_bridge's direct writes).
inline u32 mode_after_write(u32 mode, u32 file_gid, u32 writer_gid)
{
    mode &= ~04000u;
    if ((mode & 00010) || file_gid != writer_gid)
        mode &= ~02000u;
    return mode;
}

inline u8 dirent_kind(u32 mode)
{
    switch (mode & redox::MODE_TYPE) {
    case redox::MODE_DIR:
        return redox::DT_DIR;
    case redox::MODE_SYMLINK:
        return redox::DT_LNK;
    case redox::MODE_FILE:
        return redox::DT_REG;
    case redox::MODE_FIFO:
        return redox::DT_FIFO;
    case redox::MODE_SOCK:
        return redox::DT_SOCK;
    default:
        return redox::DT_UNKNOWN;
    }
}

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
