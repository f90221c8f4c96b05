#pragma once
// Small kernel schemes: `null` (discards, reads end of file), `zero` (reads zeros),
// `rand` (a ChaCha20 CSPRNG seeded from the HAL, or from --seed for reproducible runs).
#include "../scheme.h"

namespace kernel {

// What null, zero and rand share: one stateless device, always ready, writes swallowed
// (for rand, as on Redox: writes do not change the stream, so seeded runs stay reproducible).
class StreamDevice : public Scheme {
public:
    explicit StreamDevice(u16 permissions) : m_permissions(permissions) {}
    ErrorOr<usize> open(StringView, unsigned long, const Caller&) override { return 0u; }
    ErrorOr<usize> write(usize, const void*, usize length, u64, unsigned long, const Caller&) override
    {
        return length;
    }
    ErrorOr<void> fstat(usize, redox::Stat& st) override;
    ErrorOr<usize> fevent(usize, usize flags) override { return flags; }
    ErrorOr<usize> fpath(usize, char*, usize) override { return 0u; }

private:
    u16 m_permissions;
};

class NullScheme final : public StreamDevice {
public:
    NullScheme() : StreamDevice(0666) {}
    ErrorOr<usize> read(usize, void*, usize, u64, unsigned long, const Caller&) override { return 0u; }
};

class ZeroScheme final : public StreamDevice {
public:
    ZeroScheme() : StreamDevice(0666) {}
    ErrorOr<usize> read(usize, void* buffer, usize length, u64, unsigned long, const Caller&) override;
};

class Random {
public:
    explicit Random(const u8 seed[32]);
    void fill(void* buffer, usize length);
    u64 next_u64();

private:
    void refill();
    u32 m_key[8];
    u64 m_counter { 0 };
    u8 m_block[64];
    usize m_used { 64 };
};

class RandScheme final : public StreamDevice {
public:
    RandScheme() : StreamDevice(0644) {}
    ErrorOr<usize> read(usize, void* buffer, usize length, u64, unsigned long, const Caller&) override;
};

} // namespace kernel
