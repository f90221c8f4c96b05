#pragma once
// The x86_64 machine layer of the bare-metal target: what boot code, CPU tables, the
// interrupt controller, the timer and the serial port give the HAL implementation
// (baremetal/hal_*.cpp). Everything here runs in ring 0 in one address space: physical
// memory 0..4 GiB is identity-mapped (except the page at 0, so null pointers fault), and the
// kernel image runs at kernel_virtual_base + physical (-mcmodel=kernel; boot.S, linker.ld).
#include "../kernel_core/ktl/types.h"

namespace arch {

// Port I/O.
inline void out8(u16 port, u8 value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
inline void out16(u16 port, u16 value) { asm volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
inline void out32(u16 port, u32 value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
inline u8 in8(u16 port)
{
    u8 value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
inline void interrupts_enable() { asm volatile("sti" ::: "memory"); }
inline void interrupts_disable() { asm volatile("cli" ::: "memory"); }
// Enables interrupts and halts until the next one, atomically (no wake-up is lost).
inline void wait_for_interrupt() { asm volatile("sti; hlt; cli" ::: "memory"); }
inline u64 read_tsc()
{
    u32 low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<u64>(high) << 32) | low;
}

// The kernel image's virtual window: virtual = kernel_virtual_base + physical.
inline constexpr u64 kernel_virtual_base = 0xFFFF'FFFF'8000'0000ull;
// Physical memory identity-mapped by boot.S (physical address = pointer).
inline constexpr u64 identity_map_end = 0x1'0000'0000ull;

// One usable range of physical memory from the boot loader's memory map.
struct MemoryRange {
    u64 base;
    u64 length;
};

// A Multiboot module (e.g. a root file-system image), physical = identity-mapped pointer.
// The bytes stay where the loader put them; parse_boot_info keeps them out of `ranges`.
struct BootModule {
    u64 start;
    u64 end; // first byte after the module
    const char* name; // the loader's string for it (copied; may be empty)
};

struct BootInfo {
    // Usable RAM (type 1), 4 KiB-aligned, sorted, within [1 MiB, identity_map_end), with
    // the kernel image, the Multiboot information and the modules cut out.
    MemoryRange ranges[32];
    usize range_count;
    const char* command_line; // the arguments only (no kernel path); never null, may be empty
    u64 kernel_end; // first byte after the kernel image, PHYSICAL (page-aligned)
    u64 kernel_start; // first byte of the kernel image, physical (1 MiB)
    BootModule modules[8];
    usize module_count;
    u32 multiboot_version; // 1 or 2 (0: unknown magic, nothing parsed)
};

// boot.S -> kernel_main -> here (boot_info.cpp): parses the Multiboot 1 or 2 information.
// Copies everything it keeps, so the information structure may be overwritten later.
void parse_boot_info(u32 magic, u64 info_address, BootInfo& out);

// cpu.cpp: GDT with a TSS, IDT with all 256 vectors routed to interrupt_dispatch.
// The GDT layout is ready for syscall/sysret (STAR = user_code32 << 48 | kernel_code << 32).
void cpu_init();
inline constexpr u16 kernel_code_selector = 0x08;
inline constexpr u16 kernel_data_selector = 0x10;
inline constexpr u16 user_code32_selector = 0x18; // placeholder (sysret's base)
inline constexpr u16 user_data_selector = 0x20; // use with RPL 3
inline constexpr u16 user_code_selector = 0x28; // use with RPL 3
inline constexpr u16 tss_selector = 0x30;
// TSS.rsp0: the stack the CPU switches to on an interrupt from ring 3 (for later).
void tss_set_kernel_stack(u64 stack_top);
// Prints a frame-pointer backtrace on serial, starting at `frame_pointer` (0: the caller's).
void print_backtrace(u64 frame_pointer = 0);

// Saved by the interrupt stubs (interrupts.S), in push order reversed.
struct InterruptFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss;
};
// Called by the stubs for every vector; CPU exceptions (0-31) panic with the registers and
// a backtrace; IRQs go to the handlers below.
extern "C" void interrupt_dispatch(InterruptFrame* frame);

// pic_pit.cpp: the 8259 PICs remapped to vectors 32-47; the PIT at `hz`.
// pic_init may be called after pic_unmask (the mask is kept in a shadow and written on
// init) but must come before interrupts are enabled. pit_init unmasks IRQ 0.
void pic_init();
void pic_unmask(u8 irq);
void pic_mask(u8 irq);
void pic_end_of_interrupt(u8 irq);
void pit_init(u32 hz);
// An optional handler for another IRQ (1-15 except 4): called with interrupts disabled,
// then the dispatcher sends the EOI; it must not switch contexts.
using IrqHandler = void (*)(u8 irq);
void irq_set_handler(u8 irq, IrqHandler handler);

// serial.cpp: the 16550 UART on COM1 (0x3F8, IRQ 4), 115200 8N1, interrupt-driven input
// into a 4 KiB ring buffer. The IRQ 4 path in interrupt_dispatch drains the UART into the
// ring, sends the EOI, then calls on_serial_input(); serial_read drains the UART too (so it
// also works with interrupts off) and then copies from the ring. serial_init enables the
// UART's receive interrupt and unmasks IRQ 4.
void serial_init();
// "\n" is sent as "\r\n"; polls the transmitter (usable anywhere, also in a panic).
void serial_write(const char* bytes, usize length);
// Copies buffered input; returns the count (0 when none). Never blocks.
usize serial_read(char* buffer, usize capacity);

// power.cpp: leaves QEMU (isa-debug-exit when present, else ACPI S5 at 0x604/0xB004/0x4004),
// else halts. With `-device isa-debug-exit,iobase=0xf4,iosize=0x04` QEMU's exit status is
// (status << 1) | 1: power_off(0) -> 1 (clean), CPU exception panic 0x31 -> 99.
[[noreturn]] void power_off(int status);
inline constexpr int panic_exit_status = 0x31;

// What interrupts call in the HAL layer. Both run with interrupts disabled, after the EOI
// was sent, so they may switch contexts (the interrupt stub's saved state stays on the
// interrupted context's stack until it is resumed).
void on_timer_tick(); // PIT, every 1/hz s
void on_serial_input(); // COM1 had data; it is in the ring now (serial_read)

} // namespace arch
