#include "head_tail.h"

namespace coreutils {

static constexpr LongOption long_options[] = {
    { "lines", 'n', LongOption::Required },
    { "bytes", 'c', LongOption::Required },
    { "quiet", 'q' },
    { "silent", 'q' },
    { "verbose", 'v' },
};

// The digits of an obsolete "-N" first argument ("-5" means "-n 5"), or empty.
static StringView legacy_count(int argc, char** argv)
{
    if (argc < 2)
        return {};
    StringView arg(argv[1]);
    u64 ignored;
    if (arg.length() > 1 && arg[0] == '-' && ktl::parse_u64(arg.substring(1), ignored))
        return arg.substring(1);
    return {};
}

HeadTailCommand::HeadTailCommand(StringView app, StringView usage, int argc, char** argv)
    : m_app(app),
      m_legacy_count(legacy_count(argc, argv))
      // Without the legacy argument, which then stands where the parser skips the program name.
      ,
      m_options(CommandSyntax { app, usage, "n:c:qv", long_options }, m_legacy_count.is_empty() ? argc : argc - 1,
          m_legacy_count.is_empty() ? argv : argv + 1)
{
}

int HeadTailCommand::next()
{
    if (!m_legacy_count.is_empty() && !m_legacy_taken) {
        m_legacy_taken = true;
        m_value = m_legacy_count;
        return 'n';
    }
    for (;;) {
        int c = m_options.next();
        m_value = m_options.value();
        if (c == 'q')
            m_headers = -1;
        else if (c == 'v')
            m_headers = 1;
        else
            return c;
    }
}

int HeadTailCommand::invalid_count(int code) const
{
    errf("%.*s: invalid number of %s: '%.*s'\n", static_cast<int>(m_app.length()), m_app.chars(),
        code == 'n' ? "lines" : "bytes", static_cast<int>(m_value.length()), m_value.chars());
    return 1;
}

void HeadTailCommand::report(const char* what, const char* operand, const char* suffix, long error) const
{
    errf("%.*s: %s '%s'%s: %s\n", static_cast<int>(m_app.length()), m_app.chars(), what, operand, suffix,
        redox::error_string(static_cast<int>(-error)));
}

} // namespace coreutils
