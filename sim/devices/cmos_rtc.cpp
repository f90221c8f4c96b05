#include "cmos_rtc.h"

#include <ctime>

namespace sim {

namespace {

enum : uint8_t { SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, WEEKDAY = 0x06, DAY = 0x07, MONTH = 0x08, YEAR = 0x09,
    STATUS_A = 0x0A, STATUS_B = 0x0B, STATUS_C = 0x0C, STATUS_D = 0x0D, CENTURY = 0x32 };
constexpr uint8_t B_BINARY = 0x04, B_24_HOUR = 0x02, A_UPDATE_IN_PROGRESS = 0x80, D_VALID_RAM = 0x80;

struct Now {
    std::tm fields;
    long nanoseconds;
};

Now now_with(int64_t offset)
{
    timespec t {};
    clock_gettime(CLOCK_REALTIME, &t);
    time_t seconds = t.tv_sec + offset;
    Now now {};
    gmtime_r(&seconds, &now.fields);
    now.nanoseconds = t.tv_nsec;
    return now;
}

} // namespace

uint8_t CmosRtc::encode(unsigned value) const
{
    return (m_register_b & B_BINARY) ? static_cast<uint8_t>(value) : static_cast<uint8_t>((value / 10) << 4 | value % 10);
}

unsigned CmosRtc::decode(uint8_t value) const
{
    return (m_register_b & B_BINARY) ? value : (value >> 4) * 10 + (value & 0x0F);
}

uint8_t CmosRtc::read_register(uint8_t index) const
{
    Now now = now_with(m_offset_seconds);
    const std::tm& tm = now.fields;
    switch (index) {
    case SECONDS:
        return encode(static_cast<unsigned>(tm.tm_sec));
    case MINUTES:
        return encode(static_cast<unsigned>(tm.tm_min));
    case HOURS:
        if (m_register_b & B_24_HOUR)
            return encode(static_cast<unsigned>(tm.tm_hour));
        // 12-hour: 12, 1 .. 11, with bit 7 for PM.
        return static_cast<uint8_t>(encode(static_cast<unsigned>(tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12))
            | (tm.tm_hour >= 12 ? 0x80 : 0));
    case WEEKDAY:
        return encode(static_cast<unsigned>(tm.tm_wday + 1));
    case DAY:
        return encode(static_cast<unsigned>(tm.tm_mday));
    case MONTH:
        return encode(static_cast<unsigned>(tm.tm_mon + 1));
    case YEAR:
        return encode(static_cast<unsigned>((tm.tm_year + 1900) % 100));
    case CENTURY:
        return encode(static_cast<unsigned>((tm.tm_year + 1900) / 100));
    case STATUS_A:
        // 32.768 kHz time base, 1024 Hz rate; update in progress near the end of a second.
        return static_cast<uint8_t>(0x26 | (now.nanoseconds >= 1'000'000'000 - 244'000 ? A_UPDATE_IN_PROGRESS : 0));
    case STATUS_B:
        return m_register_b;
    case STATUS_C:
        return 0;
    case STATUS_D:
        return D_VALID_RAM;
    default:
        return m_ram[index & 0x7F];
    }
}

void CmosRtc::write_register(uint8_t index, uint8_t value)
{
    Now now = now_with(m_offset_seconds);
    std::tm tm = now.fields;
    int* field = nullptr;
    int adjust = 0;
    switch (index) {
    case SECONDS:
        field = &tm.tm_sec;
        break;
    case MINUTES:
        field = &tm.tm_min;
        break;
    case HOURS:
        field = &tm.tm_hour;
        if (!(m_register_b & B_24_HOUR)) {
            unsigned hour = decode(value & 0x7F) % 12;
            tm.tm_hour = static_cast<int>(hour + ((value & 0x80) ? 12 : 0));
            field = nullptr;
        }
        break;
    case DAY:
        field = &tm.tm_mday;
        break;
    case MONTH:
        field = &tm.tm_mon;
        adjust = -1;
        break;
    case YEAR:
        tm.tm_year = (tm.tm_year + 1900) / 100 * 100 + static_cast<int>(decode(value)) - 1900;
        break;
    case CENTURY:
        tm.tm_year = static_cast<int>(decode(value)) * 100 + (tm.tm_year + 1900) % 100 - 1900;
        break;
    case STATUS_B:
        m_register_b = value & 0x7F; // SET (bit 7) would stop updates: not modelled
        return;
    case STATUS_A:
    case STATUS_C:
    case STATUS_D:
    case WEEKDAY:
        return; // read-only here, or derived from the date
    default:
        m_ram[index & 0x7F] = value;
        return;
    }
    if (field)
        *field = static_cast<int>(decode(value)) + adjust;
    time_t wanted = timegm(&tm);
    timespec t {};
    clock_gettime(CLOCK_REALTIME, &t);
    if (wanted != static_cast<time_t>(-1))
        m_offset_seconds = static_cast<int64_t>(wanted) - static_cast<int64_t>(t.tv_sec);
}

uint32_t CmosRtc::read(uint16_t offset, unsigned)
{
    return offset == 0 ? 0xFF : read_register(m_index); // the index port is write-only
}

void CmosRtc::write(uint16_t offset, unsigned, uint32_t value)
{
    if (offset == 0)
        m_index = static_cast<uint8_t>(value & 0x7F); // bit 7 masks NMIs: there are none here
    else
        write_register(m_index, static_cast<uint8_t>(value));
}

} // namespace sim
