// dd: copy blocks from if= (stdin) to of= (stdout), then report GNU-style statistics.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "dd [OPERAND]...\nCopy a file, converting and formatting according to the operands.\n"
                                "  bs=BYTES      read and write up to BYTES bytes at a time (default: 512)\n"
                                "  ibs=BYTES     read up to BYTES bytes at a time (default: 512)\n"
                                "  obs=BYTES     write BYTES bytes at a time (default: 512)\n"
                                "  count=N       copy only N input blocks\n"
                                "  skip=N        skip N ibs-sized blocks at start of input\n"
                                "  seek=N        skip N obs-sized blocks at start of output\n"
                                "  if=FILE       read from FILE instead of stdin\n"
                                "  of=FILE       write to FILE instead of stdout\n"
                                "  conv=notrunc  do not truncate the output file\n"
                                "  status=LEVEL  'none' prints nothing, 'noxfer' no final statistics line\n"
                                "BYTES may be followed by c=1, w=2, b=512, kB=1000, K=1024, MB, M, GB, G, ...";

struct DdOptions {
    StringView input;
    StringView output;
    u64 ibs { 512 };
    u64 obs { 512 };
    bool block_mode { false }; // bs= given: each read block is written as is
    u64 count { ~0ull };
    u64 skip { 0 };
    u64 seek { 0 };
    bool notrunc { false };
    int status_level { 2 }; // 0 none, 1 noxfer, 2 default
};

struct Records {
    u64 full { 0 };
    u64 partial { 0 };
};

struct Stats {
    Records in;
    Records out;
    u64 bytes { 0 };
};

// Like GNU's human_readable with autoscale and round-to-nearest: "512 B", "1.0 MB", "10 MiB".
// `numerator / denominator` is the amount (the denominator lets rates be exact).
static void format_human(char* out, usize size, u64 numerator, u64 denominator, bool iec)
{
    unsigned __int128 base = iec ? 1024 : 1000;
    const char* const si_prefixes[] = { "", "k", "M", "G", "T", "P", "E" };
    const char* const iec_prefixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    unsigned __int128 divisor = denominator;
    usize power = 0;
    while (power < 6 && static_cast<unsigned __int128>(numerator) >= divisor * base) {
        divisor *= base;
        ++power;
    }
    for (;;) {
        unsigned __int128 tenths = (static_cast<unsigned __int128>(numerator) * 10 + divisor / 2) / divisor;
        const char* prefix = iec ? iec_prefixes[power] : si_prefixes[power];
        if (power > 0 && tenths < 100) {
            ktl::format_buffer(out, size, "%lu.%lu %sB", static_cast<unsigned long>(tenths / 10),
                static_cast<unsigned long>(tenths % 10), prefix);
            return;
        }
        unsigned __int128 whole = (static_cast<unsigned __int128>(numerator) + divisor / 2) / divisor;
        // Rounding up to the base ("1000 kB") moves to the next unit ("1.0 MB").
        if (whole >= base && power < 6) {
            divisor *= base;
            ++power;
            continue;
        }
        ktl::format_buffer(out, size, "%lu %sB", static_cast<unsigned long>(whole), prefix);
        return;
    }
}

// Seconds as printf's "%g" shows them (six significant digits), from nanoseconds.
static void format_seconds(char* out, usize size, u64 ns)
{
    if (ns == 0) {
        ktl::format_buffer(out, size, "0");
        return;
    }
    char digits[24];
    usize length = ktl::format_buffer(digits, sizeof digits, "%lu", static_cast<unsigned long>(ns));
    int exponent = static_cast<int>(length) - 1 - 9;
    // Keep six significant digits, rounding half up.
    char significant[8] = { '0', '0', '0', '0', '0', '0', 0, 0 };
    for (usize i = 0; i < 6 && i < length; ++i)
        significant[i] = digits[i];
    if (length > 6 && digits[6] >= '5') {
        int i = 5;
        while (i >= 0 && significant[i] == '9')
            significant[i--] = '0';
        if (i >= 0) {
            ++significant[i];
        } else {
            significant[0] = '1';
            ++exponent;
        }
    }
    usize used = 6;
    while (used > 1 && significant[used - 1] == '0')
        --used;
    usize n = 0;
    auto put = [&](char c) {
        if (n + 1 < size)
            out[n++] = c;
    };
    if (exponent < -4 || exponent >= 6) {
        put(significant[0]);
        if (used > 1) {
            put('.');
            for (usize i = 1; i < used; ++i)
                put(significant[i]);
        }
        put('e');
        put(exponent < 0 ? '-' : '+');
        int magnitude = exponent < 0 ? -exponent : exponent;
        put(static_cast<char>('0' + magnitude / 10));
        put(static_cast<char>('0' + magnitude % 10));
    } else if (exponent >= 0) {
        for (int i = 0; i <= exponent; ++i)
            put(static_cast<usize>(i) < used ? significant[i] : '0');
        if (used > static_cast<usize>(exponent) + 1) {
            put('.');
            for (usize i = static_cast<usize>(exponent) + 1; i < used; ++i)
                put(significant[i]);
        }
    } else {
        put('0');
        put('.');
        for (int i = 0; i < -exponent - 1; ++i)
            put('0');
        for (usize i = 0; i < used; ++i)
            put(significant[i]);
    }
    out[n] = 0;
}

