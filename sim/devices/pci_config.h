#pragma once
// PCI configuration space through configuration mechanism #1 (0xCF8 address, 0xCFC-0xCFF
// data), with the functions of QEMU's pc (i440FX) machine that matter to the drivers:
//   00:00.0  8086:1237  host bridge (class 06.00)
//   00:01.0  8086:7000  PIIX3 ISA bridge (class 06.01, multi-function header)
//   00:01.1  8086:7010  PIIX3 IDE (class 01.01, prog-if 0x80: legacy ports 0x1F0/0x3F6 and
//                       IRQ 14, bus mastering), BAR4 = bus-master registers at I/O 0xC000
// The address register is reached with 32-bit accesses at 0xCF8 only (it reads back what was
// written, reserved bits 0); bit 31 enables configuration cycles: without it, or for a
// function that does not exist, the data port reads all ones and ignores writes. The data
// port takes byte, word and dword accesses at 0xCFC-0xCFF. Writable: the command register
// (I/O, memory, bus master), the interrupt line, and BAR4 (16 bytes of I/O: sizing with
// all ones reads back 0xFFFFFFF1). Everything else is read-only.
#include "device_bus.h"

#include <cstdint>

namespace sim {

class PciConfig final : public PortDevice {
public:
    static constexpr uint16_t ADDRESS_PORT = 0xCF8;
    static constexpr uint16_t DATA_PORT = 0xCFC;
    static constexpr uint32_t ENABLE = 0x8000'0000u;
    static constexpr uint16_t IDE_BUS_MASTER_BASE = 0xC000;

    explicit PciConfig(DeviceBus& bus);
    ~PciConfig() override;
    PciConfig(const PciConfig&) = delete;
    PciConfig& operator=(const PciConfig&) = delete;

    uint32_t read(uint16_t offset, unsigned width) override;
    void write(uint16_t offset, unsigned width, uint32_t value) override;

private:
    struct Function {
        uint8_t device;
        uint8_t function;
        uint8_t config[256];
        uint16_t command_mask; // writable bits of the command register
        uint32_t bar4_size; // 0: no BAR4
    };
    Function* selected();
    void add(uint8_t device, uint8_t function, uint16_t vendor, uint16_t id, uint8_t class_code, uint8_t subclass,
        uint8_t prog_if, uint8_t header_type, uint8_t revision);

    DeviceBus& m_bus;
    uint32_t m_address { 0 };
    Function m_functions[3] {};
    unsigned m_count { 0 };
};

} // namespace sim
