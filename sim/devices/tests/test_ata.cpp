// The ATA PIO disk driven through the bus as a driver would (ata_pio.h), against image files.
#include "../ata_pio.h"
#include "irq_recorder.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

using sim::AtaPioDisk;

namespace {

constexpr uint16_t BASE = AtaPioDisk::COMMAND_BASE;
constexpr uint16_t CONTROL = AtaPioDisk::CONTROL_PORT;
constexpr uint8_t DRDY = AtaPioDisk::STATUS_DRDY, DSC = AtaPioDisk::STATUS_DSC, DRQ = AtaPioDisk::STATUS_DRQ,
                  ERR = AtaPioDisk::STATUS_ERR, BSY = AtaPioDisk::STATUS_BSY;

// Byte j of sector s in the test images.
uint8_t pattern(uint64_t sector, size_t j) { return static_cast<uint8_t>(sector * 7 + j * 13 + (sector >> 8)); }

// A temporary image of `sectors` sectors (sparse), the first `filled` of them with the pattern.
struct Image {
    Image(uint64_t sectors, uint64_t filled)
    {
        path = "/tmp/sim-device-tests-" + std::to_string(getpid()) + "-ata.img";
        fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(ftruncate(fd, static_cast<off_t>(sectors * 512 + 100)) == 0); // a partial tail sector
        std::vector<uint8_t> sector(512);
        for (uint64_t s = 0; s < filled; ++s) {
            for (size_t j = 0; j < 512; ++j)
                sector[j] = pattern(s, j);
            REQUIRE(pwrite(fd, sector.data(), 512, static_cast<off_t>(s * 512)) == 512);
        }
    }
    ~Image()
    {
        close(fd);
        unlink(path.c_str());
    }
    std::vector<uint8_t> sector(uint64_t s) const
    {
        std::vector<uint8_t> data(512);
        CHECK(pread(fd, data.data(), 512, static_cast<off_t>(s * 512)) == 512);
        return data;
    }
    std::string path;
    int fd;
};

// What an ATA driver does, through the bus.
struct Channel {
    explicit Channel(const Image& image) : disk(bus, image.path)
    {
        irq_recorder::clear();
        bus.enable_line(AtaPioDisk::IRQ);
    }
    uint8_t in(uint16_t reg) { return static_cast<uint8_t>(bus.port_in(BASE + reg, 1)); }
    void out(uint16_t reg, uint8_t value) { bus.port_out(BASE + reg, 1, value); }
    uint8_t status() { return in(AtaPioDisk::STATUS); }
    uint8_t alternate_status() { return static_cast<uint8_t>(bus.port_in(CONTROL, 1)); }
    void control(uint8_t value) { bus.port_out(CONTROL, 1, value); }
    bool intrq() const { return bus.line_level(AtaPioDisk::IRQ); }
    size_t interrupts() const { return irq_recorder::count(AtaPioDisk::IRQ); }

    void lba28(uint8_t command, uint32_t lba, uint8_t count)
    {
        out(AtaPioDisk::DEVICE, static_cast<uint8_t>(0xE0 | ((lba >> 24) & 0x0F)));
        out(AtaPioDisk::SECTOR_COUNT, count);
        out(AtaPioDisk::LBA_LOW, static_cast<uint8_t>(lba));
        out(AtaPioDisk::LBA_MID, static_cast<uint8_t>(lba >> 8));
        out(AtaPioDisk::LBA_HIGH, static_cast<uint8_t>(lba >> 16));
        out(AtaPioDisk::COMMAND, command);
    }
    void lba48(uint8_t command, uint64_t lba, uint16_t count)
    {
        out(AtaPioDisk::DEVICE, 0x40);
        out(AtaPioDisk::SECTOR_COUNT, static_cast<uint8_t>(count >> 8));
        out(AtaPioDisk::LBA_LOW, static_cast<uint8_t>(lba >> 24));
        out(AtaPioDisk::LBA_MID, static_cast<uint8_t>(lba >> 32));
        out(AtaPioDisk::LBA_HIGH, static_cast<uint8_t>(lba >> 40));
        out(AtaPioDisk::SECTOR_COUNT, static_cast<uint8_t>(count));
        out(AtaPioDisk::LBA_LOW, static_cast<uint8_t>(lba));
        out(AtaPioDisk::LBA_MID, static_cast<uint8_t>(lba >> 8));
        out(AtaPioDisk::LBA_HIGH, static_cast<uint8_t>(lba >> 16));
        out(AtaPioDisk::COMMAND, command);
    }
    std::vector<uint8_t> read_data(size_t bytes)
    {
        std::vector<uint8_t> data(bytes);
        bus.port_in_string(BASE, 2, data.data(), bytes / 2);
        return data;
    }
    void write_data(const std::vector<uint8_t>& data) { bus.port_out_string(BASE, 2, data.data(), data.size() / 2); }
    std::vector<uint16_t> identify()
    {
        out(AtaPioDisk::DEVICE, 0xA0);
        out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_IDENTIFY_DEVICE);
        CHECK(status() == (DRDY | DSC | DRQ));
        std::vector<uint16_t> words(256);
        bus.port_in_string(BASE, 2, words.data(), 256);
        CHECK(status() == (DRDY | DSC));
        return words;
    }

