// PCI configuration mechanism #1 (pci_config.h).
#include "pci_config.h"

#include <cstring>

namespace sim {

namespace {

    void put16(uint8_t* config, unsigned offset, uint16_t value) { std::memcpy(config + offset, &value, 2); }
    void put32(uint8_t* config, unsigned offset, uint32_t value) { std::memcpy(config + offset, &value, 4); }

    // Configuration header offsets.
    constexpr unsigned VENDOR = 0x00, DEVICE = 0x02, COMMAND = 0x04, STATUS = 0x06, REVISION = 0x08, PROG_IF = 0x09,
                       SUBCLASS = 0x0A, CLASS = 0x0B, HEADER_TYPE = 0x0E, BAR4 = 0x20, SUBSYSTEM_VENDOR = 0x2C,
                       SUBSYSTEM = 0x2E, INTERRUPT_LINE = 0x3C;

} // namespace

PciConfig::PciConfig(DeviceBus& bus) : m_bus(bus)
{
    add(0, 0, 0x8086, 0x1237, 0x06, 0x00, 0x00, 0x00, 0x02);
    add(1, 0, 0x8086, 0x7000, 0x06, 0x01, 0x00, 0x80, 0x00);
    add(1, 1, 0x8086, 0x7010, 0x01, 0x01, 0x80, 0x00, 0x00);
    Function& ide = m_functions[2];
    put16(ide.config, COMMAND, 0x0005); // I/O decoding and bus mastering on, as the firmware leaves it
    put16(ide.config, STATUS, 0x0280); // medium DEVSEL timing, fast back-to-back
    put32(ide.config, BAR4, IDE_BUS_MASTER_BASE | 1);
    ide.bar4_size = 16;
    m_bus.claim(ADDRESS_PORT, 8, *this);
}

PciConfig::~PciConfig() { m_bus.release(*this); }

void PciConfig::add(uint8_t device, uint8_t function, uint16_t vendor, uint16_t id, uint8_t class_code,
    uint8_t subclass, uint8_t prog_if, uint8_t header_type, uint8_t revision)
{
    Function& f = m_functions[m_count++];
    f.device = device;
    f.function = function;
    put16(f.config, VENDOR, vendor);
    put16(f.config, DEVICE, id);
    put16(f.config, COMMAND, 0x0007);
    f.config[REVISION] = revision;
    f.config[PROG_IF] = prog_if;
    f.config[SUBCLASS] = subclass;
    f.config[CLASS] = class_code;
    f.config[HEADER_TYPE] = header_type;
    put16(f.config, SUBSYSTEM_VENDOR, 0x1AF4); // QEMU's
    put16(f.config, SUBSYSTEM, 0x1100);
    f.command_mask = 0x0007; // I/O space, memory space, bus master
}

PciConfig::Function* PciConfig::selected()
{
    if (!(m_address & ENABLE))
        return nullptr;
    unsigned bus = (m_address >> 16) & 0xFF;
    unsigned device = (m_address >> 11) & 0x1F;
    unsigned function = (m_address >> 8) & 0x07;
    if (bus != 0)
        return nullptr;
    for (unsigned i = 0; i < m_count; ++i) {
        if (m_functions[i].device == device && m_functions[i].function == function)
            return &m_functions[i];
    }
    return nullptr;
}

uint32_t PciConfig::read(uint16_t offset, unsigned width)
{
    if (offset < 4)
        return offset == 0 && width == 4 ? m_address : 0xFFFF'FFFFu;
    Function* function = selected();
    unsigned at = (m_address & 0xFC) + (offset - 4u);
    if (!function || at + width > 256)
        return 0xFFFF'FFFFu;
    uint32_t value = 0;
    std::memcpy(&value, function->config + at, width);
    return value;
}

void PciConfig::write(uint16_t offset, unsigned width, uint32_t value)
{
    if (offset < 4) {
        if (offset == 0 && width == 4)
            m_address = value & 0x80FF'FFFCu;
        return;
    }
    Function* function = selected();
    unsigned at = (m_address & 0xFC) + (offset - 4u);
    if (!function || at + width > 256)
        return;
    // Byte by byte, so that any access width hits exactly the writable bits it covers.
    for (unsigned i = 0; i < width; ++i) {
        unsigned byte_at = at + i;
        auto byte = static_cast<uint8_t>(value >> (8 * i));
        if (byte_at == COMMAND || byte_at == COMMAND + 1) {
            uint8_t mask = static_cast<uint8_t>(function->command_mask >> (8 * (byte_at - COMMAND)));
            function->config[byte_at] = static_cast<uint8_t>((function->config[byte_at] & ~mask) | (byte & mask));
        } else if (byte_at == INTERRUPT_LINE) {
            function->config[byte_at] = byte;
        } else if (function->bar4_size && byte_at >= BAR4 && byte_at < BAR4 + 4) {
            uint32_t mask = ~(function->bar4_size - 1); // the low bits give the size away
            uint8_t byte_mask = static_cast<uint8_t>(mask >> (8 * (byte_at - BAR4)));
            uint8_t fixed = byte_at == BAR4 ? 0x01 : 0x00; // bit 0: I/O space
            function->config[byte_at] = static_cast<uint8_t>((byte & byte_mask) | fixed);
        }
    }
}

} // namespace sim
