#pragma once
// The simulator's host-work channel (hal/host.h): how host threads (the FUSE bridge) get
// work run on the thread that runs the kernel core. post() appends to a mutex-protected
// queue and, when the core thread sleeps, writes an eventfd that hal::idle() waits on (a
// running or spinning core sees the queue without it: two system calls less per request
// in a burst of FUSE requests); the scheduler
// calls hal::run_host_work() each time it schedules, so work runs within a time slice even
// when the system is busy. Work runs on the core's thread outside any context: it must not
// block (it hands requests to contexts, see kernel_core/host_bridge.h).
#include <cstdint>
#include <ctime>
#include <functional>

namespace sim {

// Opens the channel (before the kernel runs). `wakes_contexts`: the opener's work may wake
// blocked contexts (FUSE requests, input events), so the scheduler must not take "every
// context is blocked" for a deadlock (hal::host_work_possible()); the signal thread's one
// shutdown request does not count.
void host_work_open(bool wakes_contexts = true);
// A source that may wake blocked contexts while it is open (a remote driver's connection:
// its process may die, which ends a proxy): counted, so that hal::host_work_possible() holds
// while any is open. Any thread.
void host_work_add_waker();
void host_work_remove_waker();
// From any thread: queues `work`. False when the channel is not open or already closed (the
// core has stopped): the caller must then dispose of the work itself.
bool host_work_post(std::function<void()> work);
// After the kernel stopped: refuses later posts and drops queued work without running it.
void host_work_close();
// The eventfd behind host_work_wait, or -1 when the channel is not open.
int host_work_fd();
// Core thread: sleeps until work is posted, the host source (below) is readable (it is
// served then), `input_fd` is readable, or `timeout` (null: none) passes; returns at once
// when work is queued. Only while it sleeps do posts write the eventfd.
void host_work_wait(const timespec* timeout, int input_fd = -1);
// A host fd the core thread serves itself, so its requests reach the core without passing
// through another thread (the FUSE bridge's /dev/fuse): idle() sleeps on it too and calls
// `serve` when it is readable, and run_host_work() calls `serve` at most every 50 µs while
// the core is busy. `serve` runs on the core thread outside any context, must not block (the
// fd is nonblocking) and may post work; it returns false when the source has ended (then it is
// cleared). One source; set before the kernel runs, cleared after.
void host_source_set(int fd, std::function<bool()> serve);
void host_source_clear();
// Serves the source if it is readable now (a poll, no waiting); whether it was.
bool host_source_poll();
// Whether work is queued (any thread), when work last ran (steady clock ns), and the time
// between the last two runs of work.
bool host_work_pending();
std::int64_t host_work_last_ns();
std::int64_t host_work_gap_ns();

} // namespace sim
