// PCI configuration mechanism #1 (pci_config.h), enumerated as lspci and the ATA driver do.
#include "../pci_config.h"

#include <doctest/doctest.h>

#include <vector>

using sim::PciConfig;

namespace {

struct Pci {
    Pci() : config(bus) {}
    uint32_t read32(unsigned device, unsigned function, unsigned offset)
    {
        bus.port_out(0xCF8, 4, PciConfig::ENABLE | device << 11 | function << 8 | (offset & 0xFC));
        return bus.port_in(0xCFC, 4);
    }
    void write32(unsigned device, unsigned function, unsigned offset, uint32_t value)
    {
        bus.port_out(0xCF8, 4, PciConfig::ENABLE | device << 11 | function << 8 | (offset & 0xFC));
        bus.port_out(0xCFC, 4, value);
    }
    sim::DeviceBus bus;
    PciConfig config;
};

struct Found {
    unsigned device, function;
    uint32_t ids, class_word;
};

} // namespace

TEST_CASE("pci: enumerating bus 0 finds exactly the host bridge, the ISA bridge and the IDE controller")
{
    Pci pci;
    std::vector<Found> found;
    for (unsigned device = 0; device < 32; ++device) {
        for (unsigned function = 0; function < 8; ++function) {
            uint32_t ids = pci.read32(device, function, 0);
            if ((ids & 0xFFFF) == 0xFFFF) {
                if (function == 0)
                    break;
                continue;
            }
            found.push_back({ device, function, ids, pci.read32(device, function, 8) });
            bool multifunction = (pci.read32(device, function, 0x0C) >> 16) & 0x80;
            if (function == 0 && !multifunction)
                break;
        }
    }
    REQUIRE(found.size() == 3);
    CHECK(found[0].device == 0);
    CHECK(found[0].ids == 0x1237'8086);
    CHECK((found[0].class_word >> 8) == 0x06'00'00);
    CHECK(found[1].device == 1);
    CHECK(found[1].function == 0);
    CHECK(found[1].ids == 0x7000'8086);
    CHECK((found[1].class_word >> 8) == 0x06'01'00);
    CHECK(found[2].device == 1);
    CHECK(found[2].function == 1);
    CHECK(found[2].ids == 0x7010'8086);
    CHECK((found[2].class_word >> 8) == 0x01'01'80);
    // A brute-force scan of all 256 functions sees the same three.
    int present = 0;
    for (unsigned device = 0; device < 32; ++device)
        for (unsigned function = 0; function < 8; ++function)
            present += pci.read32(device, function, 0) != 0xFFFF'FFFFu;
    CHECK(present == 3);
    // Other buses are empty.
    pci.bus.port_out(0xCF8, 4, PciConfig::ENABLE | 1u << 16);
    CHECK(pci.bus.port_in(0xCFC, 4) == 0xFFFF'FFFFu);
}

TEST_CASE("pci: IDE BAR4 is the bus-master I/O block; sizing, command register, narrow accesses")
{
    Pci pci;
    CHECK(pci.read32(1, 1, 0x20) == (PciConfig::IDE_BUS_MASTER_BASE | 1));
    for (unsigned bar = 0x10; bar < 0x20; bar += 4)
        CHECK(pci.read32(1, 1, bar) == 0); // legacy mode: no BARs 0-3
    pci.write32(1, 1, 0x20, 0xFFFF'FFFFu);
    CHECK(pci.read32(1, 1, 0x20) == 0xFFFF'FFF1u); // 16 bytes of I/O
    pci.write32(1, 1, 0x20, 0xD000);
    CHECK(pci.read32(1, 1, 0x20) == 0xD001);

    uint32_t command_status = pci.read32(1, 1, 4);
    CHECK((command_status & 0x1));
    pci.write32(1, 1, 4, 0xFFFF'0000u); // clears I/O, memory and bus master; the status stays
    CHECK(pci.read32(1, 1, 4) == (command_status & 0xFFFF'0000u));
    pci.write32(1, 1, 4, 0x0000'FFFFu); // only the three writable bits stick
    CHECK((pci.read32(1, 1, 4) & 0xFFFF) == 0x0007);
    pci.write32(1, 1, 0, 0); // ids are read-only
    CHECK(pci.read32(1, 1, 0) == 0x7010'8086);

    // Byte and word accesses through 0xCFC-0xCFF.
    pci.bus.port_out(0xCF8, 4, PciConfig::ENABLE | 1u << 11 | 1u << 8 | 0x08);
    CHECK(pci.bus.port_in(0xCFF, 1) == 0x01); // class
    CHECK(pci.bus.port_in(0xCFE, 1) == 0x01); // subclass
    CHECK(pci.bus.port_in(0xCFD, 1) == 0x80); // prog-if
    CHECK(pci.bus.port_in(0xCFE, 2) == 0x0101);
    pci.bus.port_out(0xCF8, 4, PciConfig::ENABLE | 1u << 11 | 0x0C);
    CHECK(pci.bus.port_in(0xCFE, 1) == 0x80); // the ISA bridge's header type
    pci.bus.port_out(0xCF8, 4, PciConfig::ENABLE | 1u << 11 | 1u << 8 | 0x3C);
    pci.bus.port_out(0xCFC, 1, 14); // interrupt line: writable
    CHECK(pci.bus.port_in(0xCFC, 1) == 14);
}

TEST_CASE("pci: the address register and its enable bit")
{
    Pci pci;
    pci.bus.port_out(0xCF8, 4, 0x8000'0000u);
    CHECK(pci.bus.port_in(0xCF8, 4) == 0x8000'0000u); // reads back (how Linux detects mechanism #1)
    CHECK(pci.bus.port_in(0xCFC, 4) == 0x1237'8086u);
    pci.bus.port_out(0xCF8, 4, 0x0000'0000u); // enable bit clear: no configuration cycle
    CHECK(pci.bus.port_in(0xCFC, 4) == 0xFFFF'FFFFu);
    pci.bus.port_out(0xCF8, 4, 0xFFFF'FFFFu);
    CHECK(pci.bus.port_in(0xCF8, 4) == 0x80FF'FFFCu); // reserved bits read 0
    // Narrow accesses to 0xCF8-0xCFB are not the address register.
    pci.bus.port_out(0xCF8, 4, 0x8000'0800u);
    pci.bus.port_out(0xCFB, 1, 0x00);
    CHECK(pci.bus.port_in(0xCF8, 4) == 0x8000'0800u);
    CHECK(pci.bus.port_in(0xCFC, 2) == 0x8086);
}
