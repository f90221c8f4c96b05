// The `display` and `input` kernel schemes (the screen and input devices a display server
// uses) on the fake HAL's screen.
#include "kernel_harness.h"

#include "../../kernel_core/abi/redox/orbital.h"
#include "../../kernel_core/schemes/input_scheme.h"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

namespace fake_hal {
void set_display(u32 width, u32 height); // 0: none
const std::vector<redox::DisplayRect>& presented();
} // namespace fake_hal

using harness::boot;
using harness::spawn;

TEST_CASE("display: root maps the framebuffer and presents clipped rectangles")
{
    fake_hal::set_display(64, 32);
    auto run = boot([] {
        long fd = sys::open("/scheme/display", redox::O_RDWR);
        CHECK(fd >= 0);
        int d = static_cast<int>(fd);
        char path[64] = {};
        CHECK(sys::fpath(d, path, sizeof path) > 0);
        CHECK(std::strcmp(path, "/scheme/display/64/32") == 0);
        long address = sys::fmap(d, 0, 64 * 32 * 4, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
        CHECK(address > 0);
        auto* pixels = reinterpret_cast<std::uint32_t*>(address);
        pixels[5 * 64 + 7] = 0x00ff0000;
        redox::DisplayRect rects[3] = { { 7, 5, 1, 1 }, { -10, -10, 20, 20 }, { 60, 30, 100, 100 } };
        CHECK(sys::write(d, rects, sizeof rects) == sizeof rects);
        redox::DisplayRect empty { 10, 10, 0, 5 };
        CHECK(sys::write(d, &empty, sizeof empty) == sizeof empty); // nothing to show
        CHECK(sys::write(d, rects, 5) == -redox::EINVAL);           // not whole rectangles
        CHECK(sys::fsync(d) == 0);
        // Out of range mappings and non-root callers are refused.
        CHECK(sys::fmap(d, 4, 64 * 32 * 4, redox::PROT_READ) == -redox::EINVAL);
        CHECK(sys::fmap(d, 2, 4, redox::PROT_READ) == -redox::EINVAL);
        CHECK(sys::funmap(pixels, 64 * 32 * 4) == 0);
        CHECK(sys::close(d) == 0);
        long user = spawn([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(sys::open("/scheme/display", redox::O_RDWR) == -redox::EACCES);
            CHECK(sys::open("/scheme/input", redox::O_RDONLY) == -redox::EACCES);
            return 0;
        });
        CHECK(harness::wait_status(user) == 0);
        return 0;
    });
    CHECK(run.status == 0);
    const auto& shown = fake_hal::presented();
    REQUIRE(shown.size() == 4);
    CHECK((shown[0].x == 7 && shown[0].y == 5 && shown[0].w == 1 && shown[0].h == 1));
    CHECK((shown[1].x == 0 && shown[1].y == 0 && shown[1].w == 10 && shown[1].h == 10));
    CHECK((shown[2].x == 60 && shown[2].y == 30 && shown[2].w == 4 && shown[2].h == 2));
    CHECK((shown[3].x == 0 && shown[3].y == 0 && shown[3].w == 64 && shown[3].h == 32));
    fake_hal::set_display(0, 0);
}

TEST_CASE("display: without a screen there is no display scheme")
{
    fake_hal::set_display(0, 0);
    auto run = boot([] {
        CHECK(sys::open("/scheme/display", redox::O_RDWR) == -redox::ENODEV);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("input: events queue up, block readers, wake event queues, and drop the oldest when full")
{
    auto run = boot([] {
        long fd = sys::open("/scheme/input", redox::O_RDONLY);
        CHECK(fd >= 0);
        int in = static_cast<int>(fd);
        redox::OrbitalEvent events[4] {};
        CHECK(sys::read(in, events, 10) == -redox::EINVAL); // less than one event
        long nonblocking = sys::open("/scheme/input", redox::O_RDONLY | redox::O_NONBLOCK);
        CHECK(sys::read(static_cast<int>(nonblocking), events, sizeof events) == -redox::EAGAIN);

        // An event queue watching the input is told when an event arrives.
        long queue = sys::open("/scheme/event", redox::O_RDWR);
        redox::Event watch { static_cast<unsigned long>(in), redox::EVENT_READ, 42 };
        CHECK(sys::write(static_cast<int>(queue), &watch, sizeof watch) == sizeof watch);

        // A reader blocks until the platform delivers.
        long reader = spawn([in] {
            redox::OrbitalEvent got[2] {};
            long n = sys::read(in, got, sizeof got);
            CHECK(n == 2 * static_cast<long>(sizeof(redox::OrbitalEvent)));
            CHECK(got[0].code == redox::ORB_EVENT_KEY);
            CHECK(got[0].b == (0x1E | 0x100));
            CHECK(got[1].code == redox::ORB_EVENT_MOUSE);
            return 0;
        });
        for (int i = 0; i < 5; ++i)
            sys::yield();
        kernel::deliver_input({ redox::ORB_EVENT_KEY, 'a', 0x1E | 0x100 });
        kernel::deliver_input({ redox::ORB_EVENT_MOUSE, 10, 20 });
        redox::Event ready {};
        CHECK(sys::read(static_cast<int>(queue), &ready, sizeof ready) == sizeof ready);
        CHECK(ready.data == 42);
        CHECK(harness::wait_status(reader) == 0);

        // Nobody reads: only the newest events stay.
        for (long i = 0; i < static_cast<long>(kernel::InputScheme::capacity) + 10; ++i)
            kernel::deliver_input({ redox::ORB_EVENT_MOUSE, i, i });
        CHECK(sys::read(in, events, sizeof events) == sizeof events);
        CHECK(events[0].a == 10);
        sys::close(static_cast<int>(queue));
        sys::close(static_cast<int>(nonblocking));
        sys::close(in);
        return 0;
    });
    CHECK(run.status == 0);
}
