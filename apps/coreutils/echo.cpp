// echo: print the operands joined by spaces. Like GNU echo, only arguments made entirely of
// the letters n, e and E are options; anything else (even "-x") is printed as is.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static bool is_echo_option(StringView arg)
{
    if (arg.length() < 2 || arg[0] != '-')
        return false;
    for (usize i = 1; i < arg.length(); ++i)
        if (arg[i] != 'n' && arg[i] != 'e' && arg[i] != 'E')
            return false;
    return true;
}

// Writes `text` with backslash escapes interpreted; returns false after "\c" (stop output).
static bool write_escaped(io::BufferedWriter& out, StringView text)
{
    for (usize i = 0; i < text.length(); ++i) {
        char c = text[i];
        if (c != '\\' || i + 1 >= text.length()) {
            out.write(StringView(&c, 1));
            continue;
        }
        char e = text[++i];
        char value;
        switch (e) {
        case 'a':
            value = '\a';
            break;
        case 'b':
            value = '\b';
            break;
        case 'c':
            return false;
        case 'e':
            value = 0x1b;
            break;
        case 'f':
            value = '\f';
            break;
        case 'n':
            value = '\n';
            break;
        case 'r':
            value = '\r';
            break;
        case 't':
            value = '\t';
            break;
        case 'v':
            value = '\v';
            break;
        case '\\':
            value = '\\';
            break;
        case '0': {
            // \0NNN: up to three octal digits.
            int v = 0;
            for (int k = 0; k < 3 && i + 1 < text.length() && text[i + 1] >= '0' && text[i + 1] <= '7'; ++k)
                v = v * 8 + (text[++i] - '0');
            value = static_cast<char>(v);
            break;
        }
        default:
            out.write(StringView(&c, 1));
            value = e;
            break;
        }
        out.write(StringView(&value, 1));
    }
    return true;
}

static int echo_main(int argc, char** argv, char**)
{
    if (argc == 2 && equals(argv[1], "--help"))
        return print_help(
            "echo [-neE] [STRING]...\nPrint the STRINGs separated by spaces, then a newline.\n"
            "  -n  no trailing newline\n  -e  interpret backslash escapes\n  -E  do not interpret them (default)");
    bool newline = true;
    bool escapes = false;
    int i = 1;
    for (; i < argc && is_echo_option(argv[i]); ++i) {
        for (const char* p = argv[i] + 1; *p; ++p) {
            if (*p == 'n')
                newline = false;
            else
                escapes = *p == 'e';
        }
    }
    io::BufferedWriter out(1);
    for (int first = i; i < argc; ++i) {
        if (i > first)
            out.write(" ");
        if (!escapes) {
            out.write(StringView(argv[i]));
        } else if (!write_escaped(out, argv[i])) {
            newline = false;
            break;
        }
    }
    if (newline)
        out.write("\n");
    return finish_output(out, "echo", 0);
}

REDOX_PROGRAM("echo", echo_main)
