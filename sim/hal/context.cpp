// hal/context.h for the simulator: each context is a boost::context::fiber on a stack from
// a pool. Stacks are carved out of large MAP_NORESERVE reservations, so an idle context
// costs only the pages it touched, and no per-stack mapping (100,000 contexts stay well
// under the kernel's map-count limit). A finished context is never unwound: the core
// switches away from it for good and its stack goes back to the pool.
#include "../../kernel_core/hal/context.h"

#include "../../kernel_core/hal/memory.h"
#include "../../kernel_core/hal/platform.h"

#include <boost/context/fiber.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SIM_ASAN 1
#else
#define SIM_ASAN 0
#endif

namespace ctx = boost::context;

namespace {

constexpr std::size_t stack_size = 256 * 1024;
constexpr std::size_t slots_per_chunk = 4096; // 1 GiB of address space per reservation
constexpr std::uint64_t canary = 0x5245444f58535441ull; // "REDOXSTA"

class StackPool {
public:
    void* take()
    {
        if (m_free.empty())
            grow();
        void* bottom = m_free.back();
        m_free.pop_back();
        *static_cast<std::uint64_t*>(bottom) = canary;
        return bottom;
    }
    void give_back(void* bottom) { m_free.push_back(bottom); }

private:
    void grow()
    {
        void* chunk = mmap(nullptr, stack_size * slots_per_chunk, PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (chunk == MAP_FAILED)
            hal::panic("out of address space for context stacks");
        // Hand out low addresses first (LIFO from the back).
        for (std::size_t i = slots_per_chunk; i-- > 0;)
            m_free.push_back(static_cast<char*>(chunk) + i * stack_size);
    }
    std::vector<void*> m_free;
};

StackPool& stack_pool()
{
    static StackPool pool;
    return pool;
}

// Boost asks this allocator for the stack; we already chose it.
struct PoolSlotAllocator {
    void* bottom;
    ctx::stack_context allocate()
    {
        ctx::stack_context sc;
        sc.size = stack_size;
        sc.sp = static_cast<char*>(bottom) + stack_size;
        return sc;
    }
    void deallocate(ctx::stack_context&) noexcept {}
};

} // namespace

namespace hal {

struct Context {
    // In a union so its destructor never runs: destroying a suspended fiber would unwind it.
    union {
        ctx::fiber fiber;
    };
    void* stack_bottom = nullptr; // null for the boot context
    ContextEntry entry = nullptr;
    void* argument = nullptr;
#if SIM_ASAN
    void* fake_stack = nullptr;
    const void* asan_bottom = nullptr;
    std::size_t asan_size = 0;
#endif
    Context() { new (&fiber) ctx::fiber(); }
    ~Context() {}
};

namespace {
    Context* s_switching_from = nullptr;

    void asan_before_switch([[maybe_unused]] Context* from, [[maybe_unused]] Context* to)
    {
        s_switching_from = from;
#if SIM_ASAN
        __sanitizer_start_switch_fiber(&from->fake_stack, to->asan_bottom, to->asan_size);
#endif
    }

    void asan_after_switch([[maybe_unused]] Context* self)
    {
#if SIM_ASAN
        const void* bottom = nullptr;
        std::size_t size = 0;
        __sanitizer_finish_switch_fiber(self ? self->fake_stack : nullptr, &bottom, &size);
        if (s_switching_from && !s_switching_from->stack_bottom) {
            s_switching_from->asan_bottom = bottom;
            s_switching_from->asan_size = size;
        }
#endif
    }

    void check_canary(Context* context)
    {
        if (context->stack_bottom && *static_cast<std::uint64_t*>(context->stack_bottom) != canary)
            hal::panic("stack overflow in a context (its 256 KiB stack was exceeded)");
    }
} // namespace

Context* context_boot()
{
    static Context boot;
    return &boot;
}

Context* context_create(ContextEntry entry, void* argument)
{
    auto* context = new Context;
    context->stack_bottom = stack_pool().take();
#if SIM_ASAN
    // A reused slot still carries the redzones of frames that never returned (an exited
    // context is switched away from for good): clear them, or ASan reports the new frames.
    __asan_unpoison_memory_region(context->stack_bottom, stack_size);
#endif
    context->entry = entry;
    context->argument = argument;
#if SIM_ASAN
    context->asan_bottom = context->stack_bottom;
    context->asan_size = stack_size;
#endif
    context->fiber = ctx::fiber(
        std::allocator_arg, PoolSlotAllocator { context->stack_bottom }, [context](ctx::fiber&&) -> ctx::fiber {
            asan_after_switch(nullptr);
            context->entry(context->argument);
            hal::panic("a context entry returned");
        });
    return context;
}

void context_switch(Context* from, Context* to)
{
    check_canary(from);
    asan_before_switch(from, to);
    ctx::fiber target = std::move(to->fiber);
    std::move(target).resume_with([from](ctx::fiber&& caller) -> ctx::fiber {
        from->fiber = std::move(caller);
        return {};
    });
    asan_after_switch(from);
}

void context_destroy(Context* context)
{
    if (context->stack_bottom)
        stack_pool().give_back(context->stack_bottom);
    // The fiber handle points into the stack we just released; forget it without unwinding.
    delete context;
}

// Program memory is this process's: the lower half of the 48-bit address space.
bool program_memory_contains(usize address, usize length)
{
    constexpr usize lower_half_end = 0x0000'8000'0000'0000ull;
    return address < lower_half_end && length <= lower_half_end - address;
}

// Fibers only switch inside syscalls: nothing to mask.
void program_begins() {}
void program_ends() {}

usize context_stack_size() { return stack_size; }

usize context_stack_used(Context* context)
{
    if (!context->stack_bottom)
        return 0;
    // Resident pages of the stack: what the context really costs.
    static const long page = sysconf(_SC_PAGESIZE);
    std::size_t pages = stack_size / static_cast<std::size_t>(page);
    std::vector<unsigned char> residency(pages);
    if (mincore(context->stack_bottom, stack_size, residency.data()) != 0)
        return 0;
    std::size_t resident = 0;
    for (unsigned char r : residency)
        resident += r & 1;
    return resident * static_cast<std::size_t>(page);
}

} // namespace hal
