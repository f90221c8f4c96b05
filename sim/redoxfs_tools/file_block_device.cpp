// Host side: FileBlockDevice (see file_block_device.h).
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <string>
#include <unistd.h>

namespace {
constexpr int HOST_O_RDONLY = O_RDONLY;
constexpr int HOST_O_RDWR = O_RDWR;
constexpr int HOST_O_CREAT = O_CREAT;
constexpr int HOST_O_TRUNC = O_TRUNC;
constexpr int HOST_O_CLOEXEC = O_CLOEXEC;
constexpr int HOST_EINTR = EINTR;
} // namespace

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "file_block_device.h"

namespace redoxfs::tools {

FileBlockDevice::~FileBlockDevice() { ::close(m_fd); }

FileBlockDevice* FileBlockDevice::open(const std::string& path, bool writable, std::string& error)
{
    int fd = ::open(path.c_str(), (writable ? HOST_O_RDWR : HOST_O_RDONLY) | HOST_O_CLOEXEC);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return nullptr;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        error = path + ": " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    return new FileBlockDevice(fd, static_cast<u64>(st.st_size) / BLOCK_SIZE);
}

FileBlockDevice* FileBlockDevice::create(const std::string& path, u64 bytes, std::string& error)
{
    int fd = ::open(path.c_str(), HOST_O_RDWR | HOST_O_CREAT | HOST_O_TRUNC | HOST_O_CLOEXEC, 0644);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return nullptr;
    }
    u64 blocks = bytes / BLOCK_SIZE;
    if (::ftruncate(fd, static_cast<off_t>(blocks * BLOCK_SIZE)) != 0) {
        error = path + ": " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    return new FileBlockDevice(fd, blocks);
}

ErrorOr<void> FileBlockDevice::read_block(u64 index, u8* buffer)
{
    if (index >= m_blocks)
        return Error::from_errno(redox::EIO);
    usize done = 0;
    while (done < BLOCK_SIZE) {
        ssize_t n = ::pread(m_fd, buffer + done, BLOCK_SIZE - done, static_cast<off_t>(index * BLOCK_SIZE + done));
        if (n < 0 && errno == HOST_EINTR)
            continue;
        if (n <= 0)
            return Error::from_errno(redox::EIO);
        done += static_cast<usize>(n);
    }
    return {};
}

ErrorOr<void> FileBlockDevice::write_block(u64 index, const u8* buffer)
{
    if (index >= m_blocks)
        return Error::from_errno(redox::EIO);
    usize done = 0;
    while (done < BLOCK_SIZE) {
        ssize_t n = ::pwrite(m_fd, buffer + done, BLOCK_SIZE - done, static_cast<off_t>(index * BLOCK_SIZE + done));
        if (n < 0 && errno == HOST_EINTR)
            continue;
        if (n <= 0)
            return Error::from_errno(redox::EIO);
        done += static_cast<usize>(n);
    }
    return {};
}

ErrorOr<void> FileBlockDevice::flush()
{
    if (::fdatasync(m_fd) != 0)
        return Error::from_errno(redox::EIO);
    return {};
}

} // namespace redoxfs::tools
