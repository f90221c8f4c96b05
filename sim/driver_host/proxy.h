#pragma once
// A driver proxy: the Redox process that stands for a driver running as a Linux process.
// It runs on the core's thread as an ordinary context (the one the supervisor or a shell
// started, or one spawned for a driver started by hand) and performs the driver's syscalls
// as itself, so schemes see the proxy's credentials, namespace and files.
#include "connection.h"

#include <memory>
#include <string>
#include <vector>

namespace sim::driver_host {

// Serves `connection` as the current context until the driver ends, then ends the same
// way (its exit status, or killed by the same signal). `arguments` and `environment` are
// what the driver's program gets; empty `arguments` means the ones it sent in HELLO (a
// driver started by hand). Never returns, so the frames of its callers are never unwound:
// it takes what it is given into an object that the proxy's exit frees, and callers must
// hold nothing that needs freeing (an fd, a shared_ptr) when they call it.
[[noreturn]] void serve(std::shared_ptr<Connection>&& connection, std::vector<std::string>&& arguments,
    std::vector<std::string>&& environment);

} // namespace sim::driver_host