    sim::DeviceBus bus;
    AtaPioDisk disk;
};

std::string ata_string(const std::vector<uint16_t>& words, size_t first, size_t count)
{
    std::string text;
    for (size_t i = first; i < first + count; ++i) {
        text += static_cast<char>(words[i] >> 8);
        text += static_cast<char>(words[i] & 0xFF);
    }
    return text;
}

std::vector<uint8_t> expected(uint64_t first, uint64_t count)
{
    std::vector<uint8_t> data;
    for (uint64_t s = first; s < first + count; ++s)
        for (size_t j = 0; j < 512; ++j)
            data.push_back(pattern(s, j));
    return data;
}

} // namespace

TEST_CASE("ata: IDENTIFY DEVICE describes the image")
{
    Image image(1000, 0);
    Channel ata(image);
    REQUIRE(ata.disk.ok());
    CHECK(ata.disk.sectors() == 1000); // rounded down to whole sectors
    // The ATA signature after power-on.
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 1);
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 1);
    CHECK(ata.in(AtaPioDisk::LBA_MID) == 0);
    CHECK(ata.in(AtaPioDisk::LBA_HIGH) == 0);
    CHECK(ata.status() == (DRDY | DSC));
    auto words = ata.identify();
    CHECK(ata.interrupts() == 1);
    CHECK(words[0] == 0x0040);
    CHECK(ata_string(words, 27, 20) == "REDOX SIM ATA DISK                      ");
    std::string serial = ata_string(words, 10, 10);
    CHECK(serial.find_first_not_of(' ') != std::string::npos);
    CHECK(words[47] == (0x8000 | 16));
    CHECK(words[59] == (0x100 | 16)); // multiple mode on, 16 sectors, after reset
    CHECK(words[60] == 1000);
    CHECK(words[61] == 0);
    CHECK((words[49] & (1 << 9))); // LBA
    CHECK((words[83] & (1 << 10))); // LBA48
    CHECK((words[83] & (1 << 12)));
    CHECK((words[83] & (1 << 13)));
    CHECK(words[100] == 1000);
    CHECK(words[101] == 0);
    CHECK(words[102] == 0);
    CHECK(words[103] == 0);
    CHECK((words[255] & 0xFF) == 0xA5);
    uint8_t sum = 0;
    for (uint16_t word : words)
        sum = static_cast<uint8_t>(sum + (word & 0xFF) + (word >> 8));
    CHECK(sum == 0);
}

TEST_CASE("ata: READ SECTORS interrupts per sector and returns the image's bytes")
{
    Image image(100, 100);
    Channel ata(image);
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 5, 3);
    for (uint64_t s = 5; s < 8; ++s) {
        CHECK(ata.intrq());
        CHECK(ata.interrupts() == s - 4);
        CHECK(ata.alternate_status() == (DRDY | DSC | DRQ));
        CHECK(ata.intrq()); // the alternate status does not acknowledge
        CHECK(ata.status() == (DRDY | DSC | DRQ));
        CHECK_FALSE(ata.intrq()); // the status register does
        CHECK(ata.read_data(512) == expected(s, 1));
    }
    CHECK(ata.status() == (DRDY | DSC)); // no interrupt after the last block of a read
    CHECK(ata.interrupts() == 3);
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 8); // the sector after the last one read
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 0);
    CHECK(ata.in(AtaPioDisk::ERROR) == 0);
    // Data port reads with no DRQ give 0; 32-bit accesses work as on QEMU.
    CHECK(ata.bus.port_in(BASE, 2) == 0);
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 9, 1);
    std::vector<uint8_t> data(512);
    for (size_t i = 0; i < 512; i += 4) {
        uint32_t value = ata.bus.port_in(BASE, 4);
        std::memcpy(data.data() + i, &value, 4);
    }
    CHECK(data == expected(9, 1));
    // A sector count of 0 means 256: more than the image has.
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 0, 0);
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_IDNF);
}

