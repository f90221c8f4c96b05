// Unit tests for the Orbital server core (schemes/orbital/): the protocol, the window
// manager and the compositor, driven directly on an offscreen framebuffer, and the request
// decoding with deferred reads as orbitald uses it.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/abi/redox/protocol.h"
#include "../../schemes/orbital/request_handler.h"

using namespace orbital;

namespace {

constexpr i32 SCREEN_W = 640;
constexpr i32 SCREEN_H = 480;
constexpr u32 RED = rgb(255, 0, 0);
constexpr u32 GREEN = rgb(0, 255, 0);

// A server drawing into an offscreen framebuffer, with the first frame already composed.
struct Desktop {
    std::vector<u32> screen = std::vector<u32>(static_cast<size_t>(SCREEN_W) * SCREEN_H, 0);
    Server server;

    Desktop()
    {
        server.set_screen(screen.data(), SCREEN_W, SCREEN_H, SCREEN_W);
        frame();
    }
    // The pixel as 0xFFRRGGBB (the display ignores alpha).
    u32 at(i32 x, i32 y) const { return screen[static_cast<size_t>(y) * SCREEN_W + x] | 0xFF000000; }
    void frame()
    {
        server.clear_presented();
        server.compose();
    }
    u64 open(const std::string& path, u32 uid = 0)
    {
        auto result = server.open(ktl::StringView(path.data(), path.size()), 0, uid);
        REQUIRE_FALSE(result.is_error());
        return result.value();
    }
    int open_error(const std::string& path)
    {
        auto result = server.open(ktl::StringView(path.data(), path.size()), 0, 0);
        return result.is_error() ? result.error().code : 0;
    }
    int command(u64 handle, const std::string& text)
    {
        auto result = server.write(handle, text.data(), text.size());
        return result.is_error() ? result.error().code : 0;
    }
    std::string fpath(u64 handle)
    {
        char buffer[256];
        auto result = server.fpath(handle, buffer, sizeof buffer);
        REQUIRE_FALSE(result.is_error());
        return std::string(buffer, result.value());
    }
    void fill(u64 handle, u32 color)
    {
        Window* window = server.window(handle);
        REQUIRE(window);
        auto* pixels = reinterpret_cast<u32*>(server.mmap_prep(handle, 0, window->buffer_bytes(), 0).value());
        for (i32 i = 0; i < window->rect().w * window->rect().h; ++i)
            pixels[i] = color;
    }
    std::vector<Event> events(u64 handle)
    {
        std::vector<Event> out(EventQueue::CAPACITY);
        auto result = server.read(handle, out.data(), out.size() * sizeof(Event), 0);
        if (result.is_error())
            return {};
        out.resize(result.value() / sizeof(Event));
        return out;
    }
    void input(i64 code, i64 a = 0, i64 b = 0) { server.handle_input({ code, a, b }); }
    void click(i32 x, i32 y)
    {
        input(ORB_EVENT_MOUSE, x, y);
        input(ORB_EVENT_BUTTON, BUTTON_LEFT);
        input(ORB_EVENT_BUTTON, 0);
    }
};

bool has_event(const std::vector<Event>& events, i64 code, i64 a, i64 b)
{
    for (const Event& e : events) {
        if (e.code == code && e.a == a && e.b == b)
            return true;
    }
    return false;
}

bool has_code(const std::vector<Event>& events, i64 code)
{
    for (const Event& e : events) {
        if (e.code == code)
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("orbital: a window opens with its geometry, title and a mappable pixel buffer")
{
    Desktop d;
    u64 w = d.open("r/100/120/200/150/My / Title");
    CHECK(d.server.window_count() == 1);
    CHECK(d.fpath(w) == "r/100/120/200/150/My / Title");
    Window* window = d.server.window(w);
    auto address = d.server.mmap_prep(w, 0, 200 * 150 * 4, 0);
    REQUIRE_FALSE(address.is_error());
    CHECK(address.value() == reinterpret_cast<u64>(window->pixels()));
    CHECK(address.value() % 4096 == 0);
    CHECK(d.server.mmap_prep(w, 0, window->buffer_bytes() + 1, 0).error().code == redox::EINVAL);
    CHECK(d.server.fsize(w).value() == 200 * 150 * 4);
}

TEST_CASE("orbital: malformed window paths and absurd sizes are EINVAL")
{
    Desktop d;
    CHECK(d.open_error("junk") == redox::EINVAL);
    CHECK(d.open_error("/0/0/10") == redox::EINVAL);
    CHECK(d.open_error("/0/0/10/10") == redox::EINVAL); // no slash before the title
    CHECK(d.open_error("/0/0/0/0/zero") == redox::EINVAL);
    CHECK(d.open_error("/0/0/100000/100000/huge") == redox::EINVAL);
    CHECK(d.open_error("/0/0/-5/10/negative") == redox::EINVAL);
    CHECK(d.open_error("/x/0/10/10/letters") == redox::EINVAL);
    CHECK(d.open_error("/0/0/10/99999999999999999999/overflow") == redox::EINVAL);
    CHECK(d.open_error("Q/0/0/10/10/unknown flag") == redox::EINVAL);
    CHECK(d.open_error("/0/0//10/empty") == redox::EINVAL);
    CHECK(d.server.window_count() == 0);
    CHECK(d.open_error("/0/0/8192/1/widest") == 0);
    // Without flags the FLAGS field may be missing (the kernel folds the empty field away).
    CHECK(d.fpath(d.open("5/-6/7/8/t/i/t/l/e")) == "/5/-6/7/8/t/i/t/l/e");
    CHECK(d.open_error("5/6/7/title") == redox::EINVAL);
}

TEST_CASE("orbital: the display query and the root-only screen copy")
{
    Desktop d;
    CHECK(d.fpath(d.open("")) == "99.0/640/480/1");
    CHECK(d.fpath(d.open("99.3")) == "99.3/640/480/1");
    CHECK(d.server.open("screen", 0, 1000).error().code == redox::EACCES);
    u64 w = d.open("/10/30/20/20/w");
    d.fill(w, RED);
    CHECK(d.server.fsync(w).is_error() == false);
    d.frame();
    u64 shot = d.open("screen");
    CHECK(d.fpath(shot) == "screen/640/480");
    std::vector<u32> pixels(SCREEN_W * SCREEN_H);
    auto n = d.server.read(shot, pixels.data(), pixels.size() * 4, 0);
    REQUIRE_FALSE(n.is_error());
    CHECK(n.value() == pixels.size() * 4);
    CHECK(pixels[35 * SCREEN_W + 15] == (0xFF000000 | RED));
    CHECK(d.server.read(shot, pixels.data(), 8, pixels.size() * 4).value() == 0);
}

TEST_CASE("orbital: drawing shows after fsync, with a title bar above the client area")
{
    Desktop d;
    u64 w = d.open("/100/100/50/40/Hello");
    d.fill(w, RED);
    CHECK(d.at(110, 110) != RED); // not presented yet
    REQUIRE_FALSE(d.server.fsync(w).is_error());
    d.frame();
    CHECK(d.at(110, 110) == RED);
    CHECK(d.at(149, 139) == RED);
    CHECK(d.at(160, 110) == Compositor::background_color(110, SCREEN_H));
    // The title bar is drawn in the focused color, above the client area.
    Rect bar = d.server.window(w)->title_bar();
    CHECK(bar.bottom() == 100);
    CHECK(d.at(bar.x + 1, bar.y + 1) == rgb(0x3b, 0x5b, 0x8c));
}

TEST_CASE("orbital: only damaged rectangles are recomposited and presented")
{
    Desktop d;
    u64 w = d.open("/100/100/50/40/w");
    d.fill(w, RED);
    d.server.fsync(w).release_value();
    d.frame();
    const u32 poison = 0xFF123456;
    d.screen[400 * SCREEN_W + 500] = poison; // far from the window
    d.fill(w, GREEN);
    CHECK(d.command(w, "Y,0,0,10,10") == 0);
    d.frame();
    REQUIRE(d.server.presented().size() == 1);
    CHECK(d.server.presented()[0] == Rect { 100, 100, 10, 10 });
    CHECK(d.at(105, 105) == GREEN);
    CHECK(d.at(120, 120) == RED); // changed in the buffer but not damaged
    CHECK(d.at(500, 400) == poison);
    // Damage outside the window is clipped to it.
    CHECK(d.command(w, "Y,40,30,100,100") == 0);
    d.frame();
    REQUIRE(d.server.presented().size() == 1);
    CHECK(d.server.presented()[0] == Rect { 140, 130, 10, 10 });
    // Nothing changed: nothing is drawn.
    d.frame();
    CHECK(d.server.presented().size() == 0);
}

TEST_CASE("orbital: z-order, focus by click, and the back and front tiers")
{
    Desktop d;
    u64 a = d.open("/100/100/100/100/A");
    u64 b = d.open("/150/150/100/100/B");
    d.fill(a, RED);
    d.fill(b, GREEN);
    d.server.fsync(a).release_value();
    d.server.fsync(b).release_value();
    d.frame();
    CHECK(d.at(175, 175) == GREEN); // B was opened last: on top
    CHECK(d.server.manager().focused() == d.server.window(b));
    d.events(a);
    d.events(b);

    d.click(120, 120); // a visible part of A
    d.frame();
    CHECK(d.server.manager().focused() == d.server.window(a));
    CHECK(d.at(175, 175) == RED);
    CHECK(has_event(d.events(a), ORB_EVENT_FOCUS, 1, 0));
    CHECK(has_event(d.events(b), ORB_EVENT_FOCUS, 0, 0));

    // Clicking the background focuses nothing.
    d.click(600, 450);
    CHECK(d.server.manager().focused() == nullptr);

    u64 front = d.open("f/160/160/20/20/front");
    u64 normal = d.open("/160/160/20/20/normal");
    u64 back = d.open("b/0/0/640/480/wallpaper");
    // Panels and wallpapers opening later do not take the focus.
    CHECK(d.server.manager().focused() == d.server.window(normal));
    const auto& stack = d.server.manager().stack();
    REQUIRE(stack.size() == 5);
    CHECK(stack[0] == d.server.window(back));
    CHECK(stack[4] == d.server.window(front));
    CHECK(stack[3] == d.server.window(normal));
    // A click on the back window does not lift it over the others.
    d.click(630, 470);
    CHECK(stack[0] == d.server.window(back));
    // Closing the focused window hands the focus to the next normal window, not a panel.
    d.server.manager().focus(d.server.window(normal)); // `front` covers it: no click reaches it
    REQUIRE(d.server.manager().focused() == d.server.window(normal));
    d.server.close(normal);
    CHECK(d.server.manager().focused() != d.server.window(front));
    CHECK(d.server.manager().focused() != nullptr);
    CHECK(d.server.manager().focused()->tier() == 1);
}

TEST_CASE("orbital: keys and text go to the focused window, mouse to the window under it")
{
    Desktop d;
    u64 a = d.open("/100/100/100/100/A");
    u64 b = d.open("/300/100/100/100/B");
    d.events(a);
    d.events(b);
    d.input(ORB_EVENT_TEXT_INPUT, 'x');
    d.input(ORB_EVENT_KEY, 0, 0x1C | 1 << 8);
    auto got = d.events(b);
    CHECK(has_event(got, ORB_EVENT_TEXT_INPUT, 'x', 0));
    CHECK(has_event(got, ORB_EVENT_KEY, 0, 0x1C | 1 << 8));
    CHECK(d.events(a).empty());
    d.input(ORB_EVENT_MOUSE, 110, 130);
    d.input(ORB_EVENT_SCROLL, 0, -1);
    got = d.events(a);
    CHECK(has_event(got, ORB_EVENT_MOUSE, 10, 30));
    CHECK(has_event(got, ORB_EVENT_SCROLL, 0, -1));
    d.input(ORB_EVENT_BUTTON, BUTTON_LEFT);
    d.input(ORB_EVENT_BUTTON, 0);
    got = d.events(a);
    CHECK(has_event(got, ORB_EVENT_BUTTON, BUTTON_LEFT, 0));
    CHECK(has_event(got, ORB_EVENT_BUTTON, 0, 0));
}

TEST_CASE("orbital: dragging the title bar moves the window")
{
    Desktop d;
    u64 w = d.open("/100/100/80/60/drag me");
    d.fill(w, RED);
    d.server.fsync(w).release_value();
    d.frame();
    d.events(w);
    d.input(ORB_EVENT_MOUSE, 120, 90); // in the title bar
    d.input(ORB_EVENT_BUTTON, BUTTON_LEFT);
    d.input(ORB_EVENT_MOUSE, 170, 140);
    d.input(ORB_EVENT_MOUSE, 220, 190);
    d.input(ORB_EVENT_BUTTON, 0);
    d.frame();
    CHECK(d.server.window(w)->rect() == Rect { 200, 200, 80, 60 });
    CHECK(d.fpath(w) == "/200/200/80/60/drag me");
    CHECK(has_event(d.events(w), ORB_EVENT_MOVE, 200, 200));
    CHECK(d.at(210, 210) == RED);
    CHECK(d.at(110, 110) == Compositor::background_color(110, SCREEN_H));
    // Moving the mouse afterwards no longer drags.
    d.input(ORB_EVENT_MOUSE, 400, 400);
    CHECK(d.server.window(w)->rect().x == 200);
}

TEST_CASE("orbital: a borderless window asks to be dragged with D while the button is held")
{
    Desktop d;
    u64 w = d.open("l/100/100/80/60/borderless");
    d.input(ORB_EVENT_MOUSE, 110, 105);
    d.input(ORB_EVENT_BUTTON, BUTTON_LEFT); // in the client area: the client sees it...
    CHECK(d.command(w, "D") == 0); // ...and hands the drag to the server
    d.input(ORB_EVENT_MOUSE, 210, 205);
    d.input(ORB_EVENT_BUTTON, 0);
    CHECK(d.server.window(w)->rect() == Rect { 200, 200, 80, 60 });
    d.input(ORB_EVENT_MOUSE, 300, 300);
    CHECK(d.server.window(w)->rect().x == 200);
    CHECK(d.command(w, "D,X,Y") == redox::EINVAL);
}

TEST_CASE("orbital: a resizable window resizes by its corner handle; others do not")
{
    Desktop d;
    u64 w = d.open("r/100/100/100/80/resizable");
    d.events(w);
    d.input(ORB_EVENT_MOUSE, 198, 178);
    d.input(ORB_EVENT_BUTTON, BUTTON_LEFT);
    d.input(ORB_EVENT_MOUSE, 248, 218);
    d.input(ORB_EVENT_BUTTON, 0);
    CHECK(d.server.window(w)->rect() == Rect { 100, 100, 150, 120 });
    CHECK(has_event(d.events(w), ORB_EVENT_RESIZE, 150, 120));
    // The client maps the new buffer, which covers the new size.
    auto address = d.server.mmap_prep(w, 0, 150 * 120 * 4, 0);
    REQUIRE_FALSE(address.is_error());
    // Until it maps again, the buffer it has mapped stays usable however often it is resized.
    auto* mapped = reinterpret_cast<u32*>(address.value());
    CHECK(d.command(w, "S,60,60") == 0);
    CHECK(d.command(w, "S,70,70") == 0);
    mapped[150 * 120 - 1] = RED; // caught by the ASan build if it were freed
    CHECK(d.server.mmap_prep(w, 0, 70 * 70 * 4, 0).value() != address.value());

    u64 fixed = d.open("/300/100/100/80/fixed");
    d.input(ORB_EVENT_MOUSE, 398, 178);
    d.input(ORB_EVENT_BUTTON, BUTTON_LEFT);
    d.input(ORB_EVENT_MOUSE, 448, 218);
    d.input(ORB_EVENT_BUTTON, 0);
    CHECK(d.server.window(fixed)->rect() == Rect { 300, 100, 100, 80 });
}

TEST_CASE("orbital: the close button asks the client to quit; closing removes the window")
{
    Desktop d;
    u64 w = d.open("/100/100/100/80/closable");
    d.fill(w, RED);
    d.server.fsync(w).release_value();
    d.frame();
    d.events(w);
    Rect close = d.server.window(w)->close_button();
    d.click(close.x + close.w / 2, close.y + close.h / 2);
    CHECK(has_code(d.events(w), ORB_EVENT_QUIT));
    CHECK(d.server.window_count() == 1); // the client decides
    d.server.close(w);
    d.frame();
    CHECK(d.server.window_count() == 0);
    CHECK(d.at(150, 140) == Compositor::background_color(140, SCREEN_H));

    u64 stubborn = d.open("u/100/100/100/80/unclosable");
    CHECK(d.server.window(stubborn)->close_button().is_empty());
}

TEST_CASE("orbital: reads return whole events; sync windows would block, async ones return 0")
{
    Desktop d;
    u64 sync = d.open("/0/30/10/10/sync");
    u64 async = d.open("a/100/30/10/10/async");
    d.events(sync);
    d.events(async);
    Event e[4];
    CHECK(d.server.read(sync, e, sizeof e, 0).error().code == redox::EAGAIN);
    CHECK(d.server.read(async, e, sizeof e, 0).value() == 0);
    CHECK(d.server.fevent(async, redox::EVENT_READ).value() == 0);
    d.input(ORB_EVENT_TEXT_INPUT, 'q');
    CHECK(d.server.fevent(async, redox::EVENT_READ).value() == redox::EVENT_READ);
    CHECK(d.server.read(async, e, 23, 0).error().code == redox::EINVAL);
    CHECK(d.server.read(async, e, 30, 0).value() == 24);
    CHECK(e[0].code == ORB_EVENT_TEXT_INPUT);
    CHECK(e[0].a == 'q');
    // A,0 makes the async window synchronous.
    CHECK(d.command(async, "A,0") == 0);
    CHECK(d.server.read(async, e, sizeof e, 0).error().code == redox::EAGAIN);
    CHECK(d.server.read(999, e, sizeof e, 0).error().code == redox::EBADF);
}

TEST_CASE("orbital: a client that never reads loses old mouse moves, not memory or keys")
{
    Desktop d;
    u64 w = d.open("/0/30/600/400/lazy");
    d.events(w);
    for (int i = 0; i < 100000; ++i) {
        d.input(ORB_EVENT_MOUSE, i % 500, 50 + i % 300);
        if (i % 1000 == 0)
            d.input(ORB_EVENT_TEXT_INPUT, 'a' + i / 1000 % 26);
    }
    d.input(ORB_EVENT_MOUSE, 321, 123);
    Window* window = d.server.window(w);
    CHECK(window->events().size() <= EventQueue::CAPACITY);
    auto got = d.events(w);
    int texts = 0;
    for (const Event& e : got)
        texts += e.code == ORB_EVENT_TEXT_INPUT;
    CHECK(texts == 100);
    CHECK(got.back().code == ORB_EVENT_MOUSE);
    CHECK(got.back().a == 321);
    CHECK(got.back().b == 123 - 30);

    // Full of keys: the oldest go, the newest stay.
    for (int i = 0; i < 1000; ++i)
        d.input(ORB_EVENT_TEXT_INPUT, i);
    got = d.events(w);
    CHECK(got.size() == EventQueue::CAPACITY);
    CHECK(got.back().a == 999);
    CHECK(window->events().dropped() > 0);
}

TEST_CASE("orbital: commands move, resize, retitle and re-flag; unknown or malformed ones are EINVAL")
{
    Desktop d;
    u64 w = d.open("/10/40/100/100/old");
    CHECK(d.command(w, "P,50,60") == 0);
    CHECK(d.command(w, "S,120,90") == 0);
    CHECK(d.command(w, "T,new, title/with slash") == 0);
    CHECK(d.command(w, "F,r,1") == 0);
    CHECK(d.fpath(w) == "r/50/60/120/90/new, title/with slash");
    CHECK(d.command(w, "F,h,1") == 0);
    CHECK_FALSE(d.server.window(w)->visible());
    CHECK(d.command(w, "M,C,0") == 0);
    CHECK(d.command(w, "D") == redox::EINVAL); // no button held

    CHECK(d.command(w, "Z,1") == redox::EINVAL);
    CHECK(d.command(w, "") == redox::EINVAL);
    CHECK(d.command(w, "Pxyz") == redox::EINVAL);
    CHECK(d.command(w, "P,1") == redox::EINVAL);
    CHECK(d.command(w, "P,a,b") == redox::EINVAL);
    CHECK(d.command(w, "S,0,0") == redox::EINVAL);
    CHECK(d.command(w, "S,100000,100000") == redox::EINVAL);
    CHECK(d.command(w, "F,q,1") == redox::EINVAL);
    CHECK(d.command(w, "F,rh,1") == redox::EINVAL);
    CHECK(d.command(w, "F,r,2") == redox::EINVAL);
    CHECK(d.command(w, "A,yes") == redox::EINVAL);
    CHECK(d.command(w, "M,X,1") == redox::EINVAL);
    CHECK(d.command(w, "Y,1,2,3") == redox::EINVAL);
    CHECK(d.command(w, "Y,1,2,-3,4") == redox::EINVAL);
    CHECK(d.command(w, "T," + std::string(Window::MAX_TITLE + 1, 'x')) == redox::EINVAL);
    CHECK(d.fpath(w) == "hr/50/60/120/90/new, title/with slash");
}

TEST_CASE("orbital: transparent windows are alpha-blended, opaque ones are not")
{
    Desktop d;
    u64 glass = d.open("t/100/100/40/40/glass");
    u64 solid = d.open("/200/100/40/40/solid");
    d.fill(glass, argb(0x80, 255, 0, 0));
    d.fill(solid, argb(0x80, 255, 0, 0));
    d.server.fsync(glass).release_value();
    d.server.fsync(solid).release_value();
    d.frame();
    u32 under = Compositor::background_color(110, SCREEN_H);
    CHECK(d.at(110, 110) == blend(under, argb(0x80, 255, 0, 0)));
    CHECK(d.at(110, 110) != RED);
    CHECK(d.at(210, 110) == RED);
}

TEST_CASE("orbital: a transparent window blends over the opaque window below it, not the background")
{
    Desktop d;
    u64 below = d.open("/0/30/640/400/below"); // covers whole tiles
    u64 glass = d.open("t/100/100/200/200/glass");
    d.fill(below, GREEN);
    d.fill(glass, argb(0x80, 255, 0, 0));
    d.server.fsync(below).release_value();
    d.server.fsync(glass).release_value();
    d.frame();
    CHECK(d.at(150, 150) == blend(GREEN, argb(0x80, 255, 0, 0)));
    CHECK(d.at(400, 300) == GREEN);
}

TEST_CASE("orbital: maximized and fullscreen windows follow the screen")
{
    Desktop d;
    u64 full = d.open("M/10/10/100/100/full");
    CHECK(d.server.window(full)->rect() == Rect { 0, 0, SCREEN_W, SCREEN_H });
    u64 max = d.open("/10/40/100/100/max");
    CHECK(d.command(max, "F,m,1") == 0);
    Rect r = d.server.window(max)->rect();
    CHECK(r.w == SCREEN_W - 2);
    CHECK(r.y == Window::TITLE_BAR_HEIGHT + 1);
    CHECK(d.command(max, "F,m,0") == 0);
    CHECK(d.server.window(max)->rect() == Rect { 10, 40, 100, 100 });
}

TEST_CASE("orbital: the cursor follows the mouse and only its old and new places are redrawn")
{
    Desktop d;
    d.input(ORB_EVENT_MOUSE, 300, 300);
    d.frame();
    CHECK(d.at(300, 300) == rgb(0, 0, 0)); // the arrow's black tip
    CHECK(d.at(301, 302) == rgb(255, 255, 255));
    d.input(ORB_EVENT_MOUSE, 320, 300);
    d.frame();
    CHECK(d.at(300, 300) == Compositor::background_color(300, SCREEN_H));
    CHECK(d.at(320, 300) == rgb(0, 0, 0));
    for (const Rect& r : d.server.presented())
        CHECK(r.w * r.h <= 2 * WindowManager::CURSOR_WIDTH * WindowManager::CURSOR_HEIGHT);
}

TEST_CASE("orbital: reads of sync windows wait in the request handler until an event comes")
{
    Desktop d;
    RequestHandler handler(d.server);
    auto request = [](u8 opcode, u32 tag, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0, u64 a4 = 0) {
        redox::SchemeRequest r {};
        r.opcode = opcode;
        r.tag = tag;
        r.args[0] = a0;
        r.args[1] = a1;
        r.args[2] = a2;
        r.args[3] = a3;
        r.args[4] = a4;
        return r;
    };
    std::string path = "/10/40/50/50/client";
    redox::SchemeCompletion c {};
    REQUIRE(handler.handle(
        request(redox::OP_OPENAT, 1, redox::ROOT_HANDLE, reinterpret_cast<u64>(path.data()), path.size()), c));
    u64 w = c.result;
    CHECK(d.server.window(w) != nullptr);
    std::vector<redox::SchemeCompletion> out;
    ktl::Vector<redox::SchemeCompletion> ready;
    handler.complete_ready(ready); // the FOCUS event of the new window
    d.events(w);

    Event buffer[2] {};
    CHECK_FALSE(handler.handle(request(redox::OP_READ, 7, w, reinterpret_cast<u64>(buffer), sizeof buffer), c));
    CHECK(handler.pending_reads() == 1);
    // A non-blocking caller gets EAGAIN instead.
    REQUIRE(handler.handle(
        request(redox::OP_READ, 8, w, reinterpret_cast<u64>(buffer), sizeof buffer, 0, redox::O_NONBLOCK), c));
    CHECK(static_cast<i64>(c.result) == -redox::EAGAIN);

    d.input(ORB_EVENT_TEXT_INPUT, 'k');
    ready.clear();
    handler.complete_ready(ready);
    REQUIRE(ready.size() == 1);
    CHECK(ready[0].flags == redox::COMPLETION_RESPOND_REGULAR);
    CHECK(ready[0].tag == 7);
    CHECK(ready[0].result == sizeof(Event));
    CHECK(buffer[0].code == ORB_EVENT_TEXT_INPUT);
    CHECK(buffer[0].a == 'k');
    CHECK(handler.pending_reads() == 0);

    // With no read pending, a new event is a readiness notice for event queues.
    d.input(ORB_EVENT_TEXT_INPUT, 'l');
    ready.clear();
    handler.complete_ready(ready);
    REQUIRE(ready.size() == 1);
    CHECK(ready[0].flags == redox::COMPLETION_SEND_FEVENT);
    CHECK(ready[0].result == w);
    CHECK(ready[0].tag == redox::EVENT_READ);

    // Pixels through OP_MMAP_PREP, unknown opcodes, and a close that drops a pending read.
    REQUIRE(handler.handle(request(redox::OP_MMAP_PREP, 9, w, 0, 50 * 50 * 4, 0), c));
    CHECK(c.result == reinterpret_cast<u64>(d.server.window(w)->pixels()));
    REQUIRE(handler.handle(request(redox::OP_GETDENTS, 10, w), c));
    CHECK(static_cast<i64>(c.result) == -redox::ENOSYS);
    d.events(w);
    CHECK_FALSE(handler.handle(request(redox::OP_READ, 11, w, reinterpret_cast<u64>(buffer), sizeof buffer), c));
    redox::SchemeRequest close = request(redox::OP_CLOSE, 12, w);
    close.flags = redox::REQUEST_FLAG_ONEWAY;
    CHECK_FALSE(handler.handle(close, c));
    CHECK(handler.pending_reads() == 0);
    CHECK(d.server.window_count() == 0);
}

TEST_CASE("orbital: M,G keeps the pointer inside a focused window; M,R sends relative motion instead")
{
    Desktop d;
    u64 game = d.open("/100/100/200/150/game");
    u64 other = d.open("/400/100/100/100/other");
    d.click(150, 150); // focus the game
    d.events(game);
    d.events(other);

    CHECK(d.command(game, "M,G,1") == 0);
    d.input(ORB_EVENT_MOUSE, 450, 150); // over the other window: held at the game's edge
    CHECK(d.server.manager().cursor_x() == 299);
    auto got = d.events(game);
    CHECK(has_event(got, ORB_EVENT_MOUSE, 199, 50));
    d.input(ORB_EVENT_BUTTON, BUTTON_LEFT); // no click-to-focus, no window manager action
    d.input(ORB_EVENT_BUTTON, 0);
    got = d.events(game);
    CHECK(has_event(got, ORB_EVENT_BUTTON, BUTTON_LEFT, 0));
    CHECK(d.events(other).empty());
    CHECK(d.command(game, "M,G,0") == 0);
    d.input(ORB_EVENT_MOUSE, 450, 160);
    CHECK(d.server.manager().cursor_x() == 450); // free again

    d.click(150, 150);
    d.events(game);
    CHECK(d.command(game, "M,R,1") == 0);
    d.input(ORB_EVENT_MOUSE, 160, 145);
    d.input(ORB_EVENT_MOUSE, 170, 140);
    got = d.events(game);
    CHECK(has_event(got, ORB_EVENT_MOUSE_RELATIVE, 10, -5));
    CHECK(has_event(got, ORB_EVENT_MOUSE_RELATIVE, 10, -5));
    CHECK_FALSE(has_code(got, ORB_EVENT_MOUSE));
    CHECK(d.server.manager().cursor_x() == 150); // the pointer did not move
    CHECK(d.command(game, "M,R,0") == 0);
    d.input(ORB_EVENT_MOUSE, 180, 140);
    CHECK(has_event(d.events(game), ORB_EVENT_MOUSE, 80, 40));
}
