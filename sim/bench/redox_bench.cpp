// redox-bench: measures the simulator and its Linux counterpart side by side, in one run,
// on one machine, and prints a table (or one JSON object with --json).
//
// The Redox side boots a real kernel in this process (the same core, schemes and apps as
// redox-sim) whose init is the "bench-init" program below: it runs each workload in Redox
// contexts through the project's syscall library. The Linux side runs the equivalent with
// Linux system calls, processes and threads.
#include "../../kernel_core/kernel.h"
#include "../hal/sim_state.h"
#include "linux_side.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

// After the host headers, before the Redox ABI ones (they reuse errno and flag names).
#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "../../apps/bench/echo_scheme.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Settings {
    long iterations = 1'000'000;
    long contexts = 100'000;
    bool quick = false;
};

struct RedoxResults {
    double null_read_ns = 0;
    double scheme_round_trip_ns = 0;
    double pipe_bytes_per_s = 0;
    double spawn_ns = 0;
    double yield_ns = 0;
    double idle_context_bytes = 0;
    long idle_contexts = 0;
    std::string error;
};

// Handed to bench-init (one kernel per run, so plain statics are fine in this host tool).
Settings s_settings;
RedoxResults s_redox;

long spawn_entry(sys::CloneEntry entry, void* argument) { return sys::clone(0, entry, argument); }

double redox_null_read()
{
    long fd = sys::open("/scheme/null", redox::O_RDONLY);
    char byte;
    long n = s_settings.iterations;
    auto start = Clock::now();
    for (long i = 0; i < n; ++i)
        sys::read(static_cast<int>(fd), &byte, 1);
    double elapsed = seconds_since(start);
    sys::close(static_cast<int>(fd));
    return elapsed * 1e9 / static_cast<double>(n);
}

double redox_scheme_round_trip()
{
    bench::EchoScheme scheme { "benchecho", false };
    long daemon = spawn_entry(bench::serve_echo_scheme, &scheme);
    while (!scheme.ready)
        sys::yield();
    long fd = sys::open("/scheme/benchecho/x", redox::O_RDWR);
    if (fd < 0) {
        s_redox.error = "could not open the bench scheme";
        return 0;
    }
    char byte = 0;
    long n = s_settings.iterations / 4;
    auto start = Clock::now();
    for (long i = 0; i < n; ++i)
        sys::write(static_cast<int>(fd), &byte, 1);
    double elapsed = seconds_since(start);
    sys::close(static_cast<int>(fd));
    sys::kill(daemon, redox::SIGKILL);
    int status;
    sys::waitpid(daemon, &status, 0);
    return elapsed * 1e9 / static_cast<double>(n);
}

struct PipeJob {
    int read_fd;
    int write_fd;
};

int pipe_reader(void* argument)
{
    auto* job = static_cast<PipeJob*>(argument);
    sys::close(job->write_fd); // or the reader would never see the end
    std::vector<char> buffer(64 * 1024);
    while (sys::read(job->read_fd, buffer.data(), buffer.size()) > 0) {}
    return 0;
}

double redox_pipe_throughput()
{
    int fds[2];
    sys::pipe2(fds, 0);
    PipeJob job { fds[0], fds[1] };
    long reader = spawn_entry(pipe_reader, &job);
    sys::close(fds[0]);
    std::vector<char> chunk(64 * 1024, 'x');
    long chunks = s_settings.quick ? 4096 : 16384; // 256 MiB or 1 GiB
    auto start = Clock::now();
    for (long i = 0; i < chunks; ++i)
        io::write_all(fds[1], chunk.data(), chunk.size());
    sys::close(fds[1]);
    int status;
    sys::waitpid(reader, &status, 0);
    double elapsed = seconds_since(start);
    return static_cast<double>(chunks) * static_cast<double>(chunk.size()) / elapsed;
}

struct SpawnJob {
    const char* path;
};

int exec_true(void* argument)
{
    const char* argv[] = { "true", nullptr };
    const char* envp[] = { nullptr };
    return static_cast<int>(sys::execve(static_cast<SpawnJob*>(argument)->path, argv, envp));
}

