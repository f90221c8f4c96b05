// ata-driver: the primary ATA channel's master disk, in PIO mode, as the scheme `disk.ata`
// (/scheme/disk.ata/0 is the whole disk; `redoxfsd /scheme/disk.ata/0 NAME` mounts it).
//
// Finds the IDE controller by PCI enumeration (class 01.01; in compatibility mode its
// primary channel is at ports 0x1F0-0x1F7 / 0x3F6 with IRQ 14), identifies the disk, and
// moves data with READ / WRITE MULTIPLE (EXT for 48-bit addresses): one interrupt per block
// of up to 16 sectors, each block moved with one `rep insw` / `rep outsw`. Requests are
// served one at a time (the channel does one command at a time anyway). Reads and writes
// may start anywhere and have any length: partial sectors are read, patched and written.
// A command that does not finish within 5 s resets the channel and fails with EIO.
// Exits with status 19 (ENODEV) when there is no disk.
#include "irq.h"
#include "pci.h"
#include "port_io.h"
#include "scheme_daemon.h"

#include "ktl/format.h"
#include "ktl/memory.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using driver::Pio;
using ktl::StringView;

constexpr int EXIT_NO_DEVICE = 19;
constexpr usize SECTOR = 512;
constexpr u64 COMMAND_TIMEOUT_MS = 5000;
constexpr u32 MAX_SECTORS_PER_COMMAND = 256;

// Task-file registers (offsets from the command block base) and bits (ATA/ATAPI-8).
enum : u16 { DATA = 0, ERROR_FEATURES = 1, SECTOR_COUNT = 2, LBA_LOW = 3, LBA_MID = 4, LBA_HIGH = 5,
    DRIVE_HEAD = 6, STATUS_COMMAND = 7 };
constexpr u8 STATUS_ERR = 0x01, STATUS_DRQ = 0x08, STATUS_DF = 0x20, STATUS_DRDY = 0x40, STATUS_BSY = 0x80;
constexpr u8 CONTROL_NIEN = 0x02, CONTROL_SRST = 0x04;
enum : u8 { CMD_READ_MULTIPLE = 0xC4, CMD_WRITE_MULTIPLE = 0xC5, CMD_SET_MULTIPLE = 0xC6,
    CMD_READ_MULTIPLE_EXT = 0x29, CMD_WRITE_MULTIPLE_EXT = 0x39, CMD_FLUSH = 0xE7, CMD_FLUSH_EXT = 0xEA,
    CMD_IDENTIFY = 0xEC };

struct Channel {
    u16 base;
    u16 control;
    u8 line;
};

class AtaDisk final : public driver::SchemeHandler {
public:
    Channel channel {};
    driver::Irq irq;
    int queue { -1 }; // an event queue holding only the irq (commands wait for it in place)
    u64 sectors { 0 };
    bool lba48 { false };
    u32 multiple { 1 }; // sectors per DRQ block
    char model[41] {};
    u8* bounce { nullptr }; // MAX_SECTORS_PER_COMMAND sectors
    ktl::Vector<u8> handles; // handle - 1 -> 0 closed, 1 root, 2 disk
    driver::SchemeDaemon daemon;

    Pio<u8> reg(u16 offset) const { return Pio<u8>(static_cast<u16>(channel.base + offset)); }
    Pio<u8> alt_status() const { return Pio<u8>(channel.control); }

    u64 now_ms() const
    {
        redox::TimeSpec t {};
        sys::clock_gettime(redox::CLOCK_MONOTONIC, t);
        return static_cast<u64>(t.tv_sec) * 1000 + static_cast<u64>(t.tv_nsec) / 1'000'000;
    }

    // Waits for BSY to clear (polling the alternate status, which does not acknowledge).
    bool wait_not_busy(u64 deadline)
    {
        while (alt_status().read() & STATUS_BSY) {
            if (now_ms() > deadline)
                return false;
            sys::yield();
        }
        return true;
    }

