// rmdir: remove empty directories; -p also removes the emptied parents.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "rmdir [-pv] DIRECTORY...\nRemove the DIRECTORY(ies), if they are empty.\n"
                                "  -p  remove DIRECTORY and its ancestors ('rmdir -p a/b' is 'rmdir a/b a')\n"
                                "  -v  print a message for each removed directory";

static constexpr LongOption long_options[] = {
    { "parents", 'p' },
    { "verbose", 'v' },
};
static constexpr CommandSyntax syntax { "rmdir", usage, "pv", long_options };

static bool remove_one(StringView path, bool verbose)
{
    if (long r = sys::rmdir(path); r < 0) {
        report_path_error("rmdir", "failed to remove", path, r);
        return false;
    }
    if (verbose)
        outf("rmdir: removing directory, '%.*s'\n", static_cast<int>(path.length()), path.chars());
    return true;
}

static int rmdir_main(int argc, char** argv, char**)
{
    bool parents = false;
    bool verbose = false;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'p':
            parents = true;
            break;
        case 'v':
            verbose = true;
            break;
        default:
            return options.stop(c);
        }
    }
    if (options.operands().is_empty())
        return options.missing_operand();
    int status = 0;
    for (char* operand : options.operands()) {
        StringView path = strip_trailing_slashes(operand);
        if (!remove_one(path, verbose)) {
            status = 1;
            continue;
        }
        // -p: strip one component at a time and remove each parent in turn.
        while (parents) {
            isize slash = -1;
            for (usize i = path.length(); i-- > 0;) {
                if (path[i] == '/') {
                    slash = static_cast<isize>(i);
                    break;
                }
            }
            if (slash <= 0)
                break;
            path = strip_trailing_slashes(path.substring(0, static_cast<usize>(slash)));
            if (!remove_one(path, verbose)) {
                status = 1;
                break;
            }
        }
    }
    return status;
}

REDOX_PROGRAM("rmdir", rmdir_main)
