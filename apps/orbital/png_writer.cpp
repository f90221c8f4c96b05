// stb_image_write (Debian: libstb-dev) built for apps: no stdio, the project's allocator,
// every function static so only the PNG path is compiled in.
#include "png_writer.h"

namespace {

// stb reallocates with the old size known; a small header keeps it for png_free.
void* png_alloc(usize size)
{
    auto* block = static_cast<usize*>(::operator new(size + 16));
    block[0] = size;
    return block + 2;
}
void png_free(void* p)
{
    if (p)
        ::operator delete(static_cast<usize*>(p) - 2);
}
void* png_realloc(void* p, usize old_size, usize size)
{
    void* fresh = png_alloc(size);
    if (p) {
        ktl::copy_bytes(fresh, p, old_size < size ? old_size : size);
        png_free(p);
    }
    return fresh;
}

} // namespace

#define STBI_WRITE_NO_STDIO
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBIW_MALLOC(size) png_alloc(size)
#define STBIW_FREE(p) png_free(p)
#define STBIW_REALLOC_SIZED(p, old_size, size) png_realloc(p, old_size, size)
#define STBIW_MEMMOVE(to, from, size) __builtin_memmove(to, from, size)
#define STBIW_ASSERT(x) ((void)0)
// Bare metal has no libc: stb's one other libc call (abs) is replaced. Its headers come
// first so the macro only reaches stb's code.
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
static int png_abs(int x) { return x < 0 ? -x : x; }
#define abs(x) png_abs(x)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace png {

bool encode(const u32* pixels, i32 width, i32 height, ktl::Vector<u8>& out)
{
    ktl::Vector<u8> rgba;
    rgba.resize(static_cast<usize>(width) * static_cast<usize>(height) * 4);
    for (usize i = 0; i < static_cast<usize>(width) * static_cast<usize>(height); ++i) {
        u32 p = pixels[i];
        rgba[i * 4 + 0] = static_cast<u8>(p >> 16);
        rgba[i * 4 + 1] = static_cast<u8>(p >> 8);
        rgba[i * 4 + 2] = static_cast<u8>(p);
        rgba[i * 4 + 3] = 255; // the screen is opaque
    }
    auto append = [](void* context, void* data, int size) {
        auto* vector = static_cast<ktl::Vector<u8>*>(context);
        for (int i = 0; i < size; ++i)
            vector->append(static_cast<u8*>(data)[i]);
    };
    return stbi_write_png_to_func(append, &out, width, height, 4, rgba.data(), width * 4) != 0;
}

} // namespace png
