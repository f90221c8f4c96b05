#include "compositor.h"

namespace orbital {

namespace {

    constexpr u32 TITLE_FOCUSED = rgb(0x3b, 0x5b, 0x8c);
    constexpr u32 TITLE_UNFOCUSED = rgb(0x4a, 0x4f, 0x57);
    constexpr u32 TITLE_TEXT = rgb(0xf0, 0xf0, 0xf0);
    constexpr u32 TITLE_TEXT_UNFOCUSED = rgb(0xb8, 0xb8, 0xb8);
    constexpr u32 BORDER_COLOR = rgb(0x20, 0x22, 0x26);
    constexpr u32 CLOSE_HOVER = rgb(0xc0, 0x39, 0x2b);
    constexpr u32 HANDLE_COLOR = argb(0xa0, 0xd0, 0xd0, 0xd0);

    // The arrow: '#' outline, '.' fill.
    constexpr const char* CURSOR_SHAPE[WindowManager::CURSOR_HEIGHT] = {
        "#           ",
        "##          ",
        "#.#         ",
        "#..#        ",
        "#...#       ",
        "#....#      ",
        "#.....#     ",
        "#......#    ",
        "#.......#   ",
        "#........#  ",
        "#.........# ",
        "#......#####",
        "#...#..#    ",
        "#..# #..#   ",
        "#.#  #..#   ",
        "##    #..#  ",
        "#     #..#  ",
        "       #..# ",
        "        ##  ",
    };

} // namespace

u32 Compositor::background_color(i32 y, i32 height)
{
    // A vertical gradient from deep blue to teal.
    i32 t = height > 1 ? y * 255 / (height - 1) : 0;
    return rgb(static_cast<u8>(0x1a + (0x14 - 0x1a) * t / 255), static_cast<u8>(0x23 + (0x5e - 0x23) * t / 255),
        static_cast<u8>(0x46 + (0x6e - 0x46) * t / 255));
}

void Compositor::compose(WindowManager& manager)
{
    if (!m_screen.pixels()) {
        manager.damage().clear();
        return;
    }
    for (const Rect& rect : manager.damage().rects()) {
        Rect area = rect.intersected(m_screen.bounds());
        if (area.is_empty())
            continue;
        // In tiles, so that where an opaque window covers a whole tile nothing below it
        // is drawn (see draw()).
        for (i32 y = area.y; y < area.bottom(); y += TILE_HEIGHT) {
            for (i32 x = area.x; x < area.right(); x += TILE_WIDTH)
                draw(manager, Rect { x, y, TILE_WIDTH, TILE_HEIGHT }.intersected(area));
        }
        m_presented.append(area);
    }
    manager.damage().clear();
    m_screen.reset_clip();
}

void Compositor::draw(WindowManager& manager, const Rect& area)
{
    m_screen.set_clip(area);
    // Start at the topmost opaque window whose pixels cover the whole area: what is below
    // it would be painted over.
    const auto& stack = manager.stack();
    usize first = 0;
    bool covered = false;
    for (usize i = stack.size(); i-- > 0;) {
        Window* window = stack[i];
        if (window->visible() && !window->has(FLAG_TRANSPARENT) && window->rect().contains(area)) {
            first = i;
            covered = true;
            break;
        }
    }
    if (!covered) {
        for (i32 y = area.y; y < area.bottom(); ++y)
            m_screen.fill_rect({ area.x, y, area.w, 1 }, background_color(y, m_screen.height()));
    }
    for (usize i = first; i < stack.size(); ++i) {
        Window* window = stack[i];
        if (!window->visible() || !window->frame().intersects(area))
            continue;
        if (window->decorated())
            draw_decorations(*window, window == manager.focused());
        Rect r = window->rect();
        m_screen.blit(r.x, r.y, window->pixels(), r.w, r.h, r.w, window->has(FLAG_TRANSPARENT));
        Rect handle = window->resize_handle();
        if (!handle.is_empty() && handle.intersects(area)) {
            for (i32 d = 3; d < handle.w; d += 4)
                m_screen.line(handle.right() - 1 - d, handle.bottom() - 1, handle.right() - 1, handle.bottom() - 1 - d,
                    HANDLE_COLOR);
        }
    }
    if (manager.cursor_visible() && manager.cursor_rect().intersects(area))
        draw_cursor(manager.cursor_x(), manager.cursor_y());
}

void Compositor::draw_decorations(const Window& window, bool focused)
{
    m_screen.rect_outline(window.frame(), BORDER_COLOR);
    Rect bar = window.title_bar();
    m_screen.fill_rect(bar, focused ? TITLE_FOCUSED : TITLE_UNFOCUSED);
    Rect close = window.close_button();
    // The title, clipped so it never runs under the close button.
    Rect saved = m_screen.clip();
    Rect text_area { bar.x + 6, bar.y, bar.w - 6 - close.w - 2, bar.h };
    m_screen.set_clip(saved.intersected(text_area));
    m_screen.text(text_area.x, bar.y + (bar.h - Canvas::GLYPH_HEIGHT) / 2, window.title(),
        focused ? TITLE_TEXT : TITLE_TEXT_UNFOCUSED);
    m_screen.set_clip(saved);
    if (!close.is_empty()) {
        if (focused)
            m_screen.fill_rect({ close.x + 3, close.y + 3, close.w - 6, close.h - 6 }, CLOSE_HOVER);
        i32 inset = 7;
        for (i32 t = 0; t < 2; ++t) {
            m_screen.line(close.x + inset + t, close.y + inset, close.right() - 1 - inset + t,
                close.bottom() - 1 - inset, TITLE_TEXT);
            m_screen.line(close.x + inset + t, close.bottom() - 1 - inset, close.right() - 1 - inset + t,
                close.y + inset, TITLE_TEXT);
        }
    }
}

void Compositor::draw_cursor(i32 x, i32 y)
{
    for (i32 row = 0; row < WindowManager::CURSOR_HEIGHT; ++row) {
        for (i32 column = 0; column < WindowManager::CURSOR_WIDTH; ++column) {
            char c = CURSOR_SHAPE[row][column];
            if (c == '#')
                m_screen.plot(x + column, y + row, rgb(0, 0, 0));
            else if (c == '.')
                m_screen.plot(x + column, y + row, rgb(255, 255, 255));
        }
    }
}

} // namespace orbital