    // Waits for BSY clear and DRDY set: after a reset a disk takes a moment to come back
    // (QEMU finishes it asynchronously; an absent or packet device never sets DRDY).
    bool wait_ready(u64 deadline)
    {
        for (;;) {
            // Select the master on every look: QEMU completes a reset later and may leave the
            // (absent) slave selected meanwhile, which reads as status 0.
            reg(DRIVE_HEAD).write(0xA0);
            u8 status = alt_status().read();
            if (!(status & STATUS_BSY) && (status & STATUS_DRDY))
                return true;
            if (now_ms() > deadline)
                return false;
            sys::yield();
        }
    }

    // Waits for the channel's interrupt, then reads the status register (which lowers the
    // device's INTRQ) and acknowledges the line. false on timeout.
    bool wait_interrupt(u8& status, u64 deadline)
    {
        for (;;) {
            u64 count = 0;
            long r = irq.pending(count);
            if (r < 0)
                return false;
            if (r == 1) {
                status = reg(STATUS_COMMAND).read();
                irq.acknowledge(count);
                return true;
            }
            u64 now = now_ms();
            if (now >= deadline)
                return false;
            // Sleep in the queue until the irq or a timeout; a timeout left over from an
            // earlier command only makes the loop look at the clock again.
            redox::Event timeout { redox::EVENT_TIMEOUT_ID, 0, deadline - now };
            sys::write(queue, &timeout, sizeof timeout);
            redox::Event event {};
            if (sys::read(queue, &event, sizeof event) < 0)
                return false;
        }
    }

    void reset_channel()
    {
        alt_status().write(CONTROL_SRST);
        sys::yield();
        alt_status().write(0);
        wait_not_busy(now_ms() + COMMAND_TIMEOUT_MS);
        errf("ata-driver: channel reset after a command timed out\n");
        set_multiple(); // a reset may forget it
    }

    // SET MULTIPLE MODE to `multiple`; on refusal, one sector per block.
    void set_multiple()
    {
        if (multiple <= 1)
            return;
        reg(SECTOR_COUNT).write(static_cast<u8>(multiple));
        reg(DRIVE_HEAD).write(0xA0);
        reg(STATUS_COMMAND).write(CMD_SET_MULTIPLE);
        u8 status = 0;
        if (!wait_interrupt(status, now_ms() + COMMAND_TIMEOUT_MS) || failed(status))
            multiple = 1; // READ/WRITE MULTIPLE then move one sector per block
    }

    void select_lba(u64 lba, u32 count)
    {
        if (lba48) {
            reg(DRIVE_HEAD).write(0x40); // LBA, master
            reg(SECTOR_COUNT).write(static_cast<u8>(count >> 8));
            reg(LBA_LOW).write(static_cast<u8>(lba >> 24));
            reg(LBA_MID).write(static_cast<u8>(lba >> 32));
            reg(LBA_HIGH).write(static_cast<u8>(lba >> 40));
        } else {
            reg(DRIVE_HEAD).write(static_cast<u8>(0xE0 | ((lba >> 24) & 0x0F)));
        }
        reg(SECTOR_COUNT).write(static_cast<u8>(count));
        reg(LBA_LOW).write(static_cast<u8>(lba));
        reg(LBA_MID).write(static_cast<u8>(lba >> 8));
        reg(LBA_HIGH).write(static_cast<u8>(lba >> 16));
    }

    static bool failed(u8 status) { return status & (STATUS_ERR | STATUS_DF); }

    // Moves `count` (1..256) sectors at `lba` to / from `buffer`. 0 or -errno.
    long transfer(u64 lba, u32 count, u8* buffer, bool write)
    {
        u64 deadline = now_ms() + COMMAND_TIMEOUT_MS;
        if (!wait_not_busy(deadline)) {
            reset_channel();
            return -redox::EIO;
        }
        select_lba(lba, count == 256 && !lba48 ? 0 : count);
        u8 command = write ? (lba48 ? CMD_WRITE_MULTIPLE_EXT : CMD_WRITE_MULTIPLE)
                           : (lba48 ? CMD_READ_MULTIPLE_EXT : CMD_READ_MULTIPLE);
        reg(STATUS_COMMAND).write(command);
        u32 done = 0;
        u8 status = 0;
        if (write) {
            // Data-out: the first block is asked for without an interrupt.
            if (!wait_not_busy(deadline))
                return timed_out();
            status = alt_status().read();
            while (done < count) {
                if (failed(status) || !(status & STATUS_DRQ))
                    return device_error(status, lba);
                u32 block = count - done < multiple ? count - done : multiple;
                driver::port_out16_string(static_cast<u16>(channel.base + DATA),
                    reinterpret_cast<const u16*>(buffer + done * SECTOR), block * SECTOR / 2);
                done += block;
                if (!wait_interrupt(status, deadline))
                    return timed_out();
            }
            return failed(status) ? device_error(status, lba) : 0;
        }
        while (done < count) {
            if (!wait_interrupt(status, deadline))
                return timed_out();
            if (failed(status) || !(status & STATUS_DRQ))
                return device_error(status, lba);
            u32 block = count - done < multiple ? count - done : multiple;
            driver::port_in16_string(static_cast<u16>(channel.base + DATA), reinterpret_cast<u16*>(buffer + done * SECTOR),
                block * SECTOR / 2);
            done += block;
        }
        return 0;
    }

