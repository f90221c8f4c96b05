// The CPU tables: GDT (with a TSS), IDT, and the interrupt dispatcher (exception panics,
// IRQ routing).
#include "arch_internal.h"

extern "C" const u64 interrupt_stub_table[256];

namespace {

struct [[gnu::packed]] TaskStateSegment {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 io_map_base;
};
static_assert(sizeof(TaskStateSegment) == 104);

struct [[gnu::packed]] DescriptorPointer {
    u16 limit;
    u64 base;
};

struct IdtEntry {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attributes;
    u16 offset_middle;
    u32 offset_high;
    u32 reserved;
};
static_assert(sizeof(IdtEntry) == 16);

constexpr usize double_fault_stack_size = 16384;
constexpr u8 double_fault_ist = 1;
constexpr u8 nmi_ist = 2;

alignas(16) u64 s_gdt[8];
alignas(16) TaskStateSegment s_tss;
alignas(16) IdtEntry s_idt[256];
alignas(16) u8 s_double_fault_stack[double_fault_stack_size];
alignas(16) u8 s_nmi_stack[8192];
arch::IrqHandler s_irq_handlers[16];
bool s_in_panic = false;
u64 s_unexpected_vectors = 0;

const char* const exception_names[32] = {
    "#DE Divide Error",
    "#DB Debug",
    "NMI Non-Maskable Interrupt",
    "#BP Breakpoint",
    "#OF Overflow",
    "#BR Bound Range Exceeded",
    "#UD Invalid Opcode",
    "#NM Device Not Available",
    "#DF Double Fault",
    "Coprocessor Segment Overrun",
    "#TS Invalid TSS",
    "#NP Segment Not Present",
    "#SS Stack-Segment Fault",
    "#GP General Protection Fault",
    "#PF Page Fault",
    "Reserved (15)",
    "#MF x87 Floating-Point Exception",
    "#AC Alignment Check",
    "#MC Machine Check",
    "#XM SIMD Floating-Point Exception",
    "#VE Virtualization Exception",
    "#CP Control Protection Exception",
    "Reserved (22)",
    "Reserved (23)",
    "Reserved (24)",
    "Reserved (25)",
    "Reserved (26)",
    "Reserved (27)",
    "#HV Hypervisor Injection Exception",
    "#VC VMM Communication Exception",
    "#SX Security Exception",
    "Reserved (31)",
};

void set_gate(u8 vector, u64 handler, u8 ist)
{
    IdtEntry& e = s_idt[vector];
    e.offset_low = static_cast<u16>(handler);
    e.selector = arch::kernel_code_selector;
    e.ist = ist;
    e.type_attributes = 0x8E; // present, DPL 0, 64-bit interrupt gate (IF cleared on entry)
    e.offset_middle = static_cast<u16>(handler >> 16);
    e.offset_high = static_cast<u32>(handler >> 32);
    e.reserved = 0;
}

u64 read_cr0()
{
    u64 v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
u64 read_cr2()
{
    u64 v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
u64 read_cr3()
{
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
u64 read_cr4()
{
    u64 v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

using arch::detail::print;
using arch::detail::print_decimal;
using arch::detail::print_hex;

void print_register(const char* name, u64 value)
{
    print(name);
    print("=");
    print_hex(value);
    print("  ");
}

// A frame pointer may be followed when it lies in mapped memory: the identity map (minus
// page 0) or the kernel image.
bool readable_stack_slot(u64 address)
{
    if (address & 7)
        return false;
    if (address >= 0x1000 && address + 16 <= arch::identity_map_end)
        return true;
    return address >= arch::kernel_virtual_base && address + 16 <= reinterpret_cast<u64>(__kernel_end);
}

void print_backtrace_from(u64 rbp, u64 first_address)
{
    print("backtrace (addr2line -f -C -e kernel.elf ADDRESS...):\n");
    int depth = 0;
    if (first_address) {
        print("  #0 ");
        print_hex(first_address);
        print("\n");
        depth = 1;
    }
    for (; depth < 48 && rbp && readable_stack_slot(rbp); ++depth) {
        u64 next = reinterpret_cast<const u64*>(rbp)[0];
        u64 return_address = reinterpret_cast<const u64*>(rbp)[1];
        if (return_address == 0)
            break;
        print("  #");
        print_decimal(static_cast<u64>(depth));
        print(" ");
        print_hex(return_address);
        print("\n");
        if (next <= rbp) // the stack grows down: callers' frames are above
            break;
        rbp = next;
    }
}

[[noreturn]] void exception_panic(const arch::InterruptFrame& f)
{
    if (s_in_panic) {
        print("\n*** nested CPU exception ");
        print_decimal(f.vector);
        print(" during a panic at rip=");
        print_hex(f.rip);
        print("\n");
        arch::power_off(arch::panic_exit_status);
    }
    s_in_panic = true;
    print("\n*** KERNEL PANIC: CPU exception ");
    print_decimal(f.vector);
    print(" (");
    print(exception_names[f.vector & 31]);
    print("), error code ");
    print_hex(f.error_code);
    print("\n");
    if (f.vector == 14) {
        u64 cr2 = read_cr2();
        print("page fault at address ");
        print_hex(cr2);
        print(": ");
        print(f.error_code & 1 ? "protection violation" : "page not present");
        print(f.error_code & 2 ? ", write" : ", read");
        if (f.error_code & 16)
            print(", instruction fetch");
        print(f.error_code & 4 ? ", user mode" : ", kernel mode");
        if (f.error_code & 8)
            print(", reserved bit set");
        if (cr2 < 0x1000)
            print(" (null pointer?)");
        print("\n");
    } else if (f.vector == 13 && f.error_code) {
        print("segment selector index ");
        print_hex(f.error_code, 4);
        print("\n");
    }
    print_register("rip", f.rip);
    print_register("cs", f.cs);
    print_register("rflags", f.rflags);
    print("\n");
    print_register("rsp", f.rsp);
    print_register("ss", f.ss);
    print_register("rbp", f.rbp);
    print("\n");
    print_register("rax", f.rax);
    print_register("rbx", f.rbx);
    print_register("rcx", f.rcx);
    print("\n");
    print_register("rdx", f.rdx);
    print_register("rsi", f.rsi);
    print_register("rdi", f.rdi);
    print("\n");
    print_register("r8 ", f.r8);
    print_register("r9 ", f.r9);
    print_register("r10", f.r10);
    print("\n");
    print_register("r11", f.r11);
    print_register("r12", f.r12);
    print_register("r13", f.r13);
    print("\n");
    print_register("r14", f.r14);
    print_register("r15", f.r15);
    print_register("cr0", read_cr0());
    print("\n");
    print_register("cr2", read_cr2());
    print_register("cr3", read_cr3());
    print_register("cr4", read_cr4());
    print("\n");
    // A leaf function may have no frame of its own: then its caller is only at [rsp].
    if (f.rsp >= arch::kernel_virtual_base && readable_stack_slot(f.rsp)) {
        u64 top = *reinterpret_cast<const u64*>(f.rsp);
        if (top >= reinterpret_cast<u64>(__text_start) && top < reinterpret_cast<u64>(__text_end)) {
            print("[rsp] holds a code address (the caller, if the faulting function is a leaf): ");
            print_hex(top);
            print("\n");
        }
    }
    print_backtrace_from(f.rbp, f.rip);
    print("halting (exit status ");
    print_hex(arch::panic_exit_status, 2);
    print(")\n");
    arch::power_off(arch::panic_exit_status);
}

void handle_irq(u8 irq)
{
    if ((irq == 7 || irq == 15) && arch::detail::pic_is_spurious(irq))
        return; // no EOI for a spurious IRQ (pic_is_spurious sent the master's for 15)
    switch (irq) {
    case 0:
        // EOI first: the handler may switch to another context and not come back soon.
        arch::pic_end_of_interrupt(irq);
        arch::on_timer_tick();
        return;
    case 4:
        arch::detail::serial_drain_receiver();
        arch::pic_end_of_interrupt(irq);
        arch::on_serial_input();
        return;
    default:
        if (s_irq_handlers[irq])
            s_irq_handlers[irq](irq);
        arch::pic_end_of_interrupt(irq);
        return;
    }
}

} // namespace

namespace arch {

void cpu_init()
{
    // GDT: null, kernel code 64, kernel data, user code 32 (placeholder), user data,
    // user code 64, TSS (two slots).
    s_gdt[0] = 0;
    s_gdt[1] = 0x00AF9A000000FFFFull; // kernel code: L, P, DPL 0, execute/read
    s_gdt[2] = 0x00CF92000000FFFFull; // kernel data: P, DPL 0, read/write
    s_gdt[3] = 0x00CFFA000000FFFFull; // user code 32: DPL 3
    s_gdt[4] = 0x00CFF2000000FFFFull; // user data: DPL 3
    s_gdt[5] = 0x00AFFA000000FFFFull; // user code 64: L, DPL 3

    s_tss = TaskStateSegment {};
    s_tss.ist[double_fault_ist - 1] = reinterpret_cast<u64>(s_double_fault_stack + sizeof s_double_fault_stack);
    s_tss.ist[nmi_ist - 1] = reinterpret_cast<u64>(s_nmi_stack + sizeof s_nmi_stack);
    s_tss.rsp[0] = reinterpret_cast<u64>(__boot_stack_top);
    s_tss.io_map_base = sizeof(TaskStateSegment); // no I/O permission bitmap
    u64 base = reinterpret_cast<u64>(&s_tss);
    u64 limit = sizeof(TaskStateSegment) - 1;
    s_gdt[6] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xF) << 48)
        | (((base >> 24) & 0xFF) << 56);
    s_gdt[7] = base >> 32;

    DescriptorPointer gdtr { sizeof s_gdt - 1, reinterpret_cast<u64>(s_gdt) };
    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "movw %2, %%ax\n\t"
                 "movw %%ax, %%ds\n\t"
                 "movw %%ax, %%es\n\t"
                 "movw %%ax, %%ss\n\t"
                 "xorw %%ax, %%ax\n\t"
                 "movw %%ax, %%fs\n\t"
                 "movw %%ax, %%gs\n\t"
                 "ltr %3"
                 :
                 : "m"(gdtr), "i"(static_cast<u64>(kernel_code_selector)), "i"(kernel_data_selector), "r"(tss_selector)
                 : "rax", "memory");

    for (int v = 0; v < 256; ++v)
        set_gate(static_cast<u8>(v), interrupt_stub_table[v], 0);
    set_gate(8, interrupt_stub_table[8], double_fault_ist);
    set_gate(2, interrupt_stub_table[2], nmi_ist);
    DescriptorPointer idtr { sizeof s_idt - 1, reinterpret_cast<u64>(s_idt) };
    asm volatile("lidt %0" : : "m"(idtr) : "memory");
}

void tss_set_kernel_stack(u64 stack_top) { s_tss.rsp[0] = stack_top; }

void irq_set_handler(u8 irq, IrqHandler handler)
{
    if (irq < 16)
        s_irq_handlers[irq] = handler;
}

void print_backtrace(u64 frame_pointer)
{
    if (frame_pointer == 0)
        frame_pointer = reinterpret_cast<u64>(__builtin_frame_address(0));
    print_backtrace_from(frame_pointer, 0);
}

} // namespace arch

extern "C" void interrupt_dispatch(arch::InterruptFrame* frame)
{
    u64 vector = frame->vector;
    if (vector < 32)
        exception_panic(*frame);
    if (vector < 48) {
        handle_irq(static_cast<u8>(vector - 32));
        return;
    }
    // Nothing else is routed here yet (no APIC, no software interrupts): note and go on.
    if (s_unexpected_vectors++ < 8) {
        print("interrupt: unexpected vector ");
        print_decimal(vector);
        print("\n");
    }
}
