#pragma once
// HAL: how a program enters the kernel. Apps call redox_syscall (apps/lib/redox/sys.h);
// each world defines it: a plain call in the simulator, an interrupt-masked call for ring-0
// contexts on hardware, the `syscall` instruction once processes run in ring 3. Every
// definition ends in kernel::handle_syscall (kernel_core/syscalls/handlers.h).
extern "C" long redox_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e);
