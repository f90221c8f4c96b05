#pragma once
// `disk`: the boot disk of the HAL (hal/block_device.h) as /scheme/disk/0, root only.
// Reads and writes move whole 4 KiB blocks at block-aligned offsets, each request in one
// HAL call (a run of blocks: one pread / pwrite in the sim); fsync flushes the
// disk; fsize / fstat give its size. Registered only when the platform has a disk.
#include "../handle_table.h"
#include "../scheme.h"

namespace kernel {

class DiskScheme final : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64 offset, unsigned long, const Caller&) override;
    ErrorOr<usize> write(
        usize handle, const void* buffer, usize length, u64 offset, unsigned long, const Caller&) override;
    ErrorOr<u64> fsize(usize handle) override;
    void close(usize handle) override;
    ErrorOr<usize> dup(usize handle, StringView arg, const Caller&) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<void> fsync(usize handle) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

private:
    struct Open {
        unsigned long flags;
    };
    HandleTable<Open> m_handles;
};

} // namespace kernel
