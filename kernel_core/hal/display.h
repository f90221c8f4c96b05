#pragma once
// HAL: the screen. The platform owns a framebuffer of 0x00RRGGBB pixels (stride = width)
// that the `display` scheme hands to the display server (fmap); the server composites into
// it and calls present() with what changed. The sim shows it in an SDL2 window
// (orbital_sdl/); bare metal and the fake HAL have none (width 0) unless they set one up.
//
// Input goes the other way: the platform calls kernel::deliver_input() (schemes/
// input_scheme.h) on the core's thread for each keyboard / mouse / window event.
#include "../abi/redox/orbital.h"
#include "../ktl/types.h"

namespace hal {

struct DisplayInfo {
    u32 width { 0 };
    u32 height { 0 };
    u32* pixels { nullptr }; // width * height, row-major
};

// The screen, or width 0 without one.
DisplayInfo display_info();
// Shows these rectangles of the framebuffer (already clipped to the screen).
void display_present(const redox::DisplayRect* rects, usize count);

} // namespace hal
