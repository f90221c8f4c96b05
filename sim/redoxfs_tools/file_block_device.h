#pragma once
// Host side: a BlockDevice over an image file (pread / pwrite / fdatasync).
#include "block_device.h"

#include <string>

namespace redoxfs::tools {

class FileBlockDevice final : public BlockDevice {
public:
    ~FileBlockDevice() override;
    // Opens an existing image; on failure returns null and sets `error`.
    static FileBlockDevice* open(const std::string& path, bool writable, std::string& error);
    // Creates (or truncates) the image file to `bytes` (rounded down to whole blocks).
    static FileBlockDevice* create(const std::string& path, u64 bytes, std::string& error);

    ErrorOr<void> read_block(u64 index, u8* buffer) override;
    ErrorOr<void> write_block(u64 index, const u8* buffer) override;
    ErrorOr<void> flush() override;
    u64 block_count() const override { return m_blocks; }

private:
    FileBlockDevice(int fd, u64 blocks) : m_fd(fd), m_blocks(blocks) {}
    int m_fd;
    u64 m_blocks;
};

} // namespace redoxfs::tools
