#pragma once
// Remote drivers in redox-sim: drivers run as their own Linux processes (drivers/remote) and
// Redox processes stand for them (proxy.h).
//
// - Each driver program (drivers/meson.build's driver_programs, e.g. "ata-driver") is a
//   program in the registry here: running it starts DIRECTORY/NAME (the freshly built
//   executable) and proxies for it. `hostdriver EXECUTABLE [ARGS]` does the same for any
//   executable built against the remote runtime (a name without '/' is looked up in
//   DIRECTORY).
// - A listening socket accepts drivers started by hand from Linux (under gdb, say); each
//   gets a proxy context (root, a child of init).
#include <string>

namespace sim {

struct DriverHostOptions {
    std::string directory; // where the driver executables are (--driver-dir)
    std::string socket_path; // the listening socket (--driver-socket)
    bool listen { true };
};

// The build's driver directory, and $XDG_RUNTIME_DIR/redox-sim/drivers.sock (or
// /tmp/redox-sim-UID/drivers.sock).
std::string default_driver_directory();
std::string default_driver_socket();

// Before the kernel runs: remembers the options and starts listening (a socket another
// running simulator answers on is left alone, with a note in the log).
void driver_host_start(const DriverHostOptions& options);
// After the kernel stopped: stops listening and removes the socket.
void driver_host_stop();

} // namespace sim
