#pragma once
// The PC's CMOS real-time clock (Motorola MC146818, as in QEMU's pc machine): index port
// 0x70 (bit 7 masks NMIs), data port 0x71. Time registers 0x00-0x09 and the century at 0x32
// read the host's UTC clock plus an offset that writes adjust; register B chooses BCD or
// binary and 12- or 24-hour format; register A's update-in-progress bit is set for the
// last 244 µs of each second, as on the real chip. No interrupts (IRQ 8) are modelled.
// The device the "write your first driver" tutorial (docs/driver-tutorial.md) drives.
#include "device_bus.h"

#include <cstdint>

namespace sim {

class CmosRtc final : public PortDevice {
public:
    static constexpr uint16_t BASE = 0x70;
    uint32_t read(uint16_t offset, unsigned width) override;
    void write(uint16_t offset, unsigned width, uint32_t value) override;

private:
    uint8_t read_register(uint8_t index) const;
    void write_register(uint8_t index, uint8_t value);
    uint8_t encode(unsigned value) const;
    unsigned decode(uint8_t value) const;

    uint8_t m_index { 0 };
    uint8_t m_register_b { 0x02 }; // 24-hour, BCD
    int64_t m_offset_seconds { 0 };
    uint8_t m_ram[128] {};
};

} // namespace sim
