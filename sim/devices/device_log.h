#pragma once
// The device models' log: spdlog's "devices" logger (lines read "[devices] info: ..."), made
// from the simulator's default logger on first use, so it writes where --log-file says, at
// the --log-level chosen.
#include <spdlog/spdlog.h>

namespace sim {

spdlog::logger& device_log();

} // namespace sim
