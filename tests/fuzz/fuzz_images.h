#pragma once
// Shared by the RedoxFS fuzzer and its seed-corpus generator: fresh images built with the
// library (mkfs + a few operations) and the input layout the fuzzer understands.
//
// Input layout (first byte = mode):
// - mode even ("raw"): the rest of the input is the image itself, padded with zero blocks to
//   whole 4 KiB blocks and to at least MIN_BLOCKS, cut at MAX_BLOCKS. Checksums make most
//   random mutations fail at mount, which is itself worth testing.
// - mode odd ("structured"): byte 1 picks a fresh base image (BASE_COUNT kinds), the rest is
//   a list of 8-byte edits (block selector, offset, operation, value) applied to the blocks
//   reachable from the newest header; then every block-pointer hash on the reachable tree and
//   the header hash are recomputed (unless the edit asks not to), so the checks behind the
//   checksums (structure, bounds, counts, tries) are what the input exercises.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "../../schemes/redoxfs/filesystem.h"

namespace fuzzimg {

using namespace redoxfs;

constexpr u64 IMAGE_BLOCKS = 384;  // fresh images (256 header blocks + 128 others)
constexpr u64 MIN_BLOCKS = IMAGE_BLOCKS;
constexpr u64 MAX_BLOCKS = 512;    // 2 MiB
constexpr int BASE_COUNT = 3;      // 0: empty, 1: files/dirs/symlinks, 2: a larger directory
constexpr usize EDIT_SIZE = 8;

inline std::vector<u8> device_bytes(MemoryBlockDevice& device)
{
    std::vector<u8> image(device.block_count() * BLOCK_SIZE);
    for (u64 i = 0; i < device.block_count(); ++i)
        (void)device.read_block(i, image.data() + i * BLOCK_SIZE);
    return image;
}

inline StringView sv(const char* s) { return { s, strlen(s) }; }

// Returns an empty vector if the library refused (it should not).
inline std::vector<u8> build_base(int kind)
{
    MemoryBlockDevice device(IMAGE_BLOCKS);
    MkfsOptions options;
    options.uuid[0] = 0x42;
    options.now = { 1000, 5 };
    if (FileSystem::mkfs(device, options).is_error())
        return {};
    if (kind != 0) {
        FileSystem fs(device);
        if (fs.mount().is_error())
            return {};
        fs.set_time({ 2000, 7 });
        u32 root = fs.root_id();
        std::vector<u8> data(20000);
        for (usize i = 0; i < data.size(); ++i)
            data[i] = static_cast<u8>(i * 31 + 7);
        if (kind == 1) {
            auto small = fs.create(root, sv("small.txt"), redox::MODE_FILE | 0644, 1, 1);
            if (!small.is_error())
                (void)fs.write(small.value(), 0, "hello, redoxfs\n", 15);
            auto big = fs.create(root, sv("big.bin"), redox::MODE_FILE | 0600, 0, 0);
            if (!big.is_error())
                (void)fs.write(big.value(), 0, data.data(), data.size());
            auto sparse = fs.create(root, sv("sparse"), redox::MODE_FILE | 0644, 0, 0);
            if (!sparse.is_error())
                (void)fs.write(sparse.value(), 4096ull * 300, data.data(), 100); // two table levels
            auto dir = fs.mkdir(root, sv("dir"), 0755, 0, 0);
            if (!dir.is_error()) {
                auto sub = fs.mkdir(dir.value(), sv("sub"), 0700, 5, 5);
                if (!sub.is_error()) {
                    auto deep = fs.create(sub.value(), sv("deep"), redox::MODE_FILE | 0644, 0, 0);
                    if (!deep.is_error())
                        (void)fs.write(deep.value(), 0, data.data(), 5000);
                }
                (void)fs.symlink(dir.value(), sv("up"), sv("../small.txt"), 0, 0);
                if (!small.is_error())
                    (void)fs.link(dir.value(), sv("hardlink"), small.value());
            }
            (void)fs.symlink(root, sv("loop"), sv("loop"), 0, 0);
        } else {
            auto dir = fs.mkdir(root, sv("many"), 0755, 0, 0);
            if (!dir.is_error()) {
                for (int i = 0; i < 400; ++i) {
                    char name[64];
                    snprintf(name, sizeof name, "entry-with-a-longish-name-%04d", i);
                    if (i % 7 == 0)
                        (void)fs.mkdir(dir.value(), sv(name), 0755, 0, 0);
                    else
                        (void)fs.create(dir.value(), sv(name), redox::MODE_FILE | 0644, 0, 0);
                }
            }
        }
        if (fs.commit().is_error())
            return {};
    }
    return device_bytes(device);
}

} // namespace fuzzimg
