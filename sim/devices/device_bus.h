#pragma once
// The simulated machine's I/O: port ranges claimed by device models and 16 interrupt lines.
// Everything here runs on the core's thread (host threads, such as a UART's host end, only
// post host work); port I/O from drivers reaches it through the driver proxies
// (sim/driver_host/), interrupts leave it through kernel::deliver_irq.
// Unclaimed ports read as all ones (a floating bus) and ignore writes, as on a PC.
// redox-sim --log-level trace logs every access ("[devices] trace: inb 0x1f7 -> 0x58").
#include <cstddef>
#include <cstdint>

namespace sim {

class PortDevice {
public:
    virtual ~PortDevice() = default;
    // offset is relative to the claimed base; width is 1, 2 or 4 bytes.
    virtual uint32_t read(uint16_t offset, unsigned width) = 0;
    virtual void write(uint16_t offset, unsigned width, uint32_t value) = 0;
    // `rep ins` / `rep outs`: count items of `width` bytes. The defaults loop over read/write.
    virtual void read_string(uint16_t offset, unsigned width, void* buffer, size_t count);
    virtual void write_string(uint16_t offset, unsigned width, const void* buffer, size_t count);
};

class DeviceBus {
public:
    static constexpr uint8_t LINES = 16;

    // Claims [base, base + count) for `device` (which must outlive the bus, or be released).
    // An overlapping claim is refused (logged).
    void claim(uint16_t base, uint16_t count, PortDevice& device);
    // Gives back every range `device` claimed (its ports float again).
    void release(PortDevice& device);

    // Port I/O as a driver does it: width is 1, 2 or 4 (other widths: reads all ones, writes
    // ignored); values are masked to the width. Core thread only.
    uint32_t port_in(uint16_t port, unsigned width);
    void port_out(uint16_t port, unsigned width, uint32_t value);
    void port_in_string(uint16_t port, unsigned width, void* buffer, size_t count);
    void port_out_string(uint16_t port, unsigned width, const void* buffer, size_t count);

    // Interrupt lines, driven by the device models (level: true = asserted). A line that
    // rises while enabled is delivered to the core; enabling a line that is still asserted
    // delivers it again. These back hal::irq_enable / irq_disable in the sim
    // (hal_interrupts.cpp): a line is available to drivers when a device model claimed it.
    void set_line(uint8_t line, bool asserted);
    void enable_line(uint8_t line);
    void disable_line(uint8_t line);
    bool line_claimed(uint8_t line) const;
    void claim_line(uint8_t line);
    bool line_level(uint8_t line) const;
    bool line_enabled(uint8_t line) const;

    // Forgets every claim, level and mask (tests; redox-sim's shutdown).
    void reset();

private:
    struct Range {
        uint16_t base;
        uint16_t count;
        PortDevice* device;
    };
    Range* find(uint16_t port);
    Range m_ranges[32] {};
    size_t m_range_count { 0 };
    bool m_level[LINES] {};
    bool m_enabled[LINES] {};
    bool m_claimed[LINES] {};
};

// The simulator's bus (created by redox-sim at start-up with the devices its options ask for).
DeviceBus& device_bus();

} // namespace sim
