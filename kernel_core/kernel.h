#pragma once
// The kernel object: owns every core subsystem. One exists per booted system; the core runs
// on one host thread (sim) or one CPU (hardware), so it needs no locks.
#include "ktl/string.h"
#include "ktl/vector.h"
#include "wait_queue.h"

namespace kernel {

class Scheduler;
class ContextTable;
class NamespaceTable;
class KernelLog;
class Random;
class DebugScheme;
class InputScheme;
struct Context;

struct BootConfig {
    // Program and arguments of the first process (pid 1).
    ktl::Vector<ktl::String> init_args;
    ktl::String version { "0.1.0" };
    // Seed for the CSPRNG; 0 takes entropy from the HAL.
    u64 seed { 0 };
    usize time_slice_ns { 5'000'000 };
    // Log every syscall with its arguments and result (slow; for debugging).
    bool trace_syscalls { false };
};

class Kernel {
public:
    explicit Kernel(const BootConfig& config);
    ~Kernel();
    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;

    // Starts init and runs contexts until shutdown; returns the shutdown status.
    int run();

    const BootConfig& config() const { return m_config; }
    Scheduler& scheduler() { return *m_scheduler; }
    ContextTable& contexts() { return *m_contexts; }
    NamespaceTable& namespaces() { return *m_namespaces; }
    KernelLog& log() { return *m_log; }
    Random& random() { return *m_random; }
    DebugScheme& debug() { return *m_debug; }
    InputScheme& input() { return *m_input; }
    u64 boot_time_ns() const { return m_boot_ns; }
    u64 syscall_count() const { return m_syscall_count; }
    void count_syscall() { ++m_syscall_count; }

    // Stops the system: the scheduler returns to run() with this status.
    void request_shutdown(int status);
    // The host asks the system to stop (the sim got SIGTERM): init hears SIGTERM and shuts
    // down through sys:kstop, which syncs the file system; if the system has not stopped
    // TERMINATE_GRACE_NS later, it stops with `status` anyway.
    void request_terminate(int status);
    static constexpr u64 TERMINATE_GRACE_NS = 5'000'000'000ull;

private:
    BootConfig m_config;
    Scheduler* m_scheduler;
    ContextTable* m_contexts;
    NamespaceTable* m_namespaces;
    KernelLog* m_log;
    Random* m_random;
    DebugScheme* m_debug;
    Timer m_terminate_timer;
    int m_terminate_status { 0 };
    InputScheme* m_input;
    u64 m_boot_ns { 0 };
    u64 m_syscall_count { 0 };
};

// The booted kernel (exactly one at a time).
Kernel& the_kernel();
Context& current();

} // namespace kernel