    long timed_out()
    {
        reset_channel();
        return -redox::EIO;
    }

    long device_error(u8 status, u64 lba)
    {
        u8 error = reg(ERROR_FEATURES).read();
        errf("ata-driver: command failed at sector %lu: status 0x%02x error 0x%02x\n", static_cast<unsigned long>(lba),
            static_cast<unsigned>(status), static_cast<unsigned>(error));
        return -redox::EIO;
    }

    long flush()
    {
        u64 deadline = now_ms() + COMMAND_TIMEOUT_MS;
        if (!wait_not_busy(deadline))
            return timed_out();
        reg(DRIVE_HEAD).write(0xE0);
        reg(STATUS_COMMAND).write(lba48 ? CMD_FLUSH_EXT : CMD_FLUSH);
        u8 status = 0;
        if (!wait_interrupt(status, deadline))
            return timed_out();
        return failed(status) ? device_error(status, 0) : 0;
    }

    // Reads or writes [offset, offset + length) of the disk through whole sectors.
    long rw(u8* buffer, usize length, u64 offset, bool write)
    {
        u64 size = sectors * SECTOR;
        if (offset >= size)
            return write && length > 0 ? -redox::ENOSPC : 0;
        if (length > size - offset)
            length = static_cast<usize>(size - offset);
        usize moved = 0;
        while (moved < length) {
            u64 position = offset + moved;
            u64 lba = position / SECTOR;
            usize skip = static_cast<usize>(position % SECTOR);
            usize want = length - moved;
            usize span_sectors = (skip + want + SECTOR - 1) / SECTOR;
            u32 count = static_cast<u32>(span_sectors < MAX_SECTORS_PER_COMMAND ? span_sectors : MAX_SECTORS_PER_COMMAND);
            usize piece = count * SECTOR - skip;
            if (piece > want)
                piece = want;
            bool whole = skip == 0 && piece % SECTOR == 0;
            u8* data = whole ? buffer + moved : bounce;
            if (!whole && write) {
                // Partial sectors: read them, patch, write back.
                if (long r = transfer(lba, count, bounce, false); r < 0)
                    return moved > 0 ? static_cast<long>(moved) : r;
                ktl::copy_bytes(bounce + skip, buffer + moved, piece);
            }
            if (write || whole) {
                if (long r = transfer(lba, count, data, write); r < 0)
                    return moved > 0 ? static_cast<long>(moved) : r;
            } else {
                if (long r = transfer(lba, count, bounce, false); r < 0)
                    return moved > 0 ? static_cast<long>(moved) : r;
                ktl::copy_bytes(buffer + moved, bounce + skip, piece);
            }
            moved += piece;
        }
        return static_cast<long>(moved);
    }

    u8 kind(u64 handle) const { return handle == 0 || handle > handles.size() ? 0 : handles[handle - 1]; }

    long open(StringView path, u64 flags, const driver::Request& request) override
    {
        if (request.uid != 0)
            return -redox::EACCES;
        u8 what = path.is_empty() ? 1 : path == "0" ? 2 : 0;
        if (what == 0)
            return -redox::ENOENT;
        if (what == 2 && (flags & redox::O_DIRECTORY))
            return -redox::ENOTDIR;
        for (usize i = 0; i < handles.size(); ++i) {
            if (handles[i] == 0) {
                handles[i] = what;
                return static_cast<long>(i + 1);
            }
        }
        handles.append(what);
        return static_cast<long>(handles.size());
    }

