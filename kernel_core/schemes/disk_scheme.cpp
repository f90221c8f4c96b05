#include "disk_scheme.h"

#include "../abi/redox/flags.h"
#include "../hal/block_device.h"

namespace kernel {

namespace {

    constexpr u64 BLOCK = hal::DISK_BLOCK_SIZE;

    Error disk_error(int code) { return errno_error(code ? code : redox::EIO); }

} // namespace

ErrorOr<usize> DiskScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    TRY(check_device_open(path == StringView("0", 1), flags, caller));
    if (hal::disk_block_count() == 0)
        return errno_error(redox::ENODEV);
    return m_handles.insert(new Open { flags });
}

ErrorOr<usize> DiskScheme::read(usize handle, void* buffer, usize length, u64 offset, unsigned long, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if ((open->flags & redox::O_STAT) || !(open->flags & redox::O_RDONLY))
        return errno_error(redox::EBADF);
    if (offset % BLOCK || length % BLOCK)
        return errno_error(redox::EINVAL);
    u64 blocks = hal::disk_block_count();
    u64 first = offset / BLOCK;
    if (first >= blocks || length == 0)
        return 0;
    u64 count = ktl::min<u64>(length / BLOCK, blocks - first);
    // The whole run in one HAL call.
    if (int code = hal::disk_read_blocks(first, count, buffer))
        return disk_error(code);
    return static_cast<usize>(count * BLOCK);
}

ErrorOr<usize> DiskScheme::write(
    usize handle, const void* buffer, usize length, u64 offset, unsigned long, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if ((open->flags & redox::O_STAT) || !(open->flags & redox::O_WRONLY))
        return errno_error(redox::EBADF);
    if (offset % BLOCK || length % BLOCK)
        return errno_error(redox::EINVAL);
    u64 blocks = hal::disk_block_count();
    if (length && offset / BLOCK >= blocks)
        return errno_error(redox::ENOSPC);
    u64 first = offset / BLOCK;
    if (length == 0)
        return 0;
    u64 count = ktl::min<u64>(length / BLOCK, blocks - first);
    if (int code = hal::disk_write_blocks(first, count, buffer))
        return disk_error(code);
    return static_cast<usize>(count * BLOCK);
}

ErrorOr<u64> DiskScheme::fsize(usize handle)
{
    TRY(m_handles.get(handle));
    return hal::disk_block_count() * BLOCK;
}

void DiskScheme::close(usize handle) { delete m_handles.take(handle); }

ErrorOr<usize> DiskScheme::dup(usize handle, StringView arg, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if (!arg.is_empty())
        return errno_error(redox::EINVAL);
    return m_handles.insert(new Open { open->flags });
}

ErrorOr<usize> DiskScheme::fpath(usize handle, char* buffer, usize length)
{
    TRY(m_handles.get(handle));
    const char path[] = "0"; // a reference: callers see /scheme/disk/0
    usize n = length < sizeof path - 1 ? length : sizeof path - 1;
    ktl::copy_bytes(buffer, path, n);
    return n;
}

ErrorOr<void> DiskScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(m_handles.get(handle));
    st = {};
    st.st_mode = static_cast<u16>(redox::MODE_FILE | 0600);
    st.st_size = hal::disk_block_count() * BLOCK;
    st.st_blksize = static_cast<u32>(BLOCK);
    st.st_blocks = st.st_size / 512;
    st.st_nlink = 1;
    return {};
}

ErrorOr<void> DiskScheme::fsync(usize handle)
{
    TRY(m_handles.get(handle));
    if (int code = hal::disk_flush())
        return disk_error(code);
    return {};
}

ErrorOr<usize> DiskScheme::fevent(usize handle, usize flags)
{
    TRY(m_handles.get(handle));
    return flags;
}

} // namespace kernel
