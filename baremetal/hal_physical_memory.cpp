// hal/physical_memory.h on bare metal: boot.S identity-maps physical 0..4 GiB, so a physical
// address below that is its own pointer (except the page at 0, kept unmapped for null
// pointers). DMA buffers are contiguous runs of frames from the frame allocator.
#include "../kernel_core/hal/physical_memory.h"
#include "../kernel_core/ktl/memory.h"
#include "frames.h"

namespace hal {

void* physical_map(u64 physical, usize size)
{
    if (size == 0 || physical < baremetal::frame_size || physical >= arch::identity_map_end
        || size > arch::identity_map_end - physical)
        return nullptr;
    return reinterpret_cast<void*>(physical);
}

void* dma_allocate(usize size, u64* physical)
{
    u64 frames = (static_cast<u64>(size) + baremetal::frame_size - 1) / baremetal::frame_size;
    u64 first = baremetal::frames_allocate(frames);
    if (!first)
        return nullptr;
    void* address = reinterpret_cast<void*>(first);
    ktl::fill_bytes(address, 0, frames * baremetal::frame_size);
    *physical = first;
    return address;
}

void dma_free(void* address, usize size)
{
    u64 frames = (static_cast<u64>(size) + baremetal::frame_size - 1) / baremetal::frame_size;
    baremetal::frames_free(reinterpret_cast<u64>(address), frames);
}

u64 physical_address_of(const void* address)
{
    u64 value = reinterpret_cast<u64>(address);
    if (value >= baremetal::frame_size && value < arch::identity_map_end)
        return value; // identity-mapped: the heap, stacks, DMA buffers
    if (value >= arch::kernel_virtual_base)
        return value - arch::kernel_virtual_base; // the kernel image's window
    return 0;
}

} // namespace hal
