// sandbox: run a command in a restricted namespace: the null namespace (--null, capability
// mode: only already-open fds and pipes) or a new one with just the listed schemes.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "sandbox [--null] [-s SCHEME[,SCHEME]...] COMMAND [ARG]...\n"
                                "Run COMMAND in a new namespace holding only the default schemes (event, pipe,\n"
                                "sys, time and the root) plus the listed ones.\n"
                                "  -s, --schemes=LIST  comma-separated schemes to keep (may be repeated)\n"
                                "  --null              use the null namespace: nothing new can be opened";

static constexpr int null_option = OptionParser::LONG_ONLY;
static constexpr LongOption long_options[] = {
    { "null", null_option, LongOption::Forbidden },
    { "schemes", 's', LongOption::Required },
};
static constexpr CommandSyntax syntax { "sandbox", usage, "s:", long_options, 1, false };

static int sandbox_main(int argc, char** argv, char** envp)
{
    bool null_namespace = false;
    Vector<StringView> schemes;
    // Options stop at COMMAND, whose own options must stay untouched.
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        if (c == null_option) {
            null_namespace = true;
            continue;
        }
        if (c != 's')
            return options.stop(c);
        StringView list = options.value();
        for (usize start = 0; start <= list.length();) {
            isize comma = list.find(',', start);
            usize end = comma < 0 ? list.length() : static_cast<usize>(comma);
            if (end > start)
                schemes.append(list.substring(start, end - start));
            start = end + 1;
        }
    }
    auto& operands = options.operands();
    if (operands.is_empty()) {
        errf("sandbox: missing command\n");
        return options.usage_error();
    }
    if (null_namespace && !schemes.is_empty()) {
        errf("sandbox: --null and -s cannot be combined\n");
        return options.usage_error();
    }

    // Open the program before leaving the namespace: afterwards it may not be reachable.
    StringView command(operands[0]);
    String path;
    if (!io::find_in_path(envp, command, path)) {
        errf("sandbox: %.*s: command not found\n", static_cast<int>(command.length()), command.chars());
        return 127;
    }
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0) {
        io::report_error("sandbox", path, fd);
        return fd == -redox::ENOENT ? 127 : 126;
    }

    long ns = 0;
    if (!null_namespace) {
        struct Name {
            sys::ulong pair[2]; // pointer, length: the layout mkns reads
        };
        Vector<Name> names;
        for (auto scheme : schemes)
            names.append(Name { { sys::ptr(scheme.chars()), scheme.length() } });
        ns = sys::mkns(names.is_empty() ? nullptr : &names.data()->pair, names.size());
        if (ns < 0) {
            io::report_error("sandbox", "mkns", ns);
            sys::close(static_cast<int>(fd));
            return 1;
        }
    }
    if (long r = sys::setrens(ns, ns); r < 0) {
        io::report_error("sandbox", "setrens", r);
        sys::close(static_cast<int>(fd));
        return 1;
    }

    Vector<const char*> arguments;
    for (char* operand : operands)
        arguments.append(operand);
    arguments.append(nullptr);
    long r = sys::fexec(static_cast<int>(fd), arguments.data(), envp);
    // fexec only returns on failure.
    sys::close(static_cast<int>(fd));
    io::report_error("sandbox", command, r);
    return 126;
}

REDOX_PROGRAM("sandbox", sandbox_main)
