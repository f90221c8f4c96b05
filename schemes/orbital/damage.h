#pragma once
// The parts of the screen that changed since the last composition. Overlapping rectangles
// merge into their bounding box, and past MAX_RECTS everything merges into one, so the
// list stays short however many changes arrive between two compositions.
#include "../../kernel_core/ktl/vector.h"
#include "geometry.h"

namespace orbital {

class Damage {
public:
    static constexpr usize MAX_RECTS = 16;

    void set_bounds(const Rect& bounds) { m_bounds = bounds; }
    void add(const Rect& rect);
    bool is_empty() const { return m_rects.is_empty(); }
    const ktl::Vector<Rect>& rects() const { return m_rects; }
    void clear() { m_rects.clear(); }

private:
    Rect m_bounds;
    ktl::Vector<Rect> m_rects;
};

} // namespace orbital
