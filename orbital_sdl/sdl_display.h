#pragma once
// The simulator's screen: an SDL2 window on its own host thread showing the framebuffer
// the Orbital server composites into (the platform side of hal/display.h), and the source
// of keyboard, mouse, wheel and quit input (handed to the core as Orbital events through
// host work). The core's thread and the SDL thread share nothing but a staging buffer
// under a mutex and SDL's thread-safe event queue.
#include <cstdint>
#include <string>

namespace orbital_sdl {

struct Options {
    std::uint32_t width = 1280;
    std::uint32_t height = 800;
    std::string title = "redox-sim";
};

// Opens the window and starts the SDL thread; false (with the reason on stderr) when no
// display can be opened. While running, hal::display_info() describes this screen.
bool start(const Options& options);
// Closes the window and joins the thread (after the kernel has stopped).
void stop();

} // namespace orbital_sdl
