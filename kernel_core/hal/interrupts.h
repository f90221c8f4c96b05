#pragma once
// HAL: device interrupt lines (the ISA IRQs 0-15) that drivers own through the `irq` scheme
// (kernel_core/schemes/irq_scheme.h).
//
// The platform reports an interrupt by calling kernel::deliver_irq(line) on the core's
// thread: the sim's device models do it directly (they run on the core's thread), bare metal
// from hal::run_host_work(), draining the lines its interrupt handler recorded. Delivery
// leaves the line disabled until the owning driver acknowledges it (Redox's irq scheme).
#include "../ktl/types.h"

namespace hal {

constexpr u8 IRQ_LINES = 16;

// Whether `line` exists and may be given to a driver (not the platform's own timer or
// console line).
bool irq_line_available(u8 line);
// Unmasks / masks the line. Enabling a line whose device still asserts it delivers again.
void irq_enable(u8 line);
void irq_disable(u8 line);

} // namespace hal
