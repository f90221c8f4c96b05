// The ATA PIO disk model (ata_pio.h).
#include "ata_pio.h"

#include "device_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

namespace sim {

namespace {

    // ATA strings put the first character of each pair in the high byte of the word.
    void put_string(uint16_t* words, const std::string& text, size_t length)
    {
        for (size_t i = 0; i < length; i += 2) {
            auto at = [&](size_t index) -> uint8_t { return index < text.size() ? text[index] : ' '; };
            words[i / 2] = static_cast<uint16_t>(at(i) << 8 | at(i + 1));
        }
    }

} // namespace

AtaPioDisk::AtaPioDisk(DeviceBus& bus, const std::string& image_path) : m_bus(bus), m_path(image_path)
{
    m_fd = ::open(image_path.c_str(), O_RDWR | O_CLOEXEC);
    struct stat info {};
    if (m_fd < 0 || fstat(m_fd, &info) != 0) {
        m_error = image_path + ": " + std::strerror(errno);
    } else if (!S_ISREG(info.st_mode) && !S_ISBLK(info.st_mode)) {
        m_error = image_path + ": not a file";
    } else {
        off_t size = S_ISREG(info.st_mode) ? info.st_size : lseek(m_fd, 0, SEEK_END);
        m_sectors = static_cast<uint64_t>(size) / SECTOR_SIZE;
        if (m_sectors == 0)
            m_error = image_path + ": smaller than one sector (512 bytes)";
    }
    if (!m_error.empty()) {
        if (m_fd >= 0)
            close(m_fd);
        m_fd = -1;
        return;
    }
    // CHS geometry for the old addressing mode, as BIOSes compute it (16 heads, 63 sectors).
    m_cylinders = static_cast<uint16_t>(std::clamp<uint64_t>(m_sectors / (HEADS * SECTORS_PER_TRACK), 1, 16383));
    char serial[21];
    std::snprintf(serial, sizeof serial, "RSIM%08zX", std::hash<std::string> {}(image_path)&0xFFFFFFFF);
    m_serial = serial;
    m_bus.claim(COMMAND_BASE, 8, *this);
    m_bus.claim(CONTROL_PORT, 1, m_control_port);
    m_bus.claim_line(IRQ);
    reset();
    m_error_register = 0;
}

AtaPioDisk::~AtaPioDisk()
{
    if (m_fd < 0)
        return;
    m_bus.set_line(IRQ, false);
    m_bus.release(*this);
    m_bus.release(m_control_port);
    close(m_fd);
}

void AtaPioDisk::reset()
{
    m_transfer = Transfer::None;
    m_position = m_end = 0;
    m_multiple = MAX_MULTIPLE;
    m_write_cache = true;
    reset_registers();
    m_status = STATUS_DRDY | STATUS_DSC;
    m_error_register = 0x01; // diagnostics passed
    m_interrupt = false;
    update_line();
}

void AtaPioDisk::reset_registers()
{
    m_features = m_hob_features = 0;
    m_hob_count = m_hob_lba_low = m_hob_lba_mid = m_hob_lba_high = 0;
    // The signature of an ATA (not ATAPI) device.
    m_count = 1;
    m_lba_low = 1;
    m_lba_mid = 0;
    m_lba_high = 0;
    m_device = 0xA0;
}

void AtaPioDisk::set_features()
{
    switch (m_features) {
    case 0x02: // write cache on
        m_write_cache = true;
        return complete();
    case 0x82: // write cache off: every block reaches the disk before the command completes
        m_write_cache = false;
        return complete();
    case 0x03: // set transfer mode: PIO default/PIO n, or a DMA mode (accepted, PIO is used anyway)
        switch (m_count >> 3) {
        case 0x00:
        case 0x01:
        case 0x02:
        case 0x04:
        case 0x08:
            return complete();
        }
        return abort_command();
    case 0x05: // advanced power management, read look-ahead, power-on defaults, acoustics: no-ops
    case 0x85:
    case 0x42:
    case 0xC2:
    case 0x55:
    case 0xAA:
    case 0x66:
    case 0xCC:
        return complete();
    default:
        return abort_command();
    }
}

void AtaPioDisk::update_line() { m_bus.set_line(IRQ, m_interrupt && !(m_control & CONTROL_NIEN)); }

void AtaPioDisk::raise_interrupt()
{
    m_interrupt = true;
    update_line();
}

uint8_t AtaPioDisk::visible_status() const
{
    if (slave_selected())
        return 0;
    return m_status;
}

uint32_t AtaPioDisk::read(uint16_t offset, unsigned width)
{
    if (offset == DATA)
        return width == 1 ? 0xFF : data_in(width);
    if (width != 1)
        return 0xFFFF'FFFFu;
    bool hob = m_control & CONTROL_HOB;
    switch (offset) {
    case ERROR:
        if (slave_selected())
            return 0;
        return hob ? m_hob_features : m_error_register;
    case SECTOR_COUNT:
        return hob ? m_hob_count : m_count;
    case LBA_LOW:
        return hob ? m_hob_lba_low : m_lba_low;
    case LBA_MID:
        return hob ? m_hob_lba_mid : m_lba_mid;
    case LBA_HIGH:
        return hob ? m_hob_lba_high : m_lba_high;
    case DEVICE:
        return m_device;
    case STATUS: {
        uint8_t status = visible_status();
        // Reading the status register is how the host acknowledges INTRQ.
        m_interrupt = false;
        update_line();
        return status;
    }
    }
    return 0xFF;
}

void AtaPioDisk::write(uint16_t offset, unsigned width, uint32_t value)
{
    if (offset == DATA) {
        if (width != 1)
            data_out(width, value);
        return;
    }
    if (width != 1)
        return;
    auto byte = static_cast<uint8_t>(value);
    if (offset == COMMAND) {
        execute(byte);
        return;
    }
    // The taskfile can not change under a command in progress.
    if (m_status & (STATUS_BSY | STATUS_DRQ))
        return;
    m_control &= ~CONTROL_HOB;
    auto shift = [&](uint8_t& current, uint8_t& previous) {
        previous = current;
        current = byte;
    };
    switch (offset) {
    case FEATURES:
        shift(m_features, m_hob_features);
        break;
    case SECTOR_COUNT:
        shift(m_count, m_hob_count);
        break;
    case LBA_LOW:
        shift(m_lba_low, m_hob_lba_low);
        break;
    case LBA_MID:
        shift(m_lba_mid, m_hob_lba_mid);
        break;
    case LBA_HIGH:
        shift(m_lba_high, m_hob_lba_high);
        break;
    case DEVICE:
        m_device = byte | 0xA0; // bits 5 and 7 are obsolete and always read as one
        break;
    }
}

uint32_t AtaPioDisk::ControlPort::read(uint16_t, unsigned width)
{
    return width == 1 ? m_disk.visible_status() : 0xFFFF'FFFFu; // alternate status: INTRQ stays
}

void AtaPioDisk::ControlPort::write(uint16_t, unsigned width, uint32_t value)
{
    if (width == 1)
        m_disk.write_control(static_cast<uint8_t>(value));
}

void AtaPioDisk::write_control(uint8_t value)
{
    bool was_resetting = m_control & CONTROL_SRST;
    bool resetting = value & CONTROL_SRST;
    m_control = value;
    if (resetting && !was_resetting) {
        m_transfer = Transfer::None;
        m_position = m_end = 0;
        m_status = STATUS_BSY | STATUS_DSC;
        m_interrupt = false;
    } else if (was_resetting && !resetting) {
        reset();
        m_control = value;
    }
    update_line();
}

void AtaPioDisk::abort_command(uint8_t error)
{
    m_transfer = Transfer::None;
    m_position = m_end = 0;
    m_status = STATUS_DRDY | STATUS_ERR;
    m_error_register = error;
    raise_interrupt();
}

void AtaPioDisk::complete()
{
    m_status = STATUS_DRDY | STATUS_DSC;
    raise_interrupt();
}

void AtaPioDisk::execute(uint8_t command)
{
    if (slave_selected())
        return; // nobody there to answer
    if (m_status & (STATUS_BSY | STATUS_DRQ))
        return;
    m_status = STATUS_DRDY | STATUS_DSC;
    m_error_register = 0;
    switch (command) {
    case CMD_IDENTIFY_DEVICE:
        identify();
        return;
    case CMD_READ_SECTORS:
    case 0x21: // without retries: the same on every drive of this century
        start_read(false, 1);
        return;
    case CMD_READ_SECTORS_EXT:
        start_read(true, 1);
        return;
    case CMD_READ_MULTIPLE:
    case CMD_READ_MULTIPLE_EXT:
        if (m_multiple == 0)
            return abort_command();
        start_read(command == CMD_READ_MULTIPLE_EXT, m_multiple);
        return;
    case CMD_WRITE_SECTORS:
    case 0x31:
        start_write(false, 1);
        return;
    case CMD_WRITE_SECTORS_EXT:
        start_write(true, 1);
        return;
    case CMD_WRITE_MULTIPLE:
    case CMD_WRITE_MULTIPLE_EXT:
        if (m_multiple == 0)
            return abort_command();
        start_write(command == CMD_WRITE_MULTIPLE_EXT, m_multiple);
        return;
    case CMD_SET_MULTIPLE_MODE:
        // 0 turns the MULTIPLE commands off (as QEMU allows); else a power of two up to 16.
        if (m_count > MAX_MULTIPLE || (m_count & (m_count - 1)) != 0)
            return abort_command();
        m_multiple = m_count;
        return complete();
    case CMD_FLUSH_CACHE:
    case CMD_FLUSH_CACHE_EXT:
        if (fdatasync(m_fd) != 0) {
            device_log().error("ata: flush of {}: {}", m_path, std::strerror(errno));
            return abort_command();
        }
        return complete();
    // The housekeeping commands QEMU's disk accepts, so that a driver using them works on both.
    case CMD_SET_FEATURES:
        return set_features();
    case CMD_EXECUTE_DEVICE_DIAGNOSTIC:
        reset_registers();
        m_error_register = 0x01; // device 0 passed, device 1 absent
        return complete();
    case 0x10: // RECALIBRATE
    case 0x70: // SEEK
    case 0x91: // INITIALIZE DEVICE PARAMETERS
    case 0x40: // READ VERIFY SECTORS (nothing to verify in a file)
    case 0x41:
    case 0x42: // READ VERIFY SECTORS EXT
        return complete();
    case 0xE5: // CHECK POWER MODE: always active
    case 0x98:
        m_count = 0xFF;
        return complete();
    case 0xE0: // STANDBY IMMEDIATE, IDLE IMMEDIATE, STANDBY, IDLE, SLEEP and their old numbers
    case 0xE1:
    case 0xE2:
    case 0xE3:
    case 0xE6:
    case 0x94:
    case 0x95:
    case 0x96:
    case 0x97:
    case 0x99:
        m_status = STATUS_DRDY;
        return raise_interrupt();
    case 0xF8: // READ NATIVE MAX ADDRESS (+ EXT): the last sector
    case 0x27:
        m_lba48 = command == 0x27;
        set_current_lba(m_sectors - 1);
        return complete();
    default:
        device_log().debug("ata: command {:#04x} aborted (not supported)", command);
        return abort_command();
    }
}

uint64_t AtaPioDisk::current_lba() const
{
    if (!(m_device & 0x40)) { // CHS
        uint64_t cylinder = static_cast<uint64_t>(m_lba_high) << 8 | m_lba_mid;
        uint64_t head = m_device & 0x0F;
        if (m_lba_low == 0)
            return UINT64_MAX; // sectors count from 1: no such address
        return (cylinder * HEADS + head) * SECTORS_PER_TRACK + (m_lba_low - 1u);
    }
    if (m_lba48) {
        return static_cast<uint64_t>(m_hob_lba_high) << 40 | static_cast<uint64_t>(m_hob_lba_mid) << 32
            | static_cast<uint64_t>(m_hob_lba_low) << 24 | static_cast<uint64_t>(m_lba_high) << 16
            | static_cast<uint64_t>(m_lba_mid) << 8 | m_lba_low;
    }
    return static_cast<uint64_t>(m_device & 0x0F) << 24 | static_cast<uint64_t>(m_lba_high) << 16
        | static_cast<uint64_t>(m_lba_mid) << 8 | m_lba_low;
}

void AtaPioDisk::set_current_lba(uint64_t lba)
{
    if (!(m_device & 0x40)) {
        uint64_t cylinder = lba / (HEADS * SECTORS_PER_TRACK);
        uint64_t rest = lba % (HEADS * SECTORS_PER_TRACK);
        m_lba_high = static_cast<uint8_t>(cylinder >> 8);
        m_lba_mid = static_cast<uint8_t>(cylinder);
        m_device = static_cast<uint8_t>((m_device & 0xF0) | (rest / SECTORS_PER_TRACK));
        m_lba_low = static_cast<uint8_t>(rest % SECTORS_PER_TRACK + 1);
        return;
    }
    m_lba_low = static_cast<uint8_t>(lba);
    m_lba_mid = static_cast<uint8_t>(lba >> 8);
    m_lba_high = static_cast<uint8_t>(lba >> 16);
    if (m_lba48) {
        m_hob_lba_low = static_cast<uint8_t>(lba >> 24);
        m_hob_lba_mid = static_cast<uint8_t>(lba >> 32);
        m_hob_lba_high = static_cast<uint8_t>(lba >> 40);
    } else {
        m_device = static_cast<uint8_t>((m_device & 0xF0) | ((lba >> 24) & 0x0F));
    }
}

bool AtaPioDisk::range_ok()
{
    if (m_lba >= m_sectors || m_remaining > m_sectors - m_lba) {
        abort_command(ERROR_IDNF);
        return false;
    }
    return true;
}

void AtaPioDisk::start_read(bool lba48, unsigned block)
{
    m_lba48 = lba48;
    m_remaining = lba48 ? (static_cast<uint32_t>(m_hob_count) << 8 | m_count) : m_count;
    if (m_remaining == 0)
        m_remaining = lba48 ? 65536 : 256;
    m_block = block;
    m_lba = current_lba();
    if (!range_ok())
        return;
    m_transfer = Transfer::Read;
    read_block();
}

void AtaPioDisk::read_block()
{
    m_block_sectors = std::min<uint32_t>(m_remaining, m_block);
    size_t bytes = size_t { m_block_sectors } * SECTOR_SIZE;
    ssize_t done = pread(m_fd, m_buffer, bytes, static_cast<off_t>(m_lba * SECTOR_SIZE));
    if (done != static_cast<ssize_t>(bytes)) {
        device_log().error("ata: read of sectors {}+{} from {}: {}", m_lba, m_block_sectors, m_path,
            done < 0 ? std::strerror(errno) : "short read");
        return abort_command();
    }
    m_position = 0;
    m_end = bytes;
    m_status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
    raise_interrupt();
}

void AtaPioDisk::start_write(bool lba48, unsigned block)
{
    m_lba48 = lba48;
    m_remaining = lba48 ? (static_cast<uint32_t>(m_hob_count) << 8 | m_count) : m_count;
    if (m_remaining == 0)
        m_remaining = lba48 ? 65536 : 256;
    m_block = block;
    m_lba = current_lba();
    if (!range_ok())
        return;
    m_transfer = Transfer::Write;
    // The first block is asked for without an interrupt (PIO data-out protocol).
    m_block_sectors = std::min<uint32_t>(m_remaining, m_block);
    m_position = 0;
    m_end = size_t { m_block_sectors } * SECTOR_SIZE;
    m_status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
}

// The host has read or written the whole DRQ block.
void AtaPioDisk::block_done()
{
    switch (m_transfer) {
    case Transfer::None:
        return;
    case Transfer::Identify:
        m_transfer = Transfer::None;
        m_status = STATUS_DRDY | STATUS_DSC;
        return;
    case Transfer::Read:
        m_remaining -= m_block_sectors;
        m_lba += m_block_sectors;
        set_current_lba(m_lba);
        m_count = static_cast<uint8_t>(m_remaining);
        if (m_remaining == 0) {
            m_transfer = Transfer::None;
            m_status = STATUS_DRDY | STATUS_DSC;
            return;
        }
        read_block();
        return;
    case Transfer::Write: {
        ssize_t done = pwrite(m_fd, m_buffer, m_end, static_cast<off_t>(m_lba * SECTOR_SIZE));
        if (done != static_cast<ssize_t>(m_end)) {
            device_log().error("ata: write of sectors {}+{} to {}: {}", m_lba, m_block_sectors, m_path,
                done < 0 ? std::strerror(errno) : "short write");
            return abort_command();
        }
        if (!m_write_cache && fdatasync(m_fd) != 0) {
            device_log().error("ata: write-through of {}: {}", m_path, std::strerror(errno));
            return abort_command();
        }
        m_remaining -= m_block_sectors;
        m_lba += m_block_sectors;
        set_current_lba(m_lba);
        m_count = static_cast<uint8_t>(m_remaining);
        if (m_remaining == 0) {
            m_transfer = Transfer::None;
            return complete();
        }
        m_block_sectors = std::min<uint32_t>(m_remaining, m_block);
        m_position = 0;
        m_end = size_t { m_block_sectors } * SECTOR_SIZE;
        m_status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
        raise_interrupt();
        return;
    }
    }
}

void AtaPioDisk::identify()
{
    uint16_t words[256] {};
    words[0] = 0x0040; // fixed, non-removable ATA device
    words[1] = m_cylinders;
    words[3] = HEADS;
    words[6] = SECTORS_PER_TRACK;
    put_string(words + 10, m_serial, 20);
    put_string(words + 23, "0.1.0", 8);
    put_string(words + 27, MODEL, 40);
    words[47] = 0x8000 | MAX_MULTIPLE;
    words[48] = 1; // 32-bit data port accesses work
    words[49] = (1 << 11) | (1 << 9); // IORDY, LBA (no DMA)
    words[50] = 0x4000;
    words[51] = 0x200; // PIO timing
    words[53] = 0x0003; // words 54-58 and 64-70 are valid
    words[54] = m_cylinders;
    words[55] = HEADS;
    words[56] = SECTORS_PER_TRACK;
    uint32_t chs_capacity = uint32_t { m_cylinders } * HEADS * SECTORS_PER_TRACK;
    words[57] = static_cast<uint16_t>(chs_capacity);
    words[58] = static_cast<uint16_t>(chs_capacity >> 16);
    words[59] = m_multiple ? 0x100 | m_multiple : 0;
    uint64_t lba28 = std::min<uint64_t>(m_sectors, 0x0FFF'FFFF);
    words[60] = static_cast<uint16_t>(lba28);
    words[61] = static_cast<uint16_t>(lba28 >> 16);
    words[64] = 0x03; // PIO modes 3 and 4
    words[65] = words[66] = words[67] = words[68] = 120;
    words[80] = 0x00F0; // ATA-4 to ATA-7
    words[82] = (1 << 14) | (1 << 5); // NOP, write cache
    words[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10); // FLUSH CACHE EXT, FLUSH CACHE, LBA48
    words[84] = 1 << 14;
    words[85] = static_cast<uint16_t>((1 << 14) | (m_write_cache ? 1 << 5 : 0));
    words[86] = (1 << 13) | (1 << 12) | (1 << 10);
    words[87] = 1 << 14;
    words[93] = (1 << 14) | (1 << 13) | 1; // reset result of device 0, 80-conductor cable
    for (int i = 0; i < 4; ++i)
        words[100 + i] = static_cast<uint16_t>(m_sectors >> (16 * i));
    // Integrity word: signature 0xA5, and a checksum making the 512 bytes sum to 0 mod 256.
    words[255] = 0x00A5;
    uint8_t sum = 0;
    std::memcpy(m_buffer, words, sizeof words);
    for (size_t i = 0; i < 511; ++i)
        sum = static_cast<uint8_t>(sum + m_buffer[i]);
    m_buffer[511] = static_cast<uint8_t>(-sum);
    m_transfer = Transfer::Identify;
    m_position = 0;
    m_end = SECTOR_SIZE;
    m_status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
    raise_interrupt();
}

uint32_t AtaPioDisk::data_in(unsigned width)
{
    if (slave_selected() || !(m_status & STATUS_DRQ) || m_transfer == Transfer::Write)
        return 0;
    uint32_t value = 0;
    size_t bytes = std::min<size_t>(width, m_end - m_position);
    std::memcpy(&value, m_buffer + m_position, bytes);
    m_position += bytes;
    if (m_position >= m_end)
        block_done();
    return value;
}

void AtaPioDisk::data_out(unsigned width, uint32_t value)
{
    if (slave_selected() || !(m_status & STATUS_DRQ) || m_transfer != Transfer::Write)
        return;
    size_t bytes = std::min<size_t>(width, m_end - m_position);
    std::memcpy(m_buffer + m_position, &value, bytes);
    m_position += bytes;
    if (m_position >= m_end)
        block_done();
}

void AtaPioDisk::read_string(uint16_t offset, unsigned width, void* buffer, size_t count)
{
    if (offset != DATA || width == 1)
        return PortDevice::read_string(offset, width, buffer, count);
    auto* out = static_cast<uint8_t*>(buffer);
    size_t left = count * width;
    // Whole runs out of the current block, then on into the next one, as `rep insw` would.
    while (left > 0 && !slave_selected() && (m_status & STATUS_DRQ) && m_transfer != Transfer::Write) {
        size_t run = std::min(left, m_end - m_position);
        std::memcpy(out, m_buffer + m_position, run);
        out += run;
        left -= run;
        m_position += run;
        if (m_position >= m_end)
            block_done();
    }
    std::memset(out, 0, left);
}

void AtaPioDisk::write_string(uint16_t offset, unsigned width, const void* buffer, size_t count)
{
    if (offset != DATA || width == 1)
        return PortDevice::write_string(offset, width, buffer, count);
    auto* in = static_cast<const uint8_t*>(buffer);
    size_t left = count * width;
    while (left > 0 && !slave_selected() && (m_status & STATUS_DRQ) && m_transfer == Transfer::Write) {
        size_t run = std::min(left, m_end - m_position);
        std::memcpy(m_buffer + m_position, in, run);
        in += run;
        left -= run;
        m_position += run;
        if (m_position >= m_end)
            block_done();
    }
}

} // namespace sim
