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
#include <cstdlib>
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
    bool storage = true;
    bool storage_only = false;
    // The storage rows (sizes shrink with --quick).
    long file_bytes = 256l << 20;
    long small_files = 10'000;
    long dd_count = 100'000;
};

struct RedoxResults {
    double null_read_ns = 0;
    double scheme_round_trip_ns = 0;
    double pipe_bytes_per_s = 0;
    double spawn_ns = 0;
    double yield_ns = 0;
    double idle_context_bytes = 0;
    long idle_contexts = 0;
    linux_side::StorageResults storage;
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

// ---------------------------------------------------------------------------------------
// Storage: redoxfsd serving a RedoxFS image (the HAL disk: a temporary image file on the
// host file system) as `benchfs`, next to filed's in-memory `file`.

struct ExecJob {
    const char* path;
    const char* const* argv;
    bool quiet; // stdout and stderr to null
};

int exec_job(void* argument)
{
    auto* job = static_cast<ExecJob*>(argument);
    if (job->quiet) {
        long null = sys::open("/scheme/null", redox::O_RDWR);
        if (null >= 0) {
            sys::dup2(static_cast<int>(null), 1);
            sys::dup2(static_cast<int>(null), 2);
            sys::close(static_cast<int>(null));
        }
    }
    const char* envp[] = { nullptr };
    return static_cast<int>(sys::execve(job->path, job->argv, envp));
}

long start_redoxfs()
{
    static const char* argv[] = { "redoxfsd", "/scheme/disk/0", "benchfs", nullptr };
    static ExecJob job { "/scheme/initfs/bin/redoxfsd", argv, false };
    long pid = sys::clone(0, exec_job, &job);
    if (pid < 0)
        return pid;
    for (int i = 0; i < 100000; ++i) {
        long fd = sys::open("/scheme/benchfs/", redox::O_STAT | redox::O_RDONLY | redox::O_DIRECTORY);
        if (fd >= 0) {
            sys::close(static_cast<int>(fd));
            return pid;
        }
        int status = 0;
        if (sys::waitpid(pid, &status, redox::WNOHANG) == pid)
            return -1;
        sys::yield();
    }
    return -1;
}

bool redox_sequential(double& write_s, double& read_s)
{
    std::vector<char> chunk(1 << 20);
    for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = static_cast<char>('a' + i % 23);
    const char* path = "/scheme/benchfs/big";
    long fd = sys::open(path, redox::O_CREAT | redox::O_TRUNC | redox::O_WRONLY | 0644);
    if (fd < 0)
        return false;
    long chunks = s_settings.file_bytes / static_cast<long>(chunk.size());
    auto start = Clock::now();
    for (long i = 0; i < chunks; ++i) {
        if (io::write_all(static_cast<int>(fd), chunk.data(), chunk.size()) < 0)
            return false;
    }
    if (sys::fsync(static_cast<int>(fd)) < 0)
        return false;
    sys::close(static_cast<int>(fd));
    write_s = seconds_since(start);

    fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0)
        return false;
    long total = 0;
    start = Clock::now();
    for (;;) {
        long n = sys::read(static_cast<int>(fd), chunk.data(), chunk.size());
        if (n <= 0)
            break;
        total += n;
    }
    read_s = seconds_since(start);
    sys::close(static_cast<int>(fd));
    sys::unlink(path);
    return total == chunks * static_cast<long>(chunk.size()) && chunk[5] == 'a' + 5;
}

bool redox_small_files(double& seconds)
{
    if (sys::mkdir("/scheme/benchfs/small", 0755) < 0)
        return false;
    char content[100];
    for (std::size_t i = 0; i < sizeof content; ++i)
        content[i] = static_cast<char>('a' + i % 26);
    char path[64];
    long n = s_settings.small_files;
    auto name = [&](long i) { return ktl::format_buffer(path, sizeof path, "/scheme/benchfs/small/f%ld", i); };
    auto start = Clock::now();
    for (long i = 0; i < n; ++i) {
        usize length = name(i);
        long fd = sys::open({ path, length }, redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | 0644);
        if (fd < 0 || sys::write(static_cast<int>(fd), content, sizeof content) != sizeof content)
            return false;
        sys::close(static_cast<int>(fd));
    }
    for (long i = 0; i < n; ++i) {
        usize length = name(i);
        long fd = sys::open({ path, length }, redox::O_STAT | redox::O_RDONLY);
        redox::Stat st {};
        if (fd < 0 || sys::fstat(static_cast<int>(fd), st) < 0 || st.st_size != sizeof content)
            return false;
        sys::close(static_cast<int>(fd));
    }
    for (long i = 0; i < n; ++i) {
        usize length = name(i);
        if (sys::unlink({ path, length }) < 0)
            return false;
    }
    seconds = seconds_since(start);
    sys::rmdir("/scheme/benchfs/small");
    return true;
}

