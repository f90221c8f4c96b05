// sleep: pause for the sum of the given intervals (NUMBER[smhd], fractions allowed).
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[]
    = "sleep NUMBER[SUFFIX]...\nPause for NUMBER seconds (SUFFIX s, m, h or d; fractions allowed).";
static constexpr CommandSyntax syntax { "sleep", usage, "" };

static bool parse_interval(StringView text, u64& out_ns)
{
    if (text == "inf" || text == "infinity") {
        out_ns = ~0ull;
        return true;
    }
    u64 unit = 1000000000ull;
    if (!text.is_empty()) {
        switch (text[text.length() - 1]) {
        case 's':
            text = text.substring(0, text.length() - 1);
            break;
        case 'm':
            unit *= 60;
            text = text.substring(0, text.length() - 1);
            break;
        case 'h':
            unit *= 3600;
            text = text.substring(0, text.length() - 1);
            break;
        case 'd':
            unit *= 86400;
            text = text.substring(0, text.length() - 1);
            break;
        default:
            break;
        }
    }
    return parse_decimal_ns(text, unit, out_ns);
}

static int sleep_main(int argc, char** argv, char**)
{
    OptionParser options(syntax, argc, argv);
    if (int c = options.skip_all())
        return options.stop(c);
    auto& operands = options.operands();
    if (operands.is_empty())
        return options.missing_operand();
    u64 total = 0;
    bool ok = true;
    for (char* operand : operands) {
        u64 ns;
        if (!parse_interval(operand, ns) || __builtin_add_overflow(total, ns, &total)) {
            errf("sleep: invalid time interval '%s'\n", operand);
            ok = false;
        }
    }
    if (!ok)
        return options.usage_error();
    // Sleep until a deadline so an interruption by an ignored or handled signal does not
    // shorten the pause.
    u64 deadline;
    if (__builtin_add_overflow(monotonic_ns(), total, &deadline))
        deadline = ~0ull;
    for (;;) {
        u64 now = monotonic_ns();
        if (now >= deadline)
            return 0;
        u64 left = deadline - now;
        redox::TimeSpec request {};
        request.tv_sec = static_cast<i64>(left / 1000000000ull);
        request.tv_nsec = static_cast<i32>(left % 1000000000ull);
        long r = sys::nanosleep(request, nullptr);
        if (r < 0 && r != -redox::EINTR) {
            io::report_error("sleep", "", r);
            return 1;
        }
    }
}

REDOX_PROGRAM("sleep", sleep_main)
