#pragma once
// Orbital events: what a window read returns and what the input device delivers, 24 bytes
// each with Redox's codes (abi/redox/orbital.h).
#include "../../kernel_core/abi/redox/orbital.h"
#include "../../kernel_core/ktl/types.h"

namespace orbital {

using Event = redox::OrbitalEvent;
using enum redox::OrbitalEventCode;

constexpr i64 BUTTON_LEFT = 1;
constexpr i64 BUTTON_MIDDLE = 2;
constexpr i64 BUTTON_RIGHT = 4;

// KEY events: the scancode and whether it is a press.
inline u8 key_scancode(const Event& event) { return static_cast<u8>(event.b & 0xFF); }
inline bool key_pressed(const Event& event) { return (event.b >> 8) & 1; }

} // namespace orbital
