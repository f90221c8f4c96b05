// orbitald: the Orbital display server. It composites windows into the `display` scheme's
// framebuffer, takes keyboard and mouse from the `input` scheme, and serves the `orbital`
// scheme to clients (server.h has the protocol).
//
// Usage: orbitald [PROGRAM ...]: once `orbital` is registered it starts each PROGRAM (init
// starts `orbitald launcher terminal`). One event queue watches the request channel and
// the input device, so an idle desktop sleeps in one blocking read. When the host window
// is closed (QUIT from the input device) it shuts the system down.
#include "ktl/format.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "../../apps/orbital/spawn.h"
#include "request_handler.h"

namespace {

using ktl::StringView;
using ktl::Vector;

constexpr usize BATCH = 32;

struct Display {
    int fd { -1 };
    u32* pixels { nullptr };
    i32 width { 0 };
    i32 height { 0 };

    usize bytes() const { return static_cast<usize>(width) * static_cast<usize>(height) * sizeof(u32); }
};

// The size from fpath, then the framebuffer through fmap.
long map_display(Display& display)
{
    char path[64] {};
    long n = sys::fpath(display.fd, path, sizeof path - 1);
    if (n < 0)
        return n;
    // The kernel shows it as /scheme/display/W/H: the last two fields.
    StringView text(path, static_cast<usize>(n));
    isize slash = -1;
    isize before = -1;
    for (usize i = 0; i < text.length(); ++i) {
        if (text[i] == '/') {
            before = slash;
            slash = static_cast<isize>(i);
        }
    }
    i64 w = 0;
    i64 h = 0;
    if (before < 0
        || !ktl::parse_i64(text.substring(static_cast<usize>(before + 1), static_cast<usize>(slash - before - 1)), w)
        || !ktl::parse_i64(text.substring(static_cast<usize>(slash) + 1), h) || w <= 0 || h <= 0)
        return -redox::EINVAL;
    if (display.pixels)
        sys::funmap(display.pixels, display.bytes());
    display.width = static_cast<i32>(w);
    display.height = static_cast<i32>(h);
    long address = sys::fmap(display.fd, 0, display.bytes(), redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
    if (address < 0) {
        display.pixels = nullptr;
        return address;
    }
    display.pixels = reinterpret_cast<u32*>(address);
    return 0;
}

void start_program(const char* name, char** envp)
{
    const char* argv[] = { name, nullptr };
    long pid = apps::spawn(argv, envp);
    if (pid < 0)
        io::report_error("orbitald", name, pid);
}

void shut_down_system()
{
    long fd = sys::open("/scheme/sys/kstop", redox::O_WRONLY);
    if (fd >= 0) {
        sys::write(static_cast<int>(fd), "shutdown 0", 10);
        sys::close(static_cast<int>(fd));
    }
}

class Daemon {
public:
    Daemon(Display& display, int input, int channel, int queue)
        : m_display(display),
          m_input(input),
          m_channel(channel),
          m_queue(queue),
          m_handler(m_server)
    {
        m_server.set_screen(display.pixels, display.width, display.height, display.width);
    }

    // Serves until the channel fails or the user closes the host window; returns the status.
    int run();

private:
    bool serve_requests();
    bool take_input();
    void present();

    Display& m_display;
    int m_input;
    int m_channel;
    int m_queue;
    orbital::Server m_server;
    orbital::RequestHandler m_handler;
    Vector<redox::SchemeCompletion> m_completions;
};

bool Daemon::serve_requests()
{
    redox::SchemeRequest requests[BATCH];
    for (;;) {
        long n = sys::read(m_channel, requests, sizeof requests);
        if (n == -redox::EAGAIN || n == -redox::EINTR)
            return true;
        if (n <= 0) {
            if (n < 0)
                io::report_error("orbitald", "read requests", n);
            return false;
        }
        for (usize i = 0; i < static_cast<usize>(n) / sizeof(redox::SchemeRequest); ++i) {
            redox::SchemeCompletion completion;
            if (m_handler.handle(requests[i], completion))
                m_completions.append(completion);
        }
    }
}

bool Daemon::take_input()
{
    orbital::Event events[BATCH];
    for (;;) {
        long n = sys::read(m_input, events, sizeof events);
        if (n <= 0)
            return true; // EAGAIN: drained
        for (usize i = 0; i < static_cast<usize>(n) / sizeof(orbital::Event); ++i) {
            const orbital::Event& event = events[i];
            if (event.code == orbital::ORB_EVENT_QUIT)
                return false;
            if (event.code == orbital::ORB_EVENT_SCREEN) {
                long r = map_display(m_display);
                if (r < 0) {
                    io::report_error("orbitald", "display", r);
                    return false;
                }
                m_server.set_screen(m_display.pixels, m_display.width, m_display.height, m_display.width);
                continue;
            }
            m_server.handle_input(event);
        }
    }
}

void Daemon::present()
{
    m_server.compose();
    const auto& rects = m_server.presented();
    if (!rects.is_empty()) {
        Vector<redox::DisplayRect> out;
        for (const orbital::Rect& r : rects)
            out.append({ r.x, r.y, r.w, r.h });
        sys::write(m_display.fd, out.data(), out.size() * sizeof(redox::DisplayRect));
        m_server.clear_presented();
    }
}

int Daemon::run()
{
    present();
    for (;;) {
        redox::Event ready[8];
        long n = sys::read(m_queue, ready, sizeof ready);
        if (n < 0 && n != -redox::EINTR) {
            io::report_error("orbitald", "event queue", n);
            return 1;
        }
        if (!serve_requests())
            return 1;
        bool keep_going = take_input();
        m_handler.complete_ready(m_completions);
        present();
        if (!m_completions.is_empty()) {
            long r = io::write_all(
                m_channel, m_completions.data(), m_completions.size() * sizeof(redox::SchemeCompletion));
            m_completions.clear();
            if (r < 0) {
                io::report_error("orbitald", "write completions", r);
                return 1;
            }
        }
        // Programs this daemon started are its children: reap the ones that ended.
        int status;
        while (sys::waitpid(-1, &status, redox::WNOHANG) > 0) {}
        if (!keep_going) {
            shut_down_system();
            return 0;
        }
    }
}

long watch(int queue, int fd, u64 cookie)
{
    redox::Event event { static_cast<u64>(fd), redox::EVENT_READ, cookie };
    return sys::write(queue, &event, sizeof event);
}

} // namespace

static int orbitald_main(int argc, char** argv, char** envp)
{
    Display display;
    long fd = sys::open("/scheme/display", redox::O_RDWR);
    if (fd < 0) {
        io::report_error("orbitald", "/scheme/display", fd);
        return 1;
    }
    display.fd = static_cast<int>(fd);
    if (long r = map_display(display); r < 0) {
        io::report_error("orbitald", "map /scheme/display", r);
        return 1;
    }
    long input = sys::open("/scheme/input", redox::O_RDONLY | redox::O_NONBLOCK);
    if (input < 0) {
        io::report_error("orbitald", "/scheme/input", input);
        return 1;
    }
    long channel = sys::open(":orbital", redox::O_CREAT | redox::O_RDWR | redox::O_NONBLOCK);
    if (channel < 0) {
        io::report_error("orbitald", ":orbital", channel);
        return 1;
    }
    long queue = sys::open("/scheme/event", redox::O_RDWR);
    if (queue < 0 || watch(static_cast<int>(queue), static_cast<int>(channel), 0) < 0
        || watch(static_cast<int>(queue), static_cast<int>(input), 1) < 0) {
        io::report_error("orbitald", "/scheme/event", queue < 0 ? queue : -redox::EIO);
        return 1;
    }
    auto* daemon = new Daemon(display, static_cast<int>(input), static_cast<int>(channel), static_cast<int>(queue));
    for (int i = 1; i < argc; ++i)
        start_program(argv[i], envp);
    int status = daemon->run();
    delete daemon;
    return status;
}

REDOX_PROGRAM("orbitald", orbitald_main)
