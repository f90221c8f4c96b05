#include "kernel_harness.h"

#include <vector>

#include "../../kernel_core/kernel.h"
#include "../fake_hal/fake_hal.h"
#include "redox/program.h"

namespace harness {

namespace {
    // The test binary runs one kernel at a time; its body is handed to pid 1 through here.
    std::function<int()>* s_body = nullptr;
    bool s_start_file_system = false;
    long s_file_system_pid = 0;
    // Bodies handed to spawned contexts: a context that dies by a signal or execs never returns
    // to free its own, so the harness frees them all when the kernel is gone.
    std::vector<std::function<int()>*>* s_spawned_bodies = nullptr;

    int start_file_system()
    {
        long pid = s_file_system_pid = spawn([] {
            const char* argv[] = { "filed", nullptr };
            const char* envp[] = { nullptr };
            return static_cast<int>(sys::execve("/scheme/initfs/bin/filed", argv, envp));
        });
        for (int i = 0; i < 1000; ++i) {
            long fd = sys::open("/", redox::O_STAT | redox::O_RDONLY);
            if (fd >= 0) {
                sys::close(static_cast<int>(fd));
                return 0;
            }
            sys::yield();
        }
        (void)pid;
        return -1;
    }

} // namespace

int test_init_main(int, char**, char**)
{
    if (s_start_file_system && start_file_system() != 0)
        return 99;
    int status = (*s_body)();
    if (s_file_system_pid > 0) {
        // Stop filed while it waits for requests, so its kernel objects are released.
        sys::kill(s_file_system_pid, redox::SIGKILL);
        wait_status(s_file_system_pid);
        s_file_system_pid = 0;
    }
    return status;
}

namespace {
    int clone_entry(void* argument)
    {
        auto* body = static_cast<std::function<int()>*>(argument);
        return (*body)();
    }
} // namespace

Run boot(std::function<int()> body, Options options)
{
    fake_hal::reset(options.console_input);
    s_body = &body;
    s_start_file_system = options.start_file_system;
    s_file_system_pid = 0;
    std::vector<std::function<int()>*> spawned;
    s_spawned_bodies = &spawned;
    kernel::BootConfig config;
    config.init_args.append("test-init");
    config.seed = 7;
    config.time_slice_ns = options.time_slice_ns;
    Run run;
    {
        kernel::Kernel kernel(config);
        run.status = kernel.run();
    }
    run.console = fake_hal::console_output();
    s_body = nullptr;
    for (auto* spawned_body : spawned)
        delete spawned_body;
    s_spawned_bodies = nullptr;
    return run;
}

long spawn(std::function<int()> body, unsigned long flags)
{
    auto* heap_body = new std::function<int()>(std::move(body));
    long pid = sys::clone(flags, clone_entry, heap_body);
    if (pid < 0)
        delete heap_body;
    else
        s_spawned_bodies->push_back(heap_body);
    return pid;
}

int wait_status(long pid)
{
    int status = -1;
    long r;
    do
        r = sys::waitpid(pid, &status, 0);
    while (r == -redox::EINTR);
    return r == pid ? status : -1;
}

} // namespace harness

static int test_init(int argc, char** argv, char** envp) { return harness::test_init_main(argc, argv, envp); }
REDOX_PROGRAM("test-init", test_init)

// filed is killed at the end of each boot while it serves requests: in one address space a
// killed program's heap (its whole file system) is never reclaimed. Not a kernel leak.
// The same for redoxfsd in the driver supervisor's tests (test_driver_supervisor.cpp).
extern "C" const char* __lsan_default_suppressions() { return "leak:filed_main\nleak:redoxfsd_main\n"; }
