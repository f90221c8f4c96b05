// The sim's physical memory and DMA allocator (physical_memory.h, hal/physical_memory.h).
#include "../../../kernel_core/hal/physical_memory.h"
#include "../physical_memory.h"

#include <doctest/doctest.h>

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <vector>

TEST_CASE("physical memory: DMA buffers are zeroed, contiguous, page aligned and inside the arena")
{
    const size_t total = sim::PHYSICAL_MEMORY_SIZE / sim::PHYSICAL_PAGE_SIZE;
    REQUIRE(sim::physical_memory_fd() >= 0);
    CHECK(sim::physical_memory_size() == 64ull << 20);
    CHECK(sim::dma_free_pages() == total);

    u64 physical = 0;
    auto* buffer = static_cast<unsigned char*>(hal::dma_allocate(3 * 4096 - 100, &physical));
    REQUIRE(buffer);
    CHECK(physical == sim::PHYSICAL_MEMORY_BASE); // first fit: the start of the arena
    CHECK(sim::dma_free_pages() == total - 3);
    CHECK(std::all_of(buffer, buffer + 3 * 4096, [](unsigned char byte) { return byte == 0; }));
    CHECK(hal::physical_map(physical, 3 * 4096) == buffer);
    CHECK(hal::physical_address_of(buffer + 5000) == physical + 5000);
    std::memset(buffer, 0xAB, 3 * 4096);

    // The memfd shows the same bytes: what a driver process maps.
    void* mapped = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, sim::physical_memory_fd(),
        static_cast<off_t>(physical + 4096 - sim::PHYSICAL_MEMORY_BASE));
    REQUIRE(mapped != MAP_FAILED);
    CHECK(static_cast<unsigned char*>(mapped)[10] == 0xAB);
    munmap(mapped, 4096);

    u64 second_physical = 0;
    void* second = hal::dma_allocate(1, &second_physical);
    CHECK(second_physical == physical + 3 * 4096);
    hal::dma_free(buffer, 3 * 4096 - 100);
    CHECK(sim::dma_free_pages() == total - 1);
    // The freed run is reused first, zeroed again.
    u64 again_physical = 0;
    auto* again = static_cast<unsigned char*>(hal::dma_allocate(2 * 4096, &again_physical));
    CHECK(again == buffer);
    CHECK(again_physical == physical);
    CHECK(again[4095] == 0);
    hal::dma_free(again, 2 * 4096);
    hal::dma_free(second, 1);
    CHECK(sim::dma_free_pages() == total);
    // Freeing what is not a buffer is ignored.
    hal::dma_free(buffer + 4096, 4096);
    hal::dma_free(&physical, 8);
    hal::dma_free(nullptr, 8);
    CHECK(sim::dma_free_pages() == total);
}

TEST_CASE("physical memory: exhaustion returns null; a fragmented arena has no large run")
{
    const size_t total = sim::PHYSICAL_MEMORY_SIZE / sim::PHYSICAL_PAGE_SIZE;
    CHECK(hal::dma_allocate(0, nullptr) == nullptr);
    CHECK(hal::dma_allocate(sim::PHYSICAL_MEMORY_SIZE + 1, nullptr) == nullptr);
    void* everything = hal::dma_allocate(sim::PHYSICAL_MEMORY_SIZE, nullptr);
    REQUIRE(everything);
    CHECK(sim::dma_free_pages() == 0);
    CHECK(hal::dma_allocate(1, nullptr) == nullptr);
    hal::dma_free(everything, sim::PHYSICAL_MEMORY_SIZE);

    // Every other page taken: plenty of free pages, but no two contiguous.
    std::vector<void*> pages;
    for (size_t i = 0; i < total; ++i)
        pages.push_back(hal::dma_allocate(4096, nullptr));
    CHECK(hal::dma_allocate(1, nullptr) == nullptr);
    for (size_t i = 0; i < total; i += 2)
        hal::dma_free(pages[i], 4096);
    CHECK(sim::dma_free_pages() == total / 2);
    CHECK(hal::dma_allocate(2 * 4096, nullptr) == nullptr);
    void* one = hal::dma_allocate(4096, nullptr);
    CHECK(one == pages[0]);
    hal::dma_free(one, 4096);
    for (size_t i = 1; i < total; i += 2)
        hal::dma_free(pages[i], 4096);
    CHECK(sim::dma_free_pages() == total);
}

TEST_CASE("physical memory: only the arena can be mapped")
{
    const u64 base = sim::PHYSICAL_MEMORY_BASE;
    const u64 size = sim::PHYSICAL_MEMORY_SIZE;
    CHECK(hal::physical_map(base, size) == sim::physical_memory_base());
    CHECK(hal::physical_map(base + size - 4096, 4096) != nullptr);
    CHECK(hal::physical_map(base + size - 4096, 4097) == nullptr); // runs past the end
    CHECK(hal::physical_map(base + size, 1) == nullptr);
    CHECK(hal::physical_map(0, 4096) == nullptr);
    CHECK(hal::physical_map(0xB8000, 4000) == nullptr); // no VGA text buffer here
    CHECK(hal::physical_map(base - 1, 2) == nullptr);
    CHECK(hal::physical_map(~0ull, 2) == nullptr);
    CHECK(hal::physical_address_of(nullptr) == 0);
    int local = 0;
    CHECK(hal::physical_address_of(&local) == 0);
}
