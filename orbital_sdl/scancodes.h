#pragma once
// SDL scancodes to PS/2 set-1 scancodes (what Orbital's KEY events carry, as Redox's
// orbclient K_* constants). 0: a key Orbital has no code for.
#include <SDL2/SDL_scancode.h>

#include <cstdint>

namespace orbital_sdl {

std::uint8_t ps2_scancode(SDL_Scancode code);

} // namespace orbital_sdl