static void print_stats(const Stats& stats, u64 elapsed_ns, int status_level)
{
    if (status_level == 0)
        return;
    errf("%lu+%lu records in\n%lu+%lu records out\n", static_cast<unsigned long>(stats.in.full),
        static_cast<unsigned long>(stats.in.partial), static_cast<unsigned long>(stats.out.full),
        static_cast<unsigned long>(stats.out.partial));
    if (status_level == 1)
        return;
    char si[32], iec[32], seconds[32], rate[40];
    format_human(si, sizeof si, stats.bytes, 1, false);
    format_human(iec, sizeof iec, stats.bytes, 1, true);
    format_seconds(seconds, sizeof seconds, elapsed_ns);
    if (elapsed_ns) {
        // bytes / (ns / 1e9), kept exact by scaling the numerator.
        unsigned __int128 scaled = static_cast<unsigned __int128>(stats.bytes) * 1000000000ull;
        u64 numerator = scaled > ~0ull ? ~0ull : static_cast<u64>(scaled);
        format_human(rate, sizeof rate, numerator, elapsed_ns, false);
        ktl::format_buffer(rate + ktl::cstring_length(rate), sizeof rate - ktl::cstring_length(rate), "/s");
    } else {
        ktl::format_buffer(rate, sizeof rate, "Infinity B/s");
    }
    unsigned long bytes = static_cast<unsigned long>(stats.bytes);
    if (stats.bytes < 1000)
        errf("%lu byte%s copied, %s s, %s\n", bytes, stats.bytes == 1 ? "" : "s", seconds, rate);
    else if (stats.bytes < 1024)
        errf("%lu bytes (%s) copied, %s s, %s\n", bytes, si, seconds, rate);
    else
        errf("%lu bytes (%s, %s) copied, %s s, %s\n", bytes, si, iec, seconds, rate);
}

static bool parse_operand(StringView operand, DdOptions& options)
{
    isize equals = operand.find('=');
    if (equals <= 0) {
        errf("dd: unrecognized operand '%.*s'\n", static_cast<int>(operand.length()), operand.chars());
        return false;
    }
    StringView key = operand.substring(0, static_cast<usize>(equals));
    StringView value = operand.substring(static_cast<usize>(equals) + 1);
    auto number = [&](u64& out, bool positive) {
        if (!parse_size(value, out) || (positive && out == 0)) {
            errf("dd: invalid number: '%.*s'\n", static_cast<int>(value.length()), value.chars());
            return false;
        }
        return true;
    };
    if (key == "if") {
        options.input = value;
    } else if (key == "of") {
        options.output = value;
    } else if (key == "bs") {
        if (!number(options.ibs, true))
            return false;
        options.obs = options.ibs;
        options.block_mode = true;
    } else if (key == "ibs") {
        return number(options.ibs, true);
    } else if (key == "obs") {
        return number(options.obs, true);
    } else if (key == "count") {
        return number(options.count, false);
    } else if (key == "skip") {
        return number(options.skip, false);
    } else if (key == "seek") {
        return number(options.seek, false);
    } else if (key == "conv") {
        for (usize start = 0; start <= value.length();) {
            isize comma = value.find(',', start);
            usize end = comma < 0 ? value.length() : static_cast<usize>(comma);
            StringView conversion = value.substring(start, end - start);
            if (conversion == "notrunc") {
                options.notrunc = true;
            } else {
                errf("dd: invalid conversion: '%.*s'\n", static_cast<int>(conversion.length()), conversion.chars());
                return false;
            }
            start = end + 1;
        }
    } else if (key == "status") {
        if (value == "none")
            options.status_level = 0;
        else if (value == "noxfer")
            options.status_level = 1;
        else if (value == "progress" || value == "default")
            options.status_level = 2;
        else {
            errf("dd: invalid status level: '%.*s'\n", static_cast<int>(value.length()), value.chars());
            return false;
        }
    } else {
        errf("dd: unrecognized operand '%.*s'\n", static_cast<int>(operand.length()), operand.chars());
        return false;
    }
    return true;
}

