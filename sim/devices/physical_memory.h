#pragma once
// The simulated machine's RAM as drivers see it ("physical memory", hal/physical_memory.h):
// one 64 MiB arena in a memfd, so that a driver running as its own Linux process can map the
// very same memory (drivers/remote gets the fd with SCM_RIGHTS and maps it MAP_SHARED).
//
// Physical address = PHYSICAL_MEMORY_BASE + offset in the arena: byte `o` of the memfd is
// physical address 0x1000'0000 + o. The base keeps address 0 and the legacy areas below 1 MiB
// out of it, so a stray null "physical address" never names RAM. Nothing else is physical
// memory: hal::physical_map of any other range returns null.
//
// DMA buffers (hal::dma_allocate) come from the arena with a first-fit allocator over 4 KiB
// pages; they are zeroed when handed out and their pages are given back to Linux when freed.
// The arena is created on first use (redox-sim creates it at start-up).
#include <cstddef>
#include <cstdint>

namespace sim {

constexpr std::uint64_t PHYSICAL_MEMORY_BASE = 0x1000'0000;
constexpr std::uint64_t PHYSICAL_MEMORY_SIZE = 64ull << 20;
constexpr std::size_t PHYSICAL_PAGE_SIZE = 4096;

// The memfd behind the arena (-1 when it could not be created); map it MAP_SHARED at offset
// (physical - PHYSICAL_MEMORY_BASE). Owned by the simulator: do not close it.
int physical_memory_fd();
// The arena's size in bytes (0 when it could not be created).
std::uint64_t physical_memory_size();
// Where the arena is mapped in the simulator (null when it could not be created).
void* physical_memory_base();
// Pages no DMA buffer holds (diagnostics and tests).
std::size_t dma_free_pages();

} // namespace sim
