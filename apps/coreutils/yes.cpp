// yes: print a line (the operands joined by spaces, or "y") until the reader goes away.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static int yes_main(int argc, char** argv, char**)
{
    if (argc == 2 && equals(argv[1], "--help"))
        return print_help("yes [STRING]...\nRepeatedly output a line with all the STRINGs, or 'y'.");
    String line;
    int first = argc > 1 && equals(argv[1], "--") ? 2 : 1;
    for (int i = first; i < argc; ++i) {
        if (i > first)
            line.append(' ');
        line.append(StringView(argv[i]));
    }
    if (first >= argc)
        line = "y";
    line.append('\n');
    // Fill a block with whole copies of the line so each write syscall carries many lines.
    String block;
    do
        block.append(line);
    while (block.length() + line.length() <= 8192);
    for (;;) {
        long r = io::write_all(1, block);
        if (r < 0) {
            // A closed pipe normally kills us with SIGPIPE; if it is ignored, stop quietly.
            if (r != -redox::EPIPE)
                io::report_error("yes", "standard output", r);
            return 1;
        }
    }
}

REDOX_PROGRAM("yes", yes_main)
