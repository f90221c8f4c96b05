// rm: remove files, and with -r whole directory trees.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "rm [-dfrRv] FILE...\nRemove (unlink) the FILE(s).\n"
                                "  -f  ignore nonexistent files and arguments, never complain about them\n"
                                "  -r  remove directories and their contents recursively (also -R)\n"
                                "  -d  remove empty directories\n"
                                "  -v  explain what is being done";

static constexpr LongOption long_options[] = {
    { "force", 'f' },
    { "recursive", 'r' },
    { "dir", 'd' },
    { "verbose", 'v' },
};
static constexpr CommandSyntax syntax { "rm", usage, "dfrRiv", long_options };

struct RmOptions {
    bool force { false };
    bool recursive { false };
    bool empty_dirs { false };
    bool verbose { false };
};

static void report(StringView path, long error) { report_path_error("rm", "cannot remove", path, error); }

static bool unlink_one(StringView path, const RmOptions& options)
{
    long r = sys::unlink(path);
    if (r < 0) {
        if (options.force && r == -redox::ENOENT)
            return true;
        report(path, r);
        return false;
    }
    if (options.verbose)
        outf("removed '%.*s'\n", static_cast<int>(path.length()), path.chars());
    return true;
}

static bool rmdir_one(StringView path, const RmOptions& options)
{
    if (long r = sys::rmdir(path); r < 0) {
        report(path, r);
        return false;
    }
    if (options.verbose)
        outf("removed directory '%.*s'\n", static_cast<int>(path.length()), path.chars());
    return true;
}

static bool remove_tree(StringView path, const RmOptions& options)
{
    // Collect the names first: removing entries while reading would disturb the iteration.
    Vector<DirEntry> entries;
    if (long r = read_directory(path, entries); r < 0) {
        report(path, r);
        return false;
    }
    bool ok = true;
    for (auto& entry : entries) {
        String child = join_path(path, entry.name);
        bool directory = entry.kind == redox::DT_DIR;
        if (entry.kind == redox::DT_UNKNOWN) {
            redox::Stat st;
            directory = stat_path(child, st, false) == 0 && is_dir(st);
        }
        if (directory)
            ok = remove_tree(child, options) && ok;
        else
            ok = unlink_one(child, options) && ok;
    }
    // A failure inside leaves the directory non-empty; it was already reported.
    return ok && rmdir_one(path, options);
}

static bool remove_operand(StringView operand, const RmOptions& options)
{
    StringView base = base_name(operand);
    if (base == "." || base == "..") {
        errf("rm: refusing to remove '.' or '..' directory: skipping '%.*s'\n", static_cast<int>(operand.length()),
            operand.chars());
        return false;
    }
    if (options.recursive && strip_trailing_slashes(operand) == "/") {
        errf("rm: it is dangerous to operate recursively on '/'\n");
        return false;
    }
    redox::Stat st;
    if (long r = stat_path(operand, st, false); r < 0) {
        if (options.force && r == -redox::ENOENT)
            return true;
        report(operand, r);
        return false;
    }
    if (!is_dir(st))
        return unlink_one(operand, options);
    if (options.recursive)
        return remove_tree(operand, options);
    if (options.empty_dirs)
        return rmdir_one(operand, options);
    report(operand, -redox::EISDIR);
    return false;
}

static int rm_main(int argc, char** argv, char**)
{
    RmOptions rm;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'f':
            rm.force = true;
            break;
        case 'r':
        case 'R':
            rm.recursive = true;
            break;
        case 'd':
            rm.empty_dirs = true;
            break;
        case 'v':
            rm.verbose = true;
            break;
        case 'i':
            rm.force = false;
            break; // no prompting here: -i only cancels -f
        default:
            return options.stop(c);
        }
    }
    if (options.operands().is_empty()) {
        if (rm.force)
            return 0;
        return options.missing_operand();
    }
    int status = 0;
    for (char* operand : options.operands())
        if (!remove_operand(operand, rm))
            status = 1;
    return status;
}

REDOX_PROGRAM("rm", rm_main)
