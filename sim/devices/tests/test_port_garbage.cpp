// A driver gone wrong: random accesses of every width to every device's ports must leave the
// models consistent (the sanitizer builds check memory) and the values within their width.
#include "../ata_pio.h"
#include "../cmos_rtc.h"
#include "../pci_config.h"
#include "../uart16550.h"
#include "irq_recorder.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <random>
#include <string>
#include <vector>

TEST_CASE("port garbage: random accesses to every device keep the models sane")
{
    std::string path = "/tmp/sim-device-tests-" + std::to_string(getpid()) + "-garbage.img";
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, 64 * 512) == 0);

    sim::DeviceBus bus;
    sim::Uart16550 com1(bus, 0x3F8, 4, "com1");
    sim::AtaPioDisk ata(bus, path);
    REQUIRE(ata.ok());
    sim::PciConfig pci(bus);
    sim::CmosRtc rtc;
    bus.claim(sim::CmosRtc::BASE, 2, rtc);
    for (uint8_t line = 0; line < sim::DeviceBus::LINES; ++line)
        bus.enable_line(line);
    irq_recorder::clear();

    const uint16_t ports[] = { 0x1F0, 0x1F1, 0x1F2, 0x1F3, 0x1F4, 0x1F5, 0x1F6, 0x1F7, 0x3F6, 0x3F8, 0x3F9, 0x3FA,
        0x3FB, 0x3FC, 0x3FD, 0x3FE, 0x3FF, 0xCF8, 0xCF9, 0xCFC, 0xCFD, 0xCFE, 0xCFF, 0x70, 0x71 };
    std::mt19937 random(7);
    std::vector<uint8_t> buffer(4 * 4096);
    for (int i = 0; i < 50'000; ++i) {
        uint16_t port = ports[random() % std::size(ports)];
        unsigned width = 1u << (random() % 3);
        uint32_t value = random();
        switch (random() % 8) {
        case 0:
        case 1:
        case 2: {
            uint32_t read = bus.port_in(port, width);
            if (width < 4)
                REQUIRE(read < (1u << (8 * width)));
            break;
        }
        case 3:
            // Commands the disk knows, now and then, so transfers really start.
            if (port == 0x1F7 && random() % 2) {
                const uint8_t commands[] = { 0x20, 0x24, 0x29, 0x30, 0x34, 0x39, 0xC4, 0xC5, 0xC6, 0xE7, 0xEC };
                value = commands[random() % std::size(commands)];
            }
            bus.port_out(port, width, value);
            break;
        case 4:
        case 5:
            bus.port_out(port, width, value & 0xFF);
            break;
        case 6:
            bus.port_in_string(port, width, buffer.data(), random() % (buffer.size() / width + 1));
            break;
        case 7:
            for (auto& byte : buffer)
                byte = static_cast<uint8_t>(random());
            bus.port_out_string(port, width, buffer.data(), random() % (buffer.size() / width + 1));
            break;
        }
        if (i % 1000 == 0) {
            // Every line delivered is one a device drives, and the far end's bytes still fit.
            for (u8 line : irq_recorder::delivered())
                REQUIRE((line == 4 || line == 14));
            irq_recorder::clear();
            com1.receive(buffer.data(), 40);
            REQUIRE(com1.receive_room() <= sim::Uart16550::FIFO_SIZE);
        }
    }
    // The disk still works afterwards, after a reset.
    bus.port_out(0x3F6, 1, sim::AtaPioDisk::CONTROL_SRST);
    bus.port_out(0x3F6, 1, 0);
    bus.port_out(0x1F6, 1, 0xE0);
    bus.port_out(0x1F2, 1, 1);
    bus.port_out(0x1F3, 1, 3);
    bus.port_out(0x1F4, 1, 0);
    bus.port_out(0x1F5, 1, 0);
    bus.port_out(0x1F7, 1, sim::AtaPioDisk::CMD_READ_SECTORS);
    CHECK(bus.port_in(0x1F7, 1)
        == (sim::AtaPioDisk::STATUS_DRDY | sim::AtaPioDisk::STATUS_DSC | sim::AtaPioDisk::STATUS_DRQ));
    std::vector<uint8_t> sector(512), expected(512);
    bus.port_in_string(0x1F0, 2, sector.data(), 256);
    CHECK(pread(fd, expected.data(), 512, 3 * 512) == 512);
    CHECK(sector == expected);
    close(fd);
    unlink(path.c_str());
}
