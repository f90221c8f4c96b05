// Starting a remote driver from inside the system: the registry program (a driver's name,
// or `hostdriver EXECUTABLE`) spawns the Linux executable with one end of a socket pair and
// its stdout/stderr on a pipe, then becomes its proxy.
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {
// Linux values, captured before the Redox ABI headers take these names.
constexpr int linux_o_rdonly = O_RDONLY;
constexpr int linux_o_cloexec = O_CLOEXEC;
} // namespace

#include "../../drivers/remote/wire_protocol.h"
#include "connection.h"
#include "driver_host_state.h"
// clang-format off
#include "../../apps/lib/redox/sys.h"
// clang-format on
#include "driver_programs.h"
#include "proxy.h"

extern char** environ;

namespace sim::driver_host {

namespace {

    // To the Redox stderr of the program that started the driver.
    void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
    void say(const char* format, ...)
    {
        char text[1024];
        va_list args;
        va_start(args, format);
        int n = std::vsnprintf(text, sizeof text, format, args);
        va_end(args);
        if (n > 0)
            sys::write(2, text, static_cast<unsigned long>(n < static_cast<int>(sizeof text) ? n : sizeof text - 1));
    }

    std::string base_name(const std::string& path)
    {
        std::size_t slash = path.rfind('/');
        return slash == std::string::npos ? path : path.substr(slash + 1);
    }

    // The Linux process: the socket as fd 3 (REDOX_DRIVER_FD), stdout and stderr into
    // `output`, no stdin, none of the simulator's other files, default signal handling and
    // its own process group (the terminal's signals are the simulator's business).
    int spawn(const std::string& path, int socket, int output, pid_t& pid)
    {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", linux_o_rdonly, 0);
        posix_spawn_file_actions_adddup2(&actions, output, 1);
        posix_spawn_file_actions_adddup2(&actions, output, 2);
        posix_spawn_file_actions_adddup2(&actions, socket, 3);
        posix_spawn_file_actions_addclosefrom_np(&actions, 4);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attributes, &none);
        posix_spawnattr_setsigdefault(&attributes, &all);
        posix_spawnattr_setpgroup(&attributes, 0);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

        std::vector<std::string> variables;
        for (char** variable = environ; *variable; ++variable)
            if (std::strncmp(*variable, "REDOX_DRIVER_FD=", 16) != 0)
                variables.emplace_back(*variable);
        variables.emplace_back("REDOX_DRIVER_FD=3");
        std::vector<char*> envp;
        for (std::string& variable : variables)
            envp.push_back(variable.data());
        envp.push_back(nullptr);
        std::string argv0 = path;
        char* argv[] = { argv0.data(), nullptr };

        int error = posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, envp.data());
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
        return error;
    }

    int run_driver(const std::string& path, std::vector<std::string> arguments, char** envp)
    {
        std::string name = base_name(path);
        if (access(path.c_str(), X_OK) != 0) {
            say("%s: no driver executable at %s (build it with ninja, or give redox-sim --driver-dir)\n", name.c_str(),
                path.c_str());
            return 127;
        }
        int sockets[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
            say("%s: socketpair: %s\n", name.c_str(), std::strerror(errno));
            return 126;
        }
        int output[2];
        if (pipe2(output, linux_o_cloexec) != 0) {
            say("%s: pipe: %s\n", name.c_str(), std::strerror(errno));
            close(sockets[0]);
            close(sockets[1]);
            return 126;
        }
        pid_t pid = 0;
        int error = spawn(path, sockets[1], output[1], pid);
        close(sockets[1]);
        close(output[1]);
        if (error) {
            say("%s: can not start %s: %s\n", name.c_str(), path.c_str(), std::strerror(error));
            close(sockets[0]);
            close(output[0]);
            return 126;
        }
        auto connection = std::make_shared<Connection>(name, sockets[0], pid, output[0]);
        connection->max_payload = wire::configure_socket(sockets[0]);
        Connection::start_watcher(connection);
        std::vector<std::string> environment;
        for (char** variable = envp; variable && *variable; ++variable)
            environment.emplace_back(*variable);
        if (arguments.empty())
            arguments.push_back(name);
        serve(std::move(connection), std::move(arguments), std::move(environment));
    }

    int hostdriver_main(int argc, char** argv, char** envp)
    {
        if (argc < 2) {
            say("usage: hostdriver EXECUTABLE [ARGS...]\n"
                "Runs a driver built against the remote runtime as a Linux process and stands for it.\n"
                "A name without '/' is looked up in %s.\n",
                driver_directory().c_str());
            return 2;
        }
        std::string path = argv[1];
        if (path.find('/') == std::string::npos)
            path = driver_directory() + "/" + path;
        std::vector<std::string> arguments { base_name(path) };
        for (int i = 2; i < argc; ++i)
            arguments.emplace_back(argv[i]);
        return run_driver(path, std::move(arguments), envp);
    }

} // namespace

int run_named_driver(const char* name, int argc, char** argv, char** envp)
{
    std::vector<std::string> arguments { name };
    for (int i = 1; i < argc; ++i)
        arguments.emplace_back(argv[i]);
    return run_driver(driver_directory() + "/" + name, std::move(arguments), envp);
}

REDOX_PROGRAM("hostdriver", hostdriver_main)

} // namespace sim::driver_host
