#pragma once
// HAL: time. All times are nanoseconds.
#include "../ktl/types.h"

namespace hal {

u64 monotonic_ns();
i64 realtime_ns();

// Arms (or re-arms) the one-shot timer. When the deadline passes, the platform calls
// kernel::on_timer() at its next safe point (an interrupt on hardware; the next clock
// read or idle wake-up in the simulator). 0 disarms.
void timer_arm(u64 deadline_ns);

// Nothing is runnable: wait until the deadline (0 = none), console input, or a timer.
// With a virtual clock this advances the clock instead of sleeping.
void idle(u64 deadline_ns);

} // namespace hal

namespace kernel {
// Called by the platform when the one-shot timer expires. Only sets flags.
void on_timer();
// Called by the platform on the way out of an interrupt that stopped program code (never
// kernel code): switches to another context if the time slice is over. Returns when the
// interrupted context is scheduled again.
void preempt_from_interrupt();
} // namespace kernel
