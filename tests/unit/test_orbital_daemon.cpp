// orbitald end to end inside the kernel: windows opened through the `orbital` scheme, pixels
// shared with fmap, presentation on the fake HAL's screen, input from the `input` scheme,
// blocking reads completed later, a client that dies with its window open, and the host
// window's QUIT stopping the system.
#include "kernel_harness.h"

#include "../../kernel_core/abi/redox/orbital.h"
#include "../../kernel_core/hal/display.h"
#include "../../kernel_core/schemes/input_scheme.h"
#include "../../schemes/orbital/compositor.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

namespace fake_hal {
void set_display(u32 width, u32 height);
const std::vector<redox::DisplayRect>& presented();
} // namespace fake_hal

using harness::boot;
using harness::spawn;

namespace {

constexpr u32 SCREEN_W = 320;
constexpr u32 SCREEN_H = 200;

u32 screen_pixel(i32 x, i32 y) { return hal::display_info().pixels[y * SCREEN_W + x] | 0xFF000000; }

long start_orbitald()
{
    long pid = spawn([] {
        const char* argv[] = { "orbitald", nullptr };
        const char* envp[] = { nullptr };
        return static_cast<int>(sys::execve("/scheme/initfs/bin/orbitald", argv, envp));
    });
    // Wait until the scheme is registered (orbitald does so before serving).
    for (int attempt = 0; attempt < 1000; ++attempt) {
        long fd = sys::open("/scheme/orbital/", redox::O_RDONLY);
        if (fd >= 0) {
            sys::close(static_cast<int>(fd));
            break;
        }
        sys::yield();
    }
    return pid;
}

std::string fpath(int fd)
{
    char buffer[256] = {};
    long n = sys::fpath(fd, buffer, sizeof buffer);
    return n < 0 ? std::string() : std::string(buffer, static_cast<size_t>(n));
}

// A round trip through orbitald: everything sent before it has been handled and presented.
void round_trip()
{
    long fd = sys::open("/scheme/orbital/", redox::O_RDONLY);
    CHECK(fd >= 0);
    sys::close(static_cast<int>(fd));
}

} // namespace

TEST_CASE("orbital: orbitald serves windows, presents them, delivers input, cleans up dead clients, and quits")
{
    fake_hal::set_display(SCREEN_W, SCREEN_H);
    auto run = boot([] {
        long daemon = start_orbitald();
        CHECK(daemon > 0);

        long display = sys::open("/scheme/orbital/", redox::O_RDONLY);
        REQUIRE(display >= 0);
        CHECK(fpath(static_cast<int>(display)) == "/scheme/orbital/99.0/320/200/1");
        sys::close(static_cast<int>(display));
        CHECK(sys::open("/scheme/orbital/0/0/0/0/bad", redox::O_RDWR) == -redox::EINVAL);

        // An async window: pixels through fmap, presented by fsync.
        long fd = sys::open("/scheme/orbital/a/10/40/50/30/first", redox::O_RDWR);
        REQUIRE(fd >= 0);
        int window = static_cast<int>(fd);
        CHECK(fpath(window) == "/scheme/orbital/a/10/40/50/30/first");
        long address = sys::fmap(window, 0, 50 * 30 * 4, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
        REQUIRE(address > 0);
        auto* pixels = reinterpret_cast<u32*>(address);
        for (int i = 0; i < 50 * 30; ++i)
            pixels[i] = 0xFFFF0000;
        size_t presented_before = fake_hal::presented().size();
        CHECK(sys::fsync(window) == 0);
        CHECK(screen_pixel(20, 50) == 0xFFFF0000);
        CHECK(fake_hal::presented().size() > presented_before);
        CHECK(sys::write(window, "Z,1", 3) == -redox::EINVAL);
        CHECK(sys::write(window, "T,renamed", 9) == 9);
        CHECK(fpath(window) == "/scheme/orbital/a/10/40/50/30/renamed");

        // Input reaches the focused window and wakes an event queue watching it.
        orbital::Event events[8] {};
        while (sys::read(window, events, sizeof events) > 0) {}
        long queue = sys::open("/scheme/event", redox::O_RDWR);
        redox::Event watch { static_cast<unsigned long>(window), redox::EVENT_READ, 7 };
        CHECK(sys::write(static_cast<int>(queue), &watch, sizeof watch) == sizeof watch);
        kernel::deliver_input({ redox::ORB_EVENT_TEXT_INPUT, 'x', 0 });
        redox::Event ready {};
        CHECK(sys::read(static_cast<int>(queue), &ready, sizeof ready) == sizeof ready);
        CHECK(ready.data == 7);
        CHECK(sys::read(window, events, sizeof events) == sizeof(orbital::Event));
        CHECK(events[0].code == redox::ORB_EVENT_TEXT_INPUT);
        CHECK(events[0].a == 'x');
        CHECK(sys::read(window, events, sizeof events) == 0); // async: nothing more

        // A synchronous window's read blocks in orbitald until input comes.
        long sync_fd = sys::open("/scheme/orbital//200/40/50/30/sync", redox::O_RDWR);
        REQUIRE(sync_fd >= 0);
        int sync_window = static_cast<int>(sync_fd);
        CHECK(sys::read(sync_window, events, sizeof events) > 0); // its FOCUS event
        long reader = spawn([sync_window] {
            orbital::Event got[4] {};
            long n = sys::read(sync_window, got, sizeof got);
            return n == sizeof(orbital::Event) && got[0].code == redox::ORB_EVENT_TEXT_INPUT && got[0].a == 'y' ? 0 : 1;
        });
        for (int i = 0; i < 20; ++i)
            sys::yield();
        kernel::deliver_input({ redox::ORB_EVENT_TEXT_INPUT, 'y', 0 });
        CHECK(harness::wait_status(reader) == 0);

        // A client that exits with its window open (and mapped) loses the window.
        long client = spawn([] {
            long w = sys::open("/scheme/orbital/a/100/120/40/40/doomed", redox::O_RDWR);
            if (w < 0)
                return 1;
            long p = sys::fmap(static_cast<int>(w), 0, 40 * 40 * 4, redox::PROT_WRITE | redox::MAP_SHARED);
            if (p < 0)
                return 2;
            for (int i = 0; i < 40 * 40; ++i)
                reinterpret_cast<u32*>(p)[i] = 0xFF00FF00;
            return sys::fsync(static_cast<int>(w)) == 0 ? 0 : 3;
        });
        CHECK(harness::wait_status(client) == 0);
        round_trip();
        CHECK(screen_pixel(110, 130) == orbital::Compositor::background_color(130, SCREEN_H));

        sys::funmap(pixels, 50 * 30 * 4);
        sys::close(window);
        sys::close(sync_window);
        sys::close(static_cast<int>(queue));

        // Closing the host window stops the system with status 0.
        kernel::deliver_input({ redox::ORB_EVENT_QUIT, 0, 0 });
        redox::TimeSpec nap { 100, 0, 0 };
        sys::nanosleep(nap, nullptr);
        return 3; // not reached when orbitald stops the system
    });
    CHECK(run.status == 0);
    fake_hal::set_display(0, 0);
}
