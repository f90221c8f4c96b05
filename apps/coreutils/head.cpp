// head: print the first lines (-n, default 10) or bytes (-c) of files.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "head [-qv] [-n LINES | -c BYTES | -LINES] [FILE]...\nPrint the first 10 lines of each FILE to standard output.\n"
                                "  -c BYTES  print the first BYTES bytes (suffixes k, M, G allowed)\n"
                                "  -n LINES  print the first LINES lines\n"
                                "  -q        never print headers giving file names\n"
                                "  -v        always print headers giving file names";

// Copies the first `limit` lines (or bytes) of fd to out, then stops reading.
static long head_fd(int fd, io::BufferedWriter& out, u64 limit, bool bytes)
{
    char buffer[4096];
    while (limit) {
        long n = sys::read(fd, buffer, sizeof buffer);
        if (n == -redox::EINTR)
            continue;
        if (n <= 0)
            return n;
        usize take = static_cast<usize>(n);
        if (bytes) {
            if (take > limit)
                take = static_cast<usize>(limit);
            limit -= take;
        } else {
            for (usize i = 0; i < static_cast<usize>(n); ++i) {
                if (buffer[i] == '\n' && --limit == 0) {
                    take = i + 1;
                    break;
                }
            }
        }
        out.write(buffer, take);
        if (out.error())
            return 0;
    }
    return 0;
}

static int head_main(int argc, char** argv, char**)
{
    u64 limit = 10;
    bool bytes = false;
    int headers = 0; // -1 never, 1 always, 0 when several files
    // The obsolete "-5" form (first argument only) means "-n 5"; take it out before parsing.
    Vector<char*> arguments;
    String legacy_count;
    for (int i = 0; i < argc; ++i) {
        StringView arg(argv[i]);
        u64 ignored;
        if (i == 1 && arg.length() > 1 && arg[0] == '-' && ktl::parse_u64(arg.substring(1), ignored)) {
            legacy_count = arg;
            continue;
        }
        arguments.append(argv[i]);
    }
    if (!legacy_count.is_empty())
        ktl::parse_u64(legacy_count.view().substring(1), limit);

    OptionParser options("head", static_cast<int>(arguments.size()), arguments.data(), "n:c:qv");
    for (int c; (c = options.next());) {
        if (c == OptionParser::LONG_OPTION) {
            StringView name = options.long_name();
            if (name == "help")
                return print_help(usage);
            if (name == "lines" && options.has_value())
                c = 'n';
            else if (name == "bytes" && options.has_value())
                c = 'c';
            else if (name == "quiet" || name == "silent")
                c = 'q';
            else if (name == "verbose")
                c = 'v';
            else
                c = options.unrecognized();
        }
        switch (c) {
        case 'n':
        case 'c':
            if (!parse_size(options.value(), limit)) {
                errf("head: invalid number of %s: '%.*s'\n", c == 'n' ? "lines" : "bytes",
                    static_cast<int>(options.value().length()), options.value().chars());
                return 1;
            }
            bytes = c == 'c';
            break;
        case 'q': headers = -1; break;
        case 'v': headers = 1; break;
        default: return usage_error(usage, 1);
        }
    }
    Vector<char*> operands = std::move(options.operands());
    char dash[] = "-";
    if (operands.is_empty())
        operands.append(dash);
    bool show_headers = headers == 1 || (headers == 0 && operands.size() > 1);

    io::BufferedWriter out(1);
    int status = 0;
    bool first = true;
    for (char* operand : operands) {
        StringView name(operand);
        bool is_stdin = name == "-";
        int fd = 0;
        if (!is_stdin) {
            long opened = sys::open(name, redox::O_RDONLY);
            if (opened < 0) {
                out.flush();
                errf("head: cannot open '%s' for reading: %s\n", operand, redox::error_string(static_cast<int>(-opened)));
                status = 1;
                continue;
            }
            fd = static_cast<int>(opened);
        }
        if (show_headers) {
            out.printf("%s==> %s <==\n", first ? "" : "\n", is_stdin ? "standard input" : operand);
            first = false;
        }
        long r = head_fd(fd, out, limit, bytes);
        if (!is_stdin)
            sys::close(fd);
        if (r < 0) {
            out.flush();
            errf("head: error reading '%s': %s\n", operand, redox::error_string(static_cast<int>(-r)));
            status = 1;
        }
        if (out.error())
            break;
    }
    if (long r = out.flush(); r < 0) {
        io::report_error("head", "write error", r);
        return 1;
    }
    return status;
}

REDOX_PROGRAM("head", head_main)
