// grep: print lines containing a fixed string. Exit status 0 when a line was selected,
// 1 when none was, 2 on error (but 0 with -q once a line matched, as GNU does).
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "grep [-cHhilnqsvxF] [-e PATTERN]... PATTERN [FILE]...\nSearch for PATTERN (a fixed "
                                "string) in each FILE ('-' or none: standard input).\n"
                                "  -e PATTERN  use PATTERN (may be repeated; a line matching any is selected)\n"
                                "  -i          ignore case distinctions\n"
                                "  -v          select non-matching lines\n"
                                "  -x          match whole lines only\n"
                                "  -c          print only a count of selected lines per file\n"
                                "  -l          print only the names of files with selected lines\n"
                                "  -n          prefix each line with its line number\n"
                                "  -H / -h     always / never prefix lines with the file name\n"
                                "  -q          quiet: no output, exit 0 at the first selected line\n"
                                "  -s          suppress messages about unreadable files\n"
                                "  -F          fixed strings (the only kind supported)";

static constexpr LongOption long_options[] = {
    { "regexp", 'e', LongOption::Required },
    { "ignore-case", 'i' },
    { "invert-match", 'v' },
    { "count", 'c' },
    { "quiet", 'q' },
    { "silent", 'q' },
    { "line-number", 'n' },
    { "fixed-strings", 'F' },
};
static constexpr CommandSyntax syntax { "grep", usage, "e:cHhilnqsvxF", long_options, 2 };

struct GrepOptions {
    Vector<String> patterns;
    bool ignore_case { false };
    bool invert { false };
    bool whole_line { false };
    bool count { false };
    bool files_with_matches { false };
    bool line_numbers { false };
    bool quiet { false };
    bool no_messages { false };
    int with_filename { -1 }; // -1: only with several files
};

static void lowercase(String& text)
{
    String lower;
    for (char c : text.view())
        lower.append(to_lower(c));
    text = std::move(lower);
}

static bool line_matches(StringView line, const GrepOptions& options)
{
    for (auto& pattern : options.patterns) {
        if (options.whole_line ? line == pattern.view() : line.contains(pattern.view()))
            return true;
    }
    return false;
}

// Searches one input; returns the number of selected lines, or -errno.
static long grep_fd(int fd, StringView name, bool show_name, const GrepOptions& options, io::BufferedWriter& out)
{
    io::LineReader reader(fd);
    String line;
    String folded;
    long selected = 0;
    u64 number = 0;
    for (;;) {
        long r = reader.next(line);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        ++number;
        StringView subject = line.view();
        if (options.ignore_case) {
            folded = line;
            lowercase(folded);
            subject = folded.view();
        }
        if (line_matches(subject, options) == options.invert)
            continue;
        ++selected;
        if (options.quiet || options.files_with_matches)
            break; // the answer is known
        if (options.count)
            continue;
        if (show_name) {
            out.write(name);
            out.write(":");
        }
        if (options.line_numbers)
            out.printf("%lu:", static_cast<unsigned long>(number));
        out.write(line);
        out.write("\n");
        if (out.error())
            break;
    }
    return selected;
}

static int grep_main(int argc, char** argv, char**)
{
    GrepOptions grep;
    bool have_e = false;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'e':
            grep.patterns.append(String(options.value()));
            have_e = true;
            break;
        case 'c':
            grep.count = true;
            break;
        case 'H':
            grep.with_filename = 1;
            break;
        case 'h':
            grep.with_filename = 0;
            break;
        case 'i':
            grep.ignore_case = true;
            break;
        case 'l':
            grep.files_with_matches = true;
            break;
        case 'n':
            grep.line_numbers = true;
            break;
        case 'q':
            grep.quiet = true;
            break;
        case 's':
            grep.no_messages = true;
            break;
        case 'v':
            grep.invert = true;
            break;
        case 'x':
            grep.whole_line = true;
            break;
        case 'F':
            break;
        default:
            return options.stop(c);
        }
    }
    Vector<char*> operands = std::move(options.operands());
    usize first_file = 0;
    if (!have_e) {
        if (operands.is_empty())
            return options.usage_error();
        grep.patterns.append(String(operands[0]));
        first_file = 1;
    }
    // A pattern with newlines is several patterns, as in GNU grep.
    Vector<String> split;
    for (auto& pattern : grep.patterns) {
        StringView rest = pattern.view();
        for (isize nl; (nl = rest.find('\n')) >= 0; rest = rest.substring(static_cast<usize>(nl) + 1))
            split.append(String(rest.substring(0, static_cast<usize>(nl))));
        split.append(String(rest));
    }
    grep.patterns = std::move(split);
    if (grep.ignore_case) {
        for (auto& pattern : grep.patterns)
            lowercase(pattern);
    }

    Vector<char*> files;
    for (usize i = first_file; i < operands.size(); ++i)
        files.append(operands[i]);
    if (files.is_empty())
        files.append(const_cast<char*>("-")); // only read
    bool show_name = grep.with_filename == 1 || (grep.with_filename == -1 && files.size() > 1);

    io::BufferedWriter out(1);
    bool any_selected = false;
    bool error = false;
    for (char* file : files) {
        StringView name(file);
        InputFile input(name);
        StringView display = input.is_stdin() ? StringView("(standard input)") : name;
        if (long r = input.error()) {
            if (!grep.no_messages) {
                out.flush();
                io::report_error("grep", name, r);
            }
            error = true;
            continue;
        }
        long selected = grep_fd(input.fd(), display, show_name, grep, out);
        input.close();
        if (selected < 0) {
            if (!grep.no_messages) {
                out.flush();
                io::report_error("grep", display, selected);
            }
            error = true;
            continue;
        }
        any_selected = any_selected || selected > 0;
        if (grep.quiet && any_selected)
            return 0;
        if (grep.files_with_matches) {
            if (selected) {
                out.write(display);
                out.write("\n");
            }
        } else if (grep.count) {
            if (show_name) {
                out.write(display);
                out.write(":");
            }
            out.printf("%ld\n", selected);
        }
        if (out.error())
            break;
    }
    return finish_output(out, "grep", error ? 2 : any_selected ? 0 : 1, 2);
}

REDOX_PROGRAM("grep", grep_main)
