#pragma once
// The kernel heap on bare metal: operator new/delete for the core, the schemes and the apps.
#include "arch.h"

namespace baremetal {

// Takes the largest usable RAM range as the heap arena.
void heap_init(const arch::BootInfo& boot);
u64 heap_used_bytes();
u64 heap_size_bytes();

} // namespace baremetal