    long read(u64 handle, u8* buffer, usize length, u64 offset, const driver::Request&) override
    {
        u8 k = kind(handle);
        if (k != 2)
            return k == 1 ? -redox::EISDIR : -redox::EBADF;
        return rw(buffer, length, offset, false);
    }

    long write(u64 handle, const u8* buffer, usize length, u64 offset, const driver::Request&) override
    {
        u8 k = kind(handle);
        if (k != 2)
            return k == 1 ? -redox::EISDIR : -redox::EBADF;
        return rw(const_cast<u8*>(buffer), length, offset, true);
    }

    long fsize(u64 handle) override
    {
        u8 k = kind(handle);
        return k == 2 ? static_cast<long>(sectors * SECTOR) : k == 1 ? 0 : -redox::EBADF;
    }

    long fsync(u64 handle) override { return kind(handle) == 2 ? flush() : kind(handle) == 1 ? 0 : -redox::EBADF; }

    long fstat(u64 handle, redox::Stat& stat) override
    {
        u8 k = kind(handle);
        if (k == 0)
            return -redox::EBADF;
        stat.st_mode = static_cast<u16>(k == 1 ? (redox::MODE_DIR | 0500) : (redox::MODE_FILE | 0600));
        stat.st_size = k == 2 ? sectors * SECTOR : 0;
        stat.st_blksize = SECTOR;
        stat.st_blocks = k == 2 ? sectors : 0;
        stat.st_nlink = 1;
        return 0;
    }

    long fpath(u64 handle, char* buffer, usize length) override
    {
        u8 k = kind(handle);
        if (k == 0)
            return -redox::EBADF;
        StringView path = k == 1 ? StringView("disk.ata/") : StringView("disk.ata/0");
        usize n = path.length() < length ? path.length() : length;
        ktl::copy_bytes(buffer, path.chars(), n);
        return static_cast<long>(n);
    }

    long getdents(u64 handle, u8* buffer, usize length, u64 offset) override
    {
        if (kind(handle) != 1)
            return -redox::ENOTDIR;
        if (offset > 0)
            return 0;
        usize n = driver::write_dirent(buffer, length, "0", 1, redox::DT_REG, 1);
        return n == 0 ? -redox::EINVAL : static_cast<long>(n);
    }

    void close(u64 handle) override
    {
        if (kind(handle))
            handles[handle - 1] = 0;
    }

    // IDENTIFY DEVICE on the master: false when there is no ATA disk.
    bool identify()
    {
        reg(DRIVE_HEAD).write(0xA0);
        u8 status = reg(STATUS_COMMAND).read();
        if (status == 0xFF || status == 0x7F || status == 0) {
            errf("ata-driver: no drive on the primary channel (status 0x%02x)\n", static_cast<unsigned>(status));
            return false;
        }
        u64 deadline = now_ms() + COMMAND_TIMEOUT_MS;
        select_lba(0, 0);
        reg(DRIVE_HEAD).write(0xA0);
        reg(STATUS_COMMAND).write(CMD_IDENTIFY);
        if (!wait_interrupt(status, deadline) || failed(status) || !(status & STATUS_DRQ)) {
            errf("ata-driver: the drive did not answer IDENTIFY (status 0x%02x)\n", static_cast<unsigned>(status));
            return false;
        }
        u16 words[256];
        driver::port_in16_string(static_cast<u16>(channel.base + DATA), words, 256);
        for (usize i = 0; i < 20; ++i) {
            model[2 * i] = static_cast<char>(words[27 + i] >> 8);
            model[2 * i + 1] = static_cast<char>(words[27 + i]);
        }
        for (usize i = 40; i > 0 && (model[i - 1] == ' ' || model[i - 1] == 0); --i)
            model[i - 1] = 0;
        lba48 = words[83] & (1u << 10);
        sectors = lba48 ? (static_cast<u64>(words[100]) | static_cast<u64>(words[101]) << 16
                              | static_cast<u64>(words[102]) << 32 | static_cast<u64>(words[103]) << 48)
                        : (static_cast<u64>(words[60]) | static_cast<u64>(words[61]) << 16);
        u32 most = words[47] & 0xFF;
        multiple = 1;
        while (multiple * 2 <= most && multiple * 2 <= 16)
            multiple *= 2;
        set_multiple();
        return sectors > 0;
    }
};

