#pragma once
// What head and tail share: the command line (-n/--lines, -c/--bytes, -q/--quiet/--silent,
// -v/--verbose, the obsolete "-N" first argument, FILE operands) and the loop over the files
// with its "==> FILE <==" headers and error reports.
#include "common.h"

namespace coreutils {

class HeadTailCommand {
public:
    HeadTailCommand(StringView app, StringView usage, int argc, char** argv);

    // Like OptionParser::next(), but handles -q and -v itself. The obsolete "-N" first argument
    // comes first, as 'n' with the value "N".
    int next();
    StringView value() const { return m_value; }
    int stop(int code) const { return m_options.stop(code); }
    // "app: invalid number of lines: 'VALUE'" (or bytes, for 'c'); returns 1.
    int invalid_count(int code) const;

    // Calls `show(fd, out, print_header)` for each FILE ("-" or none: standard input). show
    // calls print_header() before writing the file's part, and returns 0 or a read error
    // (-errno), which is reported before going on with the next file. Returns the exit status.
    template<typename Show>
    int for_each_file(Show show)
    {
        Vector<char*> operands = m_options.operands_or("-");
        io::BufferedWriter out(1);
        bool show_headers = m_headers == 1 || (m_headers == 0 && operands.size() > 1);
        bool first = true;
        int status = 0;
        for (char* operand : operands) {
            InputFile input(operand);
            if (long r = input.error()) {
                out.flush();
                report("cannot open", operand, " for reading", r);
                status = 1;
                continue;
            }
            auto print_header = [&] {
                if (show_headers)
                    out.printf("%s==> %s <==\n", first ? "" : "\n", input.is_stdin() ? "standard input" : operand);
                first = false;
            };
            long r = show(input.fd(), out, print_header);
            input.close();
            if (r < 0) {
                out.flush();
                report("error reading", operand, "", r);
                status = 1;
            }
            if (out.error())
                break;
        }
        return finish_output(out, m_app, status);
    }

private:
    // "app: what 'operand'suffix: strerror(error)".
    void report(const char* what, const char* operand, const char* suffix, long error) const;

    StringView m_app;
    StringView m_legacy_count; // the digits of an obsolete "-N" first argument
    bool m_legacy_taken { false };
    OptionParser m_options;
    StringView m_value;
    int m_headers { 0 }; // -1 never, 1 always, 0 when several files
};

} // namespace coreutils
