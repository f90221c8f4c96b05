#pragma once
// The command-line parsing every coreutil shares: a getopt-like OptionParser that also maps
// long options to their short letters, handles --help and prints GNU-style usage errors.
#include "../../kernel_core/ktl/string_view.h"
#include "../../kernel_core/ktl/vector.h"

namespace coreutils {

using ktl::StringView;
using ktl::Vector;

// A long option and the code next() returns for it (usually its short letter). `value` says
// whether "--name=VALUE" must (Required) or must not (Forbidden) carry a value for the name
// to match; otherwise it is "unrecognized".
struct LongOption {
    enum Value : u8 { Any, Required, Forbidden };
    const char* name;
    int code;
    Value value { Any };
};

// A constant table of long options (built from an array).
struct LongOptions {
    const LongOption* items { nullptr };
    usize count { 0 };
    constexpr LongOptions() = default;
    template<usize N>
    constexpr LongOptions(const LongOption (&table)[N]) : items(table),
                                                          count(N)
    {
    }
};

// What a command accepts. Short options cluster ("-la"); a letter followed by ':' in
// `short_options` takes a value ("-n5" or "-n 5"). With `permute`, operands may come before
// options (as GNU allows); without it the first operand ends the options, which commands
// that run another command (env, sandbox) need. `error_status` is the exit status for a bad
// option.
struct CommandSyntax {
    StringView app;
    StringView usage;
    const char* short_options;
    LongOptions long_options {};
    int error_status { 1 };
    bool permute { true };
};

// The usual loop:
//     for (int c; (c = options.next());) {
//         switch (c) {
//         case 'v': ...; break;
//         default: return options.stop(c);
//         }
//     }
class OptionParser {
public:
    static constexpr int HELP = 256;
    // Codes for long options without a short letter start here.
    static constexpr int LONG_ONLY = 257;

    OptionParser(const CommandSyntax& syntax, int argc, char** argv) : m_syntax(syntax), m_argc(argc), m_argv(argv) {}

    // Returns the option's code: its letter (a long option's code from the table), HELP for
    // "--help", 0 when the options end (operands() is then complete), or '?' after printing a
    // GNU-style complaint about a bad option. "--" ends the options.
    int next();
    StringView app() const { return m_syntax.app; }
    StringView value() const { return m_value; }
    bool has_value() const { return m_has_value; }
    // For HELP prints the full usage and returns 0; otherwise prints the synopsis and returns
    // the syntax's error status.
    int stop(int code) const;
    // For commands whose options change nothing: walks them all. Returns 0, or HELP or '?'
    // (for stop()) when the command must stop.
    int skip_all();
    // The synopsis on stderr; returns the error status (after a complaint about operands).
    int usage_error() const;
    // "app: missing operand" and the synopsis; returns the error status.
    int missing_operand() const;
    Vector<char*>& operands() { return m_operands; }
    // Takes the operands, or just `fallback` (a string never written to) when there are none.
    Vector<char*> operands_or(const char* fallback);

private:
    int long_option(StringView body);

    CommandSyntax m_syntax;
    int m_argc;
    char** m_argv;
    int m_index { 1 };
    usize m_cluster { 0 }; // position inside a "-abc" cluster, 0 when not in one
    StringView m_value;
    bool m_has_value { false };
    Vector<char*> m_operands;
};

// "Usage: ..." on stdout (for --help, returns 0) or stderr (after a bad option, returns status).
int print_help(StringView usage);
int usage_error(StringView usage, int status);

} // namespace coreutils
