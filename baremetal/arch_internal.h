#pragma once
// Machine-layer internals shared by cpu.cpp, pic_pit.cpp, serial.cpp and boot_info.cpp
// (not part of the HAL-facing arch.h).
#include "arch.h"

extern "C" {
extern char __kernel_physical_start[];
extern char __kernel_end[];
extern char __text_start[];
extern char __text_end[];
extern char __boot_stack_bottom[];
extern char __boot_stack_top[];
}

namespace arch::detail {

// pic_pit.cpp: true when a PIC reports IRQ 7/15 without it being in service (spurious);
// for a spurious IRQ 15 it has already sent the master's EOI (the cascade was real).
bool pic_is_spurious(u8 irq);

// serial.cpp: moves every received byte from the UART into the ring (interrupts off).
void serial_drain_receiver();

// Polled output helpers for panics and diagnostics.
void print(const char* text);
void print_hex(u64 value, int digits = 16);
void print_decimal(u64 value);

inline u64 save_flags_and_disable()
{
    u64 flags;
    asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}
inline void restore_flags(u64 flags)
{
    if (flags & (1u << 9))
        asm volatile("sti" ::: "memory");
}

} // namespace arch::detail
