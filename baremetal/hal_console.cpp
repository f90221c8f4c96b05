// hal/console.h on bare metal: the COM1 serial port is the console (both streams).
#include "../kernel_core/hal/console.h"
#include "arch.h"

namespace hal {

void console_write(ConsoleStream, const char* bytes, usize length) { arch::serial_write(bytes, length); }

isize console_poll_input(char* buffer, usize capacity)
{
    return static_cast<isize>(arch::serial_read(buffer, capacity));
}

// A terminal is on the other end of the serial line: echo and line editing are wanted.
bool console_is_interactive() { return true; }

} // namespace hal

// Input is buffered by the serial driver; the scheduler collects it when it next runs.
void arch::on_serial_input() {}
