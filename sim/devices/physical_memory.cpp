// The simulated machine's RAM (physical_memory.h) and hal/physical_memory.h for the sim.
#include "physical_memory.h"

#include "../../kernel_core/hal/physical_memory.h"
#include "device_log.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

namespace sim {

namespace {

    constexpr std::size_t PAGE_COUNT = PHYSICAL_MEMORY_SIZE / PHYSICAL_PAGE_SIZE;

    class Arena {
    public:
        Arena()
        {
            m_fd = memfd_create("redox-sim-physical-memory", MFD_CLOEXEC);
            if (m_fd < 0 || ftruncate(m_fd, PHYSICAL_MEMORY_SIZE) != 0) {
                device_log().error("physical memory: {}", std::strerror(errno));
                return;
            }
            void* base = mmap(nullptr, PHYSICAL_MEMORY_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, m_fd, 0);
            if (base == MAP_FAILED) {
                device_log().error("physical memory: mmap: {}", std::strerror(errno));
                close(m_fd);
                m_fd = -1;
                return;
            }
            m_base = static_cast<unsigned char*>(base);
            m_run_length.assign(PAGE_COUNT, 0);
            m_used.assign(PAGE_COUNT, false);
            m_free_pages = PAGE_COUNT;
        }

        int fd() const { return m_base ? m_fd : -1; }
        unsigned char* base() const { return m_base; }

        bool contains(const void* address, std::size_t size) const
        {
            auto* byte = static_cast<const unsigned char*>(address);
            if (!m_base || byte < m_base || byte >= m_base + PHYSICAL_MEMORY_SIZE)
                return false;
            return size <= PHYSICAL_MEMORY_SIZE - static_cast<std::size_t>(byte - m_base);
        }

        void* allocate(std::size_t size, std::uint64_t* physical)
        {
            if (!m_base || size == 0 || size > PHYSICAL_MEMORY_SIZE)
                return nullptr;
            std::size_t pages = (size + PHYSICAL_PAGE_SIZE - 1) / PHYSICAL_PAGE_SIZE;
            std::lock_guard lock(m_mutex);
            // First fit: the lowest run of `pages` free pages.
            std::size_t run = 0;
            for (std::size_t page = 0; page < PAGE_COUNT; ++page) {
                run = m_used[page] ? 0 : run + 1;
                if (run < pages)
                    continue;
                std::size_t first = page + 1 - pages;
                for (std::size_t i = first; i <= page; ++i)
                    m_used[i] = true;
                m_run_length[first] = static_cast<std::uint32_t>(pages);
                m_free_pages -= pages;
                unsigned char* address = m_base + first * PHYSICAL_PAGE_SIZE;
                std::memset(address, 0, pages * PHYSICAL_PAGE_SIZE);
                if (physical)
                    *physical = PHYSICAL_MEMORY_BASE + first * PHYSICAL_PAGE_SIZE;
                return address;
            }
            return nullptr;
        }

        void free(void* address, std::size_t size)
        {
            if (!address)
                return;
            std::size_t offset = contains(address, 1) ? static_cast<unsigned char*>(address) - m_base : 1;
            std::lock_guard lock(m_mutex);
            if (offset % PHYSICAL_PAGE_SIZE != 0 || m_run_length[offset / PHYSICAL_PAGE_SIZE] == 0) {
                device_log().warn("dma_free of {} which is no DMA buffer: ignored", address);
                return;
            }
            std::size_t first = offset / PHYSICAL_PAGE_SIZE;
            std::size_t pages = m_run_length[first];
            if ((size + PHYSICAL_PAGE_SIZE - 1) / PHYSICAL_PAGE_SIZE != pages)
                device_log().warn(
                    "dma_free of {} with size {}, allocated {} pages: freeing those", address, size, pages);
            for (std::size_t i = first; i < first + pages; ++i)
                m_used[i] = false;
            m_run_length[first] = 0;
            m_free_pages += pages;
            // Give the memory back to Linux: a freed buffer costs nothing.
            fallocate(m_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                static_cast<off_t>(pages * PHYSICAL_PAGE_SIZE));
        }

        std::size_t free_pages()
        {
            std::lock_guard lock(m_mutex);
            return m_free_pages;
        }

    private:
        int m_fd { -1 };
        unsigned char* m_base { nullptr };
        std::mutex m_mutex;
        std::vector<std::uint32_t> m_run_length; // pages of the buffer starting at that page, else 0
        std::vector<bool> m_used;
        std::size_t m_free_pages { 0 };
    };

    Arena& arena()
    {
        static Arena the_arena;
        return the_arena;
    }

} // namespace

int physical_memory_fd() { return arena().fd(); }

std::uint64_t physical_memory_size() { return arena().base() ? PHYSICAL_MEMORY_SIZE : 0; }

void* physical_memory_base() { return arena().base(); }

std::size_t dma_free_pages() { return arena().free_pages(); }

} // namespace sim

namespace hal {

void* physical_map(u64 physical, usize size)
{
    auto& arena = sim::arena();
    if (!arena.base() || physical < sim::PHYSICAL_MEMORY_BASE)
        return nullptr;
    u64 offset = physical - sim::PHYSICAL_MEMORY_BASE;
    if (offset >= sim::PHYSICAL_MEMORY_SIZE || size > sim::PHYSICAL_MEMORY_SIZE - offset)
        return nullptr;
    return arena.base() + offset;
}

void* dma_allocate(usize size, u64* physical) { return sim::arena().allocate(size, physical); }

void dma_free(void* address, usize size) { sim::arena().free(address, size); }

u64 physical_address_of(const void* address)
{
    auto& arena = sim::arena();
    if (!arena.contains(address, 1))
        return 0;
    return sim::PHYSICAL_MEMORY_BASE + static_cast<u64>(static_cast<const unsigned char*>(address) - arena.base());
}

} // namespace hal
