// terminal: a window running `sh` on a pseudo-terminal. Typed text and keys go to the pty
// master as a terminal would send them; what programs write comes back from the master
// and is interpreted by terminal::Screen (VT100/ANSI subset) and drawn in the bundled font.
//
// Usage: terminal [COMMAND]  (default: the shell; COMMAND runs with `sh -c`)
#include "orbclient/window.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "keys.h"
#include "terminal_screen.h"

namespace {

using ktl::String;
using ktl::StringView;
using orbclient::Color;
using orbclient::Event;

constexpr i32 CELL_W = orbclient::FONT_WIDTH;
constexpr i32 CELL_H = orbclient::FONT_HEIGHT;

constexpr u32 PALETTE[16] = { 0xFF1C1C1C, 0xFFCD3131, 0xFF0DBC79, 0xFFE5E510, 0xFF2472C8, 0xFFBC3FBC, 0xFF11A8CD,
    0xFFD0D0D0, 0xFF767676, 0xFFF14C4C, 0xFF23D18B, 0xFFF5F543, 0xFF3B8EEA, 0xFFD670D6, 0xFF29B8DB, 0xFFFFFFFF };

struct ShellSpawn {
    const char* slave_path;
    const char* command;
    char** envp;
};

int shell_main(void* argument)
{
    auto* spawn = static_cast<ShellSpawn*>(argument);
    sys::setpgid(0, 0);
    long slave = sys::open(spawn->slave_path, redox::O_RDWR);
    if (slave < 0)
        return 127;
    for (int fd = 0; fd < 3; ++fd)
        sys::dup2(static_cast<int>(slave), fd);
    if (slave > 2)
        sys::close(static_cast<int>(slave));
    // This process group owns the terminal: ^C reaches what the shell runs in the foreground.
    long pgrp = sys::dup(0, "pgrp");
    if (pgrp >= 0) {
        char text[24];
        usize n = ktl::format_buffer(text, sizeof text, "%ld", sys::getpid());
        sys::write(static_cast<int>(pgrp), text, n);
        sys::close(static_cast<int>(pgrp));
    }
    const char* with_command[] = { "sh", "-c", spawn->command, nullptr };
    const char* interactive[] = { "sh", nullptr };
    long r = sys::execve("/bin/sh", spawn->command ? with_command : interactive, spawn->envp);
    io::report_error("terminal", "/bin/sh", r);
    return 127;
}

class Terminal {
public:
    Terminal() : m_screen(80, 24) {}
    int run(const char* command, char** envp);

private:
    long start_shell(const char* command, char** envp);
    void handle(const Event& event);
    void send(StringView bytes) { io::write_all(m_master, bytes); }
    // Feeds what programs wrote to the screen; false once the shell's side has closed.
    bool drain_output();
    void draw();
    void draw_row(usize y);