TEST_CASE("ata: a count of 0 means 256 sectors")
{
    Image image(300, 300);
    Channel ata(image);
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 10, 0);
    for (int s = 0; s < 256; ++s) {
        REQUIRE(ata.status() == (DRDY | DSC | DRQ));
        ata.read_data(512);
    }
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.interrupts() == 256);
    CHECK(ata.in(AtaPioDisk::LBA_MID) == 1); // 10 + 256 = 266 = 0x10A
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 0x0A);
}

TEST_CASE("ata: WRITE SECTORS asks for the first block without an interrupt and completes with one")
{
    Image image(100, 100);
    Channel ata(image);
    std::vector<uint8_t> data(1024);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<uint8_t>(i * 31 + 3);
    ata.lba28(AtaPioDisk::CMD_WRITE_SECTORS, 20, 2);
    CHECK(ata.alternate_status() == (DRDY | DSC | DRQ));
    CHECK(ata.interrupts() == 0);
    ata.write_data({ data.begin(), data.begin() + 512 });
    CHECK(ata.interrupts() == 1); // wants the second block
    CHECK(ata.status() == (DRDY | DSC | DRQ));
    // Single words work too.
    for (size_t i = 512; i < 1024; i += 2)
        ata.bus.port_out(BASE, 2, static_cast<uint32_t>(data[i] | data[i + 1] << 8));
    CHECK(ata.interrupts() == 2); // done
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(image.sector(20) == std::vector<uint8_t>(data.begin(), data.begin() + 512));
    CHECK(image.sector(21) == std::vector<uint8_t>(data.begin() + 512, data.end()));
    CHECK(image.sector(19) == expected(19, 1)); // neighbours untouched
    CHECK(image.sector(22) == expected(22, 1));
    // Read back through the disk.
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 20, 2);
    auto first = ata.read_data(512);
    auto second = ata.read_data(512);
    first.insert(first.end(), second.begin(), second.end());
    CHECK(first == data);
    // FLUSH CACHE completes with an interrupt (once the last one was acknowledged: the line is
    // level-triggered).
    CHECK(ata.status() == (DRDY | DSC));
    size_t before = ata.interrupts();
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_FLUSH_CACHE);
    CHECK(ata.interrupts() == before + 1);
    CHECK(ata.status() == (DRDY | DSC));
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_FLUSH_CACHE_EXT);
    CHECK(ata.status() == (DRDY | DSC));
}

TEST_CASE("ata: READ/WRITE MULTIPLE move blocks of the SET MULTIPLE MODE count")
{
    Image image(200, 200);
    Channel ata(image);
    ata.out(AtaPioDisk::SECTOR_COUNT, 4);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_SET_MULTIPLE_MODE);
    CHECK(ata.interrupts() == 1);
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.identify()[59] == (0x100 | 4));
    irq_recorder::clear();

    ata.lba28(AtaPioDisk::CMD_READ_MULTIPLE, 30, 10); // blocks of 4, 4, 2
    std::vector<uint8_t> all;
    for (size_t block : { 4, 4, 2 }) {
        REQUIRE(ata.status() == (DRDY | DSC | DRQ));
        auto data = ata.read_data(block * 512);
        all.insert(all.end(), data.begin(), data.end());
    }
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.interrupts() == 3);
    CHECK(all == expected(30, 10));

    ata.out(AtaPioDisk::SECTOR_COUNT, 16);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_SET_MULTIPLE_MODE);
    CHECK(ata.status() == (DRDY | DSC));
    irq_recorder::clear();
    std::vector<uint8_t> data(20 * 512);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<uint8_t>(i ^ (i >> 9));
    ata.lba48(AtaPioDisk::CMD_WRITE_MULTIPLE_EXT, 100, 20); // blocks of 16 and 4
    CHECK(ata.alternate_status() == (DRDY | DSC | DRQ));
    ata.write_data({ data.begin(), data.begin() + 16 * 512 });
    CHECK(ata.interrupts() == 1);
    CHECK(ata.status() == (DRDY | DSC | DRQ));
    ata.write_data({ data.begin() + 16 * 512, data.end() });
    CHECK(ata.interrupts() == 2);
    CHECK(ata.status() == (DRDY | DSC));
    for (size_t s = 0; s < 20; ++s)
        CHECK(image.sector(100 + s) == std::vector<uint8_t>(data.begin() + s * 512, data.begin() + (s + 1) * 512));
    CHECK(image.sector(120) == expected(120, 1));
    // READ MULTIPLE EXT: one rep insw over several blocks goes on into the next block.
    ata.lba48(AtaPioDisk::CMD_READ_MULTIPLE_EXT, 100, 20);
    CHECK(ata.read_data(20 * 512) == data);
    CHECK(ata.status() == (DRDY | DSC));
}

