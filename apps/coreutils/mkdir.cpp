// mkdir: create directories; -p creates missing parents and accepts existing directories.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "mkdir [-p] [-m MODE] DIRECTORY...\nCreate the DIRECTORY(ies), if they do not already exist.\n"
      "  -m MODE  set permission bits (octal), not a=rwx - umask\n"
      "  -p       no error if existing, make parent directories as needed\n"
      "  -v       print a message for each created directory";

static constexpr LongOption long_options[] = {
    { "parents", 'p' },
    { "verbose", 'v' },
};
static constexpr CommandSyntax syntax { "mkdir", usage, "pvm:", long_options };

static bool parse_octal_mode(StringView text, unsigned long& mode)
{
    if (text.is_empty() || text.length() > 4)
        return false;
    unsigned long value = 0;
    for (char c : text) {
        if (c < '0' || c > '7')
            return false;
        value = value * 8 + static_cast<unsigned long>(c - '0');
    }
    mode = value;
    return true;
}

static void report(StringView path, long error) { report_path_error("mkdir", "cannot create directory", path, error); }

static long make_one(StringView path, unsigned long mode, bool explicit_mode)
{
    long r = sys::mkdir(path, mode);
    // The mode given to mkdir is filtered by the umask; -m means exactly this mode.
    if (r >= 0 && explicit_mode)
        sys::chmod(path, mode);
    return r < 0 ? r : 0;
}

// Creates every missing component of path. Parents get the default mode, as GNU does.
static bool make_parents(StringView path, unsigned long mode, bool explicit_mode, bool verbose)
{
    path = strip_trailing_slashes(path);
    usize i = 0;
    while (i < path.length()) {
        // Advance to the end of the next component.
        while (i < path.length() && path[i] == '/')
            ++i;
        while (i < path.length() && path[i] != '/')
            ++i;
        StringView prefix = path.substring(0, i);
        bool last = i >= path.length();
        long r = make_one(prefix, last ? mode : 0777, last && explicit_mode);
        // An existing directory is fine, whatever error mkdir gave (EEXIST, or EACCES in a
        // read-only parent).
        if (r < 0 && is_directory_path(prefix))
            continue;
        // Something else is there: the next component's mkdir reports it (ENOTDIR).
        if (r == -redox::EEXIST && !last)
            continue;
        if (r < 0) {
            report(prefix, r);
            return false;
        }
        if (verbose)
            outf("mkdir: created directory '%.*s'\n", static_cast<int>(prefix.length()), prefix.chars());
    }
    return true;
}

static int mkdir_main(int argc, char** argv, char**)
{
    bool parents = false;
    bool verbose = false;
    bool explicit_mode = false;
    unsigned long mode = 0777;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'p':
            parents = true;
            break;
        case 'v':
            verbose = true;
            break;
        case 'm':
            if (!parse_octal_mode(options.value(), mode)) {
                errf("mkdir: invalid mode '%.*s'\n", static_cast<int>(options.value().length()),
                    options.value().chars());
                return 1;
            }
            explicit_mode = true;
            break;
        default:
            return options.stop(c);
        }
    }
    if (options.operands().is_empty())
        return options.missing_operand();
    int status = 0;
    for (char* operand : options.operands()) {
        StringView path(operand);
        if (parents) {
            if (!make_parents(path, mode, explicit_mode, verbose))
                status = 1;
            continue;
        }
        if (long r = make_one(path, mode, explicit_mode); r < 0) {
            report(path, r);
            status = 1;
        } else if (verbose) {
            outf("mkdir: created directory '%s'\n", operand);
        }
    }
    return status;
}

REDOX_PROGRAM("mkdir", mkdir_main)
