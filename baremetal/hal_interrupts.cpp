// hal/interrupts.h and hal/host.h on bare metal: driver interrupt lines behind the 8259 PICs.
// The interrupt handler only masks the line and records it (it must not switch contexts);
// the scheduler, which calls hal::run_host_work each time it schedules (also right after
// the idle `hlt` wakes), hands the recorded lines to kernel::deliver_irq on its own time.
// The line stays masked until the driver acknowledges through the irq scheme, which then
// enables it again (irq_enable = unmask).
#include "../kernel_core/hal/clock.h"
#include "../kernel_core/hal/host.h"
#include "../kernel_core/hal/interrupts.h"
#include "../kernel_core/schemes/irq_scheme.h"
#include "arch.h"

namespace {

// Lines that raised an interrupt not yet delivered (bit n = IRQ n), set by the handler.
u16 s_pending = 0;
// Lines a driver has enabled: while any is, an interrupt may still wake a blocked system.
u16 s_enabled = 0;

void on_driver_irq(u8 line)
{
    // Interrupts are off here: the handler and run_host_work never interleave, but the
    // atomics keep the intent (and the compiler) honest.
    arch::pic_mask(line);
    __atomic_fetch_or(&s_pending, static_cast<u16>(1u << line), __ATOMIC_RELAXED);
    // Reschedule soon (at the next tick), so a driver waiting for this runs without waiting
    // for the busy context's whole time slice.
    kernel::on_timer();
}

} // namespace

namespace hal {

// 0 is the preemption timer, 2 the cascade to the second PIC, 4 the console's COM1.
bool irq_line_available(u8 line) { return line < IRQ_LINES && line != 0 && line != 2 && line != 4; }

void irq_enable(u8 line)
{
    if (!irq_line_available(line))
        return;
    arch::irq_set_handler(line, on_driver_irq);
    s_enabled = static_cast<u16>(s_enabled | (1u << line));
    arch::pic_unmask(line);
}

void irq_disable(u8 line)
{
    if (!irq_line_available(line))
        return;
    arch::pic_mask(line);
    s_enabled = static_cast<u16>(s_enabled & ~(1u << line));
}

void run_host_work()
{
    u16 pending = __atomic_exchange_n(&s_pending, static_cast<u16>(0), __ATOMIC_RELAXED);
    while (pending) {
        u8 line = static_cast<u8>(__builtin_ctz(pending));
        pending = static_cast<u16>(pending & (pending - 1));
        kernel::deliver_irq(line);
    }
}

// No host threads; but a system whose contexts all wait for a device is not deadlocked.
bool host_work_possible() { return s_enabled != 0 || s_pending != 0; }

} // namespace hal
