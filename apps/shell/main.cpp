// sh: the Redox shell. `sh -c CMD [NAME ARGS...]` runs CMD, `sh FILE [ARGS...]` runs a
// script, and with neither it reads commands from stdin (interactively on the console).
#include "shell.h"

#include <redox/io.h>
#include <redox/program.h>

using shell::Shell;

// A console (and only a console) lets us open its foreground process group handle.
static bool stdin_is_console()
{
    long handle = sys::dup(0, "pgrp");
    if (handle < 0)
        return false;
    sys::close(static_cast<int>(handle));
    return true;
}

static ktl::Vector<ktl::String> arguments_from(int argc, char** argv, int first)
{
    ktl::Vector<ktl::String> arguments;
    for (int i = first; i < argc; ++i)
        arguments.append(ktl::String(argv[i]));
    return arguments;
}

static int sh_main(int argc, char** argv, char** envp)
{
    int index = 1;
    bool force_interactive = false;
    char const* command = nullptr;
    while (index < argc && argv[index][0] == '-' && argv[index][1] != '\0') {
        ktl::StringView option(argv[index]);
        if (option == "--") {
            ++index;
            break;
        }
        if (option == "-i") {
            force_interactive = true;
            ++index;
            continue;
        }
        if (option == "-c") {
            if (index + 1 >= argc) {
                io::print(2, "sh: -c: option requires an argument\n");
                return 2;
            }
            command = argv[index + 1];
            index += 2;
            break;
        }
        io::print(
            2, "sh: %s: invalid option\nusage: sh [-i] [-c command [name [args...]]] [file [args...]]\n", argv[index]);
        return 2;
    }

    if (command) {
        Shell shell(envp, force_interactive);
        if (index < argc)
            shell.set_positional(argv[index], arguments_from(argc, argv, index + 1));
        return shell.run_command_string(command);
    }
    if (index < argc) {
        ktl::StringView path(argv[index]);
        long fd = sys::open(path, redox::O_RDONLY);
        if (fd < 0) {
            io::report_error("sh", path, fd);
            return 127;
        }
        Shell shell(envp, false);
        shell.set_positional(path, arguments_from(argc, argv, index + 1));
        int status = shell.run_file(static_cast<int>(fd), path);
        sys::close(static_cast<int>(fd));
        return status;
    }
    bool interactive = force_interactive || stdin_is_console();
    Shell shell(envp, interactive);
    return interactive ? shell.run_interactive() : shell.run_file(0, {});
}

REDOX_PROGRAM("sh", sh_main)
