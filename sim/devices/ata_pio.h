#pragma once
// An ATA disk on the primary IDE channel (ports 0x1F0-0x1F7, control 0x3F6, IRQ 14), PIO only,
// backed by an image file: the master drive; the slave is absent. It behaves like QEMU's IDE
// disk (hw/ide/core.c) so that one driver serves both:
// - IDENTIFY DEVICE; READ/WRITE SECTORS (LBA28) and their EXT forms (LBA48); READ/WRITE
//   MULTIPLE (+EXT) in blocks of the SET MULTIPLE MODE count (1-16, powers of two; 16 after
//   reset, 0 switches the MULTIPLE commands off); FLUSH CACHE (+EXT) = fdatasync of the image.
//   The housekeeping QEMU accepts works too: EXECUTE DEVICE DIAGNOSTIC, SET FEATURES (write
//   cache on/off, transfer mode and the no-ops), READ VERIFY, CHECK POWER MODE, the standby/
//   idle family, READ NATIVE MAX ADDRESS, RECALIBRATE, SEEK, INITIALIZE DEVICE PARAMETERS.
//   Any other command (DMA, PACKET, NOP ...) is aborted (ERR, error ABRT). CHS addressing
//   works as on QEMU.
// - Sector count 0 means 256 (LBA28) or 65536 (LBA48). A range beyond the image: ERR, IDNF.
//   A failing host read or write: ERR, ABRT (logged). After a transfer the address registers
//   hold the sector after the last one transferred and the count register 0, as on QEMU.
// - Status BSY/DRDY/DF/DSC/DRQ/ERR; commands are ignored while DRQ is set.
// - The taskfile registers keep their previous values for LBA48 ("high order bytes"); reading
//   them with HOB (device control bit 7) set gives those; any taskfile write clears HOB.
// - INTRQ (the IRQ line) rises when a data block is ready for a read or IDENTIFY, when a write
//   wants its next block, and when a command completes (not after the last block of a read:
//   there is nothing to announce); reading the status register (0x1F7) clears it, the
//   alternate status (0x3F6) does not. nIEN (device control bit 1) keeps the line low.
// - SRST (device control bit 2): BSY while set; when cleared the drive is reset (registers,
//   multiple count 16, device 0 selected) and shows the ATA signature, error 0x01.
// - The 16-bit data port (32-bit accesses too) has string fast paths for `rep insw/outsw`.
// - With the slave selected, status, error and the data port read 0 and commands are ignored.
// Everything happens at once: BSY is never seen except during SRST.
#include "device_bus.h"

#include <cstdint>
#include <string>

namespace sim {

class AtaPioDisk final : public PortDevice {
public:
    static constexpr uint16_t COMMAND_BASE = 0x1F0;
    static constexpr uint16_t CONTROL_PORT = 0x3F6;
    static constexpr uint8_t IRQ = 14;
    static constexpr unsigned SECTOR_SIZE = 512;
    static constexpr unsigned MAX_MULTIPLE = 16;
    static constexpr const char* MODEL = "REDOX SIM ATA DISK";

    // Register offsets from COMMAND_BASE.
    static constexpr uint16_t DATA = 0, ERROR = 1, FEATURES = 1, SECTOR_COUNT = 2, LBA_LOW = 3, LBA_MID = 4,
                              LBA_HIGH = 5, DEVICE = 6, STATUS = 7, COMMAND = 7;
    // Status
    static constexpr uint8_t STATUS_ERR = 0x01, STATUS_DRQ = 0x08, STATUS_DSC = 0x10, STATUS_DF = 0x20,
                             STATUS_DRDY = 0x40, STATUS_BSY = 0x80;
    // Error
    static constexpr uint8_t ERROR_ABRT = 0x04, ERROR_IDNF = 0x10;
    // Device control (0x3F6 writes)
    static constexpr uint8_t CONTROL_NIEN = 0x02, CONTROL_SRST = 0x04, CONTROL_HOB = 0x80;
    // Commands
    static constexpr uint8_t CMD_READ_SECTORS = 0x20, CMD_READ_SECTORS_EXT = 0x24, CMD_READ_MULTIPLE_EXT = 0x29,
                             CMD_WRITE_SECTORS = 0x30, CMD_WRITE_SECTORS_EXT = 0x34, CMD_WRITE_MULTIPLE_EXT = 0x39,
                             CMD_READ_MULTIPLE = 0xC4, CMD_WRITE_MULTIPLE = 0xC5, CMD_SET_MULTIPLE_MODE = 0xC6,
                             CMD_FLUSH_CACHE = 0xE7, CMD_FLUSH_CACHE_EXT = 0xEA, CMD_IDENTIFY_DEVICE = 0xEC,
                             CMD_EXECUTE_DEVICE_DIAGNOSTIC = 0x90, CMD_SET_FEATURES = 0xEF;