static long read_some(int fd, char* buffer, usize length)
{
    for (;;) {
        long n = sys::read(fd, buffer, length);
        if (n != -redox::EINTR)
            return n;
    }
}

static int dd_main(int argc, char** argv, char**)
{
    DdOptions dd;
    for (int i = 1; i < argc; ++i) {
        StringView arg(argv[i]);
        if (arg == "--help")
            return print_help(usage);
        if (arg == "--")
            continue;
        if (!parse_operand(arg, dd))
            return usage_error(usage, 1);
    }
    StringView input_name = dd.input.is_empty() ? StringView("standard input") : dd.input;
    StringView output_name = dd.output.is_empty() ? StringView("standard output") : dd.output;
    int in = 0;
    int out = 1;
    if (!dd.input.is_empty()) {
        long fd = sys::open(dd.input, redox::O_RDONLY);
        if (fd < 0) {
            report_path_error("dd", "failed to open", dd.input, fd);
            return 1;
        }
        in = static_cast<int>(fd);
    }
    if (!dd.output.is_empty()) {
        // With seek= the blocks before the seek point are kept; truncation happens after them.
        unsigned long truncate = dd.notrunc || dd.seek ? 0 : redox::O_TRUNC;
        long fd = sys::open(dd.output, redox::O_WRONLY | redox::O_CREAT | truncate | 0644);
        if (fd < 0) {
            report_path_error("dd", "failed to open", dd.output, fd);
            return 1;
        }
        out = static_cast<int>(fd);
    }

    Vector<char> buffer;
    buffer.resize(static_cast<usize>(dd.ibs));
    Vector<char> pending; // output waiting for a full obs block
    Stats stats;
    int status = 0;
    u64 start = monotonic_ns();

    auto close_files = [&] {
        if (in != 0)
            sys::close(in);
        if (out != 1)
            sys::close(out);
    };
    auto fail = [&](const char* what, StringView name, long error) {
        report_path_error("dd", what, name, error);
        status = 1;
    };

    // One input block: its length, 0 at the end, or -errno after reporting the error.
    auto read_block = [&] {
        long n = read_some(in, buffer.data(), buffer.size());
        if (n < 0)
            fail("error reading", input_name, n);
        return n;
    };

    // skip=: seek when the input allows it, otherwise read and discard.
    if (dd.skip) {
        u64 offset = dd.skip * dd.ibs;
        if (sys::lseek(in, static_cast<long>(offset), redox::SEEK_CUR) < 0) {
            for (u64 block = 0; block < dd.skip; ++block) {
                if (read_block() <= 0)
                    break;
            }
        }
    }
    if (status == 0 && dd.seek) {
        u64 offset = dd.seek * dd.obs;
        if (long r = sys::lseek(out, static_cast<long>(offset), redox::SEEK_SET); r < 0)
            fail("cannot seek", output_name, r);
        else if (!dd.notrunc && out != 1)
            sys::ftruncate(out, offset);
    }

    auto write_block = [&](const char* data, usize length) {
        if (long r = io::write_all(out, data, length); r < 0) {
            fail("error writing", output_name, r);
            return false;
        }
        stats.bytes += length;
        if (length == dd.obs)
            ++stats.out.full;
        else
            ++stats.out.partial;
        return true;
    };

    while (status == 0 && stats.in.full + stats.in.partial < dd.count) {
        long n = read_block();
        if (n <= 0)
            break;
        if (static_cast<u64>(n) == dd.ibs)
            ++stats.in.full;
        else
            ++stats.in.partial;
        if (dd.block_mode) {
            if (!write_block(buffer.data(), static_cast<usize>(n)))
                break;
            continue;
        }
        // ibs/obs differ: re-block the data into obs-sized writes.
        usize old = pending.size();
        pending.resize(old + static_cast<usize>(n));
        ktl::copy_bytes(pending.data() + old, buffer.data(), static_cast<usize>(n));
        usize done = 0;
        while (pending.size() - done >= dd.obs) {
            if (!write_block(pending.data() + done, static_cast<usize>(dd.obs)))
                break;
            done += static_cast<usize>(dd.obs);
        }
        if (done) {
            ktl::move_bytes(pending.data(), pending.data() + done, pending.size() - done);
            pending.resize(pending.size() - done);
        }
    }
    if (status == 0 && !pending.is_empty())
        write_block(pending.data(), pending.size());
    u64 elapsed = monotonic_ns() - start;
    close_files();
    print_stats(stats, elapsed, dd.status_level);
    return status;
}

REDOX_PROGRAM("dd", dd_main)
