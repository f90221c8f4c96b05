#pragma once
// HAL: panic, logging and facts about the platform.
#include "../ktl/types.h"

namespace hal {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

// Prints the message and a backtrace, then stops the machine. Never returns.
[[noreturn]] void panic(const char* message);

// Routes a kernel log line (already formatted) to the platform's logger.
void log(LogLevel level, const char* subsystem, const char* message);

// "x86_64" etc., for sys:uname.
const char* platform_arch();
// Resident memory of the whole system in bytes, when known (0 otherwise).
u64 memory_resident_bytes();

} // namespace hal
