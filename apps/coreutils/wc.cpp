// wc: count lines, words and bytes of files (or standard input), with a total for several.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "wc [-clmw] [FILE]...\nPrint newline, word, and byte counts for each FILE, and a total line if more than one.\n"
      "  -c  print the byte counts (also -m)\n"
      "  -l  print the newline counts\n"
      "  -w  print the word counts";

static constexpr LongOption long_options[] = {
    { "lines", 'l' },
    { "words", 'w' },
    { "bytes", 'c' },
    { "chars", 'c' },
};
static constexpr CommandSyntax syntax { "wc", usage, "clmw", long_options };

struct Counts {
    u64 lines { 0 };
    u64 words { 0 };
    u64 bytes { 0 };
};

struct Selection {
    bool lines { false };
    bool words { false };
    bool bytes { false };
    int count() const { return lines + words + bytes; }
};

static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static long count_fd(int fd, Counts& counts)
{
    char buffer[4096];
    bool in_word = false;
    for (;;) {
        long n = sys::read(fd, buffer, sizeof buffer);
        if (n == -redox::EINTR)
            continue;
        if (n <= 0)
            return n;
        for (long i = 0; i < n; ++i) {
            char c = buffer[i];
            if (c == '\n')
                ++counts.lines;
            if (is_space(c)) {
                in_word = false;
            } else if (!in_word) {
                in_word = true;
                ++counts.words;
            }
        }
        counts.bytes += static_cast<u64>(n);
    }
}

static void print_counts(
    io::BufferedWriter& out, const Counts& counts, const Selection& selection, usize width, StringView name)
{
    bool first = true;
    auto field = [&](u64 value) {
        if (!first)
            out.write(" ");
        write_number(out, value, width);
        first = false;
    };
    if (selection.lines)
        field(counts.lines);
    if (selection.words)
        field(counts.words);
    if (selection.bytes)
        field(counts.bytes);
    if (!name.is_empty()) {
        out.write(" ");
        out.write(name);
    }
    out.write("\n");
}

struct Input {
    StringView name;
    int fd { -1 };
    bool is_stdin { false };
    long error { 0 };
    redox::Stat st {};
};

static int wc_main(int argc, char** argv, char**)
{
    Selection selection;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'l':
            selection.lines = true;
            break;
        case 'w':
            selection.words = true;
            break;
        case 'c':
        case 'm':
            selection.bytes = true;
            break;
        default:
            return options.stop(c);
        }
    }
    if (!selection.count())
        selection.lines = selection.words = selection.bytes = true;

    // Open everything first: the column width depends on all the inputs, as in GNU wc.
    Vector<Input> inputs;
    bool named = !options.operands().is_empty();
    if (!named) {
        Input input;
        input.fd = 0;
        input.is_stdin = true;
        inputs.append(input);
    }
    for (char* operand : options.operands()) {
        Input input;
        input.name = operand;
        if (input.name == "-") {
            input.fd = 0;
            input.is_stdin = true;
        } else if (long fd = sys::open(input.name, redox::O_RDONLY); fd < 0) {
            input.error = fd;
        } else {
            input.fd = static_cast<int>(fd);
        }
        if (input.fd >= 0 && sys::fstat(input.fd, input.st) < 0)
            input.st.st_mode = 0;
        inputs.append(input);
    }
    usize width = 1;
    if (!(selection.count() == 1 && inputs.size() == 1)) {
        u64 regular_total = 0;
        usize minimum = 1;
        for (auto& input : inputs) {
            if (input.error)
                continue;
            if (!input.is_stdin && is_regular(input.st))
                regular_total += input.st.st_size;
            else
                minimum = 7;
        }
        for (; regular_total >= 10; regular_total /= 10)
            ++width;
        width = ktl::max(width, minimum);
    }

    io::BufferedWriter out(1);
    Counts total;
    int status = 0;
    for (auto& input : inputs) {
        if (input.error) {
            out.flush();
            io::report_error("wc", input.name, input.error);
            status = 1;
            continue;
        }
        Counts counts;
        long r = count_fd(input.fd, counts);
        if (!input.is_stdin)
            sys::close(input.fd);
        if (r < 0) {
            out.flush();
            io::report_error("wc", input.name.is_empty() ? StringView("standard input") : input.name, r);
            status = 1;
        }
        print_counts(out, counts, selection, width, input.name);
        total.lines += counts.lines;
        total.words += counts.words;
        total.bytes += counts.bytes;
    }
    if (inputs.size() > 1)
        print_counts(out, total, selection, width, "total");
    return finish_output(out, "wc", status);
}

REDOX_PROGRAM("wc", wc_main)
