// clock: an analog clock (UTC) with a digital readout below it; it redraws once a second.
#include "orbclient/window.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using orbclient::Color;
using orbclient::Event;

constexpr i32 SIZE = 200;
constexpr i32 TEXT_AREA = 24;

// sin(2*pi*i/60) * 1000 for i = 0..15; the other quadrants by symmetry (no libm here).
constexpr i32 SINE[16] = { 0, 105, 208, 309, 407, 500, 588, 669, 743, 809, 866, 914, 951, 978, 995, 1000 };

i32 sine60(i32 i)
{
    i = ((i % 60) + 60) % 60;
    if (i <= 15)
        return SINE[i];
    if (i <= 30)
        return SINE[30 - i];
    if (i <= 45)
        return -SINE[i - 30];
    return -SINE[60 - i];
}

void hand(orbital::Canvas& canvas, i32 position60, i32 length, u32 color, i32 width)
{
    i32 c = SIZE / 2;
    i32 x = c + sine60(position60) * length / 1000;
    i32 y = c - sine60(position60 + 15) * length / 1000;
    for (i32 d = -(width / 2); d <= width / 2; ++d) {
        canvas.line(c + d, c, x + d, y, color);
        canvas.line(c, c + d, x, y + d, color);
    }
}

void draw(orbclient::Window& window, i64 seconds)
{
    orbital::Canvas& canvas = window.canvas();
    canvas.fill_rect(canvas.bounds(), Color::rgb(0x22, 0x26, 0x30).data);
    i32 c = SIZE / 2;
    canvas.circle(c, c, c - 6, Color::rgb(0xf4, 0xf1, 0xea).data, true);
    canvas.circle(c, c, c - 6, Color::rgb(0x55, 0x55, 0x55).data, false);
    for (i32 i = 0; i < 60; ++i) {
        i32 outer = c - 10;
        i32 inner = i % 5 == 0 ? c - 22 : c - 14;
        canvas.line(c + sine60(i) * inner / 1000, c - sine60(i + 15) * inner / 1000, c + sine60(i) * outer / 1000,
            c - sine60(i + 15) * outer / 1000, Color::rgb(0x33, 0x33, 0x33).data);
    }
    i64 day = seconds % 86400;
    i32 h = static_cast<i32>(day / 3600);
    i32 m = static_cast<i32>(day / 60 % 60);
    i32 s = static_cast<i32>(day % 60);
    hand(canvas, (h % 12) * 5 + m / 12, c * 5 / 10, Color::rgb(0x20, 0x20, 0x20).data, 4);
    hand(canvas, m, c * 8 / 10, Color::rgb(0x20, 0x20, 0x20).data, 2);
    hand(canvas, s, c * 8 / 10, Color::rgb(0xc0, 0x39, 0x2b).data, 0);
    canvas.circle(c, c, 4, Color::rgb(0xc0, 0x39, 0x2b).data, true);
    char text[24];
    usize n = ktl::format_buffer(text, sizeof text, "%02d:%02d:%02d UTC", h, m, s);
    canvas.text((SIZE - orbclient::FONT_WIDTH * static_cast<i32>(n)) / 2, SIZE + 4, ktl::StringView(text, n),
        Color::rgb(0xee, 0xee, 0xee).data);
    window.sync();
}

} // namespace

static int clock_main(int, char**, char**)
{
    auto* window = new orbclient::Window();
    if (long r = window->open(760, 60, SIZE, SIZE + TEXT_AREA, "Clock"); r < 0) {
        io::report_error("clock", "/scheme/orbital", r);
        delete window;
        return 1;
    }
    Event events[16];
    for (;;) {
        long n = window->poll_events(events, 16);
        bool quit = n < 0;
        for (long i = 0; i < n; ++i)
            quit = quit || events[i].code == orbital::ORB_EVENT_QUIT;
        if (quit)
            break;
        redox::TimeSpec now {};
        sys::clock_gettime(redox::CLOCK_REALTIME, now);
        draw(*window, now.tv_sec);
        window->wait(1000 - static_cast<u64>(now.tv_nsec) / 1'000'000);
    }
    delete window;
    return 0;
}

REDOX_PROGRAM("clock", clock_main)
