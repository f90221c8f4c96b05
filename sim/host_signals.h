#pragma once
// Linux signals to redox-sim. SIGINT, SIGTERM and SIGHUP ask the running system to shut down
// cleanly (kernel::Kernel::request_terminate: init hears SIGTERM and stops through sys:kstop,
// which syncs the file system first); the simulator then ends by the same signal. A second
// signal, SIGQUIT, or a signal while the core can not be reached (the host-work channel is
// closed: the kernel has stopped) ends it at once after the emergency hooks (unmount the
// FUSE bridge, restore the terminal).
#include <functional>

namespace sim {

// Call before any other thread starts: the signals are then taken by one thread only.
// `ask_to_stop(status)` asks the core for a clean shutdown; false when it can not be reached.
void host_signals_start(std::function<bool(int status)> ask_to_stop);
// Run, in order, when the simulator must end at once.
void host_signals_on_emergency(std::function<void()> hook);
// The signal that asked for the shutdown, or 0.
int host_signals_terminating();
// Ends the process by `signal` with its default action (returns only if that ignores it).
void host_signals_reraise(int signal);

} // namespace sim
