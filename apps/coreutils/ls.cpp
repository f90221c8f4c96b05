// ls: list directory contents, one name per line, or in long format with -l.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "ls [-1adlAR] [FILE]...\nList information about the FILEs (the current directory by default).\n"
      "  -a  include entries starting with '.', and . and ..\n"
      "  -A  include entries starting with '.', but not . and ..\n"
      "  -d  list directories themselves, not their contents\n"
      "  -l  long listing format\n"
      "  -R  list subdirectories recursively\n"
      "  -1  one name per line (always the case here)";

static constexpr LongOption long_options[] = {
    { "all", 'a' },
    { "almost-all", 'A' },
    { "directory", 'd' },
    { "recursive", 'R' },
};
static constexpr CommandSyntax syntax { "ls", usage, "1adlAR", long_options, 2 };

struct LsOptions {
    bool long_format { false };
    bool all { false };
    bool almost_all { false };
    bool directory_itself { false };
    bool recursive { false };
};

struct Row {
    String name; // as displayed
    String path; // where to stat and readlink it
    redox::Stat st {};
    bool stat_ok { false };
    u8 kind { redox::DT_UNKNOWN };
};

static void sort_rows(Vector<Row>& rows)
{
    sort(rows, [](const Row& a, const Row& b) { return a.name.view() < b.name.view(); });
}

static void fill_long_info(Row& row) { row.stat_ok = stat_path(row.path, row.st, false) == 0; }

static void print_rows(io::BufferedWriter& out, Vector<Row>& rows, const LsOptions& options)
{
    if (!options.long_format) {
        for (auto& row : rows) {
            out.write(row.name);
            out.write("\n");
        }
        return;
    }
    // Right-align the numeric columns to the widest value, as GNU ls does.
    usize links_width = 1, uid_width = 1, gid_width = 1, size_width = 1;
    for (auto& row : rows) {
        if (!row.stat_ok)
            continue;
        links_width = ktl::max(links_width, decimal_digits(row.st.st_nlink));
        uid_width = ktl::max(uid_width, decimal_digits(row.st.st_uid));
        gid_width = ktl::max(gid_width, decimal_digits(row.st.st_gid));
        size_width = ktl::max(size_width, decimal_digits(row.st.st_size));
    }
    for (auto& row : rows) {
        if (!row.stat_ok) {
            out.write("?????????? ");
            write_padded(out, "?", links_width, true);
            out.write(" ");
            write_padded(out, "?", uid_width, true);
            out.write(" ");
            write_padded(out, "?", gid_width, true);
            out.write(" ");
            write_padded(out, "?", size_width, true);
            out.write("                ? ");
            out.write(row.name);
            out.write("\n");
            continue;
        }
        char mode[11];
        char date[17];
        format_mode(row.st.st_mode, mode);
        format_date(row.st.st_mtime, date);
        out.write(mode);
        out.write(" ");
        write_number(out, row.st.st_nlink, links_width);
        out.write(" ");
        write_number(out, row.st.st_uid, uid_width);
        out.write(" ");
        write_number(out, row.st.st_gid, gid_width);
        out.write(" ");
        write_number(out, row.st.st_size, size_width);
        out.write(" ");
        out.write(date);
        out.write(" ");
        out.write(row.name);
        if (is_symlink(row.st)) {
            String target;
            if (read_link(row.path, target) >= 0) {
                out.write(" -> ");
                out.write(target);
            }
        }
        out.write("\n");
    }
}

static bool is_hidden(StringView name) { return !name.is_empty() && name[0] == '.'; }

