#pragma once
// `memory`: physical memory for drivers (hal/physical_memory.h), root only.
//   physical     fmap(offset = physical address, size): device memory or RAM at that address
//                (page-aligned; EFAULT when the platform can not map the range).
//   dma          fmap(offset 0, size): zeroed, physically contiguous memory, rounded up to
//                4 KiB; freed when the mapping ends (funmap, exec, exit). ENOMEM: none left.
//   translation  lseek to a virtual address, then read 8 bytes: the physical address behind it
//                (EFAULT when it is not physical or DMA memory).
#include "../handle_table.h"
#include "../scheme.h"

namespace kernel {

class MemoryScheme final : public Scheme {
public:
    static constexpr usize page_size = 4096;

    ~MemoryScheme() override;

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64 offset, unsigned long, const Caller&) override;
    ErrorOr<u64> fsize(usize handle) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> getdents(usize handle, void* buffer, usize length, u64 position) override;
    ErrorOr<usize> fmap(usize handle, u64 offset, usize size, u64 flags, const Caller&) override;
    void funmap(usize handle, usize address, usize size) override;

private:
    enum class Kind : u8 { Root, Physical, Dma, Translation };
    struct Open {
        Kind kind;
    };
    struct DmaBuffer {
        usize handle; // the dma handle it was mapped through
        usize address;
        usize size; // rounded up to whole pages
    };

    void free_dma(usize index);

    HandleTable<Open> m_handles;
    ktl::Vector<DmaBuffer> m_dma_buffers;
};

} // namespace kernel
