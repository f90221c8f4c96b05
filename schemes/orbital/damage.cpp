#include "damage.h"

namespace orbital {

void Damage::add(const Rect& rect)
{
    Rect merged = rect.intersected(m_bounds);
    if (merged.is_empty())
        return;
    // Swallow every rectangle the new one overlaps, growing it each time, until none does.
    bool grew = true;
    while (grew) {
        grew = false;
        for (usize i = 0; i < m_rects.size(); ++i) {
            if (m_rects[i].intersects(merged)) {
                merged = merged.united(m_rects[i]);
                m_rects.remove(i);
                grew = true;
                break;
            }
        }
    }
    if (m_rects.size() == MAX_RECTS) {
        for (const Rect& r : m_rects)
            merged = merged.united(r);
        m_rects.clear();
    }
    m_rects.append(merged);
}

} // namespace orbital
