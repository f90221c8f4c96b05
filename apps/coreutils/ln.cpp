// ln: make hard links, or symbolic links with -s.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "ln [-fsv] TARGET LINK_NAME\n   or: ln [-fsv] TARGET\n   or: ln [-fsv] TARGET... DIRECTORY\n"
                                "Create a link to TARGET named LINK_NAME (in the current directory, or in DIRECTORY).\n"
                                "  -s  make symbolic links instead of hard links\n"
                                "  -f  remove existing destination files\n"
                                "  -v  print the name of each linked file";

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
            errf("ln: failed to access '%.*s': %s\n", static_cast<int>(target.length()), target.chars(),
                redox::error_string(static_cast<int>(-r)));
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
            errf("ln: failed to create symbolic link '%.*s': %s\n", static_cast<int>(link_name.length()), link_name.chars(),
                redox::error_string(static_cast<int>(-r)));
        else
            errf("ln: failed to create hard link '%.*s' => '%.*s': %s\n", static_cast<int>(link_name.length()),
                link_name.chars(), static_cast<int>(target.length()), target.chars(), redox::error_string(static_cast<int>(-r)));
        return false;
    }
    if (options.verbose)
        outf("'%.*s' %s '%.*s'\n", static_cast<int>(link_name.length()), link_name.chars(), options.symbolic ? "->" : "=>",
            static_cast<int>(target.length()), target.chars());
    return true;
}

static int ln_main(int argc, char** argv, char**)
{
    LnOptions ln;
    OptionParser options("ln", argc, argv, "fsv");
    for (int c; (c = options.next());) {
        if (c == OptionParser::LONG_OPTION) {
            StringView name = options.long_name();
            if (name == "help")
                return print_help(usage);
            if (name == "symbolic")
                c = 's';
            else if (name == "force")
                c = 'f';
            else if (name == "verbose")
                c = 'v';
            else
                c = options.unrecognized();
        }
        switch (c) {
        case 's': ln.symbolic = true; break;
        case 'f': ln.force = true; break;
        case 'v': ln.verbose = true; break;
        default: return usage_error(usage, 1);
        }
    }
    auto& operands = options.operands();
    if (operands.is_empty()) {
        errf("ln: missing file operand\n");
        return usage_error(usage, 1);
    }
    if (operands.size() == 1)
        return make_link(operands[0], base_name(operands[0]), ln) ? 0 : 1;

    StringView last(operands.last());
    if (!is_directory_path(last)) {
        if (operands.size() > 2) {
            errf("ln: target '%s' is not a directory\n", operands.last());
            return 1;
        }
        return make_link(operands[0], last, ln) ? 0 : 1;
    }
    int status = 0;
    for (usize i = 0; i + 1 < operands.size(); ++i) {
        String link_name = join_path(last, base_name(operands[i]));
        if (!make_link(operands[i], link_name, ln))
            status = 1;
    }
    return status;
}

REDOX_PROGRAM("ln", ln_main)
