// sleep: pause for the sum of the given intervals (NUMBER[smhd], fractions allowed).
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "sleep NUMBER[SUFFIX]...\nPause for NUMBER seconds (SUFFIX s, m, h or d; fractions allowed).";

static bool parse_interval(StringView text, u64& out_ns)
{
    if (text == "inf" || text == "infinity") {
        out_ns = ~0ull;
        return true;
    }
    u64 unit = 1000000000ull;
    if (!text.is_empty()) {
        switch (text[text.length() - 1]) {
        case 's': text = text.substring(0, text.length() - 1); break;
        case 'm': unit *= 60; text = text.substring(0, text.length() - 1); break;
        case 'h': unit *= 3600; text = text.substring(0, text.length() - 1); break;
        case 'd': unit *= 86400; text = text.substring(0, text.length() - 1); break;
        default: break;
        }
    }
    return parse_decimal_ns(text, unit, out_ns);
}

static u64 monotonic_ns()
{
    redox::TimeSpec now {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, now);
    return static_cast<u64>(now.tv_sec) * 1000000000ull + static_cast<u64>(now.tv_nsec);
}

static int sleep_main(int argc, char** argv, char**)
{
    OptionParser options("sleep", argc, argv, "");
    for (int c; (c = options.next());) {
        if (c == OptionParser::LONG_OPTION) {
            if (options.long_name() == "help")
                return print_help(usage);
            c = options.unrecognized();
        }
        if (c == '?')
            return usage_error(usage, 1);
    }
    auto& operands = options.operands();
    if (operands.is_empty())
        return missing_operand("sleep", usage, 1);
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
        return usage_error(usage, 1);
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
