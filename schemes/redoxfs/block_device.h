#pragma once
// The block-device interface RedoxFS runs on (4 KiB blocks), and an in-memory device for
// tests with failure injection and crash simulation. Platform-free: only ktl.
#include "abi/redox/errno.h"
#include "format.h"
#include "ktl/result.h"
#include "ktl/vector.h"

namespace redoxfs {

using ktl::Error;
using ktl::ErrorOr;

class BlockDevice {
public:
    virtual ~BlockDevice() = default;
    // Reads / writes one BLOCK_SIZE block; an index >= block_count() is EIO.
    virtual ErrorOr<void> read_block(u64 index, u8* buffer) = 0;
    virtual ErrorOr<void> write_block(u64 index, const u8* buffer) = 0;
    // Reads / writes `count` consecutive blocks from `index` (count * BLOCK_SIZE bytes).
    // Devices that can move a run in one transfer override these (redoxfsd: one seek and
    // one read / write); the default moves one block at a time. After an error some of the
    // blocks may have been written.
    virtual ErrorOr<void> read_blocks(u64 index, u64 count, u8* buffer)
    {
        for (u64 i = 0; i < count; ++i)
            TRY(read_block(index + i, buffer + i * BLOCK_SIZE));
        return {};
    }
    virtual ErrorOr<void> write_blocks(u64 index, u64 count, const u8* buffer)
    {
        for (u64 i = 0; i < count; ++i)
            TRY(write_block(index + i, buffer + i * BLOCK_SIZE));
        return {};
    }
    // Makes every completed write durable.
    virtual ErrorOr<void> flush() = 0;
    virtual u64 block_count() const = 0;
};

// Blocks in memory (allocated on first write; unwritten blocks read as zeros).
// - crash(): drops every write since the last flush (an undo log keeps the pre-images).
// - fail_writes_after(n): the next n writes succeed, later ones (and flushes) give EIO.
// - truncate(n): the device shrinks to n blocks.
class MemoryBlockDevice final : public BlockDevice {
public:
    explicit MemoryBlockDevice(u64 blocks) { m_blocks.resize(blocks); }
    ~MemoryBlockDevice() override
    {
        for (u8* block : m_blocks)
            delete[] block;
        drop_undo();
    }
    MemoryBlockDevice(const MemoryBlockDevice&) = delete;
    MemoryBlockDevice& operator=(const MemoryBlockDevice&) = delete;

    ErrorOr<void> read_block(u64 index, u8* buffer) override
    {
        ++m_reads;
        if (index >= m_blocks.size())
            return Error::from_errno(redox::EIO);
        if (m_blocks[index])
            ktl::copy_bytes(buffer, m_blocks[index], BLOCK_SIZE);
        else
            ktl::fill_bytes(buffer, 0, BLOCK_SIZE);
        return {};
    }
    ErrorOr<void> write_block(u64 index, const u8* buffer) override
    {
        if (index >= m_blocks.size() || m_failing || (m_fail_countdown >= 0 && m_fail_countdown-- == 0)) {
            m_failing = true;
            return Error::from_errno(redox::EIO);
        }
        ++m_writes;
        if (m_track_undo)
            m_undo.append({ index, m_blocks[index] ? copy_of(m_blocks[index]) : nullptr });
        if (!m_blocks[index])
            m_blocks[index] = new u8[BLOCK_SIZE];
        ktl::copy_bytes(m_blocks[index], buffer, BLOCK_SIZE);
        return {};
    }
    ErrorOr<void> flush() override
    {
        if (m_failing)
            return Error::from_errno(redox::EIO);
        ++m_flushes;
        drop_undo();
        return {};
    }
    u64 block_count() const override { return m_blocks.size(); }

    // Undoes every write since the last flush, newest first.
    void crash()
    {
        for (usize i = m_undo.size(); i-- > 0;) {
            Undo& undo = m_undo[i];
            delete[] m_blocks[undo.index];
            m_blocks[undo.index] = undo.old;
            undo.old = nullptr;
        }
        m_undo.clear();
        m_failing = false;
        m_fail_countdown = -1;
    }
    void fail_writes_after(i64 writes)
    {
        m_fail_countdown = writes;
        m_failing = false;
    }
    void stop_failing()
    {
        m_fail_countdown = -1;
        m_failing = false;
    }
    void truncate(u64 blocks)
    {
        for (u64 i = blocks; i < m_blocks.size(); ++i)
            delete[] m_blocks[i];
        if (blocks < m_blocks.size())
            m_blocks.resize(blocks);
    }
    // Direct access for corruption tests (allocates the block if it was never written).
    u8* raw(u64 index)
    {
        if (!m_blocks[index]) {
            m_blocks[index] = new u8[BLOCK_SIZE];
            ktl::fill_bytes(m_blocks[index], 0, BLOCK_SIZE);
        }
        return m_blocks[index];
    }
    bool is_written(u64 index) const { return m_blocks[index] != nullptr; }
    u64 writes() const { return m_writes; }
    u64 reads() const { return m_reads; }
    u64 flushes() const { return m_flushes; }

private:
    struct Undo {
        u64 index;
        u8* old;
    };
    static u8* copy_of(const u8* block)
    {
        u8* copy = new u8[BLOCK_SIZE];
        ktl::copy_bytes(copy, block, BLOCK_SIZE);
        return copy;
    }
    void drop_undo()
    {
        for (Undo& undo : m_undo)
            delete[] undo.old;
        m_undo.clear();
    }

    ktl::Vector<u8*> m_blocks;
    ktl::Vector<Undo> m_undo;
    bool m_track_undo { true };
    bool m_failing { false };
    i64 m_fail_countdown { -1 };
    u64 m_writes { 0 };
    u64 m_reads { 0 };
    u64 m_flushes { 0 };
};

} // namespace redoxfs
