// The fake screen (hal/display.h): none unless a test makes one with
// fake_hal::set_display; presented rectangles are recorded for the test to check.
#include "../../kernel_core/hal/display.h"

#include <vector>

namespace fake_hal {

std::vector<u32> s_pixels;
u32 s_width = 0;
u32 s_height = 0;
std::vector<redox::DisplayRect> s_presented;

void set_display(u32 width, u32 height)
{
    s_width = width;
    s_height = height;
    s_pixels.assign(static_cast<std::size_t>(width) * height, 0);
    s_presented.clear();
}
const std::vector<redox::DisplayRect>& presented() { return s_presented; }

} // namespace fake_hal

namespace hal {

DisplayInfo display_info()
{
    if (fake_hal::s_width == 0)
        return {};
    return { fake_hal::s_width, fake_hal::s_height, fake_hal::s_pixels.data() };
}

void display_present(const redox::DisplayRect* rects, usize count)
{
    fake_hal::s_presented.insert(fake_hal::s_presented.end(), rects, rects + count);
}

} // namespace hal