double redox_spawn()
{
    SpawnJob job { "/bin/true" };
    long n = s_settings.quick ? 20'000 : 100'000;
    auto start = Clock::now();
    for (long i = 0; i < n; ++i) {
        long pid = sys::clone(redox::CLONE_VFORK, exec_true, &job);
        int status = 0;
        sys::waitpid(pid, &status, 0);
        if (status != 0) {
            s_redox.error = "spawned /bin/true failed";
            return 0;
        }
    }
    return seconds_since(start) * 1e9 / static_cast<double>(n);
}

int yield_loop(void* argument)
{
    long n = *static_cast<long*>(argument);
    for (long i = 0; i < n; ++i)
        sys::yield();
    return 0;
}

double redox_yield()
{
    long n = s_settings.iterations;
    long other = spawn_entry(yield_loop, &n);
    auto start = Clock::now();
    for (long i = 0; i < n; ++i)
        sys::yield();
    double elapsed = seconds_since(start);
    int status;
    sys::waitpid(other, &status, 0);
    // Each yield hands the CPU to the other context: 2n switches in total.
    return elapsed * 1e9 / static_cast<double>(2 * n);
}

int idle_context(void* argument)
{
    auto* fds = static_cast<int*>(argument);
    sys::close(fds[1]);
    char byte;
    sys::read(fds[0], &byte, 1); // blocks until every write end is closed
    return 0;
}

void redox_idle_contexts()
{
    int fds[2];
    sys::pipe2(fds, 0);
    long before = static_cast<long>(linux_side::resident_bytes());
    std::vector<long> pids;
    pids.reserve(static_cast<std::size_t>(s_settings.contexts));
    for (long i = 0; i < s_settings.contexts; ++i) {
        long pid = spawn_entry(idle_context, fds);
        if (pid < 0)
            break;
        pids.push_back(pid);
    }
    // Let every context run until it blocks in its read.
    for (int round = 0; round < 3; ++round)
        sys::yield();
    long after = static_cast<long>(linux_side::resident_bytes());
    s_redox.idle_contexts = static_cast<long>(pids.size());
    s_redox.idle_context_bytes = static_cast<double>(after - before) / static_cast<double>(pids.size());
    sys::close(fds[0]);
    sys::close(fds[1]);
    for (long pid : pids) {
        int status;
        sys::waitpid(pid, &status, 0);
    }
}

int start_file_system()
{
    SpawnJob job { "/scheme/initfs/bin/filed" };
    long pid = sys::clone(
        0,
        [](void* j) -> int {
            const char* a[] = { "filed", nullptr };
            const char* e[] = { nullptr };
            return static_cast<int>(sys::execve(static_cast<SpawnJob*>(j)->path, a, e));
        },
        &job);
    if (pid < 0)
        return 1;
    for (int i = 0; i < 10000; ++i) {
        long fd = sys::open("/", redox::O_STAT | redox::O_RDONLY);
        if (fd >= 0) {
            sys::close(static_cast<int>(fd));
            break;
        }
        sys::yield();
    }
    // /bin/true on the file system, as exec finds programs on Redox.
    sys::mkdir("/bin", 0755);
    long in = sys::open("/scheme/initfs/bin/true", redox::O_RDONLY);
    long out = sys::open("/bin/true", redox::O_CREAT | redox::O_WRONLY | 0755);
    ktl::String content;
    io::read_all(static_cast<int>(in), content);
    io::write_all(static_cast<int>(out), content);
    sys::close(static_cast<int>(in));
    sys::close(static_cast<int>(out));
    return 0;
}

int bench_init(int, char**, char**)
{
    if (start_file_system() != 0) {
        s_redox.error = "the file system did not start";
        return 1;
    }
    std::fprintf(stderr, "redox: null read...\n");
    s_redox.null_read_ns = redox_null_read();
    std::fprintf(stderr, "redox: scheme round trip...\n");
    s_redox.scheme_round_trip_ns = redox_scheme_round_trip();
    std::fprintf(stderr, "redox: pipe throughput...\n");
    s_redox.pipe_bytes_per_s = redox_pipe_throughput();
    std::fprintf(stderr, "redox: spawn...\n");
    s_redox.spawn_ns = redox_spawn();
    std::fprintf(stderr, "redox: yield...\n");
    s_redox.yield_ns = redox_yield();
    std::fprintf(stderr, "redox: %ld idle contexts...\n", s_settings.contexts);
    redox_idle_contexts();
    return 0;
}

