// port-garbage: a misbehaving driver on purpose. Writes random values of random widths to
// the I/O ports of the machine's devices (ATA, both UARTs, the RTC, PCI configuration
// space) and reads them back at random, for the robustness tests: whatever a driver writes
// to device registers, the system must keep running and a proper driver must be able to
// take the device over again afterwards.
//
// Usage: port-garbage [COUNT [SEED]]     (default 20000 accesses, seed 1)
#include "port_io.h"

#include "ktl/string_view.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

struct Range {
    u16 base;
    u16 count;
};

// The ports of the simulated / QEMU devices, except 0xCF8 (see below).
constexpr Range ranges[] = { { 0x1F0, 8 }, { 0x3F6, 1 }, { 0x3F8, 8 }, { 0x2F8, 8 }, { 0x70, 2 }, { 0xCFC, 4 } };

u64 next(u64& state)
{
    // xorshift64*: reproducible garbage from the seed.
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

int port_garbage_main(int argc, char** argv, char**)
{
    u64 count = 20000, seed = 1;
    if (argc > 3 || (argc > 1 && !ktl::parse_u64(argv[1], count)) || (argc > 2 && !ktl::parse_u64(argv[2], seed))) {
        errf("usage: port-garbage [COUNT [SEED]]\n");
        return 2;
    }
    if (long r = sys::iopl(3); r < 0) {
        io::report_error("port-garbage", "iopl", r);
        return 1;
    }
    u64 state = seed * 0x9E3779B97F4A7C15ull + 1;
    u64 writes = 0, reads = 0;
    for (u64 i = 0; i < count; ++i) {
        u64 r = next(state);
        const Range& range = ranges[r % (sizeof ranges / sizeof ranges[0])];
        u16 port = static_cast<u16>(range.base + (r >> 8) % range.count);
        u32 value = static_cast<u32>(r >> 32);
        unsigned width = 1u << ((r >> 16) % 3);
        if ((r >> 20) & 1) {
            if (width == 1)
                driver::port_out8(port, static_cast<u8>(value));
            else if (width == 2)
                driver::port_out16(port, static_cast<u16>(value));
            else
                driver::port_out32(port, value);
            ++writes;
        } else {
            if (width == 1)
                driver::port_in8(port);
            else if (width == 2)
                driver::port_in16(port);
            else
                driver::port_in32(port);
            ++reads;
        }
        // Random configuration addresses too, but only through the 32-bit address port,
        // as a PCI host bridge defines it.
        if ((r >> 24) % 16 == 0)
            driver::port_out32(0xCF8, static_cast<u32>(next(state)));
    }
    outf("port-garbage: %lu writes, %lu reads\n", static_cast<unsigned long>(writes), static_cast<unsigned long>(reads));
    return 0;
}

} // namespace

REDOX_PROGRAM("port-garbage", port_garbage_main)
