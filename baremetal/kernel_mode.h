#pragma once
// Whether the CPU runs kernel code (interrupts masked, not preemptible) or program code
// (interrupts on, the timer may switch contexts). One CPU, so one flag.
#include "arch.h"

namespace baremetal {

extern bool g_in_kernel;

inline void enter_kernel()
{
    arch::interrupts_disable();
    g_in_kernel = true;
}

inline void leave_kernel()
{
    g_in_kernel = false;
    arch::interrupts_enable();
}

} // namespace baremetal
