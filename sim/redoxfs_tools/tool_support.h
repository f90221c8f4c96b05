#pragma once
// Host side: what the redoxfs-* tools share.
#include "file_block_device.h"
#include "filesystem.h"

#include <memory>
#include <string>

namespace redoxfs::tools {

// "64M", "1G", "512K", "4096" (bytes; K/M/G/T are powers of 1024). 0 when invalid.
u64 parse_size(const std::string& text);

// "No such file or directory" plus the file system's reason when it gave one.
std::string describe(FileSystem& fs, ktl::Error error);

struct Image {
    std::unique_ptr<FileBlockDevice> device;
    std::unique_ptr<FileSystem> fs;
};

// Opens and mounts an image; prints the reason and returns false on failure.
bool open_image(const std::string& path, bool writable, Image& image);

// Resolves an absolute or relative (to the root) path inside the image. Symlinks in the
// middle are followed (within the image); the last one only when follow_last.
ErrorOr<u32> resolve(FileSystem& fs, const std::string& path, bool follow_last);

// The current time as a file system time.
Time now();

// "drwxr-xr-x" for a mode.
std::string mode_string(u32 mode);

} // namespace redoxfs::tools
