// driverd: the driver supervisor (supervisor.h has the policy, driver_scheme.h the
// `driver` scheme, watchdog.h the scheme probes). init starts it once the file system is
// up. It reads /etc/drivers/NAME (driver_config.h), starts the drivers marked autostart,
// and serves `driver` for driverctl.
//
// One event queue holds everything the main loop waits for: the scheme channel, each
// driver's log pipe, a pipe the watchdog threads poke when a probe starts or answers, and
// one timeout (the next back-off, SIGKILL or watchdog deadline; none when nothing is due).
// A driver's exit shows as the end of its log pipe, and raises SIGCHLD, whose no-op
// handler makes the queue's read return EINTR; either way the loop then reaps with
// WNOHANG. Nothing here blocks on a driver.
//
// Usage: driverd [--config-dir DIR]   (default /etc/drivers)
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "driver_scheme.h"

namespace {

using drivers::Supervisor;
using ktl::String;
using ktl::StringView;
using ktl::Vector;

constexpr u64 MS = 1'000'000;
constexpr u64 COOKIE_CHANNEL = 0;
constexpr u64 COOKIE_WAKE = 1;
constexpr usize BATCH = 32;

// SIGCHLD ends the main loop's wait, SIGUSR1 a watchdog thread's sleep; nothing else to do.
void wake_only(int) {}

// SIGTERM: stop the drivers and exit. Like init's, the handler only notes it; the flag is
// the one piece of global state, reset when driverd starts (there is one driverd).
volatile bool s_terminate = false;
void on_terminate(int) { s_terminate = true; }

long watch(int queue, int fd, u64 cookie)
{
    redox::Event event { static_cast<u64>(fd), redox::EVENT_READ, cookie };
    return sys::write(queue, &event, sizeof event);
}

class Daemon {
public:
    Daemon(int channel, int queue, int wake_read, int wake_write, char** envp, StringView config_dir)
        : m_channel(channel),
          m_queue(queue),
          m_wake_read(wake_read),
          m_supervisor(queue, wake_write, envp, config_dir),
          m_scheme(m_supervisor)
    {
    }

    Supervisor& supervisor() { return m_supervisor; }
    int run();

private:
    bool serve_requests(u64 now);
    bool send(Vector<redox::SchemeCompletion>& completions);
    void arm_timeout(u64 now);
    void handle_event(const redox::Event& event);

