#pragma once
// HAL: physical memory for drivers (the `memory` scheme, kernel_core/schemes/memory_scheme.h):
// device memory and RAM by physical address, and DMA buffers (contiguous, zeroed, with a
// known physical address). Bare metal: the identity map below 4 GiB and contiguous frames;
// the sim: the simulated machine's RAM, an arena its device models address by "physical"
// offset; the fake HAL: an arena in the test process.
#include "../ktl/types.h"

namespace hal {

// The address through which [physical, physical + size) is reached, or null when that range
// can not be mapped.
void* physical_map(u64 physical, usize size);
// Zeroed, physically contiguous memory of `size` bytes (rounded up to 4 KiB); its physical
// address goes to *physical. Null when there is none left.
void* dma_allocate(usize size, u64* physical);
void dma_free(void* address, usize size);
// The physical address behind `address`, or 0 when it is not physical or DMA memory.
u64 physical_address_of(const void* address);

} // namespace hal
