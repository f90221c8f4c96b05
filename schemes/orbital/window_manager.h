#pragma once
// The window manager: the stacking order, focus, the cursor, and what the user does with
// the mouse and keyboard.
//
// - Stacking: windows stack bottom to top within three tiers (back, normal, front). A new
//   window and a clicked one go on top of their tier; a new normal window takes the focus.
// - Focus: a click on a window focuses and raises it; a click on the background focuses
//   nothing. Keys and text go to the focused window. FOCUS events tell windows.
// - The left button on a title bar drags the window (MOVE events), on a resizable window's
//   corner handle resizes it (RESIZE events; the client remaps its pixels), on the close
//   button sends QUIT to the client (the window stays until the client closes it).
// - Mouse moves, buttons and scrolls in a client area go to that window in its own
//   coordinates; while a button pressed in a client area is held, that window keeps them.
// Every visible change is added to damage() for the compositor.
#include "damage.h"
#include "window.h"

namespace orbital {

class WindowManager {
public:
    static constexpr i32 CURSOR_WIDTH = 12;
    static constexpr i32 CURSOR_HEIGHT = 19;

    void set_screen_size(i32 w, i32 h);
    Rect screen() const { return { 0, 0, m_screen_w, m_screen_h }; }

    // Takes the window into the stack (the caller keeps ownership) and focuses it if it is
    // a visible normal window.
    void add(Window& window);
    void remove(Window& window);
    const ktl::Vector<Window*>& stack() const { return m_stack; } // bottom to top
    Window* focused() const { return m_focused; }
    Window* window_at(i32 x, i32 y) const; // the topmost visible window whose frame holds x, y

    void focus(Window* window);
    void raise(Window& window);
    void move(Window& window, i32 x, i32 y);
    // `notify`: the user did it, so the client hears a RESIZE event.
    void resize(Window& window, i32 w, i32 h, bool notify);
    void set_flags(Window& window, u32 flags);
    void set_title(Window& window, ktl::StringView title);
    // The client presented `local` (window pixels).
    void damage_window(const Window& window, const Rect& local);

    // `D`: the client asks to be dragged (a borderless window's own title bar): while the
    // left button is held, mouse moves move it, or resize it when `resize` is set.
    // False when no button is held.
    bool begin_drag(Window& window, bool resize);

    void handle_input(const Event& event);
    bool quit_requested() const { return m_quit; }

    i32 cursor_x() const { return m_cursor_x; }
    i32 cursor_y() const { return m_cursor_y; }
    Rect cursor_rect() const { return { m_cursor_x, m_cursor_y, CURSOR_WIDTH, CURSOR_HEIGHT }; }
    bool cursor_visible() const;

    Damage& damage() { return m_damage; }
    // Ids of windows whose event queue went from empty to non-empty since the last call.
    void take_ready(ktl::Vector<u64>& out);
    // Queues an event for a window, noting when it becomes readable.
    void post(Window& window, const Event& event);

private:
    enum class Drag { None, Move, Resize, Client };

    void damage_frame(const Window& window) { m_damage.add(window.frame()); }
    void pointer_moved(i32 x, i32 y);
    void buttons_changed(i64 buttons);
    void apply_screen_geometry(Window& window);
    Window* client_window_at(i32 x, i32 y) const;

    ktl::Vector<Window*> m_stack;
    Window* m_focused { nullptr };
    Window* m_hovered { nullptr };
    Damage m_damage;
    ktl::Vector<u64> m_ready;
    i32 m_screen_w { 0 };
    i32 m_screen_h { 0 };
    i32 m_cursor_x { 0 };
    i32 m_cursor_y { 0 };
    i32 m_relative_x { 0 }; // the last device position, for relative motion
    i32 m_relative_y { 0 };
    i64 m_buttons { 0 };
    Drag m_drag { Drag::None };
    Window* m_drag_window { nullptr };
    i32 m_grab_dx { 0 }; // Move: cursor - window origin; Resize: window corner - cursor
    i32 m_grab_dy { 0 };
    bool m_quit { false };
};

} // namespace orbital
