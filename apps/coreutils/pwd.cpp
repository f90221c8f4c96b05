// pwd: print the current working directory.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "pwd [-LP]\nPrint the full name of the current working directory.";
static constexpr CommandSyntax syntax { "pwd", usage, "LP" };

static int pwd_main(int argc, char** argv, char**)
{
    OptionParser options(syntax, argc, argv);
    // -L and -P: the kernel keeps one canonical cwd, so both print the same.
    if (int c = options.skip_all())
        return options.stop(c);
    if (!options.operands().is_empty())
        errf("pwd: ignoring non-option arguments\n");
    Vector<char> buffer;
    buffer.resize(4096);
    long n = sys::getcwd(buffer.data(), buffer.size());
    if (n < 0) {
        io::report_error("pwd", "", n);
        return 1;
    }
    // getcwd may or may not count a terminating NUL.
    usize length = static_cast<usize>(n);
    while (length > 0 && buffer[length - 1] == 0)
        --length;
    buffer.resize(length);
    buffer.append('\n');
    if (long r = io::write_all(1, buffer.data(), buffer.size()); r < 0) {
        io::report_error("pwd", "write error", r);
        return 1;
    }
    return 0;
}

REDOX_PROGRAM("pwd", pwd_main)