TEST_CASE("ata: SET MULTIPLE MODE takes powers of two up to 16; 0 switches MULTIPLE off")
{
    Image image(10, 0);
    Channel ata(image);
    for (uint8_t bad : { 3, 6, 32, 0xFF }) {
        ata.out(AtaPioDisk::SECTOR_COUNT, bad);
        ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_SET_MULTIPLE_MODE);
        CHECK(ata.status() == (DRDY | ERR));
        CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_ABRT);
    }
    CHECK(ata.identify()[59] == (0x100 | 16)); // unchanged
    ata.out(AtaPioDisk::SECTOR_COUNT, 0);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_SET_MULTIPLE_MODE);
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.identify()[59] == 0);
    ata.lba28(AtaPioDisk::CMD_READ_MULTIPLE, 0, 1);
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_ABRT);
    ata.lba28(AtaPioDisk::CMD_WRITE_MULTIPLE, 0, 1);
    CHECK(ata.status() == (DRDY | ERR));
}

TEST_CASE("ata: LBA48 reaches sectors beyond 2^28 of a sparse image; HOB reads the high bytes")
{
    const uint64_t sectors = (1ull << 28) + 64;
    Image image(sectors, 0);
    Channel ata(image);
    auto words = ata.identify();
    CHECK(words[60] == 0xFFFF); // LBA28 capacity capped at 0x0FFFFFFF
    CHECK(words[61] == 0x0FFF);
    uint64_t total
        = words[100] | uint64_t { words[101] } << 16 | uint64_t { words[102] } << 32 | uint64_t { words[103] } << 48;
    CHECK(total == sectors);

    const uint64_t lba = (1ull << 28) + 5;
    std::vector<uint8_t> data(512);
    for (size_t i = 0; i < 512; ++i)
        data[i] = static_cast<uint8_t>(0xC0 + i);
    ata.lba48(AtaPioDisk::CMD_WRITE_SECTORS_EXT, lba, 1);
    ata.write_data(data);
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(image.sector(lba) == data);
    // LBA28 can not name it: the address wraps to the low 28 bits.
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, static_cast<uint32_t>(lba & 0x0FFF'FFFF), 1);
    CHECK(ata.read_data(512) == std::vector<uint8_t>(512, 0));
    ata.lba48(AtaPioDisk::CMD_READ_SECTORS_EXT, lba, 1);
    CHECK(ata.status() == (DRDY | DSC | DRQ));
    CHECK(ata.read_data(512) == data);
    // Afterwards the registers hold lba + 1 = 0x1000_0006: low bytes, and with HOB the high ones.
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 0x06);
    CHECK(ata.in(AtaPioDisk::LBA_HIGH) == 0x00);
    ata.control(AtaPioDisk::CONTROL_HOB);
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 0x10);
    CHECK(ata.in(AtaPioDisk::LBA_MID) == 0x00);
    ata.out(AtaPioDisk::FEATURES, 0); // any taskfile write clears HOB
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 0x06);
    // HOB shows the previous write of each register.
    ata.out(AtaPioDisk::SECTOR_COUNT, 0x12);
    ata.out(AtaPioDisk::SECTOR_COUNT, 0x34);
    ata.control(AtaPioDisk::CONTROL_HOB);
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 0x12);
    ata.control(0);
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 0x34);
    // The last sector exists; one past it does not.
    ata.lba48(AtaPioDisk::CMD_READ_SECTORS_EXT, sectors - 1, 1);
    CHECK(ata.status() == (DRDY | DSC | DRQ));
    ata.read_data(512);
    ata.lba48(AtaPioDisk::CMD_READ_SECTORS_EXT, sectors - 1, 2);
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_IDNF);
}

