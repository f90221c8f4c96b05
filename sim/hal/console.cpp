// hal/console.h for the simulator: the host terminal. When stdin is a terminal it is put in
// raw mode so the kernel's line discipline sees every key (Ctrl-C becomes SIGINT inside
// Redox, not for the simulator); output processing stays on so "\n" still starts a line.
#include "../../kernel_core/hal/console.h"

#include "sim_state.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <initializer_list>

namespace {

bool s_raw = false;
bool s_input_ended = false;
termios s_saved {};

void restore_on_signal(int signal)
{
    sim::console_restore();
    std::signal(signal, SIG_DFL);
    raise(signal);
}

} // namespace

namespace sim {

void console_init()
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &s_saved) != 0)
        return;
    termios raw = s_saved;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~static_cast<tcflag_t>(ICRNL | IXON | INLCR);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) != 0)
        return;
    s_raw = true;
    std::atexit(console_restore);
    for (int signal : { SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV })
        std::signal(signal, restore_on_signal);
}

void console_restore()
{
    if (s_raw) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &s_saved);
        s_raw = false;
    }
}

} // namespace sim

namespace hal {

void console_write(ConsoleStream stream, const char* bytes, usize length)
{
    int fd = stream == ConsoleStream::Error ? STDERR_FILENO : STDOUT_FILENO;
    while (length) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // the host closed the terminal; output is lost, the system goes on
        bytes += n;
        length -= static_cast<usize>(n);
    }
}

isize console_poll_input(char* buffer, usize capacity)
{
    if (s_input_ended)
        return -1;
    if (capacity == 0)
        return 0;
    pollfd fd { STDIN_FILENO, POLLIN, 0 };
    if (poll(&fd, 1, 0) <= 0 || !(fd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
        return 0;
    ssize_t n = read(STDIN_FILENO, buffer, capacity);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n <= 0) {
        s_input_ended = true;
        return -1;
    }
    return n;
}

bool console_is_interactive() { return s_raw; }

} // namespace hal
