#pragma once
// A window: geometry, flags, title, its pixels and its pending events. The server owns the
// pixel buffer; the client maps it (fmap, OP_MMAP_PREP) and draws into it directly.
//
// Coordinates: x, y, w, h is the client area on the screen. Decorated windows (not
// borderless or fullscreen) have a title bar above it and a one-pixel border around both.
#include "../../kernel_core/ktl/string.h"
#include "event_queue.h"
#include "geometry.h"

namespace orbital {

// Window flags: the letters of an open path, as bits.
enum WindowFlag : u32 {
    FLAG_ASYNC = 1 << 0, // a: reads return 0 bytes instead of blocking
    FLAG_BACK = 1 << 1, // b: always below normal windows
    FLAG_FRONT = 1 << 2, // f: always above normal windows
    FLAG_HIDDEN = 1 << 3, // h: not drawn, gets no input
    FLAG_BORDERLESS = 1 << 4, // l: no title bar or border
    FLAG_MAXIMIZED = 1 << 5, // m: fills the screen below its title bar
    FLAG_FULLSCREEN = 1 << 6, // M: fills the screen, no decorations
    FLAG_RESIZABLE = 1 << 7, // r: the user may resize it by its corner handle
    FLAG_SCALABLE = 1 << 8, // s: accepted and reported; nothing scales yet
    FLAG_TRANSPARENT = 1 << 9, // t: its pixels' alpha is blended over what is below
    FLAG_UNCLOSABLE = 1 << 10, // u: no close button
};

// What an open path asks for (see window_protocol.h).
struct WindowSpec {
    u32 flags { 0 };
    i32 x { 0 };
    i32 y { 0 };
    i32 w { 0 };
    i32 h { 0 };
    ktl::String title;
};

// Page-aligned pixels, a whole number of pages long, so a client can map them.
class PixelBuffer {
public:
    static constexpr usize PAGE_SIZE = 4096;
    PixelBuffer(i32 w, i32 h, u32 fill);
    ~PixelBuffer() { delete[] m_allocation; }
    PixelBuffer(const PixelBuffer&) = delete;
    PixelBuffer& operator=(const PixelBuffer&) = delete;

    u32* pixels() const { return m_pixels; }
    usize bytes() const { return m_bytes; } // page-rounded

private:
    u8* m_allocation;
    u32* m_pixels;
    usize m_bytes;
};

class Window {
public:
    static constexpr i32 MAX_SIDE = 8192; // per side; 0 and above this are EINVAL
    static constexpr i32 MAX_POSITION = 65535; // |x|, |y|
    static constexpr i32 TITLE_BAR_HEIGHT = 22;
    static constexpr i32 BORDER = 1;
    static constexpr i32 RESIZE_HANDLE = 14; // the bottom-right square of the client area
    static constexpr i32 MIN_SIDE = 32; // the smallest a user resize goes
    static constexpr usize MAX_TITLE = 1024; // bytes; a longer T command is EINVAL

    static bool valid_size(i64 w, i64 h) { return w > 0 && h > 0 && w <= MAX_SIDE && h <= MAX_SIDE; }
    static bool valid_position(i64 x, i64 y)
    {
        return x >= -MAX_POSITION && x <= MAX_POSITION && y >= -MAX_POSITION && y <= MAX_POSITION;
    }

    // `spec` must have a valid size.
    Window(u64 id, const WindowSpec& spec);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    u64 id() const { return m_id; }
    u32 flags() const { return m_flags; }
    bool has(WindowFlag flag) const { return m_flags & flag; }
    void set_flag(WindowFlag flag, bool on) { m_flags = on ? (m_flags | flag) : (m_flags & ~flag); }
    ktl::StringView title() const { return m_title.view(); }
    void set_title(ktl::StringView title) { m_title = title; }

    Rect rect() const { return m_rect; }
    void set_position(i32 x, i32 y)
    {
        m_rect.x = x;
        m_rect.y = y;
    }
    // A new buffer of the new size keeping the old pixels that still fit. If the client
    // has the old one mapped, it stays allocated until the client maps the new one
    // (mapped()) or the window closes: the client may still be drawing into it. Any other
    // old buffer is freed at once, so a window holds at most two.
    void resize(i32 w, i32 h);
    // The client mapped the current buffer (OP_MMAP_PREP).
    void mapped();

    u32* pixels() const { return m_buffer->pixels(); }
    usize buffer_bytes() const { return m_buffer->bytes(); }
    EventQueue& events() { return m_events; }
    const EventQueue& events() const { return m_events; }

    bool visible() const { return !has(FLAG_HIDDEN); }
    bool decorated() const { return !has(FLAG_BORDERLESS) && !has(FLAG_FULLSCREEN); }
    // 0 back, 1 normal, 2 front: windows stack within their tier.
    int tier() const { return has(FLAG_BACK) ? 0 : has(FLAG_FRONT) ? 2 : 1; }

    // Screen rectangles of the parts (empty when the window has no such part).
    Rect frame() const;
    Rect title_bar() const;
    Rect close_button() const;
    Rect resize_handle() const;

    // The geometry to go back to when a maximized or fullscreen window stops being one.
    Rect restore_rect() const { return m_restore; }
    void set_restore_rect(const Rect& rect) { m_restore = rect; }

    // `M,C,0` hides the cursor over this window.
    bool cursor_hidden() const { return m_cursor_hidden; }
    void set_cursor_hidden(bool hidden) { m_cursor_hidden = hidden; }
    // M,G: while focused, the pointer stays inside the window and every mouse event is its.
    bool mouse_grabbed() const { return m_mouse_grabbed; }
    void set_mouse_grabbed(bool grabbed) { m_mouse_grabbed = grabbed; }
    // M,R: while focused, the window gets MOUSE_RELATIVE motion (dx, dy) instead of MOUSE.
    bool mouse_relative() const { return m_mouse_relative; }
    void set_mouse_relative(bool relative) { m_mouse_relative = relative; }

private:
    u64 m_id;
    u32 m_flags;
    Rect m_rect;
    ktl::String m_title;
    PixelBuffer* m_buffer;
    PixelBuffer* m_client_buffer { nullptr }; // the one the client mapped last
    PixelBuffer* m_retired { nullptr }; // that one, after a resize replaced it
    EventQueue m_events;
    Rect m_restore;
    bool m_cursor_hidden { false };
    bool m_mouse_grabbed { false };
    bool m_mouse_relative { false };
};

} // namespace orbital
