#pragma once
// The simulator's host-work channel (hal/host.h): how host threads (the FUSE bridge) get
// work run on the thread that runs the kernel core. post() appends to a mutex-protected
// queue and writes an eventfd; hal::idle() also waits on that eventfd, and the scheduler
// calls hal::run_host_work() each time it schedules, so work runs within a time slice even
// when the system is busy. Work runs on the core's thread outside any context: it must not
// block (it hands requests to contexts, see kernel_core/host_bridge.h).
#include <cstdint>
#include <functional>

namespace sim {

// Opens the channel (before the kernel runs). Until then host_work_possible() is false.
void host_work_open();
// From any thread: queues `work`. False when the channel is not open or already closed (the
// core has stopped): the caller must then dispose of the work itself.
bool host_work_post(std::function<void()> work);
// After the kernel stopped: refuses later posts and drops queued work without running it.
void host_work_close();
// The eventfd idle() waits on, or -1.
int host_work_fd();
// Whether work is queued (any thread), and when work last ran (steady clock ns).
bool host_work_pending();
std::int64_t host_work_last_ns();

} // namespace sim
