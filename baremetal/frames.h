#pragma once
// The physical frame allocator: every usable 4 KiB frame below the identity-map limit,
// from the boot memory map, tracked in a bitmap. The heap takes its arena chunks from here;
// drivers will take DMA buffers from here.
#include "arch.h"

namespace baremetal {

constexpr u64 frame_size = 4096;

void frames_init(const arch::BootInfo& boot);
// A physically contiguous run of `count` frames (identity-mapped), or 0 when none is left.
u64 frames_allocate(u64 count);
void frames_free(u64 physical, u64 count);
u64 frames_free_count();
u64 frames_total_count();

} // namespace baremetal
