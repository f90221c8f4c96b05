// ln: make hard links, or symbolic links with -s.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "ln [-fsv] TARGET LINK_NAME\n   or: ln [-fsv] TARGET\n   or: ln [-fsv] TARGET... DIRECTORY\n"
      "Create a link to TARGET named LINK_NAME (in the current directory, or in DIRECTORY).\n"
      "  -s  make symbolic links instead of hard links\n"
      "  -f  remove existing destination files\n"
      "  -v  print the name of each linked file";

static constexpr LongOption long_options[] = {
    { "symbolic", 's' },
    { "force", 'f' },
    { "verbose", 'v' },
};
static constexpr CommandSyntax syntax { "ln", usage, "fsv", long_options };

struct LnOptions {
    bool symbolic { false };
    bool force { false };
    bool verbose { false };
};

static bool make_link(StringView target, StringView link_name, const LnOptions& options)
{
    if (!options.symbolic) {
        redox::Stat st;
        if (long r = stat_path(target, st, false); r < 0) {
            report_path_error("ln", "failed to access", target, r);
            return false;
        }
        if (is_dir(st)) {
            errf("ln: %.*s: hard link not allowed for directory\n", static_cast<int>(target.length()), target.chars());
            return false;
        }
    }
    if (options.force) {
        redox::Stat existing;
        if (stat_path(link_name, existing, false) == 0) {
            if (is_dir(existing)) {
                errf("ln: %.*s: cannot overwrite directory\n", static_cast<int>(link_name.length()), link_name.chars());
                return false;
            }
            sys::unlink(link_name);
        }
    }
    long r = options.symbolic ? create_symlink(target, link_name) : sys::link(target, link_name);
    if (r < 0) {
        if (options.symbolic)
            report_path_error("ln", "failed to create symbolic link", link_name, r);
        else
            errf("ln: failed to create hard link '%.*s' => '%.*s': %s\n", static_cast<int>(link_name.length()),
                link_name.chars(), static_cast<int>(target.length()), target.chars(),
                redox::error_string(static_cast<int>(-r)));
        return false;
    }
    if (options.verbose)
        outf("'%.*s' %s '%.*s'\n", static_cast<int>(link_name.length()), link_name.chars(),
            options.symbolic ? "->" : "=>", static_cast<int>(target.length()), target.chars());
    return true;
}

static int ln_main(int argc, char** argv, char**)
{
    LnOptions ln;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 's':
            ln.symbolic = true;
            break;
        case 'f':
            ln.force = true;
            break;
        case 'v':
            ln.verbose = true;
            break;
        default:
            return options.stop(c);
        }
    }
    // A lone TARGET is linked into the current directory.
    return for_each_destination(
        options, true, [&](StringView target, StringView link_name) { return make_link(target, link_name, ln); });
}

REDOX_PROGRAM("ln", ln_main)
