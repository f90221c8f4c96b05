#include "canvas.h"

#include "font_data.h"

namespace orbital {

u32 blend(u32 destination, u32 source)
{
    u32 sa = source >> 24;
    if (sa == 255)
        return source;
    if (sa == 0)
        return destination;
    u32 da = destination >> 24;
    u32 inverse = 255 - sa;
    // Output alpha, and each channel weighted by its alpha, all in 0..255 * 255.
    u32 out_alpha = sa * 255 + da * inverse;
    if (out_alpha == 0)
        return 0;
    auto channel = [&](int shift) {
        u32 s = (source >> shift) & 0xFF;
        u32 d = (destination >> shift) & 0xFF;
        return (s * sa * 255 + d * da * inverse) / out_alpha;
    };
    return ((out_alpha + 127) / 255) << 24 | channel(16) << 16 | channel(8) << 8 | channel(0);
}

void Canvas::plot(i32 x, i32 y, u32 color)
{
    if (!m_clip.contains(x, y))
        return;
    u32& target = row(y)[x];
    target = (color >> 24) == 255 ? color : blend(target, color);
}

void Canvas::fill_rect(const Rect& rect, u32 color)
{
    Rect area = rect.intersected(m_clip);
    for (i32 y = area.y; y < area.bottom(); ++y) {
        u32* line = row(y) + area.x;
        for (i32 i = 0; i < area.w; ++i)
            line[i] = color;
    }
}

void Canvas::blend_rect(const Rect& rect, u32 color)
{
    if ((color >> 24) == 255) {
        fill_rect(rect, color);
        return;
    }
    Rect area = rect.intersected(m_clip);
    for (i32 y = area.y; y < area.bottom(); ++y) {
        u32* line = row(y) + area.x;
        for (i32 i = 0; i < area.w; ++i)
            line[i] = blend(line[i], color);
    }
}

void Canvas::rect_outline(const Rect& rect, u32 color)
{
    if (rect.is_empty())
        return;
    blend_rect({ rect.x, rect.y, rect.w, 1 }, color);
    if (rect.h > 1)
        blend_rect({ rect.x, rect.bottom() - 1, rect.w, 1 }, color);
    if (rect.h > 2) {
        blend_rect({ rect.x, rect.y + 1, 1, rect.h - 2 }, color);
        blend_rect({ rect.right() - 1, rect.y + 1, 1, rect.h - 2 }, color);
    }
}

void Canvas::line(i32 x0, i32 y0, i32 x1, i32 y1, u32 color)
{
    // Bresenham, in 64 bits so far-away endpoints can not overflow.
    i64 dx = x1 > x0 ? i64(x1) - x0 : i64(x0) - x1;
    i64 dy = y1 > y0 ? i64(y0) - y1 : i64(y1) - y0;
    i32 sx = x0 < x1 ? 1 : -1;
    i32 sy = y0 < y1 ? 1 : -1;
    i64 error = dx + dy;
    i64 x = x0;
    i64 y = y0;
    for (;;) {
        plot(static_cast<i32>(x), static_cast<i32>(y), color);
        if (x == x1 && y == y1)
            break;
        i64 twice = 2 * error;
        if (twice >= dy) {
            error += dy;
            x += sx;
        }
        if (twice <= dx) {
            error += dx;
            y += sy;
        }
    }
}

void Canvas::circle(i32 cx, i32 cy, i32 radius, u32 color, bool filled)
{
    if (radius < 0)
        return;
    // Midpoint circle: each octant point mirrors into eight.
    i32 x = radius;
    i32 y = 0;
    i32 error = 1 - radius;
    while (x >= y) {
        if (filled) {
            blend_rect({ cx - x, cy + y, 2 * x + 1, 1 }, color);
            if (y)
                blend_rect({ cx - x, cy - y, 2 * x + 1, 1 }, color);
            if (x != y) {
                blend_rect({ cx - y, cy + x, 2 * y + 1, 1 }, color);
                blend_rect({ cx - y, cy - x, 2 * y + 1, 1 }, color);
            }
        } else {
            plot(cx + x, cy + y, color);
            plot(cx - x, cy + y, color);
            plot(cx + x, cy - y, color);
            plot(cx - x, cy - y, color);
            plot(cx + y, cy + x, color);
            plot(cx - y, cy + x, color);
            plot(cx + y, cy - x, color);
            plot(cx - y, cy - x, color);
        }
        ++y;
        if (error < 0) {
            error += 2 * y + 1;
        } else {
            --x;
            error += 2 * (y - x) + 1;
        }
    }
}

void Canvas::blit(i32 x, i32 y, const u32* source, i32 w, i32 h, i32 source_stride, bool blend_alpha)
{
    Rect area = Rect { x, y, w, h }.intersected(m_clip);
    for (i32 row_y = area.y; row_y < area.bottom(); ++row_y) {
        const u32* from = source + static_cast<isize>(row_y - y) * source_stride + (area.x - x);
        u32* to = row(row_y) + area.x;
        if (!blend_alpha) {
            ktl::copy_bytes(to, from, static_cast<usize>(area.w) * sizeof(u32));
            continue;
        }
        for (i32 i = 0; i < area.w; ++i)
            to[i] = blend(to[i], from[i]);
    }
}

void Canvas::glyph(i32 x, i32 y, char c, u32 color)
{
    int index = static_cast<unsigned char>(c);
    if (index < font_data::FIRST || index > font_data::LAST)
        index = '?';
    Rect cell = Rect { x, y, GLYPH_WIDTH, GLYPH_HEIGHT }.intersected(m_clip);
    if (cell.is_empty())
        return;
    const u8* rows = font_data::GLYPHS[index - font_data::FIRST];
    for (i32 gy = cell.y - y; gy < cell.bottom() - y; ++gy) {
        u8 bits = rows[gy];
        for (i32 gx = cell.x - x; gx < cell.right() - x; ++gx) {
            if (bits & (0x80 >> gx))
                plot(x + gx, y + gy, color);
        }
    }
}

i32 Canvas::text(i32 x, i32 y, ktl::StringView text, u32 color)
{
    for (char c : text) {
        glyph(x, y, c, color);
        x += GLYPH_WIDTH;
    }
    return x;
}

} // namespace orbital
