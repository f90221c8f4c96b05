// launcher: the taskbar along the bottom of the screen, with a button per app and a clock.
// A click on a button starts the app. It is a front, borderless, unclosable window, so
// other windows never cover it.
#include "orbclient/window.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "spawn.h"

namespace {

using orbclient::Color;
using orbclient::Event;
using orbclient::Rect;

constexpr i32 BAR_HEIGHT = 32;
constexpr u32 BAR_COLOR = Color::rgba(0x18, 0x1c, 0x24, 0xe8).data;
constexpr u32 BUTTON_COLOR = Color::rgb(0x2e, 0x36, 0x46).data;
constexpr u32 BUTTON_PRESSED = Color::rgb(0x4c, 0x6a, 0x9c).data;
constexpr u32 TEXT_COLOR = Color::rgb(0xee, 0xee, 0xee).data;

struct App {
    const char* label;
    const char* program;
};
constexpr App APPS[] = {
    { "Terminal", "terminal" },
    { "Life", "life" },
    { "Clock", "clock" },
    { "Screenshot", "screenshot" },
};
constexpr usize APP_COUNT = sizeof APPS / sizeof APPS[0];

class Launcher {
public:
    int run(char** envp);

private:
    Rect button(usize i) const;
    void draw();
    void click(i32 x, i32 y);
    void place();

    orbclient::Window m_window;
    char** m_envp { nullptr };
    i32 m_mouse_x { 0 };
    i32 m_mouse_y { 0 };
    isize m_pressed { -1 };
    i64 m_minute { -1 };
};

Rect Launcher::button(usize i) const
{
    i32 x = 6;
    for (usize j = 0; j < i; ++j)
        x += orbclient::FONT_WIDTH * static_cast<i32>(__builtin_strlen(APPS[j].label)) + 24 + 6;
    return { x, 4, orbclient::FONT_WIDTH * static_cast<i32>(__builtin_strlen(APPS[i].label)) + 24, BAR_HEIGHT - 8 };
}

void Launcher::draw()
{
    orbital::Canvas& canvas = m_window.canvas();
    canvas.fill_rect(canvas.bounds(), BAR_COLOR);
    for (usize i = 0; i < APP_COUNT; ++i) {
        Rect r = button(i);
        canvas.fill_rect(r, static_cast<isize>(i) == m_pressed ? BUTTON_PRESSED : BUTTON_COLOR);
        canvas.text(r.x + 12, r.y + (r.h - orbclient::FONT_HEIGHT) / 2, APPS[i].label, TEXT_COLOR);
    }
    redox::TimeSpec now {};
    sys::clock_gettime(redox::CLOCK_REALTIME, now);
    i64 minutes = now.tv_sec / 60;
    m_minute = minutes;
    char text[16];
    usize n = ktl::format_buffer(
        text, sizeof text, "%02ld:%02ld UTC", static_cast<long>(minutes / 60 % 24), static_cast<long>(minutes % 60));
    canvas.text(canvas.width() - 8 - orbclient::FONT_WIDTH * static_cast<i32>(n),
        (BAR_HEIGHT - orbclient::FONT_HEIGHT) / 2, ktl::StringView(text, n), TEXT_COLOR);
    m_window.sync();
}

void Launcher::click(i32 x, i32 y)
{
    for (usize i = 0; i < APP_COUNT; ++i) {
        if (!button(i).contains(x, y))
            continue;
        const char* argv[] = { APPS[i].program, nullptr };
        long pid = apps::spawn(argv, m_envp);
        if (pid < 0)
            io::report_error("launcher", APPS[i].program, pid);
    }
}

void Launcher::place()
{
    i32 w = 0;
    i32 h = 0;
    if (orbclient::Window::display_size(w, h) < 0)
        return;
    m_window.set_position(0, h - BAR_HEIGHT);
    if (w != m_window.width())
        m_window.set_size(w, BAR_HEIGHT);
}

int Launcher::run(char** envp)
{
    m_envp = envp;
    i32 w = 0;
    i32 h = 0;
    if (long r = orbclient::Window::display_size(w, h); r < 0) {
        io::report_error("launcher", "/scheme/orbital", r);
        return 1;
    }
    if (long r = m_window.open(0, h - BAR_HEIGHT, w, BAR_HEIGHT, "Launcher", "flut"); r < 0) {
        io::report_error("launcher", "/scheme/orbital", r);
        return 1;
    }
    draw();
    Event events[32];
    for (;;) {
        long n = m_window.poll_events(events, 32);
        if (n < 0)
            return 1;
        bool redraw = false;
        for (long i = 0; i < n; ++i) {
            const Event& e = events[i];
            if (e.code == orbital::ORB_EVENT_MOUSE) {
                m_mouse_x = static_cast<i32>(e.a);
                m_mouse_y = static_cast<i32>(e.b);
            } else if (e.code == orbital::ORB_EVENT_BUTTON) {
                bool left = e.a & orbital::BUTTON_LEFT;
                if (left && m_pressed < 0) {
                    for (usize b = 0; b < APP_COUNT; ++b) {
                        if (button(b).contains(m_mouse_x, m_mouse_y))
                            m_pressed = static_cast<isize>(b);
                    }
                } else if (!left && m_pressed >= 0) {
                    click(m_mouse_x, m_mouse_y);
                    m_pressed = -1;
                }
                redraw = true;
            } else if (e.code == orbital::ORB_EVENT_SCREEN) {
                place();
                redraw = true;
            }
        }
        int status;
        while (sys::waitpid(-1, &status, redox::WNOHANG) > 0) {}
        redox::TimeSpec now {};
        sys::clock_gettime(redox::CLOCK_REALTIME, now);
        if (redraw || now.tv_sec / 60 != m_minute)
            draw();
        if (n == 0)
            m_window.wait(static_cast<u64>(60 - now.tv_sec % 60) * 1000); // the clock's next minute
    }
}

} // namespace

static int launcher_main(int argc, char** argv, char** envp)
{
    (void)argc;
    (void)argv;
    auto* launcher = new Launcher();
    int status = launcher->run(envp);
    delete launcher;
    return status;
}

REDOX_PROGRAM("launcher", launcher_main)