TEST_CASE("ata: out-of-range addresses fail with IDNF, unknown commands with ABRT, both interrupting")
{
    Image image(50, 50);
    Channel ata(image);
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 50, 1);
    CHECK(ata.interrupts() == 1);
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_IDNF);
    ata.lba28(AtaPioDisk::CMD_WRITE_SECTORS, 45, 10); // runs past the end
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_IDNF);
    CHECK(image.sector(45) == expected(45, 1));
    CHECK(ata.interrupts() == 2);
    // NOP, PACKET, IDENTIFY PACKET DEVICE, READ/WRITE DMA, an unassigned opcode.
    for (uint8_t command : { 0x00, 0xA0, 0xA1, 0xC8, 0xCA, 0xFF }) {
        ata.out(AtaPioDisk::COMMAND, command);
        CHECK(ata.status() == (DRDY | ERR));
        CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_ABRT);
    }
    CHECK(ata.interrupts() == 8);
    // The next good command clears the error.
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 49, 1);
    CHECK(ata.status() == (DRDY | DSC | DRQ));
    CHECK(ata.in(AtaPioDisk::ERROR) == 0);
    // Commands are ignored while DRQ is set, and so are taskfile writes.
    ata.out(AtaPioDisk::LBA_LOW, 3);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_IDENTIFY_DEVICE);
    CHECK(ata.read_data(512) == expected(49, 1));
    CHECK(ata.status() == (DRDY | DSC));
}

TEST_CASE("ata: CHS addressing as on QEMU (16 heads, 63 sectors per track)")
{
    Image image(2000, 2000);
    Channel ata(image);
    // Cylinder 1, head 2, sector 4 = (1 * 16 + 2) * 63 + 3 = 1137.
    ata.out(AtaPioDisk::DEVICE, 0xA2);
    ata.out(AtaPioDisk::SECTOR_COUNT, 1);
    ata.out(AtaPioDisk::LBA_LOW, 4);
    ata.out(AtaPioDisk::LBA_MID, 1);
    ata.out(AtaPioDisk::LBA_HIGH, 0);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_READ_SECTORS);
    REQUIRE(ata.status() == (DRDY | DSC | DRQ));
    CHECK(ata.read_data(512) == expected(1137, 1));
    ata.out(AtaPioDisk::LBA_LOW, 0); // sector 0 does not exist in CHS
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_READ_SECTORS);
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_IDNF);
}

TEST_CASE("ata: nIEN keeps INTRQ off the line; reading the status register acknowledges it")
{
    Image image(10, 10);
    Channel ata(image);
    ata.control(AtaPioDisk::CONTROL_NIEN);
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 0, 2);
    CHECK_FALSE(ata.intrq());
    CHECK(ata.interrupts() == 0);
    CHECK(ata.alternate_status() == (DRDY | DSC | DRQ)); // polling works
    ata.read_data(512);
    CHECK(ata.interrupts() == 0);
    // Interrupts on again: the pending INTRQ of the second block shows on the line.
    ata.control(0);
    CHECK(ata.intrq());
    CHECK(ata.interrupts() == 1);
    CHECK(ata.status() == (DRDY | DSC | DRQ));
    CHECK_FALSE(ata.intrq());
    ata.read_data(512);
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.interrupts() == 1);
}

TEST_CASE("ata: SRST resets the drive; the absent slave reads 0")
{
    Image image(10, 10);
    Channel ata(image);
    ata.out(AtaPioDisk::SECTOR_COUNT, 2);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_SET_MULTIPLE_MODE);
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 0, 1); // leave a transfer pending
    ata.control(AtaPioDisk::CONTROL_SRST);
    CHECK(ata.alternate_status() == (BSY | DSC));
    CHECK_FALSE(ata.intrq());
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_IDENTIFY_DEVICE); // ignored while busy
    ata.control(0);
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.in(AtaPioDisk::ERROR) == 0x01);
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 1);
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 1);
    CHECK(ata.in(AtaPioDisk::DEVICE) == 0xA0);
    CHECK(ata.bus.port_in(BASE, 2) == 0); // the pending transfer is gone
    CHECK(ata.identify()[59] == (0x100 | 16));

    ata.out(AtaPioDisk::DEVICE, 0xB0); // the slave
    CHECK(ata.status() == 0);
    CHECK(ata.alternate_status() == 0);
    CHECK(ata.in(AtaPioDisk::ERROR) == 0);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_IDENTIFY_DEVICE); // nobody answers
    CHECK(ata.status() == 0);
    ata.out(AtaPioDisk::DEVICE, 0xA0);
    CHECK(ata.status() == (DRDY | DSC));
}

TEST_CASE("ata: a failing host read aborts the command")
{
    Image image(10, 10);
    Channel ata(image);
    REQUIRE(ftruncate(image.fd, 4 * 512) == 0); // the image shrank under the simulator
    ata.lba28(AtaPioDisk::CMD_READ_SECTORS, 8, 1);
    CHECK(ata.status() == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_ABRT);
    CHECK(ata.interrupts() == 1);
}

