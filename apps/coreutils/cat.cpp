// cat: concatenate files (or standard input for "-" and no operands) to standard output.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "cat [-nu] [FILE]...\nConcatenate FILEs to standard output; '-' or no FILE reads standard input.\n"
                                "  -n  number all output lines\n  -u  (ignored)";

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
    OptionParser options("cat", argc, argv, "nu");
    bool number = false;
    for (int c; (c = options.next());) {
        if (c == OptionParser::LONG_OPTION) {
            if (options.long_name() == "help")
                return print_help(usage);
            if (options.long_name() == "number") {
                number = true;
                continue;
            }
            c = options.unrecognized();
        }
        if (c == '?')
            return usage_error(usage, 1);
        if (c == 'n')
            number = true;
    }
    Vector<char*> operands = std::move(options.operands());
    char dash[] = "-";
    if (operands.is_empty())
        operands.append(dash);

    int status = 0;
    LineNumbering numbering;
    for (char* operand : operands) {
        StringView name(operand);
        bool is_stdin = name == "-";
        int fd = 0;
        if (!is_stdin) {
            long opened = sys::open(name, redox::O_RDONLY);
            if (opened < 0) {
                io::report_error("cat", name, opened);
                status = 1;
                continue;
            }
            fd = static_cast<int>(opened);
        }
        CopyResult result = number ? copy_numbered(fd, numbering) : copy_fd(fd, 1);
        if (!is_stdin)
            sys::close(fd);
        if (result.read_error) {
            io::report_error("cat", is_stdin ? StringView("-") : name, result.read_error);
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
