#pragma once
// Host work: what other threads of a hosted platform (the simulator's FUSE bridge) ask the
// core to do. The core owns all of its state on one thread; a host thread never touches it,
// it queues work that the core's thread runs here.
#include "../ktl/types.h"

namespace hal {

// Runs the work host threads have queued, on the core's thread. The scheduler calls it each
// time it schedules (so it runs within a time slice even when the system is busy) and the
// platform's idle() returns when work arrives. Work items run outside any context's program
// code: they must not block or use the current context, only hand requests to contexts
// (kernel/host_bridge.h). Bare metal and the fake HAL have no host threads: a no-op.
void run_host_work();

// True while host threads may still queue work: the scheduler's deadlock check must not stop
// a system whose contexts are all blocked waiting for it.
bool host_work_possible();

} // namespace hal
