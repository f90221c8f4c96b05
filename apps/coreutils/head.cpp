// head: print the first lines (-n, default 10) or bytes (-c) of files.
#include "head_tail.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "head [-qv] [-n LINES | -c BYTES | -LINES] [FILE]...\nPrint the first 10 lines of each FILE to standard output.\n"
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
    HeadTailCommand command("head", usage, argc, argv);
    for (int c; (c = command.next());) {
        switch (c) {
        case 'n':
        case 'c':
            if (!parse_size(command.value(), limit))
                return command.invalid_count(c);
            bytes = c == 'c';
            break;
        default:
            return command.stop(c);
        }
    }
    return command.for_each_file([&](int fd, io::BufferedWriter& out, auto print_header) {
        print_header();
        return head_fd(fd, out, limit, bytes);
    });
}

REDOX_PROGRAM("head", head_main)
