#pragma once
// The fake HAL for unit tests: the real context switcher (sim/hal/context.cpp) with a stub
// clock that only moves when read or when the system idles, a console backed by strings,
// fixed entropy, and panics that fail the test run.
#include <cstdint>
#include <string>

namespace fake_hal {

void reset(const std::string& console_input);
const std::string& console_output();
std::uint64_t now_ns();
// Nanoseconds each clock read advances the fake monotonic clock by.
void set_tick_ns(std::uint64_t tick);

} // namespace fake_hal
