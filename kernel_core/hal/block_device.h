#pragma once
// HAL: the boot disk, as 4 KiB blocks. A platform without one reports 0 blocks and ENODEV.
// Calls are synchronous (the core blocks on them like on any other HAL call but idle()).
#include "../ktl/types.h"

namespace hal {

constexpr usize DISK_BLOCK_SIZE = 4096;

// Blocks on the boot disk; 0 when there is no disk.
u64 disk_block_count();
// Read / write `count` consecutive blocks starting at `index` into / from `buffer`
// (count * DISK_BLOCK_SIZE bytes), all or nothing as far as the caller can tell: returns 0,
// or a positive errno: ENODEV (no disk), EINVAL (a block past the end; nothing moved),
// ENOSPC (a write, when the medium behind the disk is full: a sparse image file), EIO.
// One call moves the whole run (the sim: one pread / pwrite), so callers pass runs, not
// single blocks, where they can.
int disk_read_blocks(u64 index, u64 count, void* buffer);
int disk_write_blocks(u64 index, u64 count, const void* buffer);
// Makes every completed write durable. 0 or a positive errno.
int disk_flush();

} // namespace hal
