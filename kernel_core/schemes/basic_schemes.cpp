#include "basic_schemes.h"

#include "../abi/redox/flags.h"
#include "../kernel.h"

namespace kernel {

ErrorOr<void> StreamDevice::fstat(usize, redox::Stat& st)
{
    st = {};
    st.st_mode = static_cast<u16>(redox::MODE_CHR | m_permissions);
    return {};
}

ErrorOr<usize> ZeroScheme::read(usize, void* buffer, usize length, u64, unsigned long, const Caller&)
{
    ktl::fill_bytes(buffer, 0, length);
    return length;
}

// ChaCha20 block function (RFC 8439), used as a keystream generator.
static inline u32 rotl(u32 v, int n) { return (v << n) | (v >> (32 - n)); }
#define QUARTER_ROUND(a, b, c, d)                                                                                      \
    a += b;                                                                                                            \
    d ^= a;                                                                                                            \
    d = rotl(d, 16);                                                                                                   \
    c += d;                                                                                                            \
    b ^= c;                                                                                                            \
    b = rotl(b, 12);                                                                                                   \
    a += b;                                                                                                            \
    d ^= a;                                                                                                            \
    d = rotl(d, 8);                                                                                                    \
    c += d;                                                                                                            \
    b ^= c;                                                                                                            \
    b = rotl(b, 7);

Random::Random(const u8 seed[32])
{
    for (int i = 0; i < 8; ++i)
        m_key[i] = static_cast<u32>(seed[4 * i]) | static_cast<u32>(seed[4 * i + 1]) << 8
            | static_cast<u32>(seed[4 * i + 2]) << 16 | static_cast<u32>(seed[4 * i + 3]) << 24;
}

void Random::refill()
{
    u32 state[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
    for (int i = 0; i < 8; ++i)
        state[4 + i] = m_key[i];
    state[12] = static_cast<u32>(m_counter);
    state[13] = static_cast<u32>(m_counter >> 32);
    state[14] = state[15] = 0;
    ++m_counter;
    u32 x[16];
    for (int i = 0; i < 16; ++i)
        x[i] = state[i];
    for (int round = 0; round < 10; ++round) {
        QUARTER_ROUND(x[0], x[4], x[8], x[12]);
        QUARTER_ROUND(x[1], x[5], x[9], x[13]);
        QUARTER_ROUND(x[2], x[6], x[10], x[14]);
        QUARTER_ROUND(x[3], x[7], x[11], x[15]);
        QUARTER_ROUND(x[0], x[5], x[10], x[15]);
        QUARTER_ROUND(x[1], x[6], x[11], x[12]);
        QUARTER_ROUND(x[2], x[7], x[8], x[13]);
        QUARTER_ROUND(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; ++i) {
        u32 v = x[i] + state[i];
        m_block[4 * i] = static_cast<u8>(v);
        m_block[4 * i + 1] = static_cast<u8>(v >> 8);
        m_block[4 * i + 2] = static_cast<u8>(v >> 16);
        m_block[4 * i + 3] = static_cast<u8>(v >> 24);
    }
    m_used = 0;
}

void Random::fill(void* buffer, usize length)
{
    auto* out = static_cast<u8*>(buffer);
    while (length) {
        if (m_used == sizeof m_block)
            refill();
        usize n = ktl::min(length, sizeof m_block - m_used);
        ktl::copy_bytes(out, m_block + m_used, n);
        m_used += n;
        out += n;
        length -= n;
    }
}

u64 Random::next_u64()
{
    u64 v;
    fill(&v, sizeof v);
    return v;
}

ErrorOr<usize> RandScheme::read(usize, void* buffer, usize length, u64, unsigned long, const Caller&)
{
    the_kernel().random().fill(buffer, length);
    return length;
}

} // namespace kernel
