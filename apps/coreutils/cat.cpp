// cat: concatenate files (or standard input for "-" and no operands) to standard output.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "cat [-nu] [FILE]...\nConcatenate FILEs to standard output; '-' or no FILE reads standard input.\n"
      "  -n  number all output lines\n  -u  (ignored)";

static constexpr LongOption long_options[] = {
    { "number", 'n' },
};
static constexpr CommandSyntax syntax { "cat", usage, "nu", long_options };

struct LineNumbering {
    u64 next { 1 };
    bool at_line_start { true };
};

// Copies `in` to stdout adding line numbers; numbering continues across files, as GNU does.
static CopyResult copy_numbered(int in, LineNumbering& numbering)
{
    CopyResult result;
    io::BufferedWriter out(1);
    char buffer[4096];
    for (;;) {
        long n = sys::read(in, buffer, sizeof buffer);
        if (n == -redox::EINTR)
            continue;
        if (n <= 0) {
            result.read_error = n < 0 ? n : 0;
            break;
        }
        usize start = 0;
        for (usize i = 0; i < static_cast<usize>(n); ++i) {
            if (numbering.at_line_start) {
                out.printf("%6lu\t", static_cast<unsigned long>(numbering.next++));
                numbering.at_line_start = false;
            }
            if (buffer[i] == '\n') {
                out.write(buffer + start, i + 1 - start);
                start = i + 1;
                numbering.at_line_start = true;
            }
        }
        out.write(buffer + start, static_cast<usize>(n) - start);
        if (out.error())
            break;
    }
    result.write_error = out.flush();
    return result;
}

static int cat_main(int argc, char** argv, char**)
{
    OptionParser options(syntax, argc, argv);
    bool number = false;
    for (int c; (c = options.next());) {
        switch (c) {
        case 'n':
            number = true;
            break;
        case 'u':
            break;
        default:
            return options.stop(c);
        }
    }
    int status = 0;
    LineNumbering numbering;
    for (char* operand : options.operands_or("-")) {
        StringView name(operand);
        InputFile input(name);
        if (long r = input.error()) {
            io::report_error("cat", name, r);
            status = 1;
            continue;
        }
        CopyResult result = number ? copy_numbered(input.fd(), numbering) : copy_fd(input.fd(), 1);
        input.close();
        if (result.read_error) {
            io::report_error("cat", name, result.read_error);
            status = 1;
        }
        if (result.write_error) {
            io::report_error("cat", "write error", result.write_error);
            return 1;
        }
    }
    return status;
}

REDOX_PROGRAM("cat", cat_main)
