// redox-sim's machine: the devices its options ask for, on sim::device_bus() (machine.h).
#include "../../hal/host_work.h"
#include "../ata_pio.h"
#include "../device_bus.h"
#include "../machine.h"
#include "../uart16550.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

namespace {

std::string temp_path(const char* name) { return "/tmp/sim-device-tests-" + std::to_string(getpid()) + "-" + name; }

uint32_t in(uint16_t port, unsigned width = 1) { return sim::device_bus().port_in(port, width); }

struct TempImage {
    explicit TempImage(off_t size) : path(temp_path("machine.img"))
    {
        int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(ftruncate(fd, size) == 0);
        close(fd);
    }
    ~TempImage() { unlink(path.c_str()); }
    std::string path;
};

} // namespace

TEST_CASE("machine: the options choose the devices; stopping leaves the bus empty")
{
    sim::host_work_open();
    sim::device_bus().reset();
    TempImage image(1 << 20);
    sim::MachineOptions options;
    options.com1 = "unix:" + temp_path("machine-com1.sock");
    options.com2 = "null";
    options.ata_disk = image.path;
    REQUIRE(sim::machine_start(options));
    auto& bus = sim::device_bus();
    // COM1 and COM2: the scratch register holds what is written.
    bus.port_out(0x3F8 + sim::Uart16550::SCR, 1, 0x42);
    CHECK(in(0x3F8 + sim::Uart16550::SCR) == 0x42);
    bus.port_out(0x2F8 + sim::Uart16550::SCR, 1, 0x24);
    CHECK(in(0x2F8 + sim::Uart16550::SCR) == 0x24);
    CHECK(access(temp_path("machine-com1.sock").c_str(), F_OK) == 0);
    // The ATA disk answers, PCI has the IDE controller, the CMOS clock is there.
    CHECK(in(0x1F7) == (sim::AtaPioDisk::STATUS_DRDY | sim::AtaPioDisk::STATUS_DSC));
    bus.port_out(0xCF8, 4, 0x8000'0900u);
    CHECK(in(0xCFC, 4) == 0x7010'8086u);
    bus.port_out(0x70, 1, 0x0B);
    CHECK(in(0x71) != 0xFF);
    for (uint8_t line : { 3, 4, 14 })
        CHECK(bus.line_claimed(line));
    CHECK_FALSE(bus.line_claimed(5));

    sim::machine_stop();
    for (uint16_t port : { 0x3F8 + 7, 0x2F8 + 7, 0x1F7, 0x3F6, 0xCFC, 0x71 })
        CHECK(in(static_cast<uint16_t>(port)) == 0xFF);
    CHECK_FALSE(bus.line_claimed(4));
    CHECK(access(temp_path("machine-com1.sock").c_str(), F_OK) != 0);
}

TEST_CASE("machine: none leaves a UART out; bad options fail and leave nothing behind")
{
    sim::host_work_open();
    sim::device_bus().reset();
    sim::MachineOptions options;
    options.com1 = "none";
    REQUIRE(sim::machine_start(options));
    CHECK(in(0x3F8 + 7) == 0xFF);
    CHECK(in(0x1F7) == 0xFF); // no --ata-disk: the channel floats
    CHECK_FALSE(sim::device_bus().line_claimed(4));
    sim::machine_stop();

    CHECK(sim::check_serial_option("unix:/tmp/x").empty());
    CHECK_FALSE(sim::check_serial_option("serial0").empty());

    options.com1 = "null";
    options.ata_disk = "/nonexistent/disk.img";
    CHECK_FALSE(sim::machine_start(options));
    CHECK(in(0x3F8 + 7) == 0xFF); // COM1 was set up, then taken down again

    TempImage image(1 << 20);
    options.ata_disk = image.path;
    options.boot_image = image.path; // the boot disk must not be driven twice
    CHECK_FALSE(sim::machine_start(options));
    CHECK(in(0x1F7) == 0xFF);

    options = {};
    options.com1 = "pty:/nonexistent/dir/link";
    CHECK_FALSE(sim::machine_start(options));
    options.com1_optional = true; // the default COM1 falls back to nothing plugged in
    REQUIRE(sim::machine_start(options));
    sim::device_bus().port_out(0x3F8 + 7, 1, 0x99);
    CHECK(in(0x3F8 + 7) == 0x99);
    sim::machine_stop();
}
