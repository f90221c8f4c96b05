// hal/display.h for the simulator: the screen orbital_sdl opened (none when headless).
#include "../../kernel_core/hal/display.h"
#include "sim_state.h"

namespace hal {

DisplayInfo display_info()
{
    const auto& s = sim::hal_settings();
    if (s.screen_width == 0)
        return {};
    return { s.screen_width, s.screen_height, s.screen_pixels };
}

void display_present(const redox::DisplayRect* rects, usize count)
{
    if (auto present = sim::hal_settings().screen_present)
        present(rects, count);
}

} // namespace hal
