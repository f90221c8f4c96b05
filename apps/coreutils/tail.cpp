// tail: print the last lines (-n, default 10) or bytes (-c) of files; "+N" starts at line N.
#include "head_tail.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "tail [-qv] [-n [+]LINES | -c [+]BYTES | -LINES] [FILE]...\nPrint the last 10 lines of "
                                "each FILE to standard output.\n"
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
    HeadTailCommand command("tail", usage, argc, argv);
    for (int c; (c = command.next());) {
        switch (c) {
        case 'n':
        case 'c':
            if (!parse_spec(command.value(), c == 'c', spec))
                return command.invalid_count(c);
            break;
        default:
            return command.stop(c);
        }
    }
    return command.for_each_file([&](int fd, io::BufferedWriter& out, auto print_header) -> long {
        String data;
        if (long r = io::read_all(fd, data); r < 0)
            return r;
        print_header();
        out.write(data.view().substring(start_offset(data, spec)));
        return 0;
    });
}

REDOX_PROGRAM("tail", tail_main)
