// The C and C++ runtime a freestanding kernel provides itself: mem*/str* functions, the
// heap behind operator new/delete, and the ABI hooks g++ expects.
//
// Heap: size classes of 16 bytes .. 4 KiB kept on free lists, carved with a bump pointer
// from 4 MiB arena chunks that the frame allocator hands out as the heap grows; larger
// blocks come from a first-fit list of free runs. Each block has a 16-byte header with its
// size. Program code can be preempted by the timer interrupt, so
// every heap operation runs with interrupts masked.
#include "arch.h"
#include "frames.h"
#include "heap.h"

#include "../kernel_core/hal/platform.h"

#include <new>

extern "C" {

void* memcpy(void* dst, const void* src, usize n)
{
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, usize n)
{
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    for (usize i = n; i-- > 0;)
        d[i] = s[i];
    return dst;
}

void* memset(void* dst, int value, usize n)
{
    auto* d = static_cast<u8*>(dst);
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(value) : "memory");
    return dst;
}

int memcmp(const void* a, const void* b, usize n)
{
    auto* x = static_cast<const u8*>(a);
    auto* y = static_cast<const u8*>(b);
    for (usize i = 0; i < n; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

usize strlen(const char* s)
{
    usize n = 0;
    while (s[n])
        ++n;
    return n;
}

char* strchr(const char* s, int c)
{
    for (;; ++s) {
        if (*s == static_cast<char>(c))
            return const_cast<char*>(s);
        if (!*s)
            return nullptr;
    }
}

int strcmp(const char* a, const char* b)
{
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

void __cxa_pure_virtual() { hal::panic("pure virtual function called"); }
// Static objects are never destroyed in a kernel.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;

} // extern "C"

namespace baremetal {

namespace {

    struct Header {
        u64 size; // usable bytes of the block (its class size, or the run length)
        u64 magic;
    };
    constexpr u64 block_magic = 0x4b524e4c48454150ull; // "KRNLHEAP"
    constexpr usize class_count = 9; // 16, 32, ... 4096
    constexpr usize largest_class = 4096;

    struct FreeBlock {
        FreeBlock* next;
    };
    struct FreeRun {
        FreeRun* next;
        u64 size; // bytes after the header
    };

    constexpr u64 chunk_bytes = 4 * 1024 * 1024;
    u8* s_arena = nullptr; // the current chunk
    u64 s_arena_size = 0;
    u64 s_bump = 0;
    u64 s_used = 0;
    u64 s_heap_bytes = 0; // all chunks taken so far
    FreeBlock* s_free[class_count] = {};
    FreeRun* s_runs = nullptr;

    usize class_of(usize size)
    {
        usize c = 0;
        usize capacity = 16;
        while (capacity < size) {
            capacity <<= 1;
            ++c;
        }
        return c;
    }

    struct InterruptsMasked {
        u64 flags;
        InterruptsMasked() { asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory"); }
        ~InterruptsMasked()
        {
            if (flags & (1u << 9))
                arch::interrupts_enable();
        }
    };

    void* carve(u64 size)
    {
        u64 total = sizeof(Header) + size;
        if (s_bump + total > s_arena_size) {
            // A new chunk (what is left of the old one stays unused).
            u64 bytes = total > chunk_bytes ? (total + frame_size - 1) & ~(frame_size - 1) : chunk_bytes;
            u64 physical = frames_allocate(bytes / frame_size);
            if (!physical)
                return nullptr;
            s_arena = reinterpret_cast<u8*>(physical); // identity-mapped
            s_arena_size = bytes;
            s_bump = 0;
            s_heap_bytes += bytes;
        }
        auto* header = reinterpret_cast<Header*>(s_arena + s_bump);
        s_bump += total;
        header->size = size;
        header->magic = block_magic;
        return header + 1;
    }

    void* allocate(usize size)
    {
        InterruptsMasked masked;
        if (size == 0)
            size = 1;
        void* result = nullptr;
        if (size <= largest_class) {
            usize c = class_of(size);
            if (FreeBlock* block = s_free[c]) {
                s_free[c] = block->next;
                (reinterpret_cast<Header*>(block) - 1)->magic = block_magic;
                result = block;
            } else {
                result = carve(16ull << c);
            }
        } else {
            size = (size + 4095) & ~u64(4095);
            for (FreeRun** at = &s_runs; *at; at = &(*at)->next) {
                if ((*at)->size >= size) {
                    FreeRun* run = *at;
                    *at = run->next;
                    auto* header = reinterpret_cast<Header*>(run) - 1;
                    header->magic = block_magic;
                    result = header + 1;
                    break;
                }
            }
            if (!result)
                result = carve(size);
        }
        if (!result)
            hal::panic("kernel heap exhausted");
        s_used += (reinterpret_cast<Header*>(result) - 1)->size;
        return result;
    }

    void release(void* pointer)
    {
        if (!pointer)
            return;
        InterruptsMasked masked;
        auto* header = static_cast<Header*>(pointer) - 1;
        if (header->magic != block_magic)
            hal::panic("heap: free of a pointer the heap did not give out (or a double free)");
        header->magic = 0;
        s_used -= header->size;
        if (header->size <= largest_class) {
            usize c = class_of(header->size);
            auto* block = static_cast<FreeBlock*>(pointer);
            block->next = s_free[c];
            s_free[c] = block;
            return;
        }
        auto* run = static_cast<FreeRun*>(pointer);
        run->size = header->size;
        run->next = s_runs;
        s_runs = run;
    }

} // namespace

void heap_init(const arch::BootInfo& boot)
{
    frames_init(boot);
    if (frames_free_count() == 0)
        hal::panic("no usable memory in the boot memory map");
}

u64 heap_used_bytes() { return s_used; }
u64 heap_size_bytes() { return s_heap_bytes + frames_free_count() * frame_size; }

} // namespace baremetal

void* operator new(usize size) { return baremetal::allocate(size); }
void* operator new[](usize size) { return baremetal::allocate(size); }
void* operator new(usize size, const std::nothrow_t&) noexcept { return baremetal::allocate(size); }
void operator delete(void* p) noexcept { baremetal::release(p); }
void operator delete[](void* p) noexcept { baremetal::release(p); }
void operator delete(void* p, usize) noexcept { baremetal::release(p); }
void operator delete[](void* p, usize) noexcept { baremetal::release(p); }
