// The fake interrupt lines (hal/interrupts.h): a test raises a line with fake_hal::raise_irq.
// Like a line behind a PC's interrupt controller, a raise while the line is masked is
// latched and delivered when the line is enabled again. Lines 0 (timer), 2 (cascade) and
// 4 (console) are the platform's, as on bare metal.
#include "fake_hal.h"

#include "../../kernel_core/abi/redox/undef_host_macros.h" // <string> brought errno.h's macros
#include "../../kernel_core/hal/interrupts.h"
#include "../../kernel_core/schemes/irq_scheme.h"

namespace {
bool s_enabled[hal::IRQ_LINES];
bool s_pending[hal::IRQ_LINES];

void deliver_pending(u8 line)
{
    s_pending[line] = false;
    kernel::deliver_irq(line);
}
} // namespace

namespace fake_hal {

void reset_interrupts()
{
    for (u8 line = 0; line < hal::IRQ_LINES; ++line)
        s_enabled[line] = s_pending[line] = false;
}

void raise_irq(u8 line)
{
    if (line >= hal::IRQ_LINES)
        return;
    s_pending[line] = true;
    if (s_enabled[line])
        deliver_pending(line);
}

bool irq_enabled(u8 line) { return line < hal::IRQ_LINES && s_enabled[line]; }
bool irq_pending(u8 line) { return line < hal::IRQ_LINES && s_pending[line]; }

} // namespace fake_hal

namespace hal {

bool irq_line_available(u8 line) { return line < IRQ_LINES && line != 0 && line != 2 && line != 4; }

void irq_enable(u8 line)
{
    if (line >= IRQ_LINES)
        return;
    s_enabled[line] = true;
    if (s_pending[line])
        deliver_pending(line);
}

void irq_disable(u8 line)
{
    if (line < IRQ_LINES)
        s_enabled[line] = false;
}

} // namespace hal
