#pragma once
// The compositor: draws the damaged parts of the screen from back to front (background,
// windows with their decorations, the cursor) into the display's framebuffer, and
// remembers which rectangles it drew so the display presents only those.
//
// Opaque windows are copied row by row; transparent ones (flag t) are blended with their
// pixels' alpha. Nothing outside the damage is read or written, so the cost of a frame
// follows what changed, not the size of the screen. The damage is drawn tile by tile, each
// tile from the topmost opaque window that covers it, so overlapped windows cost little.
#include "canvas.h"
#include "window_manager.h"

namespace orbital {

class Compositor {
public:
    // Damage is drawn in tiles of this size (see compose()).
    static constexpr i32 TILE_WIDTH = 256;
    static constexpr i32 TILE_HEIGHT = 64;

    // The framebuffer to draw into (0x00RRGGBB or 0xAARRGGBB; alpha is written as 0xFF).
    void set_target(u32* pixels, i32 width, i32 height, i32 stride)
    {
        m_screen = Canvas(pixels, width, height, stride);
    }
    const Canvas& target() const { return m_screen; }

    // Draws every rectangle in the window manager's damage, clears it, and appends the
    // rectangles drawn to presented().
    void compose(WindowManager& manager);
    const ktl::Vector<Rect>& presented() const { return m_presented; }
    void clear_presented() { m_presented.clear(); }

    static u32 background_color(i32 y, i32 height);

private:
    void draw(WindowManager& manager, const Rect& area);
    void draw_decorations(const Window& window, bool focused);
    void draw_cursor(i32 x, i32 y);

    Canvas m_screen;
    ktl::Vector<Rect> m_presented;
};

} // namespace orbital
