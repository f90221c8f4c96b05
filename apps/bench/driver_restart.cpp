// driver-restart: how long a crashed driver takes to serve again, measured from inside the
// system so the simulator and the hardware target give comparable figures (docs/
// performance.md). Each round reads the driver's pid from driverd (/scheme/driver/NAME),
// kills it with SIGSEGV (what a null dereference gets) and times until a read of DEVICE
// succeeds again: the supervisor noticing the crash, its back-off, starting the driver,
// the driver finding its device and registering its scheme.
//
// Usage: driver-restart NAME DEVICE [ROUNDS]     e.g. driver-restart ata /scheme/disk.ata/0 20
#include "ktl/format.h"
#include "ktl/string_view.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

u64 now_ns()
{
    redox::TimeSpec ts {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, ts);
    return static_cast<u64>(ts.tv_sec) * 1'000'000'000ull + static_cast<u64>(ts.tv_nsec);
}

void sleep_ms(u64 ms)
{
    redox::TimeSpec t {};
    t.tv_sec = static_cast<decltype(t.tv_sec)>(ms / 1000);
    t.tv_nsec = static_cast<decltype(t.tv_nsec)>(ms % 1000 * 1'000'000);
    sys::nanosleep(t, nullptr);
}

// The "pid: N" line of driverd's status for NAME, or -1.
long running_pid(const char* status_path)
{
    long fd = sys::open(status_path, redox::O_RDONLY);
    if (fd < 0)
        return -1;
    char text[2048];
    long n = sys::read(static_cast<int>(fd), text, sizeof text - 1);
    sys::close(static_cast<int>(fd));
    if (n <= 0)
        return -1;
    text[n] = 0;
    ktl::StringView status(text, static_cast<usize>(n));
    if (!status.contains("running"))
        return -1;
    isize found = status.find("pid:");
    if (found < 0)
        return -1;
    usize at = static_cast<usize>(found) + 4;
    while (at < status.length() && status[at] == ' ')
        ++at;
    long pid = 0;
    while (at < status.length() && status[at] >= '0' && status[at] <= '9')
        pid = pid * 10 + (status[at++] - '0');
    return pid > 0 ? pid : -1;
}

bool device_serves(const char* device)
{
    long fd = sys::open(device, redox::O_RDONLY);
    if (fd < 0)
        return false;
    char sector[512];
    long n = sys::read(static_cast<int>(fd), sector, sizeof sector);
    sys::close(static_cast<int>(fd));
    return n > 0;
}

int driver_restart_main(int argc, char** argv, char**)
{
    u64 rounds = 10;
    if (argc < 3 || argc > 4 || (argc == 4 && (!ktl::parse_u64(argv[3], rounds) || rounds == 0 || rounds > 10000))) {
        errf("usage: driver-restart NAME DEVICE [ROUNDS]\n");
        return 2;
    }
    char status_path[128];
    ktl::format_buffer(status_path, sizeof status_path, "/scheme/driver/%s", argv[1]);
    u64* samples = new u64[rounds];
    for (u64 round = 0; round < rounds; ++round) {
        long pid = -1;
        for (int tries = 0; tries < 3000 && ((pid = running_pid(status_path)) < 0 || !device_serves(argv[2])); ++tries)
            sleep_ms(10);
        if (pid < 0) {
            errf("driver-restart: %s is not running (%s)\n", argv[1], status_path);
            return 1;
        }
        u64 start = now_ns();
        if (long r = sys::kill(pid, redox::SIGSEGV); r < 0) {
            io::report_error("driver-restart", "kill", r);
            return 1;
        }
        // Wait for the old driver to be gone (its scheme leaves), then for the new one.
        u64 deadline = start + 60'000'000'000ull;
        while (running_pid(status_path) == pid && now_ns() < deadline)
            sys::yield();
        while (!device_serves(argv[2])) {
            if (now_ns() > deadline) {
                errf("driver-restart: %s did not serve again within 60 s\n", argv[2]);
                return 1;
            }
            sys::yield();
        }
        samples[round] = now_ns() - start;
    }
    // Sort (insertion: a few dozen samples) for the median.
    for (u64 i = 1; i < rounds; ++i) {
        for (u64 j = i; j > 0 && samples[j - 1] > samples[j]; --j) {
            u64 t = samples[j];
            samples[j] = samples[j - 1];
            samples[j - 1] = t;
        }
    }
    outf("driver-restart %s: %lu rounds, median %lu us, min %lu us, max %lu us\n", argv[1],
        static_cast<unsigned long>(rounds), static_cast<unsigned long>(samples[rounds / 2] / 1000),
        static_cast<unsigned long>(samples[0] / 1000), static_cast<unsigned long>(samples[rounds - 1] / 1000));
    delete[] samples;
    return 0;
}

} // namespace

REDOX_PROGRAM("driver-restart", driver_restart_main)
