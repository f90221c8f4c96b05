#include "common.h"

namespace coreutils {

void report_path_error(StringView app, StringView what, StringView path, long error)
{
    errf("%.*s: %.*s '%.*s': %s\n", static_cast<int>(app.length()), app.chars(), static_cast<int>(what.length()),
        what.chars(), static_cast<int>(path.length()), path.chars(), redox::error_string(static_cast<int>(-error)));
}

long stat_path(StringView path, redox::Stat& st, bool follow_symlinks)
{
    unsigned long flags = redox::O_STAT | redox::O_RDONLY;
    if (!follow_symlinks)
        flags |= redox::O_SYMLINK | redox::O_NOFOLLOW;
    long fd = sys::open(path, flags);
    if (fd < 0)
        return fd;
    long result = sys::fstat(static_cast<int>(fd), st);
    sys::close(static_cast<int>(fd));
    return result < 0 ? result : 0;
}

bool is_directory_path(StringView path)
{
    redox::Stat st;
    return stat_path(path, st) == 0 && is_dir(st);
}

String join_path(StringView dir, StringView name)
{
    String path(dir);
    if (path.is_empty() || path[path.length() - 1] != '/')
        path.append('/');
    path.append(name);
    return path;
}

StringView strip_trailing_slashes(StringView path)
{
    usize length = path.length();
    while (length > 1 && path[length - 1] == '/')
        --length;
    return path.substring(0, length);
}

StringView base_name(StringView path)
{
    path = strip_trailing_slashes(path);
    if (path == "/")
        return path;
    usize start = path.length();
    while (start > 0 && path[start - 1] != '/')
        --start;
    return path.substring(start);
}

long read_directory(int fd, Vector<DirEntry>& out)
{
    io::DirReader reader(fd);
    io::DirReader::Entry entry;
    for (;;) {
        long result = reader.next(entry);
        if (result < 0)
            return result;
        if (result == 0)
            return 0;
        if (entry.name == "." || entry.name == "..")
            continue;
        out.append(DirEntry { String(entry.name), entry.kind });
    }
}

long read_directory(StringView path, Vector<DirEntry>& out)
{
    long fd = sys::open(path, redox::O_RDONLY | redox::O_DIRECTORY);
    if (fd < 0)
        return fd;
    long result = read_directory(static_cast<int>(fd), out);
    sys::close(static_cast<int>(fd));
    return result;
}

void format_mode(u32 mode, char out[11])
{
    switch (mode & redox::MODE_TYPE) {
    case redox::MODE_DIR:
        out[0] = 'd';
        break;
    case redox::MODE_SYMLINK:
        out[0] = 'l';
        break;
    case redox::MODE_FIFO:
        out[0] = 'p';
        break;
    case redox::MODE_CHR:
        out[0] = 'c';
        break;
    case redox::MODE_SOCK:
        out[0] = 's';
        break;
    default:
        out[0] = '-';
        break;
    }
    const char* letters = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        out[1 + i] = (mode & (0400u >> i)) ? letters[i] : '-';
    // setuid, setgid and sticky replace the x slots.
    if (mode & 04000)
        out[3] = (mode & 0100) ? 's' : 'S';
    if (mode & 02000)
        out[6] = (mode & 010) ? 's' : 'S';
    if (mode & 01000)
        out[9] = (mode & 01) ? 't' : 'T';
    out[10] = 0;
}

void format_date(i64 epoch_seconds, char out[17])
{
    i64 days = epoch_seconds / 86400;
    i64 seconds = epoch_seconds % 86400;
    if (seconds < 0) {
        seconds += 86400;
        --days;
    }
    // Howard Hinnant's civil_from_days: days since 1970-01-01 to a proleptic Gregorian date.
    i64 z = days + 719468;
    i64 era = (z >= 0 ? z : z - 146096) / 146097;
    i64 doe = z - era * 146097;
    i64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    i64 year = yoe + era * 400;
    i64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    i64 mp = (5 * doy + 2) / 153;
    i64 day = doy - (153 * mp + 2) / 5 + 1;
    i64 month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2)
        ++year;
    ktl::format_buffer(out, 17, "%04ld-%02ld-%02ld %02ld:%02ld", static_cast<long>(year), static_cast<long>(month),
        static_cast<long>(day), static_cast<long>(seconds / 3600), static_cast<long>(seconds % 3600 / 60));
}

static bool multiply(u64 a, u64 b, u64& out) { return !__builtin_mul_overflow(a, b, &out); }

