#include "linux_side.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

extern char** environ;

namespace linux_side {

namespace {

    using Clock = std::chrono::steady_clock;
    double seconds_since(Clock::time_point start)
    {
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

    double null_read(long n)
    {
        int fd = open("/dev/null", O_RDONLY);
        char byte;
        auto start = Clock::now();
        for (long i = 0; i < n; ++i)
            if (read(fd, &byte, 1) < 0)
                break;
        double elapsed = seconds_since(start);
        close(fd);
        return elapsed * 1e9 / static_cast<double>(n);
    }

    double pipe_ping_pong(long n)
    {
        int there[2], back[2];
        if (pipe(there) || pipe(back))
            return 0;
        pid_t child = fork();
        if (child == 0) {
            close(there[1]);
            close(back[0]);
            char byte;
            while (read(there[0], &byte, 1) == 1)
                if (write(back[1], &byte, 1) != 1)
                    break;
            _exit(0);
        }
        char byte = 'x';
        auto start = Clock::now();
        for (long i = 0; i < n; ++i) {
            if (write(there[1], &byte, 1) != 1 || read(back[0], &byte, 1) != 1)
                break;
        }
        double elapsed = seconds_since(start);
        close(there[1]);
        close(there[0]);
        close(back[0]);
        close(back[1]);
        waitpid(child, nullptr, 0);
        return elapsed * 1e9 / static_cast<double>(n);
    }

    double pipe_throughput(long chunks)
    {
        int fds[2];
        if (pipe(fds))
            return 0;
        pid_t child = fork();
        if (child == 0) {
            close(fds[1]);
            std::vector<char> buffer(64 * 1024);
            while (read(fds[0], buffer.data(), buffer.size()) > 0) {}
            _exit(0);
        }
        close(fds[0]);
        std::vector<char> chunk(64 * 1024, 'x');
        auto start = Clock::now();
        for (long i = 0; i < chunks; ++i) {
            std::size_t done = 0;
            while (done < chunk.size()) {
                ssize_t w = write(fds[1], chunk.data() + done, chunk.size() - done);
                if (w <= 0)
                    break;
                done += static_cast<std::size_t>(w);
            }
        }
        close(fds[1]);
        waitpid(child, nullptr, 0);
        return static_cast<double>(chunks) * 65536.0 / seconds_since(start);
    }

    double spawn_true(long n)
    {
        char* argv[] = { const_cast<char*>("true"), nullptr };
        auto start = Clock::now();
        for (long i = 0; i < n; ++i) {
            pid_t pid;
            if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ) != 0)
                return 0;
            waitpid(pid, nullptr, 0);
        }
        return seconds_since(start) * 1e9 / static_cast<double>(n);
    }

    double yield_ping_pong(long n)
    {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        std::atomic<bool> go { false };
        auto body = [&] {
            pthread_setaffinity_np(pthread_self(), sizeof one, &one);
            while (!go)
                sched_yield();
            for (long i = 0; i < n; ++i)
                sched_yield();
        };
        std::thread a(body), b(body);
        auto start = Clock::now();
        go = true;
        a.join();
        b.join();
        return seconds_since(start) * 1e9 / static_cast<double>(2 * n);
    }

    double idle_threads(int count)
    {
        std::mutex mutex;
        std::condition_variable release;
        bool done = false;
        std::atomic<int> waiting { 0 };
        std::size_t before = resident_bytes();
        std::vector<std::thread> threads;
        for (int i = 0; i < count; ++i) {
            threads.emplace_back([&] {
                std::unique_lock lock(mutex);
                ++waiting;
                release.wait(lock, [&] { return done; });
            });
        }
        while (waiting < count)
            std::this_thread::yield();
        std::size_t after = resident_bytes();
        {
            std::lock_guard lock(mutex);
            done = true;
        }
        release.notify_all();
        for (auto& t : threads)
            t.join();
        return static_cast<double>(after - before) / count;
    }

    bool write_all(int fd, const char* data, std::size_t length)
    {
        std::size_t done = 0;
        while (done < length) {
            ssize_t w = write(fd, data + done, length - done);
            if (w <= 0)
                return false;
            done += static_cast<std::size_t>(w);
        }
        return true;
    }

} // namespace

