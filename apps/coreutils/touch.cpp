// touch: update a file's timestamps to now (or to -d's time), creating it when missing.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "touch [-acm] [-d DATE] FILE...\nUpdate the access and modification times of each FILE to the current time.\n"
      "  -c       do not create any files\n"
      "  -d DATE  use DATE instead of now: @SECONDS or YYYY-MM-DD[ HH:MM[:SS]] (UTC)\n"
      "  -a, -m   accepted; both times are always set";

static constexpr LongOption long_options[] = {
    { "no-create", 'c' },
    { "date", 'd', LongOption::Required },
};
static constexpr CommandSyntax syntax { "touch", usage, "acmd:", long_options };

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
static i64 days_from_civil(i64 year, i64 month, i64 day)
{
    year -= month <= 2;
    i64 era = (year >= 0 ? year : year - 399) / 400;
    i64 yoe = year - era * 400;
    i64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    i64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// Reads `count` digits at text[pos], advancing pos.
static bool take_number(StringView text, usize& pos, usize count, i64& out)
{
    if (pos + count > text.length())
        return false;
    u64 value;
    if (!ktl::parse_u64(text.substring(pos, count), value))
        return false;
    out = static_cast<i64>(value);
    pos += count;
    return true;
}

static bool take_char(StringView text, usize& pos, char c)
{
    if (pos >= text.length() || (text[pos] != c && !(c == ' ' && text[pos] == 'T')))
        return false;
    ++pos;
    return true;
}

static bool parse_date(StringView text, i64& out)
{
    if (!text.is_empty() && text[0] == '@')
        return ktl::parse_i64(text.substring(1), out);
    usize pos = 0;
    i64 year, month, day, hour = 0, minute = 0, second = 0;
    if (!take_number(text, pos, 4, year) || !take_char(text, pos, '-') || !take_number(text, pos, 2, month)
        || !take_char(text, pos, '-') || !take_number(text, pos, 2, day))
        return false;
    if (pos < text.length()) {
        if (!take_char(text, pos, ' ') || !take_number(text, pos, 2, hour) || !take_char(text, pos, ':')
            || !take_number(text, pos, 2, minute))
            return false;
        if (pos < text.length() && (!take_char(text, pos, ':') || !take_number(text, pos, 2, second)))
            return false;
        if (pos != text.length())
            return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    out = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

static bool touch_one(StringView path, bool create, const redox::TimeSpec times[2])
{
    unsigned long flags = redox::O_WRONLY | (create ? redox::O_CREAT | 0644 : 0);
    long fd = sys::open(path, flags);
    // Directories and files we may not write can still have their times set through a
    // read-only descriptor (the scheme checks ownership).
    if (fd == -redox::EISDIR || fd == -redox::EACCES)
        fd = sys::open(path, redox::O_RDONLY);
    // FIFOs and sockets hold no data to open (ENXIO): their times are set on the node.
    if (fd == -redox::ENXIO)
        fd = sys::open(path, redox::O_STAT | redox::O_RDONLY);
    if (fd == -redox::ENOENT && !create)
        return true;
    if (fd < 0) {
        report_path_error("touch", "cannot touch", path, fd);
        return false;
    }
    long r = sys::futimens(static_cast<int>(fd), times);
    sys::close(static_cast<int>(fd));
    if (r < 0) {
        report_path_error("touch", "setting times of", path, r);
        return false;
    }
    return true;
}

static int touch_main(int argc, char** argv, char**)
{
    bool create = true;
    redox::TimeSpec times[2] {};
    bool have_date = false;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'c':
            create = false;
            break;
        case 'a':
        case 'm':
            break;
        case 'd': {
            i64 seconds;
            if (!parse_date(options.value(), seconds)) {
                errf("touch: invalid date format '%.*s'\n", static_cast<int>(options.value().length()),
                    options.value().chars());
                return 1;
            }
            times[0].tv_sec = times[1].tv_sec = seconds;
            have_date = true;
            break;
        }
        default:
            return options.stop(c);
        }
    }
    if (options.operands().is_empty())
        return options.missing_operand();
    if (!have_date) {
        if (long r = sys::clock_gettime(redox::CLOCK_REALTIME, times[0]); r < 0) {
            io::report_error("touch", "clock_gettime", r);
            return 1;
        }
        times[1] = times[0];
    }
    int status = 0;
    for (char* operand : options.operands())
        if (!touch_one(operand, create, times))
            status = 1;
    return status;
}

REDOX_PROGRAM("touch", touch_main)
