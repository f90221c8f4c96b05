#pragma once
// Orbital's wire formats (shared/design/redox-abi.md, section Orbital): the 24-byte input
// event that the `input` scheme and window reads return, its codes, and the rectangle the
// `display` scheme takes to present part of the screen.
#include <stdint.h>

namespace redox {

struct OrbitalEvent {
    int64_t code;
    int64_t a;
    int64_t b;
};
static_assert(sizeof(OrbitalEvent) == 24);

enum OrbitalEventCode : int64_t {
    ORB_EVENT_NONE = 0,
    ORB_EVENT_KEY = 1,    // a = character (0 if none), b = PS/2 set-1 scancode | pressed << 8
    ORB_EVENT_MOUSE = 2,  // a = x, b = y (absolute, screen pixels)
    ORB_EVENT_BUTTON = 3, // a = buttons down (left 1, middle 2, right 4)
    ORB_EVENT_SCROLL = 4, // a = x, b = y
    ORB_EVENT_QUIT = 5,
    ORB_EVENT_FOCUS = 6,  // a = focused
    ORB_EVENT_MOVE = 7,   // a = x, b = y
    ORB_EVENT_RESIZE = 8, // a = w, b = h
    ORB_EVENT_SCREEN = 9, // a = w, b = h
    ORB_EVENT_CLIPBOARD = 10,
    ORB_EVENT_MOUSE_RELATIVE = 11,
    ORB_EVENT_DROP = 12,
    ORB_EVENT_TEXT_INPUT = 13, // a = character
    ORB_EVENT_CLIPBOARD_UPDATE = 14,
    ORB_EVENT_HOVER = 15,
    ORB_EVENT_SCALE = 16,
};

// A screen rectangle (`display` scheme writes, Orbital damage).
struct DisplayRect {
    int32_t x;
    int32_t y;
    int32_t w;
    int32_t h;
};
static_assert(sizeof(DisplayRect) == 16);

} // namespace redox
