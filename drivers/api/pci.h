#pragma once
// PCI configuration space through configuration mechanism #1 (ports 0xCF8 / 0xCFC), the
// way a PC's firmware-less driver finds its device: enumerate, match the class, read BARs.
#include "ktl/types.h"

namespace driver {

struct PciAddress {
    u8 bus;
    u8 device;
    u8 function;
};

u32 pci_read32(PciAddress address, u8 offset);
void pci_write32(PciAddress address, u8 offset, u32 value);
u16 pci_read16(PciAddress address, u8 offset);
u8 pci_read8(PciAddress address, u8 offset);

struct PciFunction {
    PciAddress address;
    u16 vendor_id;
    u16 device_id;
    u8 class_code;
    u8 subclass;
    u8 prog_if;
    u8 revision;
    u8 header_type; // without the multi-function bit
    u8 interrupt_line;
    u32 bars[6];
};

// Reads the function's header; false when no function answers there.
bool pci_probe(PciAddress address, PciFunction& out);
// Calls visit(function, argument) for every function on bus 0 and the buses behind
// PCI-to-PCI bridges; visit returns false to stop. Returns how many functions were seen.
usize pci_enumerate(bool (*visit)(const PciFunction& function, void* argument), void* argument);

} // namespace driver
