#pragma once
// Colors as Orbital pixels: 0xAARRGGBB (alpha 255 is opaque).
#include "../../../kernel_core/ktl/types.h"

namespace orbclient {

struct Color {
    u32 data;

    static constexpr Color rgb(u8 r, u8 g, u8 b) { return rgba(r, g, b, 255); }
    static constexpr Color rgba(u8 r, u8 g, u8 b, u8 a)
    {
        return { static_cast<u32>(a) << 24 | static_cast<u32>(r) << 16 | static_cast<u32>(g) << 8 | b };
    }
    constexpr u8 r() const { return static_cast<u8>(data >> 16); }
    constexpr u8 g() const { return static_cast<u8>(data >> 8); }
    constexpr u8 b() const { return static_cast<u8>(data); }
    constexpr u8 a() const { return static_cast<u8>(data >> 24); }
    constexpr bool operator==(const Color&) const = default;
};

} // namespace orbclient
