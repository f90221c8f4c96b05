// hal/context.h and hal/syscall_entry.h on bare metal: contexts run in ring 0 in one address
// space, each on a 64 KiB stack from the kernel heap. Kernel code runs with interrupts
// masked; program code runs with them enabled and can be preempted by the timer.
#include "../kernel_core/hal/context.h"
#include "../kernel_core/hal/memory.h"
#include "../kernel_core/hal/platform.h"
#include "../kernel_core/hal/syscall_entry.h"
#include "../kernel_core/syscalls/handlers.h"
#include "arch.h"
#include "kernel_mode.h"

extern "C" void baremetal_context_switch(u64* save_rsp, u64 load_rsp);
extern "C" char __kernel_end[]; // linker.ld
extern "C" void baremetal_context_start();

namespace {
constexpr usize stack_size = 64 * 1024;
constexpr u64 canary = 0x5245444f58535441ull;
} // namespace

namespace hal {

struct Context {
    u64 rsp = 0;
    u8* stack = nullptr; // null for the boot context
};

Context* context_boot()
{
    static Context boot;
    return &boot;
}

Context* context_create(ContextEntry entry, void* argument)
{
    auto* context = new Context;
    context->stack = new u8[stack_size];
    *reinterpret_cast<u64*>(context->stack) = canary;
    // Initial frame, popped by baremetal_context_switch: r15 r14 r13 r12 rbx rbp, then the
    // return address. After that `ret` rsp is the 16-byte-aligned top, so the `call` in
    // baremetal_context_start enters `entry` with rsp = 8 (mod 16), as the ABI wants.
    auto* top = reinterpret_cast<u64*>(context->stack + stack_size);
    *--top = reinterpret_cast<u64>(&baremetal_context_start);
    *--top = 0; // rbp
    *--top = 0; // rbx
    *--top = reinterpret_cast<u64>(entry); // r12
    *--top = reinterpret_cast<u64>(argument); // r13
    *--top = 0; // r14
    *--top = 0; // r15
    context->rsp = reinterpret_cast<u64>(top);
    return context;
}

void context_switch(Context* from, Context* to)
{
    if (from->stack && *reinterpret_cast<u64*>(from->stack) != canary)
        hal::panic("stack overflow in a context (its 64 KiB stack was exceeded)");
    baremetal_context_switch(&from->rsp, to->rsp);
}

void context_destroy(Context* context)
{
    delete[] context->stack;
    delete context;
}

usize context_stack_size() { return stack_size; }
usize context_stack_used(Context*) { return 0; }

// Programs use identity-mapped RAM (heap, stacks) and the kernel image (their code and
// static data).
bool program_memory_contains(usize address, usize length)
{
    usize image_end = reinterpret_cast<usize>(__kernel_end);
    if (address < arch::identity_map_end)
        return length <= arch::identity_map_end - address;
    return address >= arch::kernel_virtual_base && address < image_end && length <= image_end - address;
}

void program_begins() { baremetal::leave_kernel(); }
void program_ends() { baremetal::enter_kernel(); }

} // namespace hal

extern "C" long redox_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e)
{
    baremetal::enter_kernel();
    long result = kernel::handle_syscall(number, a, b, c, d, e);
    baremetal::leave_kernel();
    return result;
}
