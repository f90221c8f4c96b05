// rtc-driver: the PC's CMOS real-time clock as the scheme `rtc`. Reading /scheme/rtc gives
// the date and time in UTC, "2026-11-26T09:31:00Z\n". The driver of the tutorial
// docs/driver-tutorial.md: port I/O through driver::Pio and a scheme through
// driver::SchemeDaemon, nothing else.
#include "port_io.h"
#include "scheme_daemon.h"

#include "ktl/format.h"
#include "ktl/memory.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

// The MC146818's two ports: write a register number to INDEX, then read it from DATA.
const driver::Pio<u8> INDEX { 0x70 };
const driver::Pio<u8> DATA { 0x71 };

enum : u8 { SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, DAY = 0x07, MONTH = 0x08, YEAR = 0x09,
    STATUS_A = 0x0A, STATUS_B = 0x0B, CENTURY = 0x32 };

u8 cmos(u8 index)
{
    INDEX.write(index);
    return DATA.read();
}

struct DateTime {
    unsigned year, month, day, hour, minute, second;
    bool operator==(const DateTime&) const = default;
};

DateTime read_registers()
{
    // The chip updates its registers once a second; wait until it is not doing so now.
    while (cmos(STATUS_A) & 0x80) { }
    return { cmos(CENTURY) * 100u + cmos(YEAR), cmos(MONTH), cmos(DAY), cmos(HOURS), cmos(MINUTES), cmos(SECONDS) };
}

unsigned from_bcd(unsigned value) { return (value >> 4) * 10 + (value & 0x0F); }

DateTime read_clock()
{
    // Read until two readings agree, so an update between two registers can not mix times.
    DateTime t = read_registers();
    for (DateTime again = read_registers(); !(again == t); again = read_registers())
        t = again;
    u8 format = cmos(STATUS_B);
    bool pm = t.hour & 0x80;
    t.hour &= 0x7F;
    if (!(format & 0x04)) { // BCD unless register B says binary
        t.second = from_bcd(t.second);
        t.minute = from_bcd(t.minute);
        t.hour = from_bcd(t.hour);
        t.day = from_bcd(t.day);
        t.month = from_bcd(t.month);
        t.year = from_bcd(t.year / 100) * 100 + from_bcd(t.year % 100);
    }
    if (!(format & 0x02)) // 12-hour clock
        t.hour = (t.hour % 12) + (pm ? 12 : 0);
    return t;
}

class Rtc final : public driver::SchemeHandler {
public:
    long open(ktl::StringView path, u64, const driver::Request&) override
    {
        return path.is_empty() ? 1 : -redox::ENOENT;
    }

    long read(u64, u8* buffer, usize length, u64 offset, const driver::Request&) override
    {
        DateTime t = read_clock();
        char text[32];
        usize size = ktl::format_buffer(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02uZ\n", t.year, t.month, t.day,
            t.hour, t.minute, t.second);
        if (offset >= size)
            return 0; // end of file: `cat` stops
        usize n = size - offset < length ? size - offset : length;
        ktl::copy_bytes(buffer, text + offset, n);
        return static_cast<long>(n);
    }

    long fstat(u64, redox::Stat& stat) override
    {
        stat.st_mode = redox::MODE_CHR | 0444;
        stat.st_nlink = 1;
        return 0;
    }
};

int rtc_driver_main(int, char**, char**)
{
    if (long r = sys::iopl(3); r < 0) { // port I/O is for root, as in Redox
        io::report_error("rtc-driver", "iopl", r);
        return 1;
    }
    if (cmos(STATUS_A) == 0xFF && cmos(STATUS_B) == 0xFF) { // nothing answers: a floating bus
        errf("rtc-driver: no real-time clock\n");
        return 19; // ENODEV: driverd marks the driver absent instead of restarting it
    }
    Rtc rtc;
    driver::SchemeDaemon daemon;
    if (long r = daemon.start("rtc", rtc); r < 0) {
        io::report_error("rtc-driver", ":rtc", r);
        return 1;
    }
    return daemon.run() < 0 ? 1 : 0;
}

} // namespace

REDOX_PROGRAM("rtc-driver", rtc_driver_main)
