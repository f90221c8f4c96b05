#pragma once
// Block checksums, by format version (docs/redoxfs-format.md):
//   version 1: FNV-1a-64 of the block's bytes (format.h's fnv1a64);
//   version 2: XXH3-64 with seed 0 (the xxHash library's XXH3_64bits).
// FNV-1a is a serial multiply chain per byte (about 0.8 GB/s; 5 GB/s with eight blocks
// interleaved); XXH3 runs at memory speed, so a verified read costs little more than the copy.
// Header blocks keep FNV-1a in every version: a reader checks a header before it knows the
// header's version.
#include "format.h"

namespace redoxfs {

// XXH3-64 (seed 0) of `length` bytes. The build picks the implementation: on Linux hosts
// libxxhash's run-time dispatch (SSE2, AVX2 or AVX-512), on bare metal the same library's
// portable inline code (xxh3_inline.cpp).
u64 xxh3_64(const void* data, usize length);

// The checksum of one BLOCK_SIZE block under `version` (a known version).
inline u64 block_checksum(u64 version, const void* block)
{
    return version == 1 ? fnv1a64(block, BLOCK_SIZE) : xxh3_64(block, BLOCK_SIZE);
}

// block_checksum of `count` consecutive blocks into out.
void block_checksums(u64 version, const u8* blocks, usize count, u64* out);

} // namespace redoxfs
