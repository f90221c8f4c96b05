#pragma once
// orbclient: the client side of Orbital, in the spirit of Redox's orbclient crate.
//
//   orbclient::Window window;
//   if (long r = window.open(100, 100, 320, 200, "Hello", "r"); r < 0) ...
//   window.canvas().fill_rect(window.canvas().bounds(), Color::rgb(30, 30, 30).data);
//   window.canvas().text(10, 10, "hi", Color::rgb(255, 255, 255).data);
//   window.sync();                                     // present everything
//   orbclient::Event events[16];
//   for (;;) {
//       long n = window.wait_events(events, 16);        // blocks; typed events
//       ...
//   }
//
// The window's pixels are the server's buffer, mapped with fmap; drawing goes through
// orbital::Canvas (pixels, rectangles, lines, circles, images with alpha, text in the
// bundled 8x16 font). Windows are opened async (the `a` flag) and waiting happens in an
// event queue, so a program can also watch its own fds (watch()) and stays killable.
#include "../../../kernel_core/ktl/string.h"
#include "../../../schemes/orbital/canvas.h"
#include "../../../schemes/orbital/event.h"
#include "color.h"

namespace orbclient {

using orbital::Canvas;
using orbital::Event;
using orbital::Rect;

class Window {
public:
    Window() = default;
    ~Window() { close(); }
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // Opens /scheme/orbital/FLAGS/X/Y/W/H/TITLE (FLAGS: the letters of server.h, `a` is
    // always added) and maps its pixels; returns 0 or -errno.
    long open(i32 x, i32 y, i32 w, i32 h, ktl::StringView title, ktl::StringView flags = {});
    void close();
    bool is_open() const { return m_fd >= 0; }
    int fd() const { return m_fd; }

    Canvas& canvas() { return m_canvas; }
    i32 width() const { return m_canvas.width(); }
    i32 height() const { return m_canvas.height(); }
    // The geometry the server reports (fpath): the position changes when the user drags.
    long geometry(Rect& out);

    // Presents the whole window / only these rectangles (window pixels).
    long sync();
    long damage(const Rect* rects, usize count);
    long damage(const Rect& rect) { return damage(&rect, 1); }

    long set_title(ktl::StringView title);
    long set_position(i32 x, i32 y);
    // Resizes and remaps: the canvas then has the new size (contents kept where they fit).
    long set_size(i32 w, i32 h);
    long set_flag(char flag, bool on);
    long command(ktl::StringView text);

    // The events queued now (never blocks): the count, 0 when none, or -errno. A RESIZE
    // event is applied before it is returned: the canvas already has the new size.
    long poll_events(Event* out, usize max);
    // Waits until events come (or a watched fd is ready) and returns poll_events'.
    long wait_events(Event* out, usize max);
    // Adds fd to what wait_events waits for.
    long watch(int fd);
    // Blocks until the window or a watched fd is ready, or `milliseconds` pass (0: no limit).
    long wait(u64 milliseconds = 0);

    // The display size (the `orbital` scheme's display query).
    static long display_size(i32& w, i32& h);

private:
    long map(i32 w, i32 h);
    void unmap();

    int m_fd { -1 };
    int m_queue { -1 };
    Canvas m_canvas;
    usize m_mapped_bytes { 0 };
};

// Rough text layout for the bundled font.
constexpr i32 FONT_WIDTH = Canvas::GLYPH_WIDTH;
constexpr i32 FONT_HEIGHT = Canvas::GLYPH_HEIGHT;

} // namespace orbclient
