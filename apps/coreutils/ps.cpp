// ps: list processes from /scheme/sys/context (the kernel's context table).
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "ps [-aefx]\nReport a snapshot of the current processes (all of them; the options are accepted\n"
      "for compatibility). Columns: PID PPID PGID UID STAT TIME MEM CMD.";

static constexpr CommandSyntax syntax { "ps", usage, "aefxAlu" };

static constexpr char context_path[] = "/scheme/sys/context";

struct Column {
    StringView name;
    usize start;
};

struct Process {
    Vector<StringView> fields; // in header order; the last is NAME
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static StringView trim(StringView text)
{
    usize start = 0, end = text.length();
    while (start < end && is_blank(text[start]))
        ++start;
    while (end > start && is_blank(text[end - 1]))
        --end;
    return text.substring(start, end - start);
}

static Vector<Column> parse_header(StringView header)
{
    Vector<Column> columns;
    usize i = 0;
    while (i < header.length()) {
        while (i < header.length() && is_blank(header[i]))
            ++i;
        usize start = i;
        while (i < header.length() && !is_blank(header[i]))
            ++i;
        if (i > start)
            columns.append(Column { header.substring(start, i - start), start });
    }
    return columns;
}

// The table is left-aligned in fixed-width columns, so cut each row at the header's column
// starts; values may contain spaces ("12 KB", the command line). When a value overflows
// its column the cut points are wrong, so fall back to splitting on blanks, with the last
// field taking the rest of the row.
static bool split_row(StringView row, const Vector<Column>& columns, Process& process)
{
    process.fields.clear();
    // A value may be empty (CPU of a sleeping context), but it must not run into the next.
    bool aligned = row.length() > columns.last().start && !is_blank(row[columns.last().start]);
    for (usize c = 1; aligned && c < columns.size(); ++c) {
        usize at = columns[c].start;
        aligned = at > 0 && is_blank(row[at - 1]);
    }
    if (aligned) {
        for (usize c = 0; c < columns.size(); ++c) {
            usize start = columns[c].start;
            usize end = c + 1 < columns.size() ? columns[c + 1].start : row.length();
            process.fields.append(trim(row.substring(start, end - start)));
        }
        return true;
    }
    usize i = 0;
    for (usize c = 0; c < columns.size(); ++c) {
        while (i < row.length() && is_blank(row[i]))
            ++i;
        if (i >= row.length())
            return false;
        if (c + 1 == columns.size()) {
            process.fields.append(trim(row.substring(i)));
            break;
        }
        usize start = i;
        while (i < row.length() && !is_blank(row[i]))
            ++i;
        // Memory sizes are printed with a unit after a space ("12 KB").
        if (columns[c].name == "MEM") {
            usize j = i;
            while (j < row.length() && is_blank(row[j]))
                ++j;
            usize unit_end = j;
            while (unit_end < row.length() && !is_blank(row[unit_end]))
                ++unit_end;
            StringView unit = row.substring(j, unit_end - j);
            if (unit == "B" || unit == "KB" || unit == "MB" || unit == "GB" || unit == "TB")
                i = unit_end;
        }
        process.fields.append(row.substring(start, i - start));
    }
    return process.fields.size() == columns.size();
}

static isize column_index(const Vector<Column>& columns, StringView name)
{
    for (usize i = 0; i < columns.size(); ++i)
        if (columns[i].name == name)
            return static_cast<isize>(i);
    return -1;
}

static int ps_main(int argc, char** argv, char**)
{
    OptionParser options(syntax, argc, argv);
    if (int c = options.skip_all())
        return options.stop(c);
    if (!options.operands().is_empty()) {
        errf("ps: unexpected argument '%s'\n", options.operands()[0]);
        return options.usage_error();
    }

    long fd = sys::open(StringView(context_path), redox::O_RDONLY);
    if (fd < 0) {
        io::report_error("ps", context_path, fd);
        return 1;
    }
    String table;
    long r = io::read_all(static_cast<int>(fd), table);
    sys::close(static_cast<int>(fd));
    if (r < 0) {
        io::report_error("ps", context_path, r);
        return 1;
    }

    // Split into lines; the first is the header.
    Vector<StringView> lines;
    StringView rest = table.view();
    while (!rest.is_empty()) {
        isize nl = rest.find('\n');
        usize length = nl < 0 ? rest.length() : static_cast<usize>(nl);
        if (!trim(rest.substring(0, length)).is_empty())
            lines.append(rest.substring(0, length));
        rest = rest.substring(length + 1);
    }
    if (lines.is_empty()) {
        errf("ps: %s: empty process table\n", context_path);
        return 1;
    }
    Vector<Column> columns = parse_header(lines[0]);
    isize pid = column_index(columns, "PID");
    isize name = column_index(columns, "NAME");
    if (columns.is_empty() || pid < 0 || name != static_cast<isize>(columns.size()) - 1) {
        errf("ps: %s: unexpected table format\n", context_path);
        return 1;
    }
    const char* wanted[] = { "PID", "PPID", "PGID", "EUID", "STAT", "TIME", "MEM", "NAME" };
    const char* titles[] = { "PID", "PPID", "PGID", "UID", "STAT", "TIME", "MEM", "CMD" };
    constexpr usize wanted_count = sizeof wanted / sizeof wanted[0];
    isize index[wanted_count];
    for (usize w = 0; w < wanted_count; ++w) {
        index[w] = column_index(columns, wanted[w]);
        if (index[w] < 0 && StringView(wanted[w]) == "EUID")
            index[w] = column_index(columns, "RUID");
    }

    Vector<Process> processes;
    for (usize l = 1; l < lines.size(); ++l) {
        Process process;
        if (split_row(lines[l], columns, process))
            processes.append(std::move(process));
    }

    // Width of each shown column: the widest of the title and the values.
    usize widths[wanted_count];
    for (usize w = 0; w < wanted_count; ++w) {
        widths[w] = StringView(titles[w]).length();
        for (auto& process : processes)
            if (index[w] >= 0)
                widths[w] = ktl::max(widths[w], process.fields[static_cast<usize>(index[w])].length());
    }
    io::BufferedWriter out(1);
    auto cell = [&](usize w, StringView text) {
        bool last = w + 1 == wanted_count;
        bool numeric = w < 4; // PID PPID PGID UID are right-aligned
        if (last) {
            out.write(text);
            return;
        }
        write_padded(out, text, widths[w], numeric);
        out.write(" ");
    };
    for (usize w = 0; w < wanted_count; ++w)
        if (index[w] >= 0)
            cell(w, titles[w]);
    out.write("\n");
    for (auto& process : processes) {
        for (usize w = 0; w < wanted_count; ++w)
            if (index[w] >= 0)
                cell(w, process.fields[static_cast<usize>(index[w])]);
        out.write("\n");
    }
    return finish_output(out, "ps", 0);
}

REDOX_PROGRAM("ps", ps_main)
