#pragma once
// HAL: which addresses a program may hand to the kernel. While programs share the kernel's
// address space the platform knows where program memory can be: the simulator's process
// lower half; on hardware the identity-mapped RAM and the kernel image (where the programs'
// code and static data live). Ring-3 processes will answer from their page tables.
#include "../ktl/types.h"

namespace hal {

// True when [address, address + length) lies entirely in memory a program may use.
// The caller has already rejected the null page and wrap-around.
bool program_memory_contains(usize address, usize length);

} // namespace hal
