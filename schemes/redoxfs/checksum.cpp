#include "checksum.h"

namespace redoxfs {

namespace {

    // FNV-1a of eight blocks at once: eight independent multiply chains keep the multiplier
    // busy (about 5x one chain). Same values as fnv1a64 per block.
    void fnv1a64_blocks(const u8* data, usize count, u64* out)
    {
        constexpr u64 BASIS = 0xcbf29ce484222325ull, PRIME = 0x100000001b3ull;
        usize i = 0;
        for (; i + 8 <= count; i += 8) {
            const u8* p = data + i * BLOCK_SIZE;
            u64 h[8] = { BASIS, BASIS, BASIS, BASIS, BASIS, BASIS, BASIS, BASIS };
            for (usize j = 0; j < BLOCK_SIZE; ++j)
                for (usize k = 0; k < 8; ++k)
                    h[k] = (h[k] ^ p[j + k * BLOCK_SIZE]) * PRIME;
            for (usize k = 0; k < 8; ++k)
                out[i + k] = h[k];
        }
        for (; i < count; ++i)
            out[i] = fnv1a64(data + i * BLOCK_SIZE, BLOCK_SIZE);
    }

} // namespace

void block_checksums(u64 version, const u8* blocks, usize count, u64* out)
{
    if (version == 1) {
        fnv1a64_blocks(blocks, count, out);
        return;
    }
    for (usize i = 0; i < count; ++i)
        out[i] = xxh3_64(blocks + i * BLOCK_SIZE, BLOCK_SIZE);
}

} // namespace redoxfs
