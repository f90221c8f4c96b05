#pragma once
// Physical memory for drivers through the kernel's `memory` scheme (root only): device
// memory by physical address (for Mmio<T> registers) and DMA buffers, whose physical
// address a driver programs into a device.
#include "ktl/types.h"

namespace driver {

// Maps [physical, physical + size): the address, or -errno (as a negative long).
long physmap(u64 physical, usize size, void** address);
long physunmap(void* address, usize size);

// Zeroed, physically contiguous memory a device may read and write.
class DmaBuffer {
public:
    DmaBuffer() = default;
    DmaBuffer(const DmaBuffer&) = delete;
    DmaBuffer& operator=(const DmaBuffer&) = delete;
    ~DmaBuffer() { free(); }

    // 0 or -errno.
    long allocate(usize size);
    void free();

    void* address() const { return m_address; }
    u64 physical() const { return m_physical; }
    usize size() const { return m_size; }

private:
    void* m_address { nullptr };
    u64 m_physical { 0 };
    usize m_size { 0 };
};

} // namespace driver