    orbclient::Window m_window;
    terminal::Screen m_screen;
    int m_master { -1 };
    long m_shell { -1 };
    bool m_control { false };
    bool m_quit { false };
    bool m_present_all { false };
    usize m_cursor_drawn_y { 0 };
};

long Terminal::start_shell(const char* command, char** envp)
{
    long master = sys::open("/scheme/pty", redox::O_RDWR | redox::O_NONBLOCK);
    if (master < 0)
        return master;
    m_master = static_cast<int>(master);
    char name[64];
    long n = sys::fpath(m_master, name, sizeof name - 1);
    if (n < 0)
        return n;
    // /scheme/pty/N (or legacy pty:N): the slave is /scheme/pty/N.
    StringView path(name, static_cast<usize>(n));
    usize start = 0;
    for (usize i = 0; i < path.length(); ++i) {
        if (path[i] == '/' || path[i] == ':')
            start = i + 1;
    }
    String slave("/scheme/pty/");
    slave.append(path.substring(start));
    ShellSpawn spawn { slave.c_str(), command, envp };
    m_shell = sys::clone(redox::CLONE_VFORK, shell_main, &spawn);
    return m_shell < 0 ? m_shell : 0;
}

void Terminal::handle(const Event& event)
{
    switch (event.code) {
    case orbital::ORB_EVENT_TEXT_INPUT: {
        if (m_control)
            return; // the KEY event sends the control character
        u32 c = static_cast<u32>(event.a);
        char bytes[4];
        usize n = 0;
        if (c < 0x80) {
            bytes[n++] = static_cast<char>(c);
        } else if (c < 0x800) {
            bytes[n++] = static_cast<char>(0xC0 | c >> 6);
            bytes[n++] = static_cast<char>(0x80 | (c & 0x3F));
        } else {
            bytes[n++] = static_cast<char>(0xE0 | (c >> 12 & 0x0F));
            bytes[n++] = static_cast<char>(0x80 | (c >> 6 & 0x3F));
            bytes[n++] = static_cast<char>(0x80 | (c & 0x3F));
        }
        send(StringView(bytes, n));
        break;
    }
    case orbital::ORB_EVENT_KEY: {
        u8 scancode = orbital::key_scancode(event);
        bool pressed = orbital::key_pressed(event);
        if (scancode == keys::CONTROL) {
            m_control = pressed;
            return;
        }
        if (!pressed)
            return;
        if (m_control) {
            if (char letter = keys::letter(scancode)) {
                char c = static_cast<char>(letter & 0x1F);
                send(StringView(&c, 1));
            }
            return;
        }
        switch (scancode) {
        case keys::ENTER:
            send("\r");
            break;
        case keys::BACKSPACE:
            send("\x7f");
            break;
        case keys::TAB:
            send("\t");
            break;
        case keys::ESCAPE:
            send("\x1b");
            break;
        case keys::UP:
            send("\x1b[A");
            break;
        case keys::DOWN:
            send("\x1b[B");
            break;
        case keys::RIGHT:
            send("\x1b[C");
            break;
        case keys::LEFT:
            send("\x1b[D");
            break;
        case keys::HOME:
            send("\x1b[H");
            break;
        case keys::END:
            send("\x1b[F");
            break;
        case keys::DELETE:
            send("\x1b[3~");
            break;
        default:
            break; // printable keys arrive as TEXT_INPUT
        }
        break;
    }
    case orbital::ORB_EVENT_RESIZE:
        m_screen.resize(static_cast<usize>(m_window.width() / CELL_W), static_cast<usize>(m_window.height() / CELL_H));
        m_window.canvas().fill_rect(m_window.canvas().bounds(), PALETTE[0]);
        m_present_all = true; // the margin below the last row too
        break;
    case orbital::ORB_EVENT_QUIT:
        m_quit = true;
        break;
    default:
        break;
    }
}

bool Terminal::drain_output()
{
    char buffer[4096];
    for (;;) {
        long n = sys::read(m_master, buffer, sizeof buffer);
        if (n == 0)
            return false; // every slave closed: the shell and what it ran are gone
        if (n < 0)
            break;
        m_screen.feed(buffer, static_cast<usize>(n));
    }
    String reply = m_screen.take_reply();
    if (!reply.is_empty())
        send(reply);
    return true;
}

void Terminal::draw_row(usize y)
{
    orbital::Canvas& canvas = m_window.canvas();
    for (usize x = 0; x < m_screen.columns(); ++x) {
        const terminal::Cell& cell = m_screen.at(x, y);
        bool cursor = x == m_screen.cursor_x() && y == m_screen.cursor_y();
        u32 fg = PALETTE[cell.fg & 15];
        u32 bg = PALETTE[cell.bg & 15];
        if (cursor) {
            u32 swap = fg;
            fg = bg;
            bg = swap;
        }
        i32 px = static_cast<i32>(x) * CELL_W;
        i32 py = static_cast<i32>(y) * CELL_H;
        canvas.fill_rect({ px, py, CELL_W, CELL_H }, bg);
        if (cell.c != ' ')
            canvas.glyph(px, py, cell.c, fg);
    }
}

void Terminal::draw()
{
    // The row the cursor left must lose its block.
    usize cursor_y = m_screen.cursor_y();
    bool moved = cursor_y != m_cursor_drawn_y;
    i32 first = -1;
    i32 last = -1;
    for (usize y = 0; y < m_screen.rows(); ++y) {
        bool dirty = m_screen.row_dirty(y) || y == cursor_y || (moved && y == m_cursor_drawn_y);
        if (!dirty)
            continue;
        draw_row(y);
        if (first < 0)
            first = static_cast<i32>(y);
        last = static_cast<i32>(y);
    }
    m_screen.clear_dirty();
    m_cursor_drawn_y = cursor_y;
    if (m_present_all)
        m_window.sync();
    else if (first >= 0)
        m_window.damage({ 0, first * CELL_H, m_window.width(), (last - first + 1) * CELL_H });
    m_present_all = false;
}

int Terminal::run(const char* command, char** envp)
{
    i32 w = 80 * CELL_W;
    i32 h = 24 * CELL_H;
    if (long r = m_window.open(40, 60, w, h, command ? command : "Terminal", "r"); r < 0) {
        io::report_error("terminal", "/scheme/orbital", r);
        return 1;
    }
    m_window.canvas().fill_rect(m_window.canvas().bounds(), PALETTE[0]);
    m_window.sync();
    if (long r = start_shell(command, envp); r < 0) {
        io::report_error("terminal", "/scheme/pty", r);
        return 1;
    }
    m_window.watch(m_master);
    Event events[32];
    while (!m_quit) {
        long n = m_window.poll_events(events, 32);
        for (long i = 0; i < n; ++i)
            handle(events[i]);
        bool open = drain_output();
        draw();
        if (!open)
            break;
        if (n == 0 && !m_quit)
            m_window.wait(); // keys or output
    }
    int status = 0;
    if (m_quit)
        sys::kill(m_shell, redox::SIGKILL);
    sys::waitpid(m_shell, &status, 0);
    return 0;
}

} // namespace

static int terminal_main(int argc, char** argv, char** envp)
{
    auto* terminal = new Terminal();
    int status = terminal->run(argc > 1 ? argv[1] : nullptr, envp);
    delete terminal;
    return status;
}

REDOX_PROGRAM("terminal", terminal_main)
