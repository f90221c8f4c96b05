#pragma once
// What the driver host's parts share: the options redox-sim was started with.
#include <string>

namespace sim::driver_host {

// Where driver executables are looked up (--driver-dir, else the build's).
const std::string& driver_directory();

} // namespace sim::driver_host
