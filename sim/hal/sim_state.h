#pragma once
// Settings the simulator's HAL reads, chosen on the command line before boot.
#include "../../kernel_core/abi/redox/orbital.h"

#include <cstddef>
#include <cstdint>

namespace sim {

struct HalSettings {
    // Deterministic mode: a virtual clock that advances only as the system runs.
    bool virtual_clock = false;
    std::uint64_t seed = 0;
    // The boot disk (--image): an open image file and its size in 4 KiB blocks; -1 = none.
    int disk_fd = -1;
    std::uint64_t disk_blocks = 0;
    // The screen (orbital_sdl): width 0 = none.
    std::uint32_t screen_width = 0;
    std::uint32_t screen_height = 0;
    std::uint32_t* screen_pixels = nullptr;
    void (*screen_present)(const redox::DisplayRect* rects, std::size_t count) = nullptr;
};

HalSettings& hal_settings();

// Puts the host terminal in raw mode when stdin is one (restored at exit).
void console_init();
void console_restore();

} // namespace sim
