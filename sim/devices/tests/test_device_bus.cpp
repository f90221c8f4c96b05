// The port bus and the interrupt lines (device_bus.h, hal_interrupts.cpp).
#include "../../../kernel_core/hal/interrupts.h"
#include "../device_bus.h"
#include "irq_recorder.h"

#include <doctest/doctest.h>

#include <vector>

namespace {

// Remembers accesses and answers with a fixed pattern.
class Recorder final : public sim::PortDevice {
public:
    uint32_t read(uint16_t offset, unsigned width) override
    {
        reads.push_back({ offset, width, 0 });
        return 0x12345678u + offset;
    }
    void write(uint16_t offset, unsigned width, uint32_t value) override { writes.push_back({ offset, width, value }); }
    struct Access {
        uint16_t offset;
        unsigned width;
        uint32_t value;
    };
    std::vector<Access> reads, writes;
};

} // namespace

TEST_CASE("device bus: unclaimed ports float (all ones) and ignore writes")
{
    sim::DeviceBus bus;
    CHECK(bus.port_in(0x80, 1) == 0xFF);
    CHECK(bus.port_in(0x80, 2) == 0xFFFF);
    CHECK(bus.port_in(0x80, 4) == 0xFFFF'FFFFu);
    bus.port_out(0x80, 1, 0x12);
    uint16_t words[3] = { 1, 2, 3 };
    bus.port_in_string(0x1F0, 2, words, 3);
    CHECK(words[0] == 0xFFFF);
    CHECK(words[2] == 0xFFFF);
}

TEST_CASE("device bus: claimed ranges get offsets relative to their base, values masked to the width")
{
    sim::DeviceBus bus;
    Recorder device;
    bus.claim(0x100, 4, device);
    CHECK(bus.port_in(0x102, 1) == 0x7A); // 0x1234567A masked to a byte
    CHECK(bus.port_in(0x103, 2) == 0x567B);
    bus.port_out(0x101, 2, 0xABCDEF);
    REQUIRE(device.writes.size() == 1);
    CHECK(device.writes[0].offset == 1);
    CHECK(device.writes[0].value == 0xCDEF);
    CHECK(bus.port_in(0x104, 1) == 0xFF); // just past the range
    CHECK(bus.port_in(0x0FF, 1) == 0xFF);
    // Bad widths do not reach the device.
    CHECK(bus.port_in(0x100, 3) == 0xFFFF'FFFFu);
    bus.port_out(0x100, 0, 1);
    CHECK(device.writes.size() == 1);
    // The default string accessors loop over read/write.
    uint8_t bytes[3] {};
    bus.port_in_string(0x100, 1, bytes, 3);
    CHECK(bytes[0] == 0x78);
    CHECK(device.reads.size() == 2 + 3);
    const uint8_t out[2] = { 7, 9 };
    bus.port_out_string(0x103, 1, out, 2);
    REQUIRE(device.writes.size() == 3);
    CHECK(device.writes[2].offset == 3);
    CHECK(device.writes[2].value == 9);
}

TEST_CASE("device bus: an overlapping claim is refused; release lets the ports float")
{
    sim::DeviceBus bus;
    Recorder first, second;
    bus.claim(0x100, 8, first);
    bus.claim(0x104, 8, second); // overlaps: refused
    bus.port_in(0x105, 1);
    CHECK(first.reads.size() == 1);
    CHECK(second.reads.empty());
    bus.release(first);
    CHECK(bus.port_in(0x105, 1) == 0xFF);
    bus.claim(0x104, 8, second);
    bus.port_in(0x105, 1);
    CHECK(second.reads.size() == 1);
}

TEST_CASE("device bus: lines deliver on a rising level while enabled, and again when enabled while high")
{
    sim::DeviceBus bus;
    irq_recorder::clear();
    bus.claim_line(5);
    bus.set_line(5, true); // masked: nothing
    CHECK(irq_recorder::delivered().empty());
    bus.enable_line(5); // still asserted: delivered now
    CHECK(irq_recorder::count(5) == 1);
    bus.set_line(5, true); // no new edge
    CHECK(irq_recorder::count(5) == 1);
    bus.set_line(5, false);
    bus.set_line(5, true);
    CHECK(irq_recorder::count(5) == 2);
    bus.disable_line(5); // as the kernel does on delivery
    bus.set_line(5, false);
    bus.set_line(5, true);
    CHECK(irq_recorder::count(5) == 2);
    bus.enable_line(5); // the driver acknowledged while the device still asserts
    CHECK(irq_recorder::count(5) == 3);
    bus.set_line(5, false);
    bus.enable_line(5);
    CHECK(irq_recorder::count(5) == 3);
    CHECK(irq_recorder::delivered().size() == 3);
    bus.set_line(16, true); // no such line
    bus.enable_line(200);
    CHECK(irq_recorder::delivered().size() == 3);
}

TEST_CASE("hal interrupts: the lines device models claimed are available, others not")
{
    auto& bus = sim::device_bus();
    bus.reset();
    irq_recorder::clear();
    CHECK_FALSE(hal::irq_line_available(4));
    bus.claim_line(4);
    CHECK(hal::irq_line_available(4));
    CHECK_FALSE(hal::irq_line_available(3));
    CHECK_FALSE(hal::irq_line_available(16));
    hal::irq_enable(4);
    CHECK(bus.line_enabled(4));
    bus.set_line(4, true);
    CHECK(irq_recorder::count(4) == 1);
    hal::irq_disable(4);
    CHECK_FALSE(bus.line_enabled(4));
    hal::irq_enable(4); // asserted still
    CHECK(irq_recorder::count(4) == 2);
    hal::irq_enable(99); // ignored
    bus.reset();
    CHECK_FALSE(hal::irq_line_available(4));
}
