#pragma once
// Drawing into a 32-bit pixel buffer (0xAARRGGBB, rows `stride` pixels apart), clipped to
// the buffer and to an optional clip rectangle. The compositor draws the screen with it and
// the client library (apps/lib/orbclient) draws windows with it, so both share one font
// and one set of primitives.
//
// Colors with alpha 255 are written as they are; shapes, lines and text in a translucent
// color are blended over what is there. fill_rect and blit say explicitly which they do.
#include "../../kernel_core/ktl/string_view.h"
#include "geometry.h"

namespace orbital {

constexpr u32 argb(u8 a, u8 r, u8 g, u8 b)
{
    return static_cast<u32>(a) << 24 | static_cast<u32>(r) << 16 | static_cast<u32>(g) << 8 | b;
}
constexpr u32 rgb(u8 r, u8 g, u8 b) { return argb(255, r, g, b); }

// `source` over `destination` (Porter-Duff "over" with straight alpha).
u32 blend(u32 destination, u32 source);

class Canvas {
public:
    static constexpr i32 GLYPH_WIDTH = 8;
    static constexpr i32 GLYPH_HEIGHT = 16;

    Canvas() = default;
    Canvas(u32* pixels, i32 width, i32 height, i32 stride)
        : m_pixels(pixels),
          m_width(width),
          m_height(height),
          m_stride(stride),
          m_clip { 0, 0, width, height }
    {
    }
    Canvas(u32* pixels, i32 width, i32 height) : Canvas(pixels, width, height, width) {}

    u32* pixels() const { return m_pixels; }
    i32 width() const { return m_width; }
    i32 height() const { return m_height; }
    i32 stride() const { return m_stride; }
    Rect bounds() const { return { 0, 0, m_width, m_height }; }
    Rect clip() const { return m_clip; }
    void set_clip(const Rect& clip) { m_clip = clip.intersected(bounds()); }
    void reset_clip() { m_clip = bounds(); }

    u32 pixel(i32 x, i32 y) const { return m_pixels[static_cast<isize>(y) * m_stride + x]; }
    // Writes (alpha 255) or blends one pixel, if inside the clip.
    void plot(i32 x, i32 y, u32 color);

    // Writes `color` into every pixel of the rectangle, alpha included.
    void fill_rect(const Rect& rect, u32 color);
    // Blends `color` over the rectangle.
    void blend_rect(const Rect& rect, u32 color);
    void line(i32 x0, i32 y0, i32 x1, i32 y1, u32 color);
    void circle(i32 cx, i32 cy, i32 radius, u32 color, bool filled);
    void rect_outline(const Rect& rect, u32 color);

    // Copies (or, with `blend_alpha`, blends) a w x h image at x, y; `source_stride` in pixels.
    void blit(i32 x, i32 y, const u32* source, i32 w, i32 h, i32 source_stride, bool blend_alpha);

    // Draws printable ASCII with the bundled 8x16 font (other bytes draw as '?');
    // returns the x after the text. Only set pixels are drawn: the background shows through.
    i32 text(i32 x, i32 y, ktl::StringView text, u32 color);
    void glyph(i32 x, i32 y, char c, u32 color);
    static i32 text_width(ktl::StringView text) { return static_cast<i32>(text.length()) * GLYPH_WIDTH; }

private:
    u32* row(i32 y) const { return m_pixels + static_cast<isize>(y) * m_stride; }

    u32* m_pixels { nullptr };
    i32 m_width { 0 };
    i32 m_height { 0 };
    i32 m_stride { 0 };
    Rect m_clip;
};

} // namespace orbital