    // Opens `image_path` read-write (its size rounded down to 512 bytes is the disk) and claims
    // the channel's ports and IRQ 14 on `bus`. Check ok() (and error()) afterwards.
    AtaPioDisk(DeviceBus& bus, const std::string& image_path);
    ~AtaPioDisk() override;
    AtaPioDisk(const AtaPioDisk&) = delete;
    AtaPioDisk& operator=(const AtaPioDisk&) = delete;

    bool ok() const { return m_fd >= 0; }
    const std::string& error() const { return m_error; }
    uint64_t sectors() const { return m_sectors; }
    const std::string& path() const { return m_path; }

    uint32_t read(uint16_t offset, unsigned width) override;
    void write(uint16_t offset, unsigned width, uint32_t value) override;
    void read_string(uint16_t offset, unsigned width, void* buffer, size_t count) override;
    void write_string(uint16_t offset, unsigned width, const void* buffer, size_t count) override;

private:
    // 0x3F6: alternate status (read) and device control (write).
    class ControlPort final : public PortDevice {
    public:
        explicit ControlPort(AtaPioDisk& disk) : m_disk(disk) {}
        uint32_t read(uint16_t, unsigned width) override;
        void write(uint16_t, unsigned width, uint32_t value) override;

    private:
        AtaPioDisk& m_disk;
    };

    enum class Transfer { None, Identify, Read, Write };

    bool slave_selected() const { return m_device & 0x10; }
    uint8_t visible_status() const;
    void write_control(uint8_t value);
    void execute(uint8_t command);
    void reset();
    void reset_registers(); // the taskfile with the ATA signature, device 0 selected
    void set_features();
    void abort_command(uint8_t error = ERROR_ABRT);
    void complete(); // DRDY, no error, interrupt
    void raise_interrupt();
    void update_line();

    uint64_t current_lba() const;
    void set_current_lba(uint64_t lba);
    void start_read(bool lba48, unsigned block);
    void start_write(bool lba48, unsigned block);
    bool range_ok();
    void read_block();
    void block_done();
    void identify();

    uint32_t data_in(unsigned width);
    void data_out(unsigned width, uint32_t value);

    DeviceBus& m_bus;
    ControlPort m_control_port { *this };
    std::string m_path;
    std::string m_error;
    std::string m_serial;
    int m_fd { -1 };
    uint64_t m_sectors { 0 };
    uint16_t m_cylinders { 0 };
    static constexpr uint16_t HEADS = 16;
    static constexpr uint16_t SECTORS_PER_TRACK = 63;

    // Taskfile (shared by both drives, as on the cable) and the previous ("HOB") values.
    uint8_t m_features { 0 }, m_hob_features { 0 };
    uint8_t m_count { 0 }, m_hob_count { 0 };
    uint8_t m_lba_low { 0 }, m_hob_lba_low { 0 };
    uint8_t m_lba_mid { 0 }, m_hob_lba_mid { 0 };
    uint8_t m_lba_high { 0 }, m_hob_lba_high { 0 };
    uint8_t m_device { 0xA0 };
    uint8_t m_status { STATUS_DRDY | STATUS_DSC };
    uint8_t m_error_register { 0 };
    uint8_t m_control { 0 };
    bool m_interrupt { false }; // INTRQ pending (the line shows it unless nIEN)
    unsigned m_multiple { MAX_MULTIPLE };
    bool m_write_cache { true }; // off: each written block is fdatasync'ed (SET FEATURES 0x82)

    // The PIO transfer in progress.
    Transfer m_transfer { Transfer::None };
    bool m_lba48 { false };
    uint32_t m_remaining { 0 }; // sectors still to transfer (including the current block)
    unsigned m_block { 1 }; // sectors per DRQ block
    unsigned m_block_sectors { 0 };
    uint64_t m_lba { 0 }; // first sector of the current block
    size_t m_position { 0 }; // byte offset into m_buffer
    size_t m_end { 0 };
    alignas(4) uint8_t m_buffer[MAX_MULTIPLE * SECTOR_SIZE] {};
};

} // namespace sim
