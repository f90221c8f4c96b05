#pragma once
// PNG encoding for apps: Orbital pixels (0xAARRGGBB) to a PNG file image in memory.
#include "../../kernel_core/ktl/vector.h"

namespace png {

// False when stb_image_write fails (it only does when memory runs out).
bool encode(const u32* pixels, i32 width, i32 height, ktl::Vector<u8>& out);

} // namespace png
