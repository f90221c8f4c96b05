// env: print the environment, or run a command in a modified one.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]\n"
                                "Set each NAME to VALUE in the environment and run COMMAND, or print the environment.\n"
                                "  -i, --ignore-environment  start with an empty environment\n"
                                "  -u, --unset=NAME          remove NAME from the environment\n"
                                "  -0, --null                end each output line with NUL, not newline";

static constexpr LongOption long_options[] = {
    { "ignore-environment", 'i' },
    { "unset", 'u', LongOption::Required },
    { "null", '0' },
};
static constexpr CommandSyntax syntax { "env", usage, "iu:0", long_options, 125, false };

static StringView variable_name(StringView assignment)
{
    isize equals = assignment.find('=');
    return equals < 0 ? assignment : assignment.substring(0, static_cast<usize>(equals));
}

// Replaces (or adds) the entry with the same NAME.
static void set_variable(Vector<const char*>& environment, const char* assignment)
{
    StringView name = variable_name(assignment);
    for (auto& entry : environment) {
        if (variable_name(entry) == name) {
            entry = assignment;
            return;
        }
    }
    environment.append(assignment);
}

static void unset_variable(Vector<const char*>& environment, StringView name)
{
    for (usize i = 0; i < environment.size();) {
        if (variable_name(environment[i]) == name)
            environment.remove(i);
        else
            ++i;
    }
}

static int env_main(int argc, char** argv, char** envp)
{
    bool ignore_environment = false;
    bool null_terminated = false;
    Vector<StringView> unset;
    // Options stop at the first operand: what follows belongs to COMMAND.
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'i':
            ignore_environment = true;
            break;
        case 'u':
            unset.append(options.value());
            break;
        case '0':
            null_terminated = true;
            break;
        default:
            return options.stop(c);
        }
    }
    // A lone "-" also means -i (the historical spelling).
    auto& operands = options.operands();
    usize next = 0;
    if (next < operands.size() && equals(operands[next], "-")) {
        ignore_environment = true;
        ++next;
    }

    Vector<const char*> environment;
    if (!ignore_environment) {
        for (char** e = envp; e && *e; ++e)
            environment.append(*e);
    }
    for (auto name : unset)
        unset_variable(environment, name);
    for (; next < operands.size() && StringView(operands[next]).find('=') > 0; ++next)
        set_variable(environment, operands[next]);

    if (next >= operands.size()) {
        io::BufferedWriter out(1);
        for (const char* entry : environment) {
            out.write(StringView(entry));
            out.write(null_terminated ? StringView("\0", 1) : StringView("\n"));
        }
        return finish_output(out, "env", 0, 125);
    }
    if (null_terminated) {
        errf("env: cannot specify --null (-0) with command\n");
        return options.usage_error();
    }

    StringView command(operands[next]);
    Vector<const char*> arguments;
    for (usize i = next; i < operands.size(); ++i)
        arguments.append(operands[i]);
    arguments.append(nullptr);
    environment.append(nullptr);
    // PATH is looked up in the new environment, as GNU env does (execvp after the changes).
    String path;
    if (!io::find_in_path(const_cast<char**>(environment.data()), command, path)) {
        errf("env: '%.*s': No such file or directory\n", static_cast<int>(command.length()), command.chars());
        return 127;
    }
    long r = sys::execve(path, arguments.data(), environment.data());
    errf("env: '%.*s': %s\n", static_cast<int>(command.length()), command.chars(),
        redox::error_string(static_cast<int>(-r)));
    return r == -redox::ENOENT ? 127 : 126;
}

REDOX_PROGRAM("env", env_main)
