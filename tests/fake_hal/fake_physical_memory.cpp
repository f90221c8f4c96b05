// The fake physical memory (hal/physical_memory.h): an arena of fake_hal::physical_pages
// pages that pretends to sit at physical address fake_hal::physical_base. physical_map
// reaches any part of it, dma_allocate hands out contiguous runs of its pages (first fit);
// everything else is unmappable.
#include "fake_hal.h"

#include "../../kernel_core/hal/physical_memory.h"

#include <cstdlib>
#include <cstring>

namespace {
constexpr std::size_t page = 4096;
unsigned char* s_arena = nullptr; // allocated once, page-aligned
bool s_used[fake_hal::physical_pages];

unsigned char* arena()
{
    if (!s_arena)
        s_arena = static_cast<unsigned char*>(std::aligned_alloc(page, fake_hal::physical_pages * page));
    return s_arena;
}
} // namespace

namespace fake_hal {

void reset_physical_memory()
{
    for (bool& used : s_used)
        used = false;
}

std::size_t dma_pages_free()
{
    std::size_t free = 0;
    for (bool used : s_used)
        free += !used;
    return free;
}

unsigned char* physical_arena() { return arena(); }

} // namespace fake_hal

namespace hal {

void* physical_map(u64 physical, usize size)
{
    constexpr u64 end = fake_hal::physical_base + fake_hal::physical_pages * page;
    if (size == 0 || physical < fake_hal::physical_base || physical > end || size > end - physical)
        return nullptr;
    return arena() + (physical - fake_hal::physical_base);
}

void* dma_allocate(usize size, u64* physical)
{
    std::size_t pages = (size + page - 1) / page;
    if (pages == 0 || pages > fake_hal::physical_pages)
        return nullptr;
    for (std::size_t first = 0; first + pages <= fake_hal::physical_pages; ++first) {
        std::size_t run = 0;
        while (run < pages && !s_used[first + run])
            ++run;
        if (run < pages) {
            first += run; // skip past the used page
            continue;
        }
        for (std::size_t i = 0; i < pages; ++i)
            s_used[first + i] = true;
        unsigned char* address = arena() + first * page;
        std::memset(address, 0, pages * page);
        *physical = fake_hal::physical_base + first * page;
        return address;
    }
    return nullptr;
}

void dma_free(void* address, usize size)
{
    auto* bytes = static_cast<unsigned char*>(address);
    if (bytes < arena() || bytes >= arena() + fake_hal::physical_pages * page)
        return;
    std::size_t first = static_cast<std::size_t>(bytes - arena()) / page;
    std::size_t pages = (size + page - 1) / page;
    for (std::size_t i = 0; i < pages && first + i < fake_hal::physical_pages; ++i) {
        // Scribble over freed memory so the next allocation's zeroing is tested.
        std::memset(arena() + (first + i) * page, 0xA5, page);
        s_used[first + i] = false;
    }
}

u64 physical_address_of(const void* address)
{
    auto* bytes = static_cast<const unsigned char*>(address);
    if (!s_arena || bytes < s_arena || bytes >= s_arena + fake_hal::physical_pages * page)
        return 0;
    return fake_hal::physical_base + static_cast<u64>(bytes - s_arena);
}

} // namespace hal