bool redox_dd(double& seconds)
{
    char count[32];
    ktl::format_buffer(count, sizeof count, "count=%ld", s_settings.dd_count);
    const char* argv[] = { "dd", "if=/scheme/zero", "of=/scheme/benchfs/dd.out", "bs=4k", count, nullptr };
    ExecJob job { "/scheme/initfs/bin/dd", argv, true };
    auto start = Clock::now();
    long pid = sys::clone(redox::CLONE_VFORK, exec_job, &job);
    int status = -1;
    if (pid >= 0)
        sys::waitpid(pid, &status, 0);
    seconds = seconds_since(start);
    redox::Stat st {};
    long fd = sys::open("/scheme/benchfs/dd.out", redox::O_STAT | redox::O_RDONLY);
    bool ok = status == 0 && fd >= 0 && sys::fstat(static_cast<int>(fd), st) >= 0
        && st.st_size == static_cast<u64>(s_settings.dd_count) * 4096;
    if (fd >= 0)
        sys::close(static_cast<int>(fd));
    sys::unlink("/scheme/benchfs/dd.out");
    return ok;
}

void redox_storage()
{
    long daemon = start_redoxfs();
    if (daemon < 0) {
        s_redox.error = "redoxfsd did not start on the bench image";
        return;
    }
    auto& r = s_redox.storage;
    std::fprintf(stderr, "redox: sequential write + fsync and read (%ld MiB)...\n", s_settings.file_bytes >> 20);
    if (!redox_sequential(r.write_s, r.read_s))
        s_redox.error = "the sequential file write/read failed";
    std::fprintf(stderr, "redox: create + stat + unlink of %ld files...\n", s_settings.small_files);
    if (s_redox.error.empty() && !redox_small_files(r.small_files_s))
        s_redox.error = "creating, stating or removing the small files failed";
    std::fprintf(stderr, "redox: dd bs=4k count=%ld...\n", s_settings.dd_count);
    if (s_redox.error.empty() && !redox_dd(r.dd_s))
        s_redox.error = "dd to the image failed";
    sys::kill(daemon, redox::SIGKILL);
    int status;
    sys::waitpid(daemon, &status, 0);
}