// Lists one directory's entries; returns false (after reporting) when it cannot be read.
// With -R, the subdirectories to list next are appended to `subdirectories`, in order.
static bool list_directory(
    io::BufferedWriter& out, StringView path, const LsOptions& options, Vector<String>& subdirectories)
{
    Vector<DirEntry> entries;
    if (long r = read_directory(path, entries); r < 0) {
        out.flush();
        report_path_error("ls", "cannot open directory", path, r);
        return false;
    }
    Vector<Row> rows;
    if (options.all) {
        for (const char* special : { ".", ".." }) {
            Row row;
            row.name = special;
            row.path = join_path(path, special);
            rows.append(std::move(row));
        }
    }
    for (auto& entry : entries) {
        if (is_hidden(entry.name) && !options.all && !options.almost_all)
            continue;
        Row row;
        row.path = join_path(path, entry.name);
        row.name = std::move(entry.name);
        row.kind = entry.kind;
        rows.append(std::move(row));
    }
    sort_rows(rows);
    if (options.long_format) {
        for (auto& row : rows)
            fill_long_info(row);
    }
    print_rows(out, rows, options);
    if (options.recursive) {
        for (auto& row : rows) {
            if (row.name == "." || row.name == "..")
                continue;
            // Symlinks to directories are not followed, so a loop cannot recurse forever.
            bool directory = row.kind == redox::DT_DIR;
            if (row.kind == redox::DT_UNKNOWN) {
                if (!row.stat_ok)
                    fill_long_info(row);
                directory = row.stat_ok && is_dir(row.st);
            }
            if (directory)
                subdirectories.append(row.path);
        }
    }
    return true;
}

static bool list_tree(io::BufferedWriter& out, StringView path, const LsOptions& options, bool show_header, bool& first)
{
    if (!first)
        out.write("\n");
    first = false;
    if (show_header) {
        out.write(path);
        out.write(":\n");
    }
    Vector<String> subdirectories;
    bool ok = list_directory(out, path, options, subdirectories);
    for (auto& subdirectory : subdirectories)
        ok = list_tree(out, subdirectory, options, true, first) && ok;
    return ok;
}

static int ls_main(int argc, char** argv, char**)
{
    LsOptions ls;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'a':
            ls.all = true;
            break;
        case 'A':
            ls.almost_all = true;
            break;
        case 'd':
            ls.directory_itself = true;
            break;
        case 'l':
            ls.long_format = true;
            break;
        case 'R':
            ls.recursive = true;
            break;
        case '1':
            break;
        default:
            return options.stop(c);
        }
    }
    Vector<char*> operands = std::move(options.operands());
    char dot[] = ".";
    if (operands.is_empty())
        operands.append(dot);

    int status = 0;
    Vector<Row> files;
    Vector<Row> directories;
    for (char* operand : operands) {
        Row row;
        row.name = operand;
        row.path = operand;
        // Like GNU ls: with -l or -d a symlink operand is shown itself; otherwise followed.
        bool follow = !ls.long_format && !ls.directory_itself;
        long r = stat_path(row.path, row.st, follow);
        if (r < 0 && follow)
            r = stat_path(row.path, row.st, false); // a dangling symlink is still listed
        if (r < 0) {
            errf("ls: cannot access '%s': %s\n", operand, redox::error_string(static_cast<int>(-r)));
            status = 2;
            continue;
        }
        row.stat_ok = true;
        if (is_dir(row.st) && !ls.directory_itself) {
            directories.append(std::move(row));
            continue;
        }
        // "ls -l link-to-dir" shows the link; "ls link-to-dir/" (a followed lstat) lists it.
        if (ls.long_format && is_symlink(row.st) && !ls.directory_itself) {
            redox::Stat target;
            if (StringView(operand).ends_with("/") && stat_path(row.path, target) == 0 && is_dir(target)) {
                row.st = target;
                directories.append(std::move(row));
                continue;
            }
        }
        files.append(std::move(row));
    }

    io::BufferedWriter out(1);
    sort_rows(files);
    sort_rows(directories);
    print_rows(out, files, ls);
    bool show_headers = operands.size() > 1 || ls.recursive;
    bool first = files.is_empty();
    for (auto& directory : directories) {
        if (!list_tree(out, directory.path, ls, show_headers, first))
            status = 2;
    }
    return finish_output(out, "ls", status, 2);
}

REDOX_PROGRAM("ls", ls_main)
