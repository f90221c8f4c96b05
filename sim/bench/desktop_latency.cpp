// desktop-latency: input-to-present latency of the whole desktop path in the simulator,
// without a host window: a host thread posts mouse moves exactly as the SDL thread does
// (host work -> kernel::deliver_input -> the `input` scheme), orbitald (the real daemon,
// in its own context) reads them, moves the pointer, composites and writes the damage to
// the `display` scheme, whose present reaches this program's screen hook. The time from
// posting a move to the present that shows the pointer at its new place is one sample.
// The Linux counterpart in the same run: the same hand-off done by two host threads with
// a mutex and condition variable (post an event, the other thread "composites" a 16x16
// pointer and signals back), the floor for any threaded display server.
#include "../../kernel_core/kernel.h"
#include "../hal/host_work.h"
#include "../hal/sim_state.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "../../kernel_core/schemes/input_scheme.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t W = 1280, H = 800;

std::vector<std::uint32_t> s_pixels(static_cast<std::size_t>(W) * H);
std::mutex s_mutex;
std::condition_variable s_shown;
int s_want_x = -1, s_want_y = -1; // guarded: the pointer position a present must cover
bool s_seen = false;              // guarded
std::atomic<bool> s_ready { false };
std::atomic<bool> s_done { false };

// The screen hook (core thread): a present covering the pointer's new place ends a sample.
void present(const redox::DisplayRect* rects, std::size_t count)
{
    std::lock_guard lock(s_mutex);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& r = rects[i];
        if (s_want_x >= r.x && s_want_x < r.x + r.w && s_want_y >= r.y && s_want_y < r.y + r.h) {
            s_seen = true;
            s_shown.notify_all();
        }
    }
}

int latency_init(int, char**, char** envp)
{
    long pid = sys::clone(
        0,
        [](void* e) -> int {
            const char* argv[] = { "orbitald", nullptr };
            return static_cast<int>(
                -sys::execve("/scheme/initfs/bin/orbitald", argv, static_cast<const char* const*>(e)));
        },
        envp);
    if (pid < 0)
        return 1;
    for (int i = 0; i < 100000; ++i) { // orbitald registered and reading input
        long fd = sys::open("/scheme/orbital/", redox::O_RDONLY);
        if (fd >= 0) {
            sys::close(static_cast<int>(fd));
            break;
        }
        redox::TimeSpec nap { 0, 1'000'000, 0 };
        sys::nanosleep(nap, nullptr);
    }
    s_ready = true;
    while (!s_done) {
        redox::TimeSpec nap { 0, 10'000'000, 0 };
        sys::nanosleep(nap, nullptr);
    }
    long fd = sys::open("/scheme/sys/kstop", redox::O_WRONLY);
    sys::write(static_cast<int>(fd), "shutdown 0", 10);
    return 0;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::vector<double> desktop_samples(int count)
{
    std::vector<double> samples;
    while (!s_ready)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // first frame drawn
    for (int i = 0; i < count; ++i) {
        int x = 200 + (i * 37) % 800, y = 150 + (i * 23) % 500;
        auto start = Clock::now();
        {
            std::lock_guard lock(s_mutex);
            s_want_x = x;
            s_want_y = y;
            s_seen = false;
        }
        redox::OrbitalEvent move { redox::ORB_EVENT_MOUSE, x, y };
        sim::host_work_post([move] { kernel::deliver_input(move); });
        std::unique_lock lock(s_mutex);
        if (!s_shown.wait_for(lock, std::chrono::seconds(2), [] { return s_seen; })) {
            std::fprintf(stderr, "desktop-latency: no present for the move to %d,%d\n", x, y);
            break;
        }
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(2)); // one move at a time, like a hand
    }
    s_done = true;
    return samples;
}

// Linux: the same hand-off between two threads (post, composite a 16x16 pointer, signal).
std::vector<double> linux_samples(int count)
{
    std::mutex m;
    std::condition_variable posted, shown;
    int pending_x = -1, pending_y = -1;
    bool drawn = false, stop = false;
    std::vector<std::uint32_t> screen(static_cast<std::size_t>(W) * H);
    std::thread server([&] {
        std::unique_lock lock(m);
        for (;;) {
            posted.wait(lock, [&] { return pending_x >= 0 || stop; });
            if (stop)
                return;
            for (int y = 0; y < 16; ++y)
                std::fill_n(screen.data() + static_cast<std::size_t>(pending_y + y) * W + pending_x, 16, 0xFFFFFFFFu);
            pending_x = -1;
            drawn = true;
            shown.notify_all();
        }
    });
    std::vector<double> samples;
    for (int i = 0; i < count; ++i) {
        auto start = Clock::now();
        std::unique_lock lock(m);
        pending_x = 200 + (i * 37) % 800;
        pending_y = 150 + (i * 23) % 500;
        drawn = false;
        posted.notify_all();
        shown.wait(lock, [&] { return drawn; });
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    {
        std::lock_guard lock(m);
        stop = true;
    }
    posted.notify_all();
    server.join();
    return samples;
}

} // namespace

REDOX_PROGRAM("latency-init", latency_init)

int main(int argc, char** argv)
{
    CLI::App app { "desktop-latency: mouse move to present through orbitald, and its Linux floor", "desktop-latency" };
    int count = 300;
    app.add_option("--moves", count, "Mouse moves to time")->check(CLI::Range(1, 100000))->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::warn);
    auto& hal = sim::hal_settings();
    hal.screen_width = W;
    hal.screen_height = H;
    hal.screen_pixels = s_pixels.data();
    hal.screen_present = present;
    sim::host_work_open();
    std::vector<double> desktop;
    std::thread mover([&] { desktop = desktop_samples(count); });
    kernel::BootConfig config;
    config.init_args.append("latency-init");
    int status;
    {
        kernel::Kernel kernel(config);
        status = kernel.run();
    }
    mover.join();
    sim::host_work_close();
    if (status != 0 || desktop.size() != static_cast<std::size_t>(count)) {
        std::fprintf(stderr, "desktop-latency: the desktop side failed (status %d, %zu samples)\n", status, desktop.size());
        return 1;
    }
    std::vector<double> floor = linux_samples(count);
    std::printf("%d mouse moves, %ux%u screen\n\n", count, W, H);
    std::printf("%-52s %10s %10s\n", "input to present (us)", "median", "p99");
    std::printf("%-52s %10.1f %10.1f\n", "redox-sim: host event -> orbitald -> display", percentile(desktop, 0.5),
        percentile(desktop, 0.99));
    std::printf("%-52s %10.1f %10.1f\n", "Linux: two threads, post + draw + signal back", percentile(floor, 0.5),
        percentile(floor, 0.99));
    std::printf("%-52s %10.2fx\n", "ratio (median, redox-sim / Linux floor)", percentile(desktop, 0.5) / percentile(floor, 0.5));
    return 0;
}
