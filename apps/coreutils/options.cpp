#include "options.h"
#include <redox/io.h>

namespace coreutils {

int OptionParser::next()
{
    m_value = {};
    m_has_value = false;
    StringView app = m_syntax.app;
    for (;;) {
        if (m_cluster) {
            char* arg = m_argv[m_index];
            char letter = arg[m_cluster++];
            bool cluster_done = arg[m_cluster] == 0;
            const char* spec = letter == ':' ? nullptr : __builtin_strchr(m_syntax.short_options, letter);
            if (!spec) {
                if (cluster_done) {
                    m_cluster = 0;
                    ++m_index;
                }
                errf("%.*s: invalid option -- '%c'\n", static_cast<int>(app.length()), app.chars(), letter);
                return '?';
            }
            if (spec[1] != ':') {
                if (cluster_done) {
                    m_cluster = 0;
                    ++m_index;
                }
                return letter;
            }
            // The value is the rest of the cluster or the next argument.
            usize rest = m_cluster;
            m_cluster = 0;
            ++m_index;
            if (!cluster_done) {
                m_value = StringView(arg + rest);
            } else if (m_index < m_argc) {
                m_value = StringView(m_argv[m_index++]);
            } else {
                errf(
                    "%.*s: option requires an argument -- '%c'\n", static_cast<int>(app.length()), app.chars(), letter);
                return '?';
            }
            m_has_value = true;
            return letter;
        }
        if (m_index >= m_argc)
            return 0;
        char* arg = m_argv[m_index];
        StringView view(arg);
        if (view == "--") {
            for (int i = m_index + 1; i < m_argc; ++i)
                m_operands.append(m_argv[i]);
            m_index = m_argc;
            return 0;
        }
        if (view.starts_with("--")) {
            ++m_index;
            return long_option(view.substring(2));
        }
        if (view.length() > 1 && view[0] == '-') {
            m_cluster = 1;
            continue;
        }
        if (!m_syntax.permute) {
            for (int i = m_index; i < m_argc; ++i)
                m_operands.append(m_argv[i]);
            m_index = m_argc;
            return 0;
        }
        m_operands.append(arg);
        ++m_index;
    }
}

// "--name" or "--name=value": the code from the long option table, or '?' after a complaint.
int OptionParser::long_option(StringView body)
{
    StringView name = body;
    isize equals = body.find('=');
    if (equals >= 0) {
        name = body.substring(0, static_cast<usize>(equals));
        m_value = body.substring(static_cast<usize>(equals) + 1);
        m_has_value = true;
    }
    if (name == "help")
        return HELP;
    for (usize i = 0; i < m_syntax.long_options.count; ++i) {
        const LongOption& option = m_syntax.long_options.items[i];
        if (name != option.name)
            continue;
        if ((option.value == LongOption::Required && !m_has_value)
            || (option.value == LongOption::Forbidden && m_has_value))
            continue;
        return option.code;
    }
    errf("%.*s: unrecognized option '--%.*s'\n", static_cast<int>(m_syntax.app.length()), m_syntax.app.chars(),
        static_cast<int>(name.length()), name.chars());
    return '?';
}

int OptionParser::stop(int code) const
{
    if (code == HELP)
        return print_help(m_syntax.usage);
    return usage_error();
}

int OptionParser::skip_all()
{
    for (int c; (c = next());) {
        if (c == HELP || c == '?')
            return c;
    }
    return 0;
}

int OptionParser::usage_error() const { return coreutils::usage_error(m_syntax.usage, m_syntax.error_status); }

int OptionParser::missing_operand() const
{
    errf("%.*s: missing operand\n", static_cast<int>(m_syntax.app.length()), m_syntax.app.chars());
    return usage_error();
}

Vector<char*> OptionParser::operands_or(const char* fallback)
{
    Vector<char*> operands = std::move(m_operands);
    // Operands are only read, so the constant fallback can stand among them.
    if (operands.is_empty())
        operands.append(const_cast<char*>(fallback));
    return operands;
}

int print_help(StringView usage)
{
    outf("Usage: %.*s\n", static_cast<int>(usage.length()), usage.chars());
    return 0;
}

int usage_error(StringView usage, int status)
{
    // Only the synopsis: the first line and its "   or:" continuations; --help shows all.
    usize end = 0;
    for (;;) {
        isize nl = usage.find('\n', end);
        end = nl < 0 ? usage.length() : static_cast<usize>(nl);
        if (nl < 0 || !usage.substring(end + 1).starts_with("   or:"))
            break;
        ++end;
    }
    usage = usage.substring(0, end);
    errf("Usage: %.*s\n", static_cast<int>(usage.length()), usage.chars());
    return status;
}

} // namespace coreutils