struct Row {
    std::string name;
    std::string unit;
    double redox;
    double linux_value;
    bool higher_is_better;
    std::string target;
};

} // namespace

REDOX_PROGRAM("bench-init", bench_init)

int main(int argc, char** argv)
{
    CLI::App app { "redox-bench: the simulator and its Linux counterpart, side by side in one run", "redox-bench" };
    bool json = false;
    app.add_flag("--json", json, "Print one JSON object with every figure and ratio");
    app.add_flag("--quick", s_settings.quick, "Fewer iterations (for smoke tests)");
    app.add_option("--contexts", s_settings.contexts, "Idle contexts to create for the memory figure")
        ->check(CLI::Range(1l, 1'000'000l))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (s_settings.quick)
        s_settings.iterations = 200'000;
    spdlog::set_level(spdlog::level::warn);

    kernel::BootConfig config;
    config.init_args.append("bench-init");
    int status;
    {
        kernel::Kernel kernel(config);
        status = kernel.run();
    }
    if (status != 0 || !s_redox.error.empty()) {
        std::fprintf(stderr, "redox-bench: the Redox side failed: %s (status %d)\n", s_redox.error.c_str(), status);
        return 1;
    }

    std::fprintf(stderr, "linux: measuring...\n");
    linux_side::Results linux_results = linux_side::measure(s_settings.iterations, s_settings.quick);

    std::vector<Row> rows = {
        { "read 1 byte from null", "ns/op", s_redox.null_read_ns, linux_results.null_read_ns, false, "10x" },
        { "userspace scheme round trip vs pipe ping-pong", "ns/op", s_redox.scheme_round_trip_ns,
            linux_results.pipe_ping_pong_ns, false, "50x" },
        { "pipe throughput, 64 KiB writes", "MiB/s", s_redox.pipe_bytes_per_s / 1048576.0,
            linux_results.pipe_bytes_per_s / 1048576.0, true, "2x" },
        { "spawn + exit + waitpid (/bin/true)", "ns/op", s_redox.spawn_ns, linux_results.spawn_ns, false, "100x" },
        { "yield ping-pong, one CPU", "ns/switch", s_redox.yield_ns, linux_results.yield_ns, false, "" },
        { "memory per idle context vs idle thread", "bytes", s_redox.idle_context_bytes,
            linux_results.idle_thread_bytes, false, "" },
    };
    double total_for_100k = s_redox.idle_context_bytes * 100'000.0;
    if (json) {
        std::printf("{\n  \"machine\": \"%s\",\n  \"rows\": [\n", linux_side::machine_description().c_str());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Row& r = rows[i];
            double ratio = r.higher_is_better ? r.redox / r.linux_value : r.linux_value / r.redox;
            std::printf("    {\"name\": \"%s\", \"unit\": \"%s\", \"redox\": %.3f, \"linux\": %.3f, \"speedup\": %.3f, "
                        "\"target\": \"%s\"}%s\n",
                r.name.c_str(), r.unit.c_str(), r.redox, r.linux_value, ratio, r.target.c_str(),
                i + 1 < rows.size() ? "," : "");
        }
        std::printf("  ],\n  \"idle_contexts\": %ld,\n  \"bytes_for_100k_contexts\": %.0f,\n  \"fits_2GiB\": %s\n}\n",
            s_redox.idle_contexts, total_for_100k, total_for_100k < 2.0 * 1024 * 1024 * 1024 ? "true" : "false");
        return 0;
    }
    std::printf("machine: %s\n\n", linux_side::machine_description().c_str());
    std::printf("%-48s %-10s %14s %14s %10s %8s\n", "benchmark", "unit", "redox-sim", "linux", "speedup", "target");
    for (const Row& r : rows) {
        double ratio = r.higher_is_better ? r.redox / r.linux_value : r.linux_value / r.redox;
        std::printf("%-48s %-10s %14.1f %14.1f %9.2fx %8s\n", r.name.c_str(), r.unit.c_str(), r.redox, r.linux_value,
            ratio, r.target.c_str());
    }
    std::printf("\n%ld idle contexts measured; 100,000 would take %.1f MiB (limit 2048 MiB)\n", s_redox.idle_contexts,
        total_for_100k / 1048576.0);
    return 0;
}
