#include "window_manager.h"

namespace orbital {

void WindowManager::set_screen_size(i32 w, i32 h)
{
    m_screen_w = w;
    m_screen_h = h;
    m_damage.set_bounds(screen());
    m_damage.add(screen());
    m_cursor_x = ktl::min(m_cursor_x, ktl::max(w - 1, 0));
    m_cursor_y = ktl::min(m_cursor_y, ktl::max(h - 1, 0));
    for (Window* window : m_stack) {
        apply_screen_geometry(*window);
        post(*window, { ORB_EVENT_SCREEN, w, h });
    }
}

void WindowManager::post(Window& window, const Event& event)
{
    bool was_empty = window.events().is_empty();
    window.events().push(event);
    if (was_empty)
        m_ready.append(window.id());
}

void WindowManager::take_ready(ktl::Vector<u64>& out)
{
    for (u64 id : m_ready)
        out.append(id);
    m_ready.clear();
}

void WindowManager::add(Window& window)
{
    m_stack.append(&window);
    raise(window);
    apply_screen_geometry(window);
    damage_frame(window);
    // Back and front windows (wallpapers, panels such as the launcher) do not take the
    // focus from what the user works in when they open; a click still focuses them.
    if (window.visible() && window.tier() == 1)
        focus(&window);
}

void WindowManager::remove(Window& window)
{
    for (usize i = 0; i < m_stack.size(); ++i) {
        if (m_stack[i] == &window) {
            m_stack.remove(i);
            break;
        }
    }
    damage_frame(window);
    if (m_hovered == &window)
        m_hovered = nullptr;
    if (m_drag_window == &window) {
        m_drag_window = nullptr;
        m_drag = Drag::None;
    }
    if (m_focused == &window) {
        m_focused = nullptr;
        // The next normal window down takes the focus (as when windows open).
        for (usize i = m_stack.size(); i-- > 0;) {
            if (m_stack[i]->visible() && m_stack[i]->tier() == 1) {
                focus(m_stack[i]);
                break;
            }
        }
    }
}

Window* WindowManager::window_at(i32 x, i32 y) const
{
    for (usize i = m_stack.size(); i-- > 0;) {
        if (m_stack[i]->visible() && m_stack[i]->frame().contains(x, y))
            return m_stack[i];
    }
    return nullptr;
}

Window* WindowManager::client_window_at(i32 x, i32 y) const
{
    Window* window = window_at(x, y);
    return window && window->rect().contains(x, y) ? window : nullptr;
}

void WindowManager::focus(Window* window)
{
    if (window == m_focused)
        return;
    if (m_focused) {
        post(*m_focused, { ORB_EVENT_FOCUS, 0, 0 });
        m_damage.add(m_focused->title_bar());
    }
    m_focused = window;
    if (window) {
        post(*window, { ORB_EVENT_FOCUS, 1, 0 });
        m_damage.add(window->title_bar());
    }
}

void WindowManager::raise(Window& window)
{
    usize from = 0;
    while (from < m_stack.size() && m_stack[from] != &window)
        ++from;
    if (from == m_stack.size())
        return;
    m_stack.remove(from);
    // On top of its tier: after the last window whose tier is not above its own.
    usize to = 0;
    for (usize i = 0; i < m_stack.size(); ++i) {
        if (m_stack[i]->tier() <= window.tier())
            to = i + 1;
    }
    m_stack.insert(to, &window);
    if (to != from)
        damage_frame(window);
}

void WindowManager::move(Window& window, i32 x, i32 y)
{
    Rect rect = window.rect();
    if (rect.x == x && rect.y == y)
        return;
    damage_frame(window);
    window.set_position(x, y);
    damage_frame(window);
}

void WindowManager::resize(Window& window, i32 w, i32 h, bool notify)
{
    Rect rect = window.rect();
    if (rect.w == w && rect.h == h)
        return;
    damage_frame(window);
    window.resize(w, h);
    damage_frame(window);
    if (notify)
        post(window, { ORB_EVENT_RESIZE, w, h });
}

void WindowManager::set_flags(Window& window, u32 flags)
{
    u32 old = window.flags();
    if (old == flags)
        return;
    damage_frame(window);
    bool was_sized_by_screen = old & (FLAG_MAXIMIZED | FLAG_FULLSCREEN);
    bool sized_by_screen = flags & (FLAG_MAXIMIZED | FLAG_FULLSCREEN);
    if (!was_sized_by_screen && sized_by_screen)
        window.set_restore_rect(window.rect());
    // Replace the flags one by one (set_flag keeps Window's invariants simple).
    for (u32 bit = 1; bit <= FLAG_UNCLOSABLE; bit <<= 1)
        window.set_flag(static_cast<WindowFlag>(bit), flags & bit);
    if (was_sized_by_screen && !sized_by_screen) {
        Rect restore = window.restore_rect();
        window.set_position(restore.x, restore.y);
        resize(window, restore.w, restore.h, true);
    }
    apply_screen_geometry(window);
    if ((old ^ flags) & (FLAG_BACK | FLAG_FRONT))
        raise(window);
    if (!window.visible() && m_focused == &window)
        focus(nullptr);
    damage_frame(window);
}

void WindowManager::apply_screen_geometry(Window& window)
{
    if (m_screen_w <= 0 || m_screen_h <= 0)
        return;
    Rect target;
    if (window.has(FLAG_FULLSCREEN)) {
        target = screen();
    } else if (window.has(FLAG_MAXIMIZED)) {
        i32 top = window.decorated() ? Window::TITLE_BAR_HEIGHT + Window::BORDER : 0;
        i32 side = window.decorated() ? Window::BORDER : 0;
        target = { side, top, m_screen_w - 2 * side, m_screen_h - top - side };
    } else {
        return;
    }
    if (!Window::valid_size(target.w, target.h))
        return;
    move(window, target.x, target.y);
    resize(window, target.w, target.h, true);
}

void WindowManager::set_title(Window& window, ktl::StringView title)
{
    window.set_title(title);
    m_damage.add(window.title_bar());
}

void WindowManager::damage_window(const Window& window, const Rect& local)
{
    if (!window.visible())
        return;
    Rect rect = window.rect();
    m_damage.add(local.translated(rect.x, rect.y).intersected(rect));
}

bool WindowManager::begin_drag(Window& window, bool resize)
{
    if (!(m_buttons & BUTTON_LEFT))
        return false;
    Rect r = window.rect();
    m_drag = resize ? Drag::Resize : Drag::Move;
    m_drag_window = &window;
    m_grab_dx = resize ? r.right() - m_cursor_x : m_cursor_x - r.x;
    m_grab_dy = resize ? r.bottom() - m_cursor_y : m_cursor_y - r.y;
    return true;
}

bool WindowManager::cursor_visible() const
{
    Window* under = client_window_at(m_cursor_x, m_cursor_y);
    return !under || !under->cursor_hidden();
}

void WindowManager::handle_input(const Event& event)
{
    switch (event.code) {
    case ORB_EVENT_MOUSE:
        pointer_moved(static_cast<i32>(event.a), static_cast<i32>(event.b));
        break;
    case ORB_EVENT_BUTTON:
        buttons_changed(event.a);
        break;
    case ORB_EVENT_KEY:
    case ORB_EVENT_TEXT_INPUT:
        if (m_focused)
            post(*m_focused, event);
        break;
    case ORB_EVENT_SCROLL: {
        Window* target = client_window_at(m_cursor_x, m_cursor_y);
        if (!target)
            target = m_focused;
        if (target)
            post(*target, event);
        break;
    }
    case ORB_EVENT_SCREEN:
        set_screen_size(static_cast<i32>(event.a), static_cast<i32>(event.b));
        break;
    case ORB_EVENT_QUIT:
        m_quit = true;
        break;
    default:
        break; // nothing else comes from an input device
    }
}

void WindowManager::pointer_moved(i32 x, i32 y)
{
    x = ktl::max(0, ktl::min(x, m_screen_w - 1));
    y = ktl::max(0, ktl::min(y, m_screen_h - 1));
    if (m_focused && m_focused->visible() && m_focused->mouse_relative()) {
        // A game's camera: motion only, as deltas; the pointer stays where it was.
        i32 dx = x - m_relative_x, dy = y - m_relative_y;
        m_relative_x = x;
        m_relative_y = y;
        if (dx || dy)
            post(*m_focused, { ORB_EVENT_MOUSE_RELATIVE, dx, dy });
        return;
    }
    m_relative_x = x;
    m_relative_y = y;
    if (m_focused && m_focused->visible() && m_focused->mouse_grabbed()) {
        Rect r = m_focused->rect(); // the pointer can not leave a grabbing window
        x = ktl::max(r.x, ktl::min(x, r.right() - 1));
        y = ktl::max(r.y, ktl::min(y, r.bottom() - 1));
    }
    if (x == m_cursor_x && y == m_cursor_y)
        return;
    m_damage.add(cursor_rect());
    m_cursor_x = x;
    m_cursor_y = y;
    m_damage.add(cursor_rect());

    if (m_drag == Drag::Move && m_drag_window) {
        move(*m_drag_window, x - m_grab_dx, y - m_grab_dy);
        Rect r = m_drag_window->rect();
        post(*m_drag_window, { ORB_EVENT_MOVE, r.x, r.y });
        return;
    }
    if (m_drag == Drag::Resize && m_drag_window) {
        Rect r = m_drag_window->rect();
        i32 w = ktl::max(Window::MIN_SIDE, ktl::min(x + m_grab_dx - r.x, Window::MAX_SIDE));
        i32 h = ktl::max(Window::MIN_SIDE, ktl::min(y + m_grab_dy - r.y, Window::MAX_SIDE));
        resize(*m_drag_window, w, h, true);
        return;
    }
    Window* target = m_drag == Drag::Client ? m_drag_window : client_window_at(x, y);
    if (target != m_hovered && m_drag != Drag::Client) {
        if (m_hovered)
            post(*m_hovered, { ORB_EVENT_HOVER, 0, 0 });
        m_hovered = target;
        if (target)
            post(*target, { ORB_EVENT_HOVER, 1, 0 });
    }
    if (target) {
        Rect r = target->rect();
        post(*target, { ORB_EVENT_MOUSE, x - r.x, y - r.y });
    }
}

void WindowManager::buttons_changed(i64 buttons)
{
    i64 pressed = buttons & ~m_buttons;
    m_buttons = buttons;
    if (m_focused && m_focused->visible() && (m_focused->mouse_grabbed() || m_focused->mouse_relative())) {
        // A grabbing window gets every button; the window manager does not act on them.
        post(*m_focused, { ORB_EVENT_BUTTON, buttons, 0 });
        return;
    }
    if (m_drag == Drag::None && pressed) {
        Window* window = window_at(m_cursor_x, m_cursor_y);
        focus(window);
        if (!window)
            return;
        raise(*window);
        bool left = pressed & BUTTON_LEFT;
        if (left && window->close_button().contains(m_cursor_x, m_cursor_y)) {
            post(*window, { ORB_EVENT_QUIT, 0, 0 });
            return; // the window stays until its client closes it
        }
        Rect r = window->rect();
        if (left && window->resize_handle().contains(m_cursor_x, m_cursor_y)) {
            m_drag = Drag::Resize;
            m_grab_dx = r.right() - m_cursor_x;
            m_grab_dy = r.bottom() - m_cursor_y;
        } else if (!r.contains(m_cursor_x, m_cursor_y)) {
            if (!left)
                return;
            m_drag = Drag::Move; // the title bar or the border
            m_grab_dx = m_cursor_x - r.x;
            m_grab_dy = m_cursor_y - r.y;
        } else {
            m_drag = Drag::Client;
        }
        m_drag_window = window;
    }
    if (m_drag == Drag::Client && m_drag_window) {
        post(*m_drag_window, { ORB_EVENT_BUTTON, buttons, 0 });
    } else if (m_drag == Drag::None) {
        // A release over a window that did not see the press.
        if (Window* target = client_window_at(m_cursor_x, m_cursor_y))
            post(*target, { ORB_EVENT_BUTTON, buttons, 0 });
    }
    if (buttons == 0) {
        m_drag = Drag::None;
        m_drag_window = nullptr;
    }
}

} // namespace orbital
