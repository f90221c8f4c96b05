#pragma once
// Rectangles in screen or window pixels (x, y is the top-left corner; w, h may be <= 0,
// which is an empty rectangle).
#include "../../kernel_core/ktl/memory.h"

namespace orbital {

struct Rect {
    i32 x { 0 };
    i32 y { 0 };
    i32 w { 0 };
    i32 h { 0 };

    bool is_empty() const { return w <= 0 || h <= 0; }
    i32 right() const { return x + w; }
    i32 bottom() const { return y + h; }
    i64 area() const { return is_empty() ? 0 : static_cast<i64>(w) * h; }
    bool contains(i32 px, i32 py) const { return px >= x && py >= y && px < right() && py < bottom(); }
    bool operator==(const Rect&) const = default;

    Rect intersected(const Rect& other) const
    {
        i32 left = ktl::max(x, other.x);
        i32 top = ktl::max(y, other.y);
        i32 r = ktl::min(right(), other.right());
        i32 b = ktl::min(bottom(), other.bottom());
        if (r <= left || b <= top)
            return {};
        return { left, top, r - left, b - top };
    }
    bool intersects(const Rect& other) const { return !intersected(other).is_empty(); }
    bool contains(const Rect& other) const
    {
        return !other.is_empty() && other.x >= x && other.y >= y && other.right() <= right()
            && other.bottom() <= bottom();
    }
    // The bounding box of both (an empty rectangle adds nothing).
    Rect united(const Rect& other) const
    {
        if (is_empty())
            return other;
        if (other.is_empty())
            return *this;
        i32 left = ktl::min(x, other.x);
        i32 top = ktl::min(y, other.y);
        return { left, top, ktl::max(right(), other.right()) - left, ktl::max(bottom(), other.bottom()) - top };
    }
    Rect translated(i32 dx, i32 dy) const { return { x + dx, y + dy, w, h }; }
};

} // namespace orbital