struct ControllerSearch {
    bool found { false };
    driver::PciFunction function {};
};

bool find_ide(const driver::PciFunction& function, void* argument)
{
    auto* search = static_cast<ControllerSearch*>(argument);
    if (function.class_code == 0x01 && function.subclass == 0x01) {
        search->found = true;
        search->function = function;
        return false;
    }
    return true;
}

int ata_driver_main(int, char**, char**)
{
    if (long r = sys::iopl(3); r < 0) {
        io::report_error("ata-driver", "iopl", r);
        return 1;
    }
    auto* disk = new AtaDisk;
    disk->channel = { 0x1F0, 0x3F6, 14 };
    ControllerSearch search;
    driver::pci_enumerate(find_ide, &search);
    if (search.found) {
        const driver::PciFunction& f = search.function;
        errf("ata-driver: IDE controller %04x:%04x at %02x:%02x.%u\n", f.vendor_id, f.device_id, f.address.bus,
            f.address.device, static_cast<unsigned>(f.address.function));
        if (f.prog_if & 0x01) {
            // Native mode: the channel is where BAR0 / BAR1 say, on the function's line.
            disk->channel = { static_cast<u16>(f.bars[0] & ~3u), static_cast<u16>((f.bars[1] & ~3u) + 2), f.interrupt_line };
        }
    } else {
        errf("ata-driver: no IDE controller on PCI; trying the legacy ports\n");
    }
    // A floating bus (all ones) has no drive behind it; say so before taking the line.
    if (disk->reg(STATUS_COMMAND).read() == 0xFF && disk->alt_status().read() == 0xFF) {
        errf("ata-driver: nothing on the primary channel (its status reads 0xff)\n");
        return EXIT_NO_DEVICE;
    }
    if (long r = disk->irq.open(disk->channel.line); r < 0) {
        io::report_error("ata-driver", "irq", r);
        return r == -redox::ENOENT || r == -redox::ENODEV ? EXIT_NO_DEVICE : 1;
    }
    long queue = sys::open("/scheme/event", redox::O_RDWR);
    if (queue < 0) {
        io::report_error("ata-driver", "/scheme/event", queue);
        return 1;
    }
    disk->queue = static_cast<int>(queue);
    redox::Event watch { static_cast<u64>(disk->irq.fd()), redox::EVENT_READ, 0 };
    sys::write(disk->queue, &watch, sizeof watch);
    // An earlier instance may have died in the middle of a command (DRQ still set, a write
    // waiting for data): a software reset puts the channel back to idle before anything else.
    disk->alt_status().write(CONTROL_SRST | CONTROL_NIEN);
    disk->alt_status().read(); // some 400 ns for the drive to see the reset
    disk->alt_status().write(0); // reset off, interrupts on (nIEN clear)
    if (!disk->wait_ready(disk->now_ms() + 2000)) {
        errf("ata-driver: no ready drive on the primary channel after a reset (status 0x%02x)\n",
            static_cast<unsigned>(disk->alt_status().read()));
        return EXIT_NO_DEVICE;
    }
    u64 stale = 0;
    if (disk->irq.pending(stale) == 1) // an interrupt from before the reset
        disk->irq.acknowledge(stale);
    if (!disk->identify())
        return EXIT_NO_DEVICE;
    disk->bounce = new u8[MAX_SECTORS_PER_COMMAND * SECTOR];
    errf("ata-driver: disk 0: %s, %lu sectors (%lu MiB), %s, %u sectors per interrupt\n", disk->model,
        static_cast<unsigned long>(disk->sectors), static_cast<unsigned long>(disk->sectors * SECTOR >> 20),
        disk->lba48 ? "LBA48" : "LBA28", disk->multiple);
    if (long r = disk->daemon.start("disk.ata", *disk); r < 0) {
        io::report_error("ata-driver", ":disk.ata", r);
        return 1;
    }
    long r = disk->daemon.run();
    if (r < 0) {
        io::report_error("ata-driver", "serving", r);
        return 1;
    }
    return 0;
}

} // namespace

REDOX_PROGRAM("ata-driver", ata_driver_main)
