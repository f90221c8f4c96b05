// cp: copy files, and with -r directory trees. File modes are always preserved.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "cp [-fnrRv] SOURCE DEST\n   or: cp [-fnrRv] SOURCE... DIRECTORY\n"
                                "Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.\n"
                                "  -r  copy directories recursively (also -R); symlinks are copied as symlinks\n"
                                "  -n  do not overwrite an existing file\n"
                                "  -f  accepted for compatibility\n"
                                "  -v  explain what is being done";

static constexpr LongOption long_options[] = {
    { "recursive", 'r' },
    { "no-clobber", 'n' },
    { "force", 'f' },
    { "verbose", 'v' },
};
static constexpr CommandSyntax syntax { "cp", usage, "fnrRvp", long_options };

struct CpOptions {
    bool recursive { false };
    bool no_clobber { false };
    bool verbose { false };
};

// Identifies the directory a recursive copy creates, so copying a tree into itself stops.
struct Identity {
    u64 dev { 0 };
    u64 ino { 0 };
    bool valid { false };
    StringView source; // the command-line source, for the error message
};

static void report(StringView what, StringView path, long error) { report_path_error("cp", what, path, error); }

static bool copy_entry(
    StringView src, StringView dst, const CpOptions& options, bool command_line, Identity& created_root);

static bool copy_directory(StringView src, StringView dst, const redox::Stat& src_stat, const CpOptions& options,
    bool command_line, Identity& created_root)
{
    redox::Stat dst_stat;
    long exists = stat_path(dst, dst_stat);
    if (exists == 0 && !is_dir(dst_stat)) {
        errf("cp: cannot overwrite non-directory '%.*s' with directory '%.*s'\n", static_cast<int>(dst.length()),
            dst.chars(), static_cast<int>(src.length()), src.chars());
        return false;
    }
    if (exists < 0) {
        // Owner rwx while filling it in; the final mode is set afterwards.
        if (long r = sys::mkdir(dst, (src_stat.st_mode & redox::MODE_PERM) | 0700); r < 0) {
            report("cannot create directory", dst, r);
            return false;
        }
        if (stat_path(dst, dst_stat) < 0) {
            report("cannot stat", dst, -redox::EIO);
            return false;
        }
    }
    if (command_line)
        created_root = Identity { dst_stat.st_dev, dst_stat.st_ino, true, src };

    Vector<DirEntry> entries;
    if (long r = read_directory(src, entries); r < 0) {
        report("cannot access", src, r);
        return false;
    }
    bool ok = true;
    for (auto& entry : entries) {
        String child_src = join_path(src, entry.name);
        String child_dst = join_path(dst, entry.name);
        redox::Stat child;
        if (created_root.valid && stat_path(child_src, child, false) == 0 && child.st_dev == created_root.dev
            && child.st_ino == created_root.ino) {
            StringView top = created_root.source;
            errf("cp: cannot copy a directory, '%.*s', into itself, '%.*s'\n", static_cast<int>(top.length()),
                top.chars(), static_cast<int>(child_src.length()), child_src.c_str());
            ok = false;
            continue;
        }
        ok = copy_entry(child_src, child_dst, options, false, created_root) && ok;
    }
    sys::chmod(dst, src_stat.st_mode & redox::MODE_PERM);
    return ok;
}

static bool copy_entry(
    StringView src, StringView dst, const CpOptions& options, bool command_line, Identity& created_root)
{
    redox::Stat src_stat;
    // Plain cp follows symlinks; a recursive copy reproduces them (as GNU's -R implies -P).
    if (long r = stat_path(src, src_stat, !options.recursive); r < 0) {
        report("cannot stat", src, r);
        return false;
    }
    if (is_dir(src_stat)) {
        if (!options.recursive) {
            errf("cp: -r not specified; omitting directory '%.*s'\n", static_cast<int>(src.length()), src.chars());
            return false;
        }
        return copy_directory(src, dst, src_stat, options, command_line, created_root);
    }

    redox::Stat dst_stat;
    bool dst_exists = stat_path(dst, dst_stat, false) == 0;
    if (dst_exists && options.no_clobber)
        return true;
    if (dst_exists) {
        redox::Stat followed;
        if (stat_path(dst, followed) == 0) {
            if (followed.st_dev == src_stat.st_dev && followed.st_ino == src_stat.st_ino && !is_symlink(src_stat)) {
                errf("cp: '%.*s' and '%.*s' are the same file\n", static_cast<int>(src.length()), src.chars(),
                    static_cast<int>(dst.length()), dst.chars());
                return false;
            }
            if (is_dir(followed)) {
                errf("cp: cannot overwrite directory '%.*s' with non-directory\n", static_cast<int>(dst.length()),
                    dst.chars());
                return false;
            }
        }
    }

    bool ok;
    if (is_symlink(src_stat)) {
        CopyResult copied = copy_symlink(src, dst, dst_exists);
        if (copied.read_error)
            report("cannot read symbolic link", src, copied.read_error);
        else if (copied.write_error)
            report("cannot create symbolic link", dst, copied.write_error);
        ok = copied.ok();
    } else {
        ok = copy_file("cp", src, dst);
    }
    if (ok && options.verbose)
        outf("'%.*s' -> '%.*s'\n", static_cast<int>(src.length()), src.chars(), static_cast<int>(dst.length()),
            dst.chars());
    return ok;
}

static int cp_main(int argc, char** argv, char**)
{
    CpOptions cp;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'r':
        case 'R':
            cp.recursive = true;
            break;
        case 'n':
            cp.no_clobber = true;
            break;
        case 'v':
            cp.verbose = true;
            break;
        case 'f':
        case 'p':
            break; // modes are always kept; nothing else to preserve
        default:
            return options.stop(c);
        }
    }
    return for_each_destination(options, false, [&](StringView src, StringView dst) {
        Identity created_root;
        return copy_entry(src, dst, cp, true, created_root);
    });
}

REDOX_PROGRAM("cp", cp_main)