int bench_init(int, char**, char**)
{
    if (start_file_system() != 0) {
        s_redox.error = "the file system did not start";
        return 1;
    }
    if (s_settings.storage_only) {
        redox_storage();
        return 0;
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
    if (s_settings.storage)
        redox_storage();
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

// A scratch directory on the host file system holding the image (the HAL's disk) and the
// Linux side's files; removed at the end.
struct StorageSetup {
    std::string directory;
    std::string image;
    bool ok = false;

    bool create(const std::string& base, std::uint64_t image_bytes)
    {
        int fd = linux_side::create_image(base, image_bytes, directory, image);
        if (fd < 0)
            return false;
        sim::hal_settings().disk_fd = fd;
        sim::hal_settings().disk_blocks = image_bytes / 4096;
        ok = true;
        return true;
    }
    ~StorageSetup()
    {
        linux_side::remove_image(sim::hal_settings().disk_fd, directory, image);
        sim::hal_settings().disk_fd = -1;
    }
};

void print_rows(const std::vector<Row>& rows)
{
    std::printf("%-48s %-10s %14s %14s %10s %8s\n", "benchmark", "unit", "redox-sim", "linux", "speedup", "target");
    for (const Row& r : rows) {
        double ratio = r.higher_is_better ? r.redox / r.linux_value : r.linux_value / r.redox;
        std::printf("%-48s %-10s %14.1f %14.1f %9.2fx %8s\n", r.name.c_str(), r.unit.c_str(), r.redox, r.linux_value,
            ratio, r.target.c_str());
    }
}

void print_json_rows(const std::vector<Row>& rows)
{
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        double ratio = r.higher_is_better ? r.redox / r.linux_value : r.linux_value / r.redox;
        std::printf("    {\"name\": \"%s\", \"unit\": \"%s\", \"redox\": %.3f, \"linux\": %.3f, \"speedup\": %.3f, "
                    "\"target\": \"%s\"}%s\n",
            r.name.c_str(), r.unit.c_str(), r.redox, r.linux_value, ratio, r.target.c_str(),
            i + 1 < rows.size() ? "," : "");
    }
}

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
    bool no_storage = false;
    app.add_flag("--no-storage", no_storage, "Skip the storage rows (RedoxFS image vs the host file system)");
    const char* tmpdir = std::getenv("TMPDIR");
    std::string storage_base = tmpdir && *tmpdir ? tmpdir : "/tmp";
    app.add_flag("--storage-only", s_settings.storage_only, "Only the storage rows");
    app.add_option("--storage-dir", storage_base,
           "Host directory for the storage rows' image (1 GiB, sparse) and the Linux side's files")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (s_settings.quick) {
        s_settings.iterations = 200'000;
        s_settings.file_bytes = 16l << 20;
        s_settings.small_files = 200;
        s_settings.dd_count = 1000;
    }
    s_settings.storage = !no_storage || s_settings.storage_only;
    spdlog::set_level(spdlog::level::warn);

    StorageSetup storage;
    if (s_settings.storage && !storage.create(storage_base, s_settings.quick ? 256ull << 20 : 1ull << 30)) {
        std::fprintf(stderr, "redox-bench: can not create the disk image in %s\n", storage_base.c_str());
        return 1;
    }

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
    linux_side::Results linux_results;
    if (!s_settings.storage_only)
        linux_results = linux_side::measure(s_settings.iterations, s_settings.quick);
    linux_side::StorageResults linux_storage;
    if (s_settings.storage) {
        std::fprintf(stderr, "linux: storage in %s...\n", storage.directory.c_str());
        std::string failed = linux_side::measure_storage(
            storage.directory, s_settings.file_bytes, s_settings.small_files, s_settings.dd_count, linux_storage);
        if (!failed.empty()) {
            std::fprintf(stderr, "redox-bench: the Linux storage side failed: %s\n", failed.c_str());
            return 1;
        }
    }

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
    // Storage: redoxfsd on the image vs the host file system that holds the image.
    std::vector<Row> storage_rows;
    if (s_settings.storage) {
        const auto& r = s_redox.storage;
        const auto& l = linux_storage;
        double mib = static_cast<double>(s_settings.file_bytes) / 1048576.0;
        double files = static_cast<double>(s_settings.small_files);
        double dd_mib = static_cast<double>(s_settings.dd_count) * 4096.0 / 1048576.0;
        char name[96];
        std::snprintf(name, sizeof name, "sequential write + fsync, %.0f MiB", mib);
        storage_rows.push_back({ name, "MiB/s", mib / r.write_s, mib / l.write_s, true, "0.5x" });
        std::snprintf(name, sizeof name, "sequential read, %.0f MiB", mib);
        storage_rows.push_back({ name, "MiB/s", mib / r.read_s, mib / l.read_s, true, "0.5x" });
        std::snprintf(name, sizeof name, "create + stat + unlink, %.0f small files", files);
        storage_rows.push_back(
            { name, "us/file", r.small_files_s * 1e6 / files, l.small_files_s * 1e6 / files, false, "0.25x" });
        std::snprintf(name, sizeof name, "dd if=zero bs=4k count=%ld to a file", s_settings.dd_count);
        storage_rows.push_back({ name, "MiB/s", dd_mib / r.dd_s, dd_mib / l.dd_s, true, "" });
    }
    double total_for_100k = s_redox.idle_context_bytes * 100'000.0;
    if (json) {
        std::printf("{\n  \"machine\": \"%s\",\n  \"rows\": [\n", linux_side::machine_description().c_str());
        print_json_rows(rows);
        std::printf("  ],\n  \"storage\": [\n");
        print_json_rows(storage_rows);
        std::printf("  ],\n  \"idle_contexts\": %ld,\n  \"bytes_for_100k_contexts\": %.0f,\n  \"fits_2GiB\": %s\n}\n",
            s_redox.idle_contexts, total_for_100k, total_for_100k < 2.0 * 1024 * 1024 * 1024 ? "true" : "false");
        return 0;
    }
    std::printf("machine: %s\n", linux_side::machine_description().c_str());
    if (!s_settings.storage_only) {
        std::printf("\n");
        print_rows(rows);
        std::printf("\n%ld idle contexts measured; 100,000 would take %.1f MiB (limit 2048 MiB)\n",
            s_redox.idle_contexts, total_for_100k / 1048576.0);
    }
    if (!storage_rows.empty()) {
        std::printf("\nstorage: redoxfsd on a RedoxFS image file vs the host file system holding it (%s)\n\n",
            storage_base.c_str());
        print_rows(storage_rows);
    }
    return 0;
}
