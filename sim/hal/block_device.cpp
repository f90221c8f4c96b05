// The boot disk over an image file (redox-sim --image): pread / pwrite / fdatasync.
#include "../../kernel_core/hal/block_device.h"
#include "sim_state.h"

#include <cerrno>
#include <unistd.h>

namespace hal {

u64 disk_block_count() { return sim::hal_settings().disk_fd >= 0 ? sim::hal_settings().disk_blocks : 0; }

int disk_read_block(u64 index, void* buffer)
{
    int fd = sim::hal_settings().disk_fd;
    if (fd < 0)
        return ENODEV;
    if (index >= sim::hal_settings().disk_blocks)
        return EINVAL;
    auto* out = static_cast<char*>(buffer);
    usize done = 0;
    while (done < DISK_BLOCK_SIZE) {
        ssize_t n = pread(fd, out + done, DISK_BLOCK_SIZE - done, static_cast<off_t>(index * DISK_BLOCK_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return EIO;
        if (n == 0) { // past the end of a short file: zeros
            for (; done < DISK_BLOCK_SIZE; ++done)
                out[done] = 0;
            break;
        }
        done += static_cast<usize>(n);
    }
    return 0;
}

int disk_write_block(u64 index, const void* buffer)
{
    int fd = sim::hal_settings().disk_fd;
    if (fd < 0)
        return ENODEV;
    if (index >= sim::hal_settings().disk_blocks)
        return EINVAL;
    auto* in = static_cast<const char*>(buffer);
    usize done = 0;
    while (done < DISK_BLOCK_SIZE) {
        ssize_t n = pwrite(fd, in + done, DISK_BLOCK_SIZE - done, static_cast<off_t>(index * DISK_BLOCK_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
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
