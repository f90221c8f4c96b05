// The driver supervisor (apps/drivers): driverd started from initfs against small fake
// drivers registered below, driven through the `driver` scheme and driverctl, on the
// fake HAL's virtual clock (sleeps and back-offs cost no real time).
#include "kernel_harness.h"

#include "redox/io.h"
#include "redox/program.h"

#include "../fake_hal/fake_hal.h"
#include "../../schemes/redoxfs/filesystem.h"
#include "../../schemes/redoxfs/fsck.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

using harness::boot;
using harness::spawn;

namespace {

// ---- Fake drivers. They keep to the stack: a driver killed by a signal never unwinds,
// and heap it held would show as a leak under ASan.

std::uint64_t monotonic_ms()
{
    redox::TimeSpec now {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000 + static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000;
}

// Registers :NAME; answers `answers` batches of requests (-1: all), then stops reading.
int serve_scheme(const char* name, long answers)
{
    char path[64];
    ktl::format_buffer(path, sizeof path, ":%s", name);
    long channel = sys::open(path, redox::O_CREAT | redox::O_RDWR);
    if (channel < 0)
        return 1;
    int ch = static_cast<int>(channel);
    for (long batch = 0; answers < 0 || batch < answers; ++batch) {
        redox::SchemeRequest requests[4];
        long n = sys::read(ch, requests, sizeof requests);
        if (n <= 0)
            return 0;
        for (long i = 0; i < n / static_cast<long>(sizeof(redox::SchemeRequest)); ++i) {
            if (requests[i].opcode == redox::OP_CLOSE)
                continue;
            redox::SchemeCompletion completion {};
            completion.tag = requests[i].tag;
            completion.result = requests[i].opcode == redox::OP_OPENAT ? 1 : 0;
            sys::write(ch, &completion, sizeof completion);
        }
    }
    // Hung: wait on a pipe nobody writes (only a signal ends this).
    int fds[2];
    sys::pipe2(fds, 0);
    char byte;
    for (;;)
        sys::read(fds[0], &byte, 1);
}

// test-drv-serve SCHEME [LINES]: prints LINES numbered lines, then serves SCHEME.
int fake_serving_driver(int argc, char** argv, char**)
{
    if (argc < 2)
        return 2;
    long lines = 1;
    if (argc > 2) {
        i64 parsed = 0;
        ktl::parse_i64(argv[2], parsed);
        lines = parsed;
    }
    io::print(1, "serving %s\n", argv[1]);
    for (long i = 1; i < lines; ++i)
        io::print(2, "line %ld\n", i);
    return serve_scheme(argv[1], -1);
}
REDOX_PROGRAM("test-drv-serve", fake_serving_driver)

// test-drv-crash [exit N|late]: prints its start time (ms), then kills itself with SIGSEGV
// (`late`: after running 11 s), or exits with status N.
int fake_crashing_driver(int argc, char** argv, char**)
{
    io::print(1, "start %llu\n", static_cast<unsigned long long>(monotonic_ms()));
    if (argc > 2 && ktl::StringView(argv[1]) == "exit") {
        i64 status = 0;
        ktl::parse_i64(argv[2], status);
        return static_cast<int>(status);
    }
    if (argc > 1 && ktl::StringView(argv[1]) == "late") {
        redox::TimeSpec nap { 11, 0, 0 };
        sys::nanosleep(nap, nullptr);
    }
    sys::kill(sys::getpid(), redox::SIGSEGV);
    return 0;
}
REDOX_PROGRAM("test-drv-crash", fake_crashing_driver)

// test-drv-absent: no device here.
int fake_absent_driver(int, char**, char**)
{
    io::print(2, "no device found\n");
    return 19;
}
REDOX_PROGRAM("test-drv-absent", fake_absent_driver)

// test-drv-hang SCHEME: answers the first request (so it counts as running), then never again.
int fake_hanging_driver(int argc, char** argv, char**)
{
    if (argc < 2)
        return 2;
    return serve_scheme(argv[1], 1);
}
REDOX_PROGRAM("test-drv-hang", fake_hanging_driver)

// test-drv-disk: serves `disk.test`, whose `0` is the FakeDisk below (it outlives the
// driver, like a real disk). It can crash in the middle of a write request.
struct FakeDisk {
    std::vector<std::uint8_t> bytes;
    long writes { 0 };
    long crash_at_write { -1 }; // crash (SIGSEGV, unanswered) on this write request, once
};
FakeDisk* g_fake_disk = nullptr; // one address space: the test sets it before the driver runs

int fake_disk_driver(int, char**, char**)
{
    FakeDisk& disk = *g_fake_disk;
    long channel = sys::open(":disk.test", redox::O_CREAT | redox::O_RDWR);
    if (channel < 0)
        return 1;
    int ch = static_cast<int>(channel);
    for (;;) {
        redox::SchemeRequest requests[8];
        long n = sys::read(ch, requests, sizeof requests);
        if (n <= 0)
            return 0;
        for (long i = 0; i < n / static_cast<long>(sizeof(redox::SchemeRequest)); ++i) {
            const redox::SchemeRequest& r = requests[i];
            const std::uint64_t* a = r.args;
            long result = 0;
            std::uint64_t size = disk.bytes.size();
            switch (r.opcode) {
            case redox::OP_CLOSE:
                continue;
            case redox::OP_OPENAT: {
                ktl::StringView path(reinterpret_cast<const char*>(a[1]), a[2]);
                result = path == "0" ? 1 : path.is_empty() ? 2 : -redox::ENOENT;
                break;
            }
            case redox::OP_READ:
            case redox::OP_WRITE: {
                if (a[0] != 1) {
                    result = -redox::EBADF;
                    break;
                }
                if (r.opcode == redox::OP_WRITE && ++disk.writes == disk.crash_at_write) {
                    disk.crash_at_write = -1;
                    sys::kill(sys::getpid(), redox::SIGSEGV);
                }
                std::uint64_t offset = a[3];
                std::uint64_t length = offset >= size ? 0 : std::min<std::uint64_t>(a[2], size - offset);
                auto* buffer = reinterpret_cast<std::uint8_t*>(a[1]);
                if (r.opcode == redox::OP_READ)
                    std::copy_n(disk.bytes.data() + offset, length, buffer);
                else
                    std::copy_n(buffer, length, disk.bytes.data() + offset);
                result = static_cast<long>(length);
                break;
            }
            case redox::OP_FSTAT: {
                redox::Stat st {};
                st.st_mode = a[0] == 1 ? (redox::MODE_FILE | 0600) : (redox::MODE_DIR | 0700);
                st.st_size = a[0] == 1 ? size : 0;
                std::copy_n(reinterpret_cast<const char*>(&st), sizeof st, reinterpret_cast<char*>(a[1]));
                break;
            }
            case redox::OP_FSIZE:
                result = static_cast<long>(size);
                break;
            case redox::OP_FSYNC:
                break;
            default:
                result = -redox::ENOSYS;
            }
            redox::SchemeCompletion completion {};
            completion.tag = r.tag;
            completion.result = static_cast<std::uint64_t>(result);
            sys::write(ch, &completion, sizeof completion);
        }
    }
}
REDOX_PROGRAM("test-drv-disk", fake_disk_driver)

// The FakeDisk as a block device, to check the file system on it after the run.
class FakeDiskDevice final : public redoxfs::BlockDevice {
public:
    explicit FakeDiskDevice(FakeDisk& disk) : m_disk(disk) {}
    ktl::ErrorOr<void> read_block(u64 index, u8* buffer) override
    {
        std::copy_n(m_disk.bytes.data() + index * redoxfs::BLOCK_SIZE, redoxfs::BLOCK_SIZE, buffer);
        return {};
    }
    ktl::ErrorOr<void> write_block(u64 index, const u8* buffer) override
    {
        std::copy_n(buffer, redoxfs::BLOCK_SIZE, m_disk.bytes.data() + index * redoxfs::BLOCK_SIZE);
        return {};
    }
    ktl::ErrorOr<void> flush() override { return {}; }
    u64 block_count() const override { return m_disk.bytes.size() / redoxfs::BLOCK_SIZE; }

private:
    FakeDisk& m_disk;
};

// test-drv-stuck SCHEME: registers nothing; calls into SCHEME, which never answers. A call
// into a user scheme can not be interrupted (the daemon may be using the caller's buffer),
// so not even SIGKILL ends this driver until that scheme goes away.
int fake_stuck_driver(int argc, char** argv, char**)
{
    if (argc < 2)
        return 2;
    char path[64];
    ktl::format_buffer(path, sizeof path, "/scheme/%s/", argv[1]);
    sys::open(path, redox::O_RDONLY);
    return 0;
}
REDOX_PROGRAM("test-drv-stuck", fake_stuck_driver)

// ---- Helpers

// Boots with the file system, runs `body` as the first process and checks that it ran to its
// end (its CHECKs report themselves).
harness::Run boot_fs(std::function<void()> body)
{
    auto run = harness::boot(
        [&body] {
            body();
            return 0;
        },
        harness::with_fs());
    CHECK(run.status == 0);
    return run;
}

std::string read_file(const std::string& path)
{
    long fd = sys::open(path.c_str(), redox::O_RDONLY);
    if (fd < 0)
        return {};
    io::String text;
    io::read_all(static_cast<int>(fd), text);
    sys::close(static_cast<int>(fd));
    return std::string(text.c_str(), text.length());
}

void write_file(const std::string& path, const std::string& text)
{
    long fd = sys::open(path.c_str(), redox::O_CREAT | redox::O_TRUNC | redox::O_WRONLY | 0644);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(io::write_all(static_cast<int>(fd), text.data(), text.size()) == 0);
    sys::close(static_cast<int>(fd));
}

// Writes a command to /scheme/driver/NAME; the write's result or the open's error.
long command(const std::string& name, const std::string& what)
{
    std::string path = "/scheme/driver/" + name;
    long fd = sys::open(path.c_str(), redox::O_WRONLY);
    if (fd < 0)
        return fd;
    long r = sys::write(static_cast<int>(fd), what.data(), what.size());
    sys::close(static_cast<int>(fd));
    return r;
}

std::string status(const std::string& name) { return read_file("/scheme/driver/" + name); }

std::string field(const std::string& name, const std::string& key)
{
    std::string text = status(name);
    std::string prefix = key + ": ";
    std::size_t at = text.find(prefix);
    if (at == std::string::npos || (at > 0 && text[at - 1] != '\n'))
        return {};
    std::size_t end = text.find('\n', at);
    return text.substr(at + prefix.size(), end - at - prefix.size());
}

void sleep_ms(long ms)
{
    redox::TimeSpec nap { ms / 1000, static_cast<std::int32_t>((ms % 1000) * 1'000'000), 0 };
    sys::nanosleep(nap, nullptr);
}

// Polls (virtual time) until `done` or `ms` have passed.
bool wait_until(const std::function<bool()>& done, long ms = 10'000)
{
    for (long waited = 0; waited <= ms; waited += 5) {
        if (done())
            return true;
        sleep_ms(5);
    }
    return done();
}

bool wait_for_state(const std::string& name, const std::string& state, long ms = 10'000)
{
    return wait_until([&] { return field(name, "state") == state; }, ms);
}

void configure(const std::string& name, const std::string& text)
{
    sys::mkdir("/etc", 0755);
    sys::mkdir("/etc/drivers", 0755);
    write_file("/etc/drivers/" + name, text);
}

// Starts driverd and waits until it serves `driver`.
long start_driverd()
{
    long pid = spawn([] {
        const char* argv[] = { "driverd", "--config-dir", "/etc/drivers", nullptr };
        const char* envp[] = { "PATH=/bin", nullptr };
        return static_cast<int>(sys::execve("/scheme/initfs/bin/driverd", argv, envp));
    });
    CHECK(pid > 0);
    CHECK(wait_until([] {
        long fd = sys::open("/scheme/driver", redox::O_RDONLY);
        if (fd >= 0)
            sys::close(static_cast<int>(fd));
        return fd >= 0;
    }));
    return pid;
}

// SIGTERM: driverd stops its drivers and exits cleanly.
void stop_driverd(long pid)
{
    CHECK(sys::kill(pid, redox::SIGTERM) == 0);
    int wait_status = harness::wait_status(pid);
    CHECK(redox::wifexited(wait_status));
    CHECK(redox::wexitstatus(wait_status) == 0);
    // Reap what driverd left to init (nothing, if it stopped its drivers).
    int ignored;
    while (sys::waitpid(-1, &ignored, redox::WNOHANG) > 0) {}
}

// Runs a program from initfs, returns its exit status.
int run_program(std::vector<const char*> argv, long uid = 0)
{
    argv.push_back(nullptr);
    std::string path = std::string("/scheme/initfs/bin/") + argv[0];
    long pid = spawn([&] {
        if (uid)
            sys::setreuid(uid, uid);
        const char* envp[] = { "PATH=/bin", nullptr };
        return static_cast<int>(-sys::execve(path.c_str(), argv.data(), envp));
    });
    int wait_status = harness::wait_status(pid);
    return redox::wifexited(wait_status) ? redox::wexitstatus(wait_status) : 128 + redox::wtermsig(wait_status);
}

long to_long(const std::string& text) { return text.empty() ? -1 : std::stol(text); }

} // namespace

TEST_CASE("driverd: starts, lists, stops and restarts a driver; status tells about it")
{
    auto run = boot_fs([] {
        configure("serve", "command=/scheme/initfs/bin/test-drv-serve test.serve\nscheme=test.serve\n");
        configure("idle", "command=/scheme/initfs/bin/test-drv-serve test.idle\nautostart=no\n");
        configure("nowatch",
            "command=/scheme/initfs/bin/test-drv-serve test.nowatch\nscheme=test.nowatch\nwatchdog_ms=0\n"
            "autostart=no\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("serve", "running"));
        CHECK(field("idle", "state") == "stopped");
        long pid = to_long(field("serve", "pid"));
        CHECK(pid > 0);
        CHECK(field("serve", "scheme") == "test.serve");
        CHECK(field("serve", "restarts") == "0");
        CHECK(field("serve", "command") == "/scheme/initfs/bin/test-drv-serve test.serve");
        CHECK(field("serve", "uptime").find(" s") != std::string::npos);

        // The scheme it serves is up.
        long fd = sys::open("/scheme/test.serve/", redox::O_RDONLY);
        CHECK(fd >= 0);
        sys::close(static_cast<int>(fd));

        // The listing: as a file and as a directory.
        std::string list = read_file("/scheme/driver");
        CHECK(list.find("idle") != std::string::npos);
        CHECK(list.find("serve            running") != std::string::npos);
        long dir = sys::open("/scheme/driver", redox::O_RDONLY | redox::O_DIRECTORY);
        CHECK(dir >= 0);
        io::DirReader reader(static_cast<int>(dir));
        io::DirReader::Entry entry;
        std::vector<std::string> names;
        while (reader.next(entry) > 0)
            names.emplace_back(entry.name.chars(), entry.name.length());
        sys::close(static_cast<int>(dir));
        CHECK(names == std::vector<std::string> { "idle", "nowatch", "serve" });

        // stop: answered once the driver is gone (SIGTERM).
        CHECK(command("serve", "stop\n") == 5);
        CHECK(field("serve", "state") == "stopped");
        CHECK(field("serve", "pid") == "-");
        CHECK(field("serve", "last exit") == "killed by SIGTERM");
        CHECK(sys::open("/scheme/test.serve/", redox::O_RDONLY) == -redox::ENODEV);
        CHECK(command("serve", "stop") == 4); // stopping a stopped driver is fine

        // start, then restart: a new process each time.
        CHECK(command("serve", "start") == 5);
        CHECK(field("serve", "state") == "running");
        long second = to_long(field("serve", "pid"));
        CHECK(second > 0);
        CHECK(second != pid);
        CHECK(command("serve", "restart") == 7);
        CHECK(field("serve", "state") == "running");
        long third = to_long(field("serve", "pid"));
        CHECK(third != second);
        CHECK(field("serve", "restarts") == "2");
        CHECK(field("serve", "crashes").rfind("0 in the last 60 s", 0) == 0);
        CHECK(command("serve", "start") == 5); // already running: nothing to do
        CHECK(to_long(field("serve", "pid")) == third);

        // A driver without autostart starts when asked; one without a scheme (or without a
        // watchdog) runs at once.
        CHECK(command("idle", "start") == 5);
        CHECK(field("idle", "state") == "running");
        CHECK(command("nowatch", "start") == 5);
        CHECK(field("nowatch", "state") == "running");
        stop_driverd(driverd);
        // driverd stopped its drivers on the way out.
        CHECK(sys::open("/scheme/test.serve/", redox::O_RDONLY) == -redox::ENODEV);
    });
    CHECK(run.console.find("driverd: serve: started") == std::string::npos); // routine: not on the console
    CHECK(run.console.find("serve: serving test.serve") == std::string::npos); // its output: the log only
}

TEST_CASE("driverd: start and restart read the configuration again; new files are found by name")
{
    auto run = boot_fs([] {
        configure("serve", "command=/scheme/initfs/bin/test-drv-serve test.one\nscheme=test.one\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("serve", "running"));
        // Edited while it runs: nothing changes until it is restarted.
        configure("serve", "command=/scheme/initfs/bin/test-drv-serve test.two 3\nscheme=test.two\nbackoff_ms=7\n");
        CHECK(field("serve", "scheme") == "test.one");
        CHECK(command("serve", "restart") == 7);
        CHECK(field("serve", "state") == "running"); // test.two answered its watchdog
        CHECK(field("serve", "scheme") == "test.two");
        CHECK(field("serve", "command") == "/scheme/initfs/bin/test-drv-serve test.two 3");
        CHECK(sys::open("/scheme/test.one/", redox::O_RDONLY) == -redox::ENODEV);
        long fd = sys::open("/scheme/test.two/", redox::O_RDONLY);
        CHECK(fd >= 0);
        sys::close(static_cast<int>(fd));
        // A broken file keeps the configuration it had.
        configure("serve", "scheme=test.three\n");
        CHECK(command("serve", "restart") == 7);
        CHECK(field("serve", "state") == "running");
        CHECK(field("serve", "scheme") == "test.two");

        // A file written after driverd started: found when named.
        CHECK(sys::open("/scheme/driver/late", redox::O_RDONLY) == -redox::ENOENT);
        configure("late", "command=/scheme/initfs/bin/test-drv-serve test.late\nscheme=test.late\n");
        CHECK(field("late", "state") == "stopped");
        CHECK(command("late", "start") == 5);
        CHECK(field("late", "state") == "running");
        CHECK(read_file("/scheme/driver").find("late") != std::string::npos);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("driverd: /etc/drivers/serve: no command= line") != std::string::npos);
    CHECK(run.console.find("driverd: serve: keeping the configuration it was started with") != std::string::npos);
}

TEST_CASE("driverd: a crashing driver is restarted after a doubling back-off, then given up")
{
    auto run = boot_fs([] {
        configure("crash",
            "command=/scheme/initfs/bin/test-drv-crash\nbackoff_ms=100\nbackoff_max_ms=400\n"
            "max_crashes=4\ncrash_window_s=60\n");
        long driverd = start_driverd();
        // Between crashes: backoff, with the time left until the next start.
        CHECK(wait_for_state("crash", "backoff"));
        std::string next = field("crash", "next restart");
        CHECK(next.rfind("in ", 0) == 0);
        CHECK(to_long(next.substr(3)) <= 400);
        CHECK(wait_for_state("crash", "failed", 60'000));
        CHECK(field("crash", "last exit") == "killed by SIGSEGV");
        CHECK(field("crash", "crashes").rfind("5 in the last 60 s", 0) == 0);
        CHECK(field("crash", "restarts") == "4");

        // Each start printed its time: the gaps are the back-off, doubling up to the maximum.
        std::string log = read_file("/scheme/driver/crash/log");
        std::vector<long> starts;
        std::size_t at = 0;
        while ((at = log.find("start ", at)) != std::string::npos) {
            starts.push_back(std::stol(log.substr(at + 6)));
            at += 6;
        }
        CHECK(starts.size() == 5);
        const long expected[] = { 100, 200, 400, 400 };
        for (std::size_t i = 1; i < starts.size() && i <= 4; ++i) {
            long gap = starts[i] - starts[i - 1];
            CHECK(gap >= expected[i - 1]);
            CHECK(gap < expected[i - 1] + 50);
        }
        // Failed: no more restarts, however long we wait.
        sleep_ms(5'000);
        CHECK(field("crash", "state") == "failed");
        CHECK(field("crash", "restarts") == "4");

        // driverctl start tries again (with a fresh crash count).
        CHECK(command("crash", "start") == 5);
        CHECK(wait_for_state("crash", "backoff"));
        CHECK(field("crash", "crashes").rfind("1 in the last 60 s", 0) == 0);
        CHECK(command("crash", "stop") == 4);
        CHECK(field("crash", "state") == "stopped");
        stop_driverd(driverd);
    });
    CHECK(run.console.find("driverd: crash: killed by SIGSEGV; restarting in 100 ms") != std::string::npos);
    CHECK(run.console.find("driverd: crash: killed by SIGSEGV; restarting in 200 ms") != std::string::npos);
    CHECK(run.console.find("5 crashes within 60 s: not restarting it") != std::string::npos);
}

TEST_CASE("driverd: a non-zero exit is a crash; the back-off starts over after a driver ran 10 s")
{
    auto run = boot_fs([] {
        configure("exit3", "command=/scheme/initfs/bin/test-drv-crash exit 3\nbackoff_ms=100\nmax_crashes=100\n");
        configure("late", "command=/scheme/initfs/bin/test-drv-crash late\nbackoff_ms=100\nmax_crashes=100\n");
        long driverd = start_driverd();
        CHECK(wait_until([] { return to_long(field("exit3", "restarts")) >= 3; }));
        CHECK(field("exit3", "last exit") == "exited with status 3");
        CHECK(command("exit3", "stop") == 4);
        // `late` crashes after 11 s each time: every restart waits the first back-off.
        CHECK(wait_until([] { return to_long(field("late", "restarts")) >= 2; }, 60'000));
        CHECK(command("late", "stop") == 4);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("exit3: exited with status 3; restarting in 400 ms") != std::string::npos);
    CHECK(run.console.find("late: killed by SIGSEGV; restarting in 100 ms") != std::string::npos);
    CHECK(run.console.find("late: killed by SIGSEGV; restarting in 200 ms") == std::string::npos);
}

TEST_CASE("driverd: a driver that exits with status 19 is absent and not restarted")
{
    auto run = boot_fs([] {
        configure("absent", "command=/scheme/initfs/bin/test-drv-absent\nbackoff_ms=10\n");
        configure("missing", "command=no-such-driver --flag\n");
        configure("unrunnable", "command=/scheme/initfs/bin/test-drv-crash exit 127\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("absent", "absent"));
        sleep_ms(2'000);
        CHECK(field("absent", "state") == "absent");
        CHECK(field("absent", "restarts") == "0");
        CHECK(field("absent", "last exit") == "no such device (exit status 19)");
        CHECK(read_file("/scheme/driver/absent/log") == "no device found\n");

        // A program that is not there: failed, with the reason, and nothing retried.
        CHECK(field("missing", "state") == "failed");
        CHECK(field("missing", "last exit") == "exec failed: /bin/no-such-driver: No such file or directory");
        // Exit status 127 (a remote driver whose executable is missing): failed at once.
        CHECK(field("unrunnable", "state") == "failed");
        CHECK(field("unrunnable", "last exit") == "could not run the program (exit status 127)");
        CHECK(field("unrunnable", "restarts") == "0");
        stop_driverd(driverd);
    });
    // Absent is routine (a machine without the device): the status says it, the console does not.
    CHECK(run.console.find("driverd: absent:") == std::string::npos);
    CHECK(run.console.find("driverd: missing: exec failed") != std::string::npos);
}

TEST_CASE("driverd: the watchdog kills a driver whose scheme stops answering")
{
    auto run = boot_fs([] {
        configure("hang",
            "command=/scheme/initfs/bin/test-drv-hang test.hang\nscheme=test.hang\nwatchdog_ms=200\n"
            "backoff_ms=1000\n");
        long driverd = start_driverd();
        // It answers the first probe (running), then hangs: killed, counted as a crash.
        CHECK(wait_for_state("hang", "running"));
        long first = to_long(field("hang", "pid"));
        CHECK(wait_for_state("hang", "backoff"));
        CHECK(field("hang", "last exit") == "watchdog: no answer for 200 ms");
        CHECK(field("hang", "crashes").rfind("1 in the last", 0) == 0);
        // The callers stuck on the hung scheme got EIO when it was killed; restarted later.
        CHECK(wait_for_state("hang", "running"));
        CHECK(to_long(field("hang", "pid")) != first);
        CHECK(command("hang", "stop") == 4);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("driverd: hang: watchdog: no answer for 200 ms: killing pid") != std::string::npos);
}

TEST_CASE("driverd: a driver whose scheme never appears is killed by the watchdog")
{
    boot_fs([] {
        // Serves test.other, not the configured scheme.
        configure("wrong",
            "command=/scheme/initfs/bin/test-drv-serve test.other\nscheme=test.wrong\nwatchdog_ms=300\n"
            "max_crashes=0\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("wrong", "failed"));
        CHECK(field("wrong", "last exit") == "watchdog: scheme test.wrong not registered after 300 ms");
        stop_driverd(driverd);
    });
}

TEST_CASE("driverd: a driver that SIGKILL does not end: stop answers after the grace periods")
{
    auto run = boot_fs([] {
        // Close-on-exec: driverd and the driver must not hold the channel open.
        long black_hole = sys::open(":test.black", redox::O_CREAT | redox::O_RDWR | redox::O_CLOEXEC);
        CHECK(black_hole >= 0);
        configure("stuck", "command=/scheme/initfs/bin/test-drv-stuck test.black\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("stuck", "running"));
        sleep_ms(10); // it is in its call now
        std::uint64_t before = monotonic_ms();
        CHECK(command("stuck", "stop") == 4); // SIGTERM, SIGKILL after 2 s, given up 2 s later
        CHECK(monotonic_ms() - before >= 4000);
        CHECK(field("stuck", "state") == "stopping");
        CHECK(field("stuck", "problem") == "it did not exit after SIGKILL");
        // Its call fails once the scheme is gone; then the SIGKILL ends it.
        sys::close(static_cast<int>(black_hole));
        CHECK(wait_for_state("stuck", "stopped"));
        CHECK(field("stuck", "last exit") == "killed by SIGKILL");
        CHECK(field("stuck", "problem").empty());

        // driverd stopping does not wait for it for ever either.
        black_hole = sys::open(":test.black", redox::O_CREAT | redox::O_RDWR | redox::O_CLOEXEC);
        CHECK(command("stuck", "start") == 5);
        sleep_ms(10);
        stop_driverd(driverd);
        sys::close(static_cast<int>(black_hole));
        int status;
        CHECK(sys::waitpid(-1, &status, 0) > 0); // the driver, given to init
    });
    CHECK(run.console.find("did not exit after SIGKILL; leaving it") != std::string::npos);
    CHECK(run.console.find("driverd: stuck: did not stop within 2000 ms of SIGTERM: SIGKILL") != std::string::npos);
    CHECK(run.console.find("driverd: stuck: pid") != std::string::npos);
    CHECK(run.console.find("did not exit within 2000 ms of SIGKILL") != std::string::npos);
}

TEST_CASE("driverd: the log keeps a driver's last 200 lines")
{
    auto run = boot_fs([] {
        configure("chatty", "command=/scheme/initfs/bin/test-drv-serve test.chatty 250\nscheme=test.chatty\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("chatty", "running"));
        std::string log = read_file("/scheme/driver/chatty/log");
        std::size_t lines = 0;
        for (char c : log)
            lines += c == '\n';
        CHECK(lines == 200);
        CHECK(log.rfind("line 50\n", 0) == 0); // "serving" and lines 1-49 fell out
        CHECK(log.find("line 249\n") != std::string::npos);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("chatty: line 249\n") == std::string::npos); // the log ring only
}

TEST_CASE("driver scheme: root-only writes, unknown drivers, bad commands and paths")
{
    auto run = boot_fs([] {
        configure("serve", "command=/scheme/initfs/bin/test-drv-serve test.serve\n");
        configure("typo", "command=/scheme/initfs/bin/test-drv-serve x\nautostart=maybe\nbackof_ms=5\n"
                          "watchdog_ms=-1\nautostart=no\n");
        configure("empty", "# nothing\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("serve", "running"));
        // Bad lines are reported, not fatal; a file without a command is not loaded.
        CHECK(field("typo", "state") == "stopped");
        CHECK(sys::open("/scheme/driver/empty", redox::O_RDONLY) == -redox::ENOENT);

        CHECK(sys::open("/scheme/driver/nosuch", redox::O_RDONLY) == -redox::ENOENT);
        CHECK(sys::open("/scheme/driver/serve/other", redox::O_RDONLY) == -redox::ENOENT);
        CHECK(sys::open("/scheme/driver/serve/log", redox::O_WRONLY) == -redox::EACCES);
        CHECK(sys::open("/scheme/driver/serve", redox::O_RDONLY | redox::O_DIRECTORY) == -redox::ENOTDIR);
        CHECK(command("serve", "explode") == -redox::EINVAL);
        CHECK(field("serve", "state") == "running");

        long child = spawn([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            // Anyone may read the status; only root may command.
            CHECK(field("serve", "state") == "running");
            CHECK(sys::open("/scheme/driver/serve", redox::O_WRONLY) == -redox::EACCES);
            CHECK(sys::open("/scheme/driver/serve", redox::O_RDWR) == -redox::EACCES);
            return 0;
        });
        CHECK(harness::wait_status(child) == 0);
        CHECK(field("serve", "state") == "running");
        stop_driverd(driverd);
    });
    CHECK(run.console.find("/etc/drivers/typo: line 2: bad value for autostart: 'maybe'") != std::string::npos);
    CHECK(run.console.find("/etc/drivers/typo: line 3: unknown key 'backof_ms'") != std::string::npos);
    CHECK(run.console.find("/etc/drivers/typo: line 4: bad value for watchdog_ms: '-1'") != std::string::npos);
    CHECK(run.console.find("/etc/drivers/empty: not loaded") != std::string::npos);
}

TEST_CASE("driverctl: status, list, log, start/stop/restart and its errors")
{
    auto run = boot_fs([] {
        configure("serve", "command=/scheme/initfs/bin/test-drv-serve test.serve\nscheme=test.serve\n");
        configure("absent", "command=/scheme/initfs/bin/test-drv-absent\n");
        // Without driverd: a clear message.
        CHECK(run_program({ "driverctl", "list" }) == 1);
        long driverd = start_driverd();
        CHECK(wait_for_state("serve", "running"));
        CHECK(wait_for_state("absent", "absent"));
        CHECK(run_program({ "driverctl", "list" }) == 0);
        CHECK(run_program({ "driverctl", "status" }) == 0);
        CHECK(run_program({ "driverctl", "status", "serve" }) == 0);
        CHECK(run_program({ "driverctl", "log", "serve" }) == 0);
        CHECK(run_program({ "driverctl", "status", "nosuch" }) == 1);
        CHECK(run_program({ "driverctl", "stop", "nosuch" }) == 1);
        CHECK(run_program({ "driverctl", "stop", "serve" }, 1000) == 1);
        CHECK(field("serve", "state") == "running");
        CHECK(run_program({ "driverctl", "restart", "serve" }) == 0);
        CHECK(field("serve", "restarts") == "1");
        CHECK(run_program({ "driverctl", "stop", "serve" }) == 0);
        CHECK(field("serve", "state") == "stopped");
        CHECK(run_program({ "driverctl", "start", "serve" }) == 0);
        CHECK(run_program({ "driverctl", "start", "absent" }) == 1); // still no device
        CHECK(run_program({ "driverctl", "frobnicate", "serve" }) == 2);
        CHECK(run_program({ "driverctl" }) == 2);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("driverctl: driverd is not running") != std::string::npos);
    CHECK(run.console.find("driverctl: no driver named nosuch\n") != std::string::npos);
    CHECK(run.console.find("driverctl: stop serve: Permission denied (only root") != std::string::npos);
    CHECK(run.console.find("serve            running   pid") != std::string::npos);
    CHECK(run.console.find("name: serve\nstate: running\n") != std::string::npos);
    CHECK(run.console.find("serve: running (pid") != std::string::npos);
    CHECK(run.console.find("serve: stopped\n") != std::string::npos);
    CHECK(run.console.find("driverctl: absent: absent (last exit: no such device (exit status 19))") != std::string::npos);
    CHECK(run.console.find("usage: driverctl") != std::string::npos);
}

namespace {

std::vector<std::uint8_t> pattern(std::size_t size, unsigned seed)
{
    std::vector<std::uint8_t> bytes(size);
    unsigned x = seed * 2654435761u + 1;
    for (auto& b : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<std::uint8_t>(x);
    }
    return bytes;
}

// Creates PATH with BYTES and fsyncs it: 0, or the first error.
long write_and_sync(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    long fd = sys::open(path.c_str(), redox::O_CREAT | redox::O_TRUNC | redox::O_WRONLY | 0644);
    if (fd < 0)
        return fd;
    long r = io::write_all(static_cast<int>(fd), bytes.data(), bytes.size());
    if (r == 0)
        r = sys::fsync(static_cast<int>(fd));
    sys::close(static_cast<int>(fd));
    return r;
}

std::vector<std::uint8_t> read_bytes(const std::string& path)
{
    std::string text = read_file(path);
    return std::vector<std::uint8_t>(text.begin(), text.end());
}

// redoxfsd serving `testfs` from the driver's disk.
long start_redoxfsd()
{
    long pid = spawn([] {
        const char* argv[] = { "redoxfsd", "/scheme/disk.test/0", "testfs", nullptr };
        const char* envp[] = { nullptr };
        return static_cast<int>(sys::execve("/scheme/initfs/bin/redoxfsd", argv, envp));
    });
    CHECK(wait_until([] {
        long fd = sys::open("/scheme/testfs/", redox::O_RDONLY | redox::O_DIRECTORY);
        if (fd >= 0)
            sys::close(static_cast<int>(fd));
        return fd >= 0;
    }));
    return pid;
}

void stop_redoxfsd(long pid)
{
    sys::kill(pid, redox::SIGKILL);
    harness::wait_status(pid);
}

void check_file_system(FakeDisk& disk, const std::vector<std::pair<const char*, std::vector<std::uint8_t>>>& files)
{
    FakeDiskDevice device(disk);
    redoxfs::FsckResult result = redoxfs::fsck(device);
    INFO(result.report.c_str());
    CHECK(result.clean);
    redoxfs::FileSystem fs(device);
    CHECK(!fs.mount().is_error());
    for (const auto& [name, expected] : files) {
        auto id = fs.lookup(fs.root_id(), name);
        CHECK(!id.is_error());
        if (id.is_error())
            continue;
        std::vector<std::uint8_t> bytes(expected.size() + 1);
        auto n = fs.read(id.value(), 0, bytes.data(), bytes.size());
        CHECK(!n.is_error());
        bytes.resize(n.is_error() ? 0 : n.value());
        CHECK(bytes == expected);
    }
}

} // namespace

TEST_CASE("redoxfsd keeps serving while driverd restarts its crashed disk driver")
{
    FakeDisk disk;
    disk.bytes.resize(1024 * redoxfs::BLOCK_SIZE);
    g_fake_disk = &disk;
    auto a = pattern(64 * 1024, 1);
    auto b = pattern(40 * 1024 + 17, 2);
    auto c = pattern(100, 3);
    auto run = boot_fs([&] {
        configure("disk", "command=/scheme/initfs/bin/test-drv-disk\nscheme=disk.test\nbackoff_ms=100\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("disk", "running"));
        long redoxfsd = start_redoxfsd();
        CHECK(write_and_sync("/scheme/testfs/a", a) == 0);
        // The driver dies in the middle of a data write, then of a commit.
        disk.crash_at_write = disk.writes + 2;
        CHECK(write_and_sync("/scheme/testfs/b", b) == 0);
        CHECK(field("disk", "crashes").rfind("1 in", 0) == 0);
        CHECK(field("disk", "last exit") == "killed by SIGSEGV");
        disk.crash_at_write = disk.writes + 1;
        CHECK(write_and_sync("/scheme/testfs/c", c) == 0);
        CHECK(field("disk", "crashes").rfind("2 in", 0) == 0);
        CHECK(field("disk", "state") == "running");
        CHECK(read_bytes("/scheme/testfs/a") == a);
        CHECK(read_bytes("/scheme/testfs/b") == b);
        CHECK(read_bytes("/scheme/testfs/c") == c);
        stop_redoxfsd(redoxfsd);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("redoxfsd: /scheme/disk.test/0: I/O error; waiting for the disk to come back") != std::string::npos);
    CHECK(run.console.find("redoxfsd: /scheme/disk.test/0: the disk is back") != std::string::npos);
    check_file_system(disk, { { "a", a }, { "b", b }, { "c", c } });
    g_fake_disk = nullptr;
}

TEST_CASE("redoxfsd: a disk that does not come back fails the commit with EIO; the next commit after it is back writes all")
{
    FakeDisk disk;
    disk.bytes.resize(1024 * redoxfs::BLOCK_SIZE);
    g_fake_disk = &disk;
    auto a = pattern(20 * 1024, 4);
    auto small = pattern(200, 5); // inline: only the commit writes to the disk
    auto run = boot_fs([&] {
        configure("disk", "command=/scheme/initfs/bin/test-drv-disk\nscheme=disk.test\nmax_crashes=0\n");
        long driverd = start_driverd();
        CHECK(wait_for_state("disk", "running"));
        long redoxfsd = start_redoxfsd();
        CHECK(write_and_sync("/scheme/testfs/a", a) == 0);
        disk.crash_at_write = disk.writes + 1;
        CHECK(write_and_sync("/scheme/testfs/small", small) == -redox::EIO);
        CHECK(field("disk", "state") == "failed");
        // Back (driverctl start): the next fsync commits the whole transaction.
        CHECK(command("disk", "start") == 5);
        CHECK(field("disk", "state") == "running");
        long fd = sys::open("/scheme/testfs/small", redox::O_RDONLY);
        CHECK(fd >= 0);
        CHECK(sys::fsync(static_cast<int>(fd)) == 0);
        sys::close(static_cast<int>(fd));
        CHECK(read_bytes("/scheme/testfs/small") == small);
        stop_redoxfsd(redoxfsd);
        stop_driverd(driverd);
    });
    CHECK(run.console.find("redoxfsd: /scheme/disk.test/0: the disk did not come back") != std::string::npos);
    check_file_system(disk, { { "a", a }, { "small", small } });
    g_fake_disk = nullptr;
}