int create_image(const std::string& base, unsigned long long image_bytes, std::string& directory, std::string& image)
{
    std::string pattern = base + "/redox-bench-XXXXXX";
    if (!mkdtemp(pattern.data()))
        return -1;
    directory = pattern;
    image = directory + "/disk.img";
    int fd = open(image.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, static_cast<off_t>(image_bytes)) != 0) { // sparse
        close(fd);
        return -1;
    }
    return fd;
}

void remove_image(int fd, const std::string& directory, const std::string& image)
{
    if (fd >= 0)
        close(fd);
    if (!image.empty())
        unlink(image.c_str());
    if (!directory.empty())
        rmdir(directory.c_str());
}

std::string measure_storage(const std::string& directory, long file_bytes, long small_files, long dd_count,
    StorageResults& out)
{
    // Sequential write + fsync, then read (the data is in the page cache, as the image's
    // blocks are on the Redox side).
    std::vector<char> chunk(1 << 20);
    for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = static_cast<char>('a' + i % 23);
    std::string big = directory + "/big";
    int fd = open(big.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return "open " + big;
    long chunks = file_bytes / static_cast<long>(chunk.size());
    auto start = Clock::now();
    for (long i = 0; i < chunks; ++i)
        if (!write_all(fd, chunk.data(), chunk.size()))
            return "write " + big;
    if (fsync(fd) != 0)
        return "fsync " + big;
    close(fd);
    out.write_s = seconds_since(start);
    fd = open(big.c_str(), O_RDONLY);
    long total = 0;
    start = Clock::now();
    for (;;) {
        ssize_t n = read(fd, chunk.data(), chunk.size());
        if (n <= 0)
            break;
        total += n;
    }
    out.read_s = seconds_since(start);
    close(fd);
    unlink(big.c_str());
    if (total != chunks * static_cast<long>(chunk.size()))
        return "read " + big;

    // Small files.
    std::string small = directory + "/small";
    if (mkdir(small.c_str(), 0755) != 0)
        return "mkdir " + small;
    char content[100];
    for (std::size_t i = 0; i < sizeof content; ++i)
        content[i] = static_cast<char>('a' + i % 26);
    auto name = [&](long i) { return small + "/f" + std::to_string(i); };
    start = Clock::now();
    for (long i = 0; i < small_files; ++i) {
        fd = open(name(i).c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0 || write(fd, content, sizeof content) != sizeof content)
            return "create " + name(i);
        close(fd);
    }
    for (long i = 0; i < small_files; ++i) {
        struct stat st {};
        if (stat(name(i).c_str(), &st) != 0 || st.st_size != sizeof content)
            return "stat " + name(i);
    }
    for (long i = 0; i < small_files; ++i)
        if (unlink(name(i).c_str()) != 0)
            return "unlink " + name(i);
    out.small_files_s = seconds_since(start);
    rmdir(small.c_str());

    // dd, the host's own.
    std::string of = "of=" + directory + "/dd.out";
    std::string count = "count=" + std::to_string(dd_count);
    char* argv[] = { const_cast<char*>("dd"), const_cast<char*>("if=/dev/zero"), of.data(),
        const_cast<char*>("bs=4k"), count.data(), nullptr };
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    start = Clock::now();
    int spawned = posix_spawnp(&pid, "dd", &actions, nullptr, argv, environ);
    int status = -1;
    if (spawned == 0)
        waitpid(pid, &status, 0);
    out.dd_s = seconds_since(start);
    posix_spawn_file_actions_destroy(&actions);
    std::string dd_out = directory + "/dd.out";
    struct stat st {};
    bool ok = spawned == 0 && status == 0 && stat(dd_out.c_str(), &st) == 0 && st.st_size == dd_count * 4096;
    unlink(dd_out.c_str());
    return ok ? "" : "dd " + of;
}

std::size_t resident_bytes()
{
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

std::string machine_description()
{
    std::string model = "unknown CPU";
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    }
    utsname u {};
    uname(&u);
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " CPUs, Linux " + u.release;
}

Results measure(long iterations, bool quick)
{
    Results r;
    r.null_read_ns = null_read(iterations);
    r.pipe_ping_pong_ns = pipe_ping_pong(iterations / 10);
    r.pipe_bytes_per_s = pipe_throughput(quick ? 4096 : 16384);
    r.spawn_ns = spawn_true(quick ? 500 : 2000);
    r.yield_ns = yield_ping_pong(iterations / 4);
    r.idle_thread_bytes = idle_threads(1000);
    return r;
}

} // namespace linux_side
