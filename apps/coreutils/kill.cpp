// kill: send a signal (TERM by default) to processes; a negative pid names a process group.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "kill [-s SIGNAL | -SIGNAL] PID...\n   or: kill -l [SIGNAL]...\n"
                                "Send a signal (TERM by default) to processes; PID -N means process group N.\n"
                                "  -s SIGNAL, -SIGNAL  the signal, by name (TERM, SIGTERM) or number (15)\n"
                                "  -l                  list signal names, or convert between names and numbers";

static int list_signals(char** names, int count)
{
    io::BufferedWriter out(1);
    if (count == 0) {
        for (int number = 1; number < redox::NSIG; ++number) {
            if (const char* name = signal_name(number))
                out.printf("%s\n", name);
        }
        return 0;
    }
    int status = 0;
    for (int i = 0; i < count; ++i) {
        StringView arg(names[i]);
        u64 number;
        if (ktl::parse_u64(arg, number)) {
            // Exit statuses of signalled processes (128 + N) are accepted too, as in bash.
            if (number > 128)
                number -= 128;
            const char* name = number < static_cast<u64>(redox::NSIG) ? signal_name(static_cast<int>(number)) : nullptr;
            if (name) {
                out.printf("%s\n", name);
                continue;
            }
        } else if (int signal = parse_signal(arg); signal > 0) {
            out.printf("%d\n", signal);
            continue;
        }
        out.flush();
        errf("kill: '%s': invalid signal\n", names[i]);
        status = 1;
    }
    return status;
}

static int kill_main(int argc, char** argv, char**)
{
    int signal = redox::SIGTERM;
    int i = 1;
    // Options come first and only one signal may be given; parsed by hand because "-9" and
    // "-KILL" are signals, not option clusters.
    if (i < argc) {
        StringView arg(argv[i]);
        if (arg == "--help")
            return print_help(usage);
        if (arg == "-l" || arg == "-L" || arg == "--list")
            return list_signals(argv + i + 1, argc - i - 1);
        if (arg == "-s" || arg == "-n" || arg == "--signal") {
            if (i + 1 >= argc) {
                errf("kill: option requires an argument -- '%c'\n", arg[1] == '-' ? 's' : arg[1]);
                return usage_error(usage, 1);
            }
            signal = parse_signal(argv[i + 1]);
            if (signal < 0) {
                errf("kill: '%s': invalid signal\n", argv[i + 1]);
                return 1;
            }
            i += 2;
        } else if (arg.length() > 1 && arg[0] == '-' && arg != "--") {
            // "-s" glued to its value ("-sKILL") or a bare "-KILL" / "-9".
            StringView spec = arg.substring(
                arg.starts_with("-s") && arg.length() > 2 && parse_signal(arg.substring(1)) < 0 ? 2 : 1);
            if (arg.starts_with("--")) {
                errf("kill: unrecognized option '%s'\n", argv[i]);
                return usage_error(usage, 1);
            }
            signal = parse_signal(spec);
            if (signal < 0) {
                errf("kill: '%.*s': invalid signal\n", static_cast<int>(spec.length()), spec.chars());
                return 1;
            }
            ++i;
        }
    }
    if (i < argc && equals(argv[i], "--"))
        ++i;
    if (i >= argc) {
        errf("kill: no process ID specified\n");
        return usage_error(usage, 1);
    }
    int status = 0;
    for (; i < argc; ++i) {
        i64 pid;
        if (!ktl::parse_i64(argv[i], pid)) {
            errf("kill: '%s': invalid process id\n", argv[i]);
            status = 1;
            continue;
        }
        if (long r = sys::kill(pid, signal); r < 0) {
            errf("kill: (%s): %s\n", argv[i], redox::error_string(static_cast<int>(-r)));
            status = 1;
        }
    }
    return status;
}

REDOX_PROGRAM("kill", kill_main)
