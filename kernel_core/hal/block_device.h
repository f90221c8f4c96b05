#pragma once
// HAL: the boot disk, as 4 KiB blocks. A platform without one reports 0 blocks and ENODEV.
// Calls are synchronous (the core blocks on them like on any other HAL call but idle()).
#include "../ktl/types.h"

namespace hal {

constexpr usize DISK_BLOCK_SIZE = 4096;

// Blocks on the boot disk; 0 when there is no disk.
u64 disk_block_count();
// Read / write one block into / from `buffer` (DISK_BLOCK_SIZE bytes). Returns 0, or a
// positive errno: ENODEV (no disk), EINVAL (index out of range), EIO.
int disk_read_block(u64 index, void* buffer);
int disk_write_block(u64 index, const void* buffer);
// Makes every completed write durable. 0 or a positive errno.
int disk_flush();

} // namespace hal
