// tail: print the last lines (-n, default 10) or bytes (-c) of files; "+N" starts at line N.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "tail [-qv] [-n [+]LINES | -c [+]BYTES | -LINES] [FILE]...\nPrint the last 10 lines of each FILE to standard output.\n"
                                "  -c [+]BYTES  print the last BYTES bytes, or from byte BYTES with +\n"
                                "  -n [+]LINES  print the last LINES lines, or from line LINES with +\n"
                                "  -q           never print headers giving file names\n"
                                "  -v           always print headers giving file names";

struct TailSpec {
    u64 count { 10 };
    bool bytes { false };
    bool from_start { false }; // "+N": start at line/byte N (1-based)
};

static bool parse_spec(StringView text, bool bytes, TailSpec& spec)
{
    spec.bytes = bytes;
    spec.from_start = false;
    if (!text.is_empty() && text[0] == '+') {
        spec.from_start = true;
        text = text.substring(1);
    } else if (!text.is_empty() && text[0] == '-') {
        text = text.substring(1);
    }
    return parse_size(text, spec.count);
}

// The offset in `data` where the output starts.
static usize start_offset(StringView data, const TailSpec& spec)
{
    usize size = data.length();
    if (spec.bytes) {
        if (spec.from_start)
            return spec.count <= 1 ? 0 : ktl::min<u64>(spec.count - 1, size);
        return spec.count >= size ? 0 : size - spec.count;
    }
    if (spec.from_start) {
        u64 line = 1;
        for (usize i = 0; i < size && line < spec.count; ++i) {
            if (data[i] == '\n' && ++line == spec.count)
                return i + 1;
        }
        return spec.count <= 1 ? 0 : size;
    }
    if (spec.count == 0)
        return size;
    // Walk back over `count` line ends; a final newline ends the last line, not a new one.
    usize end = size;
    if (end && data[end - 1] == '\n')
        --end;
    u64 seen = 0;
    for (usize i = end; i-- > 0;) {
        if (data[i] == '\n' && ++seen == spec.count)
            return i + 1;
    }
    return 0;
}

static int tail_main(int argc, char** argv, char**)
{
    TailSpec spec;
    int headers = 0; // -1 never, 1 always, 0 when several files
    Vector<char*> arguments;
    for (int i = 0; i < argc; ++i) {
        StringView arg(argv[i]);
        u64 number;
        // The obsolete "-5" form (first argument only) means "-n 5".
        if (i == 1 && arg.length() > 1 && arg[0] == '-' && ktl::parse_u64(arg.substring(1), number)) {
            spec.count = number;
            continue;
        }
        arguments.append(argv[i]);
    }

    OptionParser options("tail", static_cast<int>(arguments.size()), arguments.data(), "n:c:qv");
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
            if (!parse_spec(options.value(), c == 'c', spec)) {
                errf("tail: invalid number of %s: '%.*s'\n", c == 'n' ? "lines" : "bytes",
                    static_cast<int>(options.value().length()), options.value().chars());
                return 1;
            }
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
                errf("tail: cannot open '%s' for reading: %s\n", operand, redox::error_string(static_cast<int>(-opened)));
                status = 1;
                continue;
            }
            fd = static_cast<int>(opened);
        }
        String data;
        long r = io::read_all(fd, data);
        if (!is_stdin)
            sys::close(fd);
        if (r < 0) {
            out.flush();
            errf("tail: error reading '%s': %s\n", operand, redox::error_string(static_cast<int>(-r)));
            status = 1;
            continue;
        }
        if (show_headers) {
            out.printf("%s==> %s <==\n", first ? "" : "\n", is_stdin ? "standard input" : operand);
            first = false;
        }
        out.write(data.view().substring(start_offset(data, spec)));
        if (out.error())
            break;
    }
    if (long r = out.flush(); r < 0) {
        io::report_error("tail", "write error", r);
        return 1;
    }
    return status;
}

REDOX_PROGRAM("tail", tail_main)