    int m_channel;
    int m_queue;
    int m_wake_read;
    Supervisor m_supervisor;
    drivers::DriverScheme m_scheme;
    u64 m_timeout_at { 0 }; // the earliest timeout armed and not yet fired
};

bool Daemon::serve_requests(u64 now)
{
    redox::SchemeRequest requests[BATCH];
    Vector<redox::SchemeCompletion> completions;
    for (;;) {
        long n = sys::read(m_channel, requests, sizeof requests);
        if (n == -redox::EAGAIN)
            break;
        if (n == -redox::EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                io::report_error("driverd", "read requests", n);
            return false;
        }
        for (usize i = 0; i < static_cast<usize>(n) / sizeof(redox::SchemeRequest); ++i) {
            redox::SchemeCompletion completion;
            if (m_scheme.handle(requests[i], completion, now))
                completions.append(completion);
        }
    }
    return send(completions);
}

bool Daemon::send(Vector<redox::SchemeCompletion>& completions)
{
    if (completions.is_empty())
        return true;
    long r = io::write_all(m_channel, completions.data(), completions.size() * sizeof(redox::SchemeCompletion));
    completions.clear();
    if (r < 0) {
        io::report_error("driverd", "write completions", r);
        return false;
    }
    return true;
}

void Daemon::arm_timeout(u64 now)
{
    // Nothing due: no timer, so an idle system can still be seen to be deadlocked.
    u64 wake = m_supervisor.next_deadline(now);
    if (!wake)
        return;
    // A timeout already armed for no later than that will do (it wakes us in time).
    if (m_timeout_at > now && m_timeout_at <= wake)
        return;
    u64 delay_ms = wake > now ? (wake - now + MS - 1) / MS : 0;
    if (delay_ms == 0)
        delay_ms = 1;
    redox::Event timeout { redox::EVENT_TIMEOUT_ID, redox::EVENT_READ, delay_ms };
    if (sys::write(m_queue, &timeout, sizeof timeout) >= 0)
        m_timeout_at = now + delay_ms * MS;
}

void Daemon::handle_event(const redox::Event& event)
{
    if (event.id == redox::EVENT_TIMEOUT_ID) {
        m_timeout_at = 0; // re-armed by the next round (a later one may still be pending)
        return;
    }
    if (event.data == COOKIE_WAKE) {
        char bytes[64];
        while (sys::read(m_wake_read, bytes, sizeof bytes) > 0) {}
        return;
    }
    if (event.data >= Supervisor::LOG_COOKIE_BASE) {
        if (drivers::Driver* driver = m_supervisor.driver_at(static_cast<usize>(event.data - Supervisor::LOG_COOKIE_BASE)))
            m_supervisor.drain_log(*driver);
    }
    // COOKIE_CHANNEL: requests are served at the top of every round.
}

int Daemon::run()
{
    u64 now = drivers::monotonic_now_ns();
    for (usize i = 0; i < m_supervisor.count(); ++i) {
        drivers::Driver& driver = *m_supervisor.driver_at(i);
        if (driver.config.autostart)
            m_supervisor.start(driver, now);
    }
    Vector<redox::SchemeCompletion> answers;
    for (;;) {
        now = drivers::monotonic_now_ns();
        int status = 0;
        long pid;
        while ((pid = sys::waitpid(-1, &status, redox::WNOHANG)) > 0)
            m_supervisor.child_exited(pid, status, now);
        m_supervisor.check_timers(now);
        if (!serve_requests(now))
            return 1;
        m_supervisor.collect_answers(answers);
        if (!send(answers))
            return 1;
        arm_timeout(now);

        if (s_terminate)
            break;
        redox::Event events[16];
        long n = sys::read(m_queue, events, sizeof events);
        if (n == -redox::EINTR)
            continue; // SIGCHLD or SIGTERM
        if (n < 0) {
            io::report_error("driverd", "event queue", n);
            return 1;
        }
        for (usize i = 0; i < static_cast<usize>(n) / sizeof(redox::Event); ++i)
            handle_event(events[i]);
    }
    io::print(2, "driverd: stopping the drivers\n");
    m_supervisor.stop_all();
    return 0;
}

} // namespace

static int driverd_main(int argc, char** argv, char** envp)
{
    StringView config_dir = "/etc/drivers";
    for (int i = 1; i < argc; ++i) {
        StringView arg(argv[i]);
        if (arg == "--config-dir" && i + 1 < argc) {
            config_dir = argv[++i];
        } else {
            io::print(2, "usage: driverd [--config-dir DIR]\n");
            return 2;
        }
    }
    s_terminate = false;
    sys::sigaction(redox::SIGTERM, reinterpret_cast<unsigned long>(&on_terminate), nullptr);
    sys::sigaction(redox::SIGCHLD, reinterpret_cast<unsigned long>(&wake_only), nullptr);
    sys::sigaction(redox::SIGUSR1, reinterpret_cast<unsigned long>(&wake_only), nullptr);

    long channel = sys::open(":driver", redox::O_CREAT | redox::O_RDWR | redox::O_NONBLOCK | redox::O_CLOEXEC);
    if (channel < 0) {
        io::report_error("driverd", ":driver", channel);
        return 1;
    }
    long queue = sys::open("/scheme/event", redox::O_RDWR | redox::O_CLOEXEC);
    int wake[2] = { -1, -1 };
    long piped = sys::pipe2(wake, redox::O_NONBLOCK | redox::O_CLOEXEC);
    if (queue < 0 || piped < 0 || watch(static_cast<int>(queue), static_cast<int>(channel), COOKIE_CHANNEL) < 0
        || watch(static_cast<int>(queue), wake[0], COOKIE_WAKE) < 0) {
        io::report_error("driverd", "/scheme/event", queue < 0 ? queue : piped < 0 ? piped : -redox::EIO);
        return 1;
    }
    // Heap, not stack or globals: the watchdog threads hold pointers into it.
    auto* daemon = new Daemon(static_cast<int>(channel), static_cast<int>(queue), wake[0], wake[1], envp, config_dir);
    daemon->supervisor().load_all();
    int status = daemon->run();
    delete daemon;
    sys::close(wake[0]);
    sys::close(wake[1]);
    sys::close(static_cast<int>(queue));
    sys::close(static_cast<int>(channel));
    return status;
}

REDOX_PROGRAM("driverd", driverd_main)
