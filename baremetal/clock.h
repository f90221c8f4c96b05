#pragma once
#include "../kernel_core/ktl/types.h"

namespace baremetal {
// Calibrates the TSC against the PIT (which must already tick) and reads the RTC.
void clock_init();
u64 tsc_per_ms();
} // namespace baremetal