static bool parse_one_size(StringView text, u64& out)
{
    usize digits = 0;
    while (digits < text.length() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    u64 number;
    if (!digits || !ktl::parse_u64(text.substring(0, digits), number))
        return false;
    StringView suffix = text.substring(digits);
    u64 factor = 1;
    if (!suffix.is_empty()) {
        if (suffix == "c") {
            factor = 1;
        } else if (suffix == "w") {
            factor = 2;
        } else if (suffix == "b") {
            factor = 512;
        } else {
            const char* units = "KMGTPE";
            char unit = suffix[0] == 'k' ? 'K' : suffix[0];
            const char* found = __builtin_strchr(units, unit);
            if (!found || unit == 0)
                return false;
            StringView rest = suffix.substring(1);
            u64 base;
            if (rest.is_empty() || rest == "iB")
                base = 1024;
            else if (rest == "B")
                base = 1000;
            else
                return false;
            for (long power = found - units + 1; power > 0; --power)
                if (!multiply(factor, base, factor))
                    return false;
        }
    }
    return multiply(number, factor, out);
}

bool parse_size(StringView text, u64& out)
{
    // dd accepts products such as "2x512".
    u64 total = 1;
    usize start = 0;
    for (;;) {
        isize x = text.find('x', start);
        usize end = x < 0 ? text.length() : static_cast<usize>(x);
        u64 part;
        if (!parse_one_size(text.substring(start, end - start), part) || !multiply(total, part, total))
            return false;
        if (x < 0)
            break;
        start = end + 1;
    }
    out = total;
    return true;
}

bool parse_decimal_ns(StringView text, u64 unit_ns, u64& out_ns)
{
    usize dot = text.length();
    if (isize d = text.find('.'); d >= 0)
        dot = static_cast<usize>(d);
    StringView whole = text.substring(0, dot);
    StringView fraction = dot < text.length() ? text.substring(dot + 1) : StringView();
    if (whole.is_empty() && fraction.is_empty())
        return false;
    u64 value = 0;
    if (!whole.is_empty() && !ktl::parse_u64(whole, value))
        return false;
    u64 total;
    if (!multiply(value, unit_ns, total))
        return false;
    // unit_ns is a whole number of seconds or at least 10^9-divisible in practice; digits past
    // nanosecond precision are ignored.
    u64 scale = unit_ns;
    for (char c : fraction) {
        if (c < '0' || c > '9')
            return false;
        scale /= 10;
        if (__builtin_add_overflow(total, scale * static_cast<u64>(c - '0'), &total))
            return false;
    }
    out_ns = total;
    return true;
}

u64 monotonic_ns()
{
    redox::TimeSpec now {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, now);
    return static_cast<u64>(now.tv_sec) * 1000000000ull + static_cast<u64>(now.tv_nsec);
}

// Linux numbering, index = signal number.
static const char* const s_signal_names[] = {
    nullptr,
    "HUP",
    "INT",
    "QUIT",
    "ILL",
    "TRAP",
    "ABRT",
    "BUS",
    "FPE",
    "KILL",
    "USR1",
    "SEGV",
    "USR2",
    "PIPE",
    "ALRM",
    "TERM",
    "STKFLT",
    "CHLD",
    "CONT",
    "STOP",
    "TSTP",
    "TTIN",
    "TTOU",
    "URG",
    "XCPU",
    "XFSZ",
    "VTALRM",
    "PROF",
    "WINCH",
    "IO",
    "PWR",
    "SYS",
};

const char* signal_name(int number)
{
    if (number <= 0 || number >= static_cast<int>(sizeof s_signal_names / sizeof s_signal_names[0]))
        return nullptr;
    return s_signal_names[number];
}

int parse_signal(StringView text)
{
    u64 number;
    if (ktl::parse_u64(text, number))
        return number < static_cast<u64>(redox::NSIG) ? static_cast<int>(number) : -1;
    if (text.length() > 3 && to_lower(text[0]) == 's' && to_lower(text[1]) == 'i' && to_lower(text[2]) == 'g')
        text = text.substring(3);
    for (int i = 1; i < static_cast<int>(sizeof s_signal_names / sizeof s_signal_names[0]); ++i) {
        StringView name(s_signal_names[i]);
        if (name.length() != text.length())
            continue;
        bool same = true;
        for (usize j = 0; j < name.length(); ++j)
            same = same && to_lower(name[j]) == to_lower(text[j]);
        if (same)
            return i;
    }
    return -1;
}

int finish_output(io::BufferedWriter& out, StringView app, int status, int failure_status)
{
    if (long r = out.flush(); r < 0) {
        io::report_error(app, "write error", r);
        return failure_status;
    }
    return status;
}

void write_padded(io::BufferedWriter& out, StringView text, usize width, bool align_right)
{
    constexpr StringView spaces { "                                ", 32 };
    usize padding = width > text.length() ? width - text.length() : 0;
    if (!align_right)
        out.write(text);
    for (; padding; padding -= ktl::min(padding, spaces.length()))
        out.write(spaces.substring(0, ktl::min(padding, spaces.length())));
    if (align_right)
        out.write(text);
}

void write_number(io::BufferedWriter& out, u64 value, usize width)
{
    char digits[24];
    usize n = ktl::format_buffer(digits, sizeof digits, "%lu", static_cast<unsigned long>(value));
    write_padded(out, StringView(digits, n), width, true);
}

usize decimal_digits(u64 value)
{
    usize n = 1;
    for (; value >= 10; value /= 10)
        ++n;
    return n;
}

} // namespace coreutils
