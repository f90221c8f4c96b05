#pragma once
// HAL: the console (the host terminal in the sim, a serial port on hardware).
#include "../ktl/types.h"

namespace hal {

enum class ConsoleStream { Output, Error };

void console_write(ConsoleStream stream, const char* bytes, usize length);

// Non-blocking: copies pending input bytes. Returns the count, 0 when there is none now,
// or -1 when the input has ended for good (the host closed stdin).
isize console_poll_input(char* buffer, usize capacity);

// True when a person types on the console (echo and line editing are wanted).
bool console_is_interactive();

} // namespace hal
