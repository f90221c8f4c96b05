#pragma once
// printf-style formatting into a caller's buffer, shared by the core and the apps (the
// host's snprintf is not available on bare metal). Supports %d %i %u %x %X %o %c %s %p %%,
// the l / ll / z length modifiers, width, '-' and '0' flags, and %.*s for a length-limited string.
#include "types.h"

#include <stdarg.h>

namespace ktl {

// Writes at most `size - 1` characters plus a NUL; returns the length the full output would have.
usize format_buffer(char* buffer, usize size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
usize vformat_buffer(char* buffer, usize size, const char* fmt, va_list args);

} // namespace ktl
