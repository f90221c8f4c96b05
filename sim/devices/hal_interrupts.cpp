// hal/interrupts.h for the simulator: the device bus's interrupt lines. A line exists for
// drivers when a device model of this machine drives it (COM1's 4, the ATA channel's 14 ...).
#include "../../kernel_core/hal/interrupts.h"

#include "device_bus.h"

namespace hal {

bool irq_line_available(u8 line) { return line < IRQ_LINES && sim::device_bus().line_claimed(line); }

void irq_enable(u8 line)
{
    if (line < IRQ_LINES)
        sim::device_bus().enable_line(line);
}

void irq_disable(u8 line)
{
    if (line < IRQ_LINES)
        sim::device_bus().disable_line(line);
}

} // namespace hal
