#include "pci.h"

#include "port_io.h"

namespace driver {

namespace {

constexpr u16 CONFIG_ADDRESS = 0xCF8;
constexpr u16 CONFIG_DATA = 0xCFC;
constexpr u8 CLASS_BRIDGE = 0x06, SUBCLASS_PCI_BRIDGE = 0x04;

u32 config_address(PciAddress address, u8 offset)
{
    return 0x8000'0000u | static_cast<u32>(address.bus) << 16 | static_cast<u32>(address.device & 31) << 11
        | static_cast<u32>(address.function & 7) << 8 | (offset & 0xFC);
}

usize enumerate_bus(u8 bus, bool (*visit)(const PciFunction&, void*), void* argument, bool& stop, u32 depth)
{
    usize seen = 0;
    for (u8 device = 0; device < 32 && !stop; ++device) {
        PciFunction function {};
        if (!pci_probe({ bus, device, 0 }, function))
            continue;
        bool multi_function = pci_read8({ bus, device, 0 }, 0x0E) & 0x80;
        for (u8 number = 0; number < (multi_function ? 8 : 1) && !stop; ++number) {
            if (number > 0 && !pci_probe({ bus, device, number }, function))
                continue;
            ++seen;
            if (!visit(function, argument)) {
                stop = true;
                break;
            }
            if (function.class_code == CLASS_BRIDGE && function.subclass == SUBCLASS_PCI_BRIDGE && depth < 8) {
                u8 secondary = pci_read8(function.address, 0x19);
                if (secondary > bus) // a bridge pointing backwards would loop
                    seen += enumerate_bus(secondary, visit, argument, stop, depth + 1);
            }
        }
    }
    return seen;
}

} // namespace

u32 pci_read32(PciAddress address, u8 offset)
{
    port_out32(CONFIG_ADDRESS, config_address(address, offset));
    return port_in32(CONFIG_DATA);
}

void pci_write32(PciAddress address, u8 offset, u32 value)
{
    port_out32(CONFIG_ADDRESS, config_address(address, offset));
    port_out32(CONFIG_DATA, value);
}

u16 pci_read16(PciAddress address, u8 offset)
{
    return static_cast<u16>(pci_read32(address, offset) >> ((offset & 2) * 8));
}

u8 pci_read8(PciAddress address, u8 offset)
{
    return static_cast<u8>(pci_read32(address, offset) >> ((offset & 3) * 8));
}

bool pci_probe(PciAddress address, PciFunction& out)
{
    u32 ids = pci_read32(address, 0x00);
    if ((ids & 0xFFFF) == 0xFFFF)
        return false;
    out = {};
    out.address = address;
    out.vendor_id = static_cast<u16>(ids);
    out.device_id = static_cast<u16>(ids >> 16);
    u32 class_word = pci_read32(address, 0x08);
    out.revision = static_cast<u8>(class_word);
    out.prog_if = static_cast<u8>(class_word >> 8);
    out.subclass = static_cast<u8>(class_word >> 16);
    out.class_code = static_cast<u8>(class_word >> 24);
    out.header_type = pci_read8(address, 0x0E) & 0x7F;
    out.interrupt_line = pci_read8(address, 0x3C);
    usize bars = out.header_type == 0 ? 6 : out.header_type == 1 ? 2 : 0;
    for (usize i = 0; i < bars; ++i)
        out.bars[i] = pci_read32(address, static_cast<u8>(0x10 + 4 * i));
    return true;
}

usize pci_enumerate(bool (*visit)(const PciFunction& function, void* argument), void* argument)
{
    bool stop = false;
    return enumerate_bus(0, visit, argument, stop, 0);
}

} // namespace driver
