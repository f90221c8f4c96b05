// The boot disk over an image file (redox-sim --image): pread / pwrite / fdatasync, one
// call per run of blocks.
#include "../../kernel_core/hal/block_device.h"
#include "sim_state.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace hal {

namespace {

    // The run [index, index + count) on the disk, or an errno.
    int check_run(u64 index, u64 count)
    {
        if (sim::hal_settings().disk_fd < 0)
            return ENODEV;
        u64 blocks = sim::hal_settings().disk_blocks;
        if (index > blocks || count > blocks - index)
            return EINVAL;
        return 0;
    }

} // namespace

u64 disk_block_count() { return sim::hal_settings().disk_fd >= 0 ? sim::hal_settings().disk_blocks : 0; }

int disk_read_blocks(u64 index, u64 count, void* buffer)
{
    if (int code = check_run(index, count))
        return code;
    int fd = sim::hal_settings().disk_fd;
    auto* out = static_cast<char*>(buffer);
    usize length = count * DISK_BLOCK_SIZE;
    usize done = 0;
    while (done < length) {
        ssize_t n = pread(fd, out + done, length - done, static_cast<off_t>(index * DISK_BLOCK_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return EIO;
        if (n == 0) { // past the end of a short file: zeros
            std::memset(out + done, 0, length - done);
            break;
        }
        done += static_cast<usize>(n);
    }
    return 0;
}

int disk_write_blocks(u64 index, u64 count, const void* buffer)
{
    if (int code = check_run(index, count))
        return code;
    int fd = sim::hal_settings().disk_fd;
    auto* in = static_cast<const char*>(buffer);
    usize length = count * DISK_BLOCK_SIZE;
    usize done = 0;
    while (done < length) {
        ssize_t n = pwrite(fd, in + done, length - done, static_cast<off_t>(index * DISK_BLOCK_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == ENOSPC || errno == EDQUOT))
            return ENOSPC; // the host file system holding the (sparse) image is full
        if (n <= 0)
            return EIO;
        done += static_cast<usize>(n);
    }
    return 0;
}

int disk_flush()
{
    int fd = sim::hal_settings().disk_fd;
    if (fd < 0)
        return ENODEV;
    return fdatasync(fd) == 0 ? 0 : EIO;
}

} // namespace hal
