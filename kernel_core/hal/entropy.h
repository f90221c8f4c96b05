#pragma once
// HAL: entropy to seed the kernel's CSPRNG (the `rand` scheme).
#include "../ktl/types.h"

namespace hal {
void entropy_fill(void* buffer, usize length);
}
