#pragma once
// Boots a real kernel (real scheduler, schemes and syscalls) on the fake HAL and runs a test
// body as pid 1. Bodies run inside kernel contexts: use CHECK (never REQUIRE: it throws) and
// the project's syscall library (apps/lib/redox/sys.h).
#include <functional>
#include <string>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "redox/sys.h"

namespace harness {

struct Run {
    int status; // init's exit status (the body's return value)
    std::string console; // everything written to the console
};

struct Options {
    std::string console_input;
    std::uint64_t time_slice_ns = 5'000'000;
    bool start_file_system = false; // start `filed` first so "/" works
};

// Options that start the file system.
inline Options with_fs() { return { .console_input = {}, .start_file_system = true }; }

Run boot(std::function<int()> body, Options options = {});

int test_init_main(int argc, char** argv, char** envp);

// Starts a new process (or thread, with CLONE_VM) running `body`; returns its pid.
long spawn(std::function<int()> body, unsigned long flags = 0);

// Waits for pid and returns its wait status.
int wait_status(long pid);

} // namespace harness
