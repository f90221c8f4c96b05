// File syscalls: paths and file descriptors.
#include "../abi/redox/flags.h"
#include "../scheduler.h"
#include "common.h"

namespace kernel::syscalls {

static constexpr unsigned long open_flags_mask = 0xFFFF | redox::O_ACCMODE | redox::O_NONBLOCK | redox::O_APPEND
    | redox::O_CLOEXEC | redox::O_CREAT | redox::O_TRUNC | redox::O_EXCL | redox::O_DIRECTORY | redox::O_STAT
    | redox::O_SYMLINK | redox::O_NOFOLLOW | 0x00100000 /* O_SHLOCK */ | 0x00200000 /* O_EXLOCK */;

ErrorOr<ktl::RefPtr<FileDescription>> open_path(StringView path, unsigned long flags)
{
    Context& self = current();
    if (flags & ~open_flags_mask)
        return errno_error(redox::EINVAL);
    if ((flags & redox::O_ACCMODE) == 0)
        flags |= redox::O_RDONLY; // Redox treats 0 as read-only too
    if (flags & redox::O_CREAT)
        flags = (flags & ~0xFFFFul) | ((flags & 0xFFFF) & ~static_cast<unsigned long>(self.umask));
    ResolvedPath resolved = TRY(resolve_path(self, path));
    usize handle = TRY(resolved.scheme->open(resolved.reference.view(), flags, caller_of(self)));
    return ktl::make_ref<FileDescription>(
        resolved.scheme, handle, flags & (redox::O_ACCMODE | redox::O_NONBLOCK | redox::O_APPEND));
}

Result sys_open(usize path_address, usize path_length, usize flags, usize, usize)
{
    StringView path = TRY(user_string(path_address, path_length));
    auto description = TRY(open_path(path, flags));
    return current().files->insert(description, flags & redox::O_CLOEXEC);
}

Result sys_openat(usize dirfd, usize path_address, usize path_length, usize flags, usize)
{
    StringView path = TRY(user_string(path_address, path_length));
    if (!path.is_empty() && path[0] == '/')
        return sys_open(path_address, path_length, flags, 0, 0);
    auto directory = TRY(get_file(dirfd));
    char base[4096];
    usize n = TRY(directory->scheme->fpath(directory->handle, base, sizeof base));
    ktl::String joined = display_path(directory->scheme->name().view(), StringView(base, n));
    joined.append('/');
    joined.append(path);
    auto description = TRY(open_path(joined.view(), flags));
    return current().files->insert(description, flags & redox::O_CLOEXEC);
}

static ErrorOr<void> require_access(const FileDescription& file, bool write)
{
    unsigned long mode = file.flags & redox::O_ACCMODE;
    bool ok = write ? (mode == redox::O_WRONLY || mode == redox::O_RDWR)
                    : (mode == redox::O_RDONLY || mode == redox::O_RDWR);
    if (!ok)
        return errno_error(redox::EBADF);
    return {};
}

Result sys_read(usize fd, usize buffer, usize length, usize, usize)
{
    TRY(validate_user_range(buffer, length));
    auto file = TRY(get_file(fd));
    TRY(require_access(*file, false));
    usize n = TRY(file->scheme->read(
        file->handle, reinterpret_cast<void*>(buffer), length, file->offset, file->flags, caller_of(current())));
    file->offset += n;
    return n;
}

Result sys_write(usize fd, usize buffer, usize length, usize, usize)
{
    TRY(validate_user_range(buffer, length));
    auto file = TRY(get_file(fd));
    TRY(require_access(*file, true));
    if (file->flags & redox::O_APPEND) {
        auto size = file->scheme->fsize(file->handle);
        if (!size.is_error())
            file->offset = size.value();
    }
    usize n = TRY(file->scheme->write(
        file->handle, reinterpret_cast<const void*>(buffer), length, file->offset, file->flags, caller_of(current())));
    file->offset += n;
    return n;
}

Result sys_close(usize fd, usize, usize, usize, usize)
{
    TRY(current().files->remove(fd));
    return 0u;
}

Result sys_lseek(usize fd, usize offset, usize whence, usize, usize)
{
    auto file = TRY(get_file(fd));
    u64 size = TRY(file->scheme->fsize(file->handle)); // ESPIPE for streams
    i64 delta = static_cast<i64>(offset);
    i64 base;
    switch (whence) {
    case redox::SEEK_SET:
        base = 0;
        break;
    case redox::SEEK_CUR:
        base = static_cast<i64>(file->offset);
        break;
    case redox::SEEK_END:
        base = static_cast<i64>(size);
        break;
    default:
        return errno_error(redox::EINVAL);
    }
    i64 target = base + delta;
    if ((delta > 0 && target < base) || target < 0)
        return errno_error(redox::EINVAL);
    file->offset = static_cast<u64>(target);
    return static_cast<usize>(target);
}

Result sys_fstat(usize fd, usize address, usize length, usize, usize)
{
    if (length < sizeof(redox::Stat))
        return errno_error(redox::EINVAL);
    redox::Stat* out = TRY(user_object<redox::Stat>(address));
    auto file = TRY(get_file(fd));
    TRY(file->scheme->fstat(file->handle, *out));
    return 0u;
}

Result sys_fstatvfs(usize fd, usize address, usize length, usize, usize)
{
    if (length < sizeof(redox::StatVfs))
        return errno_error(redox::EINVAL);
    redox::StatVfs* out = TRY(user_object<redox::StatVfs>(address));
    auto file = TRY(get_file(fd));
    TRY(file->scheme->fstatvfs(file->handle, *out));
    return 0u;
}

Result sys_frename(usize fd, usize path_address, usize path_length, usize, usize)
{
    StringView path = TRY(user_string(path_address, path_length));
    auto file = TRY(get_file(fd));
    ResolvedPath target = TRY(resolve_path(current(), path));
    if (target.scheme.ptr() != file->scheme.ptr())
        return errno_error(redox::EXDEV);
    TRY(file->scheme->frename(file->handle, target.reference.view(), caller_of(current())));
    return 0u;
}

Result sys_dup(usize fd, usize buffer, usize length, usize, usize)
{
    auto file = TRY(get_file(fd));
    StringView what = TRY(user_string(buffer, length));
    if (what.is_empty())
        return current().files->insert(file, false); // POSIX dup: the same description
    usize handle = TRY(file->scheme->dup(file->handle, what, caller_of(current())));
    auto description = ktl::make_ref<FileDescription>(file->scheme, handle, file->flags);
    if (what == "write")
        description->flags = (description->flags & ~redox::O_ACCMODE) | redox::O_WRONLY;
    return current().files->insert(description, false);
}

Result sys_dup2(usize fd, usize new_fd, usize buffer, usize length, usize)
{
    auto file = TRY(get_file(fd));
    StringView what = TRY(user_string(buffer, length));
    if (new_fd >= FileTable::max_files)
        return errno_error(redox::EBADF);
    if (what.is_empty()) {
        if (fd == new_fd)
            return new_fd;
        TRY(current().files->insert_at(new_fd, file, false));
        return new_fd;
    }
    usize handle = TRY(file->scheme->dup(file->handle, what, caller_of(current())));
    TRY(current().files->insert_at(new_fd, ktl::make_ref<FileDescription>(file->scheme, handle, file->flags), false));
    return new_fd;
}

Result sys_getdents(usize fd, usize buffer, usize length, usize offset, usize)
{
    TRY(validate_user_range(buffer, length));
    auto file = TRY(get_file(fd));
    return file->scheme->getdents(file->handle, reinterpret_cast<void*>(buffer), length, offset);
}

Result sys_fcntl(usize fd, usize cmd, usize arg, usize, usize)
{
    auto file = TRY(get_file(fd));
    FileTable& files = *current().files;
    switch (static_cast<int>(cmd)) {
    case redox::F_DUPFD:
        return files.insert(file, false, arg);
    case redox::F_GETFD:
        return files.cloexec(fd) ? static_cast<usize>(redox::FD_CLOEXEC) : 0u;
    case redox::F_SETFD:
        files.set_cloexec(fd, arg & redox::FD_CLOEXEC);
        return 0u;
    case redox::F_GETFL:
        return static_cast<usize>(file->flags);
    case redox::F_SETFL: {
        constexpr unsigned long changeable = redox::O_NONBLOCK | redox::O_APPEND;
        file->flags = (file->flags & ~changeable) | (arg & changeable);
        return 0u;
    }
    default:
        return errno_error(redox::EINVAL);
    }
}

Result sys_ftruncate(usize fd, usize length, usize, usize, usize)
{
    auto file = TRY(get_file(fd));
    TRY(require_access(*file, true));
    TRY(file->scheme->ftruncate(file->handle, length));
    return 0u;
}

Result sys_fchmod(usize fd, usize mode, usize, usize, usize)
{
    if (mode & ~0xFFFul)
        return errno_error(redox::EINVAL);
    auto file = TRY(get_file(fd));
    TRY(file->scheme->fchmod(file->handle, static_cast<u16>(mode), caller_of(current())));
    return 0u;
}

Result sys_fchown(usize fd, usize uid, usize gid, usize, usize)
{
    auto file = TRY(get_file(fd));
    TRY(file->scheme->fchown(file->handle, static_cast<u32>(uid), static_cast<u32>(gid), caller_of(current())));
    return 0u;
}

Result sys_fsync(usize fd, usize, usize, usize, usize)
{
    auto file = TRY(get_file(fd));
    TRY(file->scheme->fsync(file->handle));
    return 0u;
}

Result sys_futimens(usize fd, usize address, usize length, usize, usize)
{
    if (length % sizeof(redox::TimeSpec) || length == 0 || length > 2 * sizeof(redox::TimeSpec))
        return errno_error(redox::EINVAL);
    const redox::TimeSpec* times = TRY(user_object<const redox::TimeSpec>(address));
    TRY(validate_user_range(address, length));
    for (usize i = 0; i < length / sizeof(redox::TimeSpec); ++i)
        if (times[i].tv_nsec < 0 || times[i].tv_nsec >= 1'000'000'000)
            return errno_error(redox::EINVAL);
    auto file = TRY(get_file(fd));
    TRY(file->scheme->futimens(file->handle, times, length / sizeof(redox::TimeSpec), caller_of(current())));
    return 0u;
}

Result sys_fevent(usize fd, usize flags, usize, usize, usize)
{
    constexpr usize known = redox::EVENT_READ | redox::EVENT_WRITE;
    if (flags & ~known)
        return errno_error(redox::EINVAL);
    auto file = TRY(get_file(fd));
    // Only readiness bits that were asked for (a daemon's answer is not trusted).
    return TRY(file->scheme->fevent(file->handle, flags)) & flags;
}

Result sys_fpath(usize fd, usize buffer, usize length, usize, usize)
{
    TRY(validate_user_range(buffer, length));
    auto file = TRY(get_file(fd));
    char reference[4096];
    usize n = TRY(file->scheme->fpath(file->handle, reference, sizeof reference));
    ktl::String path = display_path(file->scheme->name().view(), StringView(reference, n));
    usize copied = ktl::min(length, path.length());
    ktl::copy_bytes(reinterpret_cast<void*>(buffer), path.c_str(), copied);
    return copied;
}

// fmap(fd, Map*, sizeof(Map)) -> address. One address space: the scheme chooses the address
// (Map::address must be 0, MAP_FIXED is refused). Writable mappings need a writable file.
Result sys_fmap(usize fd, usize address, usize length, usize, usize)
{
    if (length != sizeof(redox::Map))
        return errno_error(redox::EINVAL);
    const redox::Map* request = TRY(user_object<const redox::Map>(address));
    TRY(validate_user_range(address, length));
    redox::Map map = *request;
    constexpr u64 known = redox::MAP_SHARED | redox::MAP_PRIVATE | redox::MAP_FIXED | redox::PROT_EXEC
        | redox::PROT_WRITE | redox::PROT_READ;
    if (map.size == 0 || map.size > (1ull << 32) || (map.flags & ~known) || map.offset + map.size < map.offset)
        return errno_error(redox::EINVAL);
    if (map.address != 0 || (map.flags & redox::MAP_FIXED))
        return errno_error(redox::EOPNOTSUPP);
    auto file = TRY(get_file(fd));
    unsigned long access = file->flags & redox::O_ACCMODE;
    if ((map.flags & redox::PROT_WRITE) && (map.flags & redox::MAP_SHARED) && access == redox::O_RDONLY)
        return errno_error(redox::EACCES);
    if ((map.flags & (redox::PROT_READ | redox::PROT_EXEC)) && access == redox::O_WRONLY)
        return errno_error(redox::EACCES);
    Context& self = current();
    if (self.mappings.size() >= 4096)
        return errno_error(redox::ENOMEM);
    usize mapped = TRY(file->scheme->fmap(file->handle, map.offset, static_cast<usize>(map.size), map.flags,
        caller_of(self)));
    self.mappings.append({ mapped, static_cast<usize>(map.size), file });
    return mapped;
}

// funmap(address, size): ends the mapping fmap returned at `address`.
Result sys_funmap(usize address, usize size, usize, usize, usize)
{
    auto& mappings = current().mappings;
    for (usize i = 0; i < mappings.size(); ++i) {
        if (mappings[i].address != address)
            continue;
        if (size == 0 || size > mappings[i].size)
            return errno_error(redox::EINVAL);
        mappings[i].file->scheme->funmap(mappings[i].file->handle, address, mappings[i].size);
        mappings.remove(i); // may close the file, which may block on its daemon
        return 0u;
    }
    return errno_error(redox::EINVAL);
}

Result sys_pipe2(usize address, usize flags, usize, usize, usize)
{
    if (flags & ~(redox::O_CLOEXEC | redox::O_NONBLOCK))
        return errno_error(redox::EINVAL);
    int* fds = TRY(user_object<int>(address));
    TRY(validate_user_range(address, 2 * sizeof(int)));
    auto read_end = TRY(open_path("/scheme/pipe", redox::O_RDONLY | (flags & redox::O_NONBLOCK)));
    usize write_handle = TRY(read_end->scheme->dup(read_end->handle, "write", caller_of(current())));
    auto write_end
        = ktl::make_ref<FileDescription>(read_end->scheme, write_handle, redox::O_WRONLY | (flags & redox::O_NONBLOCK));
    FileTable& files = *current().files;
    usize read_fd = TRY(files.insert(read_end, flags & redox::O_CLOEXEC));
    auto write_fd = files.insert(write_end, flags & redox::O_CLOEXEC);
    if (write_fd.is_error()) {
        (void)files.remove(read_fd);
        return write_fd.error();
    }
    fds[0] = static_cast<int>(read_fd);
    fds[1] = static_cast<int>(write_fd.value());
    return 0u;
}

Result sys_link(usize old_address, usize old_length, usize new_address, usize new_length, usize)
{
    StringView old_path = TRY(user_string(old_address, old_length));
    StringView new_path = TRY(user_string(new_address, new_length));
    auto file = TRY(open_path(old_path, redox::O_RDONLY | redox::O_STAT | redox::O_NOFOLLOW | redox::O_SYMLINK));
    ResolvedPath target = TRY(resolve_path(current(), new_path));
    if (target.scheme.ptr() != file->scheme.ptr())
        return errno_error(redox::EXDEV);
    TRY(file->scheme->flink(file->handle, target.reference.view(), caller_of(current())));
    return 0u;
}

static Result remove_path(usize address, usize length, unsigned long flags)
{
    StringView path = TRY(user_string(address, length));
    ResolvedPath resolved = TRY(resolve_path(current(), path));
    TRY(resolved.scheme->unlink(resolved.reference.view(), flags, caller_of(current())));
    return 0u;
}

Result sys_unlink(usize address, usize length, usize, usize, usize) { return remove_path(address, length, 0); }
Result sys_rmdir(usize address, usize length, usize, usize, usize)
{
    return remove_path(address, length, redox::AT_REMOVEDIR);
}

Result sys_chmod(usize address, usize length, usize mode, usize, usize)
{
    StringView path = TRY(user_string(address, length));
    if (mode & ~0xFFFul)
        return errno_error(redox::EINVAL);
    auto file = TRY(open_path(path, redox::O_RDONLY | redox::O_STAT));
    TRY(file->scheme->fchmod(file->handle, static_cast<u16>(mode), caller_of(current())));
    return 0u;
}

} // namespace kernel::syscalls
