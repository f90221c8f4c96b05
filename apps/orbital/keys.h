#pragma once
// PS/2 set-1 scancodes (what Orbital KEY events carry) that the apps care about.
#include "../../kernel_core/ktl/types.h"

namespace keys {

constexpr u8 ESCAPE = 0x01;
constexpr u8 BACKSPACE = 0x0E;
constexpr u8 TAB = 0x0F;
constexpr u8 ENTER = 0x1C;
constexpr u8 CONTROL = 0x1D;
constexpr u8 LEFT_SHIFT = 0x2A;
constexpr u8 RIGHT_SHIFT = 0x36;
constexpr u8 SPACE = 0x39;
constexpr u8 HOME = 0x47;
constexpr u8 UP = 0x48;
constexpr u8 PAGE_UP = 0x49;
constexpr u8 LEFT = 0x4B;
constexpr u8 RIGHT = 0x4D;
constexpr u8 END = 0x4F;
constexpr u8 DOWN = 0x50;
constexpr u8 PAGE_DOWN = 0x51;
constexpr u8 DELETE = 0x53;

// The letter a key is labelled with (US layout), or 0.
inline char letter(u8 scancode)
{
    constexpr const char* rows[] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };
    constexpr u8 starts[] = { 0x10, 0x1E, 0x2C };
    for (int r = 0; r < 3; ++r) {
        for (int i = 0; rows[r][i]; ++i) {
            if (scancode == starts[r] + i)
                return rows[r][i];
        }
    }
    return 0;
}

} // namespace keys
