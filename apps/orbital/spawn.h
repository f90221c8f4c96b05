#pragma once
// Starting a program from a graphical app: /bin/NAME (or initfs) in its own process group,
// with the caller's environment.
#include "redox/io.h"
#include "redox/sys.h"

namespace apps {

struct SpawnRequest {
    const char* path;
    const char* const* argv;
    char** envp;
};

inline int spawn_entry(void* argument)
{
    auto* request = static_cast<SpawnRequest*>(argument);
    sys::setpgid(0, 0);
    long r = sys::execve(request->path, request->argv, request->envp);
    io::report_error(request->argv[0], request->path, r);
    return 127;
}

// Returns the child's pid or -errno. The caller reaps it (waitpid).
inline long spawn(const char* const* argv, char** envp)
{
    ktl::String path;
    if (!io::find_in_path(envp, argv[0], path)) {
        path = "/scheme/initfs/bin/";
        path.append(argv[0]);
    }
    SpawnRequest request { path.c_str(), argv, envp };
    return sys::clone(redox::CLONE_VFORK, spawn_entry, &request);
}

} // namespace apps