TEST_CASE("ata: no image, no drive: the channel floats; a bad image is refused")
{
    sim::DeviceBus bus;
    CHECK(bus.port_in(BASE + AtaPioDisk::STATUS, 1) == 0xFF);
    CHECK(bus.port_in(CONTROL, 1) == 0xFF);
    CHECK(bus.port_in(BASE, 2) == 0xFFFF);
    CHECK_FALSE(bus.line_claimed(AtaPioDisk::IRQ));
    {
        AtaPioDisk missing(bus, "/nonexistent/disk.img");
        CHECK_FALSE(missing.ok());
        CHECK(missing.error().find("No such file") != std::string::npos);
        CHECK(bus.port_in(BASE + AtaPioDisk::STATUS, 1) == 0xFF);
        CHECK_FALSE(bus.line_claimed(AtaPioDisk::IRQ));
    }
    Image tiny(0, 0); // 100 bytes: not one sector
    AtaPioDisk small(bus, tiny.path);
    CHECK_FALSE(small.ok());
    CHECK(bus.port_in(BASE + AtaPioDisk::STATUS, 1) == 0xFF);
}

TEST_CASE("ata: the housekeeping commands QEMU's disk accepts")
{
    Image image(300, 0);
    Channel ata(image);
    auto set_features = [&](uint8_t feature, uint8_t count = 0) {
        ata.out(AtaPioDisk::FEATURES, feature);
        ata.out(AtaPioDisk::SECTOR_COUNT, count);
        ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_SET_FEATURES);
        return ata.status();
    };
    CHECK((ata.identify()[85] & (1 << 5))); // write cache on
    CHECK(set_features(0x82) == (DRDY | DSC));
    CHECK_FALSE((ata.identify()[85] & (1 << 5)));
    // Written through: still lands in the file.
    ata.lba28(AtaPioDisk::CMD_WRITE_SECTORS, 7, 1);
    ata.write_data(std::vector<uint8_t>(512, 0x5C));
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(image.sector(7) == std::vector<uint8_t>(512, 0x5C));
    CHECK(set_features(0x02) == (DRDY | DSC));
    CHECK((ata.identify()[85] & (1 << 5)));
    CHECK(set_features(0x03, 0x0C) == (DRDY | DSC)); // PIO mode 4
    CHECK(set_features(0x03, 0x45) == (DRDY | DSC)); // UDMA mode 5: accepted as on QEMU
    CHECK(set_features(0x03, 0x30) == (DRDY | ERR));
    CHECK(set_features(0x77) == (DRDY | ERR));
    CHECK(ata.in(AtaPioDisk::ERROR) == AtaPioDisk::ERROR_ABRT);
    CHECK(set_features(0xAA) == (DRDY | DSC));

    ata.out(AtaPioDisk::LBA_LOW, 0x33);
    ata.out(AtaPioDisk::COMMAND, AtaPioDisk::CMD_EXECUTE_DEVICE_DIAGNOSTIC);
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.in(AtaPioDisk::ERROR) == 0x01);
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 1); // the signature
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 1);

    ata.out(AtaPioDisk::COMMAND, 0xE5); // CHECK POWER MODE
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.in(AtaPioDisk::SECTOR_COUNT) == 0xFF);
    ata.out(AtaPioDisk::COMMAND, 0xE0); // STANDBY IMMEDIATE
    CHECK(ata.status() == DRDY);

    ata.out(AtaPioDisk::DEVICE, 0xE0);
    ata.out(AtaPioDisk::COMMAND, 0xF8); // READ NATIVE MAX ADDRESS: 299 = 0x12B
    CHECK(ata.status() == (DRDY | DSC));
    CHECK(ata.in(AtaPioDisk::LBA_LOW) == 0x2B);
    CHECK(ata.in(AtaPioDisk::LBA_MID) == 0x01);
    CHECK(ata.in(AtaPioDisk::LBA_HIGH) == 0x00);
    CHECK((ata.in(AtaPioDisk::DEVICE)&0x0F) == 0);
    for (uint8_t command : { 0x10, 0x40, 0x42, 0x70, 0x91 }) {
        size_t before = ata.interrupts();
        ata.out(AtaPioDisk::COMMAND, command);
        CHECK(ata.interrupts() == before + 1);
        CHECK(ata.status() == (DRDY | DSC));
    }
}
