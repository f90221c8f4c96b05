// mv: rename files, or move them into a directory. Across schemes (EXDEV) files and symlinks
// are copied and then removed.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "mv [-fnv] SOURCE DEST\n   or: mv [-fnv] SOURCE... DIRECTORY\n"
                                "Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.\n"
                                "  -f  do not prompt before overwriting (the default)\n"
                                "  -n  do not overwrite an existing file\n"
                                "  -v  explain what is being done";

static constexpr LongOption long_options[] = {
    { "no-clobber", 'n' },
    { "force", 'f' },
    { "verbose", 'v' },
};
static constexpr CommandSyntax syntax { "mv", usage, "fnv", long_options };

struct MvOptions {
    bool no_clobber { false };
    bool verbose { false };
};

static void report_move(StringView src, StringView dst, long error)
{
    errf("mv: cannot move '%.*s' to '%.*s': %s\n", static_cast<int>(src.length()), src.chars(),
        static_cast<int>(dst.length()), dst.chars(), redox::error_string(static_cast<int>(-error)));
}

static long rename_path(StringView src, StringView dst)
{
    // O_SYMLINK | O_NOFOLLOW: move a symlink itself, not what it points to.
    long fd = sys::open(src, redox::O_RDONLY | redox::O_SYMLINK | redox::O_NOFOLLOW);
    if (fd < 0)
        return fd;
    long r = sys::frename(static_cast<int>(fd), dst);
    sys::close(static_cast<int>(fd));
    return r;
}

static bool copy_then_remove(StringView src, StringView dst, const redox::Stat& src_stat)
{
    if (is_dir(src_stat)) {
        report_move(src, dst, -redox::EXDEV);
        return false;
    }
    sys::unlink(dst);
    if (is_symlink(src_stat)) {
        CopyResult copied = copy_symlink(src, dst, false);
        if (!copied.ok()) {
            report_move(src, dst, copied.read_error ? copied.read_error : copied.write_error);
            return false;
        }
    } else if (!copy_file("mv", src, dst)) {
        return false;
    }
    if (long r = sys::unlink(src); r < 0) {
        report_path_error("mv", "cannot remove", src, r);
        return false;
    }
    return true;
}

static bool move_one(StringView src, StringView dst, const MvOptions& options)
{
    redox::Stat src_stat;
    if (long r = stat_path(src, src_stat, false); r < 0) {
        report_path_error("mv", "cannot stat", src, r);
        return false;
    }
    redox::Stat dst_stat;
    if (stat_path(dst, dst_stat, false) == 0) {
        if (options.no_clobber)
            return true;
        if (dst_stat.st_dev == src_stat.st_dev && dst_stat.st_ino == src_stat.st_ino) {
            errf("mv: '%.*s' and '%.*s' are the same file\n", static_cast<int>(src.length()), src.chars(),
                static_cast<int>(dst.length()), dst.chars());
            return false;
        }
        if (is_dir(dst_stat) && !is_dir(src_stat)) {
            errf("mv: cannot overwrite directory '%.*s' with non-directory\n", static_cast<int>(dst.length()),
                dst.chars());
            return false;
        }
        if (!is_dir(dst_stat) && is_dir(src_stat)) {
            errf("mv: cannot overwrite non-directory '%.*s' with directory '%.*s'\n", static_cast<int>(dst.length()),
                dst.chars(), static_cast<int>(src.length()), src.chars());
            return false;
        }
    }
    long r = rename_path(src, dst);
    if (r == -redox::EXDEV) {
        if (!copy_then_remove(src, dst, src_stat))
            return false;
    } else if (r < 0) {
        StringView from = strip_trailing_slashes(src);
        if (r == -redox::EINVAL && is_dir(src_stat) && dst.starts_with(from) && dst.length() > from.length()
            && dst[from.length()] == '/') {
            errf("mv: cannot move '%.*s' to a subdirectory of itself, '%.*s'\n", static_cast<int>(src.length()),
                src.chars(), static_cast<int>(dst.length()), dst.chars());
            return false;
        }
        report_move(src, dst, r);
        return false;
    }
    if (options.verbose)
        outf("renamed '%.*s' -> '%.*s'\n", static_cast<int>(src.length()), src.chars(), static_cast<int>(dst.length()),
            dst.chars());
    return true;
}

static int mv_main(int argc, char** argv, char**)
{
    MvOptions mv;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'f':
            mv.no_clobber = false;
            break;
        case 'n':
            mv.no_clobber = true;
            break;
        case 'v':
            mv.verbose = true;
            break;
        default:
            return options.stop(c);
        }
    }
    return for_each_destination(options, false, [&](StringView src, StringView dst) { return move_one(src, dst, mv); });
}

REDOX_PROGRAM("mv", mv_main)
