#include "supervisor.h"

#include "ktl/format.h"
#include "redox/io.h"
#include "redox/sys.h"

#include "../coreutils/common.h"

#include <stdarg.h>

namespace drivers {

namespace {

    constexpr u64 MS = 1'000'000;
    constexpr u64 REAP_POLL_NS = 1'000 * MS;

    // What the driver's process needs between clone and exec. CLONE_VFORK keeps driverd
    // suspended meanwhile, so the child may read this record and report an exec failure
    // in it.
    struct LaunchRequest {
        const char* path;
        char* const* argv;
        char* const* envp;
        int log_fd;
        long exec_error;
    };

    int driver_entry(void* argument)
    {
        auto* request = static_cast<LaunchRequest*>(argument);
        // Its own group: a Ctrl-C at the console is not for drivers.
        sys::setpgid(0, 0);
        long null_fd = sys::open("/scheme/null", redox::O_RDONLY);
        if (null_fd > 0) {
            sys::dup2(static_cast<int>(null_fd), 0);
            sys::close(static_cast<int>(null_fd));
        }
        long r = sys::dup2(request->log_fd, 1);
        if (r >= 0)
            r = sys::dup2(request->log_fd, 2);
        if (r >= 0)
            r = sys::execve(request->path, request->argv, request->envp);
        request->exec_error = r < 0 ? r : -redox::EIO;
        return 127;
    }

    String format_string(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
    String format_string(const char* fmt, ...)
    {
        char buffer[512];
        va_list args;
        va_start(args, fmt);
        usize n = ktl::vformat_buffer(buffer, sizeof buffer, fmt, args);
        va_end(args);
        return String(buffer, ktl::min(n, sizeof buffer - 1));
    }

    void prune_crashes(Driver& driver, u64 now)
    {
        u64 window = driver.config.crash_window_s * 1'000'000'000ull;
        while (!driver.crash_times.is_empty() && now - driver.crash_times[0] >= window)
            driver.crash_times.remove(0);
    }

} // namespace

const char* state_name(DriverState state)
{
    switch (state) {
    case DriverState::Stopped:
        return "stopped";
    case DriverState::Starting:
        return "starting";
    case DriverState::Running:
        return "running";
    case DriverState::Stopping:
        return "stopping";
    case DriverState::Backoff:
        return "backoff";
    case DriverState::Failed:
        return "failed";
    case DriverState::Absent:
        return "absent";
    }
    return "?";
}

String describe_wait_status(int status)
{
    if (redox::wifexited(status))
        return format_string("exited with status %d", redox::wexitstatus(status));
    int signal = redox::wtermsig(status);
    if (const char* name = coreutils::signal_name(signal))
        return format_string("killed by SIG%s", name);
    return format_string("killed by signal %d", signal);
}

Supervisor::~Supervisor()
{
    for (Driver* driver : m_drivers) {
        if (driver->log_fd >= 0)
            sys::close(driver->log_fd);
        delete driver->watchdog;
        delete driver;
    }
}

void Supervisor::stop_all()
{
    u64 now = monotonic_now_ns();
    for (Driver* driver : m_drivers) {
        if (driver->watchdog)
            driver->watchdog->watch(0, false);
        if (driver->pid > 0)
            sys::kill(driver->pid, redox::SIGTERM);
    }
    u64 deadline = now + STOP_GRACE_NS;
    bool signalled_kill = false;
    for (;;) {
        int status = 0;
        long pid;
        while ((pid = sys::waitpid(-1, &status, redox::WNOHANG)) > 0) {
            for (Driver* driver : m_drivers) {
                if (driver->pid == pid) {
                    driver->pid = 0;
                    driver->state = DriverState::Stopped;
                    driver->last_exit = describe_wait_status(status);
                }
            }
        }
        bool any = false;
        for (Driver* driver : m_drivers)
            any |= driver->pid > 0;
        if (!any)
            break;
        if (!signalled_kill && monotonic_now_ns() >= deadline) {
            signalled_kill = true;
            deadline += STOP_GRACE_NS;
            for (Driver* driver : m_drivers) {
                if (driver->pid > 0)
                    sys::kill(driver->pid, redox::SIGKILL);
            }
        } else if (signalled_kill && monotonic_now_ns() >= deadline) {
            for (Driver* driver : m_drivers) {
                if (driver->pid > 0)
                    note(*driver, "pid %ld did not exit after SIGKILL; leaving it", driver->pid);
            }
            break;
        }
        redox::TimeSpec nap { 0, 10'000'000, 0 };
        sys::nanosleep(nap, nullptr);
    }
    for (Driver* driver : m_drivers) {
        drain_log(*driver);
        close_log(*driver);
        if (driver->watchdog)
            driver->watchdog->stop_thread();
    }
}

void Supervisor::load_all()
{
    for (const String& name : list_driver_configs(m_config_dir)) {
        DriverConfig config;
        if (load_driver_config(m_config_dir, name, config))
            add(static_cast<DriverConfig&&>(config));
    }
}

Driver& Supervisor::add(DriverConfig&& config)
{
    auto* driver = new Driver;
    driver->config = static_cast<DriverConfig&&>(config);
    driver->next_backoff_ms = driver->config.backoff_ms;
    m_drivers.append(driver);
    start_watchdog(*driver);
    return *driver;
}

void Supervisor::start_watchdog(Driver& driver)
{
    if (driver.config.scheme.is_empty() || driver.config.watchdog_ms == 0)
        return;
    driver.watchdog = new WatchdogProbe(driver.config.scheme, driver.config.watchdog_ms / 2, m_wake_fd, sys::getpid());
    if (long r = driver.watchdog->start_thread(); r < 0) {
        note(driver, "no watchdog: %s", redox::error_string(static_cast<int>(-r)));
        delete driver.watchdog;
        driver.watchdog = nullptr;
    }
}

Driver* Supervisor::find_or_load(StringView name)
{
    if (Driver* driver = find(name))
        return driver;
    DriverConfig config;
    if (!is_driver_name(name) || !load_driver_config(m_config_dir, name, config))
        return nullptr;
    return &add(static_cast<DriverConfig&&>(config));
}

// Between two instances (no process): the watchdog may change with the configuration.
void Supervisor::reload_config(Driver& driver)
{
    DriverConfig config;
    if (!load_driver_config(m_config_dir, driver.config.name, config)) {
        note(driver, "keeping the configuration it was started with");
        return;
    }
    bool same_watchdog = config.scheme == driver.config.scheme && config.watchdog_ms == driver.config.watchdog_ms;
    if (!same_watchdog && driver.watchdog) {
        driver.watchdog->stop_thread();
        delete driver.watchdog;
        driver.watchdog = nullptr;
    }
    driver.config = static_cast<DriverConfig&&>(config);
    driver.next_backoff_ms = driver.config.backoff_ms;
    if (!same_watchdog)
        start_watchdog(driver);
}

Driver* Supervisor::find(StringView name)
{
    for (Driver* driver : m_drivers) {
        if (driver->config.name == name)
            return driver;
    }
    return nullptr;
}

void Supervisor::note(const Driver& driver, const char* fmt, ...)
{
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    usize n = ktl::vformat_buffer(buffer, sizeof buffer, fmt, args);
    va_end(args);
    io::print(2, "driverd: %s: %.*s\n", driver.config.name.c_str(), static_cast<int>(ktl::min(n, sizeof buffer - 1)),
        buffer);
}

void Supervisor::close_log(Driver& driver)
{
    if (driver.log_fd < 0)
        return;
    ktl::Vector<String> lines;
    driver.log.finish(lines);
    sys::close(driver.log_fd); // also ends its watch in the event queue
    driver.log_fd = -1;
}

void Supervisor::drain_log(Driver& driver)
{
    char buffer[1024];
    while (driver.log_fd >= 0) {
        long n = sys::read(driver.log_fd, buffer, sizeof buffer);
        if (n == -redox::EINTR)
            continue;
        if (n == -redox::EAGAIN)
            return;
        if (n <= 0) {
            close_log(driver); // end of file: the driver (and whatever it started) is gone
            return;
        }
        // Kept in the log ring (driverctl log), not copied to the console: drivers talk at
        // boot and at every start, and the console is the user's shell. What goes wrong is
        // reported there by driverd (crashes, the watchdog, giving up).
        ktl::Vector<String> lines;
        driver.log.feed(StringView(buffer, static_cast<usize>(n)), lines);
    }
}

void Supervisor::launch(Driver& driver, u64 now)
{
    usize index = 0;
    while (m_drivers[index] != &driver)
        ++index;
    if (driver.log_fd >= 0) {
        drain_log(driver);
        close_log(driver);
    }
    if (driver.reload_before_launch) {
        driver.reload_before_launch = false;
        reload_config(driver);
    }
    const String& program = driver.config.command[0];
    String path;
    if (!program.view().contains('/'))
        path = "/bin/";
    path.append(program);

    int fds[2] = { -1, -1 };
    if (long r = sys::pipe2(fds, redox::O_CLOEXEC); r < 0) {
        driver.state = DriverState::Failed;
        driver.last_exit = format_string("could not create its log pipe: %s", redox::error_string(static_cast<int>(-r)));
        note(driver, "%s", driver.last_exit.c_str());
        return;
    }
    ktl::Vector<char*> argv;
    for (const String& word : driver.config.command)
        argv.append(const_cast<char*>(word.c_str()));
    argv.append(nullptr);
    LaunchRequest request { path.c_str(), argv.data(), m_envp, fds[1], 0 };
    long pid = sys::clone(redox::CLONE_VFORK, driver_entry, &request);
    sys::close(fds[1]);
    if (pid < 0 || request.exec_error) {
        if (pid > 0) {
            int status = 0;
            sys::waitpid(pid, &status, 0); // it exited before exec: reap it now
        }
        sys::close(fds[0]);
        long error = pid < 0 ? pid : request.exec_error;
        driver.state = DriverState::Failed;
        driver.last_exit = format_string("exec failed: %s: %s", path.c_str(), redox::error_string(static_cast<int>(-error)));
        note(driver, "%s", driver.last_exit.c_str());
        return;
    }
    driver.pid = pid;
    driver.started_ns = now;
    ++driver.starts;
    driver.kill_reason.clear();
    driver.log_fd = fds[0];
    sys::fcntl(driver.log_fd, redox::F_SETFL, redox::O_NONBLOCK);
    redox::Event watch { static_cast<u64>(driver.log_fd), redox::EVENT_READ, LOG_COOKIE_BASE + index };
    sys::write(m_queue, &watch, sizeof watch);
    if (driver.watchdog) {
        driver.state = DriverState::Starting;
        driver.watchdog->watch(pid, true);
    } else {
        driver.state = DriverState::Running;
    }
}

void Supervisor::start(Driver& driver, u64 now, bool reload)
{
    if (reload && driver.state != DriverState::Starting && driver.state != DriverState::Running)
        driver.reload_before_launch = true;
    switch (driver.state) {
    case DriverState::Starting:
    case DriverState::Running:
        return;
    case DriverState::Stopping:
        driver.restart_after_stop = true;
        return;
    case DriverState::Failed:
    case DriverState::Absent:
    case DriverState::Stopped:
        // Asked for by someone: the crash history and the back-off start over.
        driver.crash_times.clear();
        driver.next_backoff_ms = driver.config.backoff_ms;
        launch(driver, now);
        return;
    case DriverState::Backoff:
        launch(driver, now);
        return;
    }
}

void Supervisor::stop(Driver& driver, u64 now)
{
    switch (driver.state) {
    case DriverState::Starting:
    case DriverState::Running:
        if (driver.watchdog)
            driver.watchdog->watch(0, false);
        driver.state = DriverState::Stopping;
        driver.restart_after_stop = false;
        driver.kill_at_ns = now + STOP_GRACE_NS;
        sys::kill(driver.pid, redox::SIGTERM);
        return;
    case DriverState::Stopping:
        driver.restart_after_stop = false;
        return;
    case DriverState::Backoff:
        driver.state = DriverState::Stopped;
        return;
    case DriverState::Stopped:
    case DriverState::Failed:
    case DriverState::Absent:
        return;
    }
}

void Supervisor::restart(Driver& driver, u64 now, bool reload)
{
    if (driver.state == DriverState::Starting || driver.state == DriverState::Running
        || driver.state == DriverState::Stopping) {
        stop(driver, now);
        driver.restart_after_stop = true;
        driver.reload_before_launch = reload;
        return;
    }
    start(driver, now, reload);
}

void Supervisor::crashed(Driver& driver, StringView reason, u64 now)
{
    driver.last_exit = reason;
    if (now - driver.started_ns >= STABLE_RUN_NS)
        driver.next_backoff_ms = driver.config.backoff_ms;
    prune_crashes(driver, now);
    driver.crash_times.append(now);
    if (driver.crash_times.size() > driver.config.max_crashes) {
        driver.state = DriverState::Failed;
        note(driver, "%s; %zu crashes within %llu s: not restarting it (driverctl start %s)", driver.last_exit.c_str(),
            driver.crash_times.size(), static_cast<unsigned long long>(driver.config.crash_window_s),
            driver.config.name.c_str());
        return;
    }
    u64 delay = driver.next_backoff_ms;
    driver.restart_at_ns = now + delay * MS;
    driver.next_backoff_ms = ktl::min(delay * 2, driver.config.backoff_max_ms);
    driver.state = DriverState::Backoff;
    note(driver, "%s; restarting in %llu ms (driverctl log %s)", driver.last_exit.c_str(),
        static_cast<unsigned long long>(delay), driver.config.name.c_str());
}

void Supervisor::child_exited(long pid, int status, u64 now)
{
    Driver* found = nullptr;
    for (Driver* driver : m_drivers) {
        if (driver->pid == pid)
            found = driver;
    }
    if (!found)
        return; // a watchdog thread, or something a driver left behind
    Driver& driver = *found;
    driver.pid = 0;
    driver.sigkill_at_ns = 0;
    driver.unkillable = false;
    if (driver.watchdog)
        driver.watchdog->watch(0, false);
    drain_log(driver);
    // Killed by driverd (the watchdog): that is the reason, whatever the wait status says.
    bool killed_by_us = !driver.kill_reason.is_empty();
    String reason = killed_by_us ? driver.kill_reason : describe_wait_status(status);
    driver.kill_reason.clear();

    if (driver.state == DriverState::Stopping) {
        driver.last_exit = reason;
        driver.state = DriverState::Stopped;
        if (driver.restart_after_stop) {
            driver.restart_after_stop = false;
            launch(driver, now);
        }
        return;
    }
    if (!killed_by_us && redox::wifexited(status) && redox::wexitstatus(status) == EXIT_NO_DEVICE) {
        driver.state = DriverState::Absent; // routine on a machine without the device: status only
        driver.last_exit = "no such device (exit status 19)";
        return;
    }
    if (!killed_by_us && redox::wifexited(status) && redox::wexitstatus(status) == EXIT_NOT_RUNNABLE) {
        // A program that can not run (a remote driver's executable is missing, say) will
        // not do better on a restart.
        driver.state = DriverState::Failed;
        driver.last_exit = "could not run the program (exit status 127)";
        note(driver, "%s: not restarting it", driver.last_exit.c_str());
        return;
    }
    if (!killed_by_us && redox::wifexited(status) && redox::wexitstatus(status) == 0) {
        driver.state = DriverState::Stopped;
        driver.last_exit = reason;
        note(driver, "%s", reason.c_str());
        return;
    }
    crashed(driver, reason, now);
}

void Supervisor::kill_driver(Driver& driver, StringView reason, u64 now)
{
    if (!driver.kill_reason.is_empty() || driver.pid <= 0)
        return; // already on its way out
    driver.kill_reason = reason;
    note(driver, "%s: killing pid %ld", driver.kill_reason.c_str(), driver.pid);
    send_sigkill(driver, now);
}

void Supervisor::send_sigkill(Driver& driver, u64 now)
{
    sys::kill(driver.pid, redox::SIGKILL);
    if (!driver.sigkill_at_ns)
        driver.sigkill_at_ns = now;
}

void Supervisor::check_timers(u64 now)
{
    for (Driver* d : m_drivers) {
        Driver& driver = *d;
        if (driver.sigkill_at_ns && !driver.unkillable && now - driver.sigkill_at_ns >= STOP_GRACE_NS) {
            // Nothing more to do than to say so, and to answer whoever waits for it.
            driver.unkillable = true;
            note(driver, "pid %ld did not exit within %llu ms of SIGKILL", driver.pid,
                static_cast<unsigned long long>(STOP_GRACE_NS / MS));
        }
        switch (driver.state) {
        case DriverState::Backoff:
            // Timeouts have millisecond resolution: what is due within one counts as due.
            if (now + MS >= driver.restart_at_ns)
                launch(driver, now);
            break;
        case DriverState::Stopping:
            if (driver.kill_at_ns && now >= driver.kill_at_ns) {
                driver.kill_at_ns = 0;
                note(driver, "did not stop within %llu ms of SIGTERM: SIGKILL",
                    static_cast<unsigned long long>(STOP_GRACE_NS / MS));
                send_sigkill(driver, now);
            }
            break;
        case DriverState::Starting:
        case DriverState::Running: {
            if (!driver.watchdog)
                break;
            u64 limit = driver.config.watchdog_ms * MS;
            u64 since = driver.watchdog->in_flight_since(driver.pid);
            // `now` was read before this loop; a probe may have started since (since > now).
            if (since && now > since && now - since >= limit) {
                kill_driver(driver,
                    format_string("watchdog: no answer for %llu ms", static_cast<unsigned long long>(driver.config.watchdog_ms)),
                    now);
                break;
            }
            if (driver.state != DriverState::Starting)
                break;
            if (driver.watchdog->answered(driver.pid)) {
                driver.state = DriverState::Running;
                driver.watchdog->watch(driver.pid, false);
            } else if (!since && now - driver.started_ns >= limit) {
                kill_driver(driver,
                    format_string("watchdog: scheme %s not registered after %llu ms", driver.config.scheme.c_str(),
                        static_cast<unsigned long long>(driver.config.watchdog_ms)),
                    now);
            }
            break;
        }
        case DriverState::Stopped:
        case DriverState::Failed:
        case DriverState::Absent:
            break;
        }
    }
}

u64 Supervisor::next_deadline(u64 now) const
{
    u64 next = 0;
    auto consider = [&](u64 at) {
        if (at && (!next || at < next))
            next = at;
    };
    for (const Driver* driver : m_drivers) {
        u64 limit = driver->config.watchdog_ms * MS;
        switch (driver->state) {
        case DriverState::Backoff:
            consider(driver->restart_at_ns);
            break;
        case DriverState::Stopping:
            consider(driver->kill_at_ns);
            break;
        case DriverState::Starting:
        case DriverState::Running:
            if (driver->watchdog) {
                u64 since = driver->watchdog->in_flight_since(driver->pid);
                if (since)
                    consider(since + limit);
                else if (driver->state == DriverState::Starting)
                    consider(driver->started_ns + limit);
            }
            break;
        default:
            break;
        }
        if (driver->sigkill_at_ns && !driver->unkillable)
            consider(driver->sigkill_at_ns + STOP_GRACE_NS);
        // Its exit is normally seen through SIGCHLD or the end of its log pipe; a driver
        // that closed its stdout and stderr is looked for once a second.
        if (driver->pid > 0 && driver->log_fd < 0)
            consider(now + REAP_POLL_NS);
    }
    return next;
}

void Supervisor::collect_answers(ktl::Vector<redox::SchemeCompletion>& out)
{
    for (Driver* driver : m_drivers) {
        bool settled = driver->unkillable || (driver->state != DriverState::Starting && driver->state != DriverState::Stopping);
        if (driver->waiting_writes.is_empty() || !settled)
            continue;
        for (const Driver::WaitingWrite& waiting : driver->waiting_writes) {
            redox::SchemeCompletion completion {};
            completion.tag = waiting.tag;
            completion.result = waiting.length;
            out.append(completion);
        }
        driver->waiting_writes.clear();
    }
}

String Supervisor::status_text(const Driver& driver, u64 now) const
{
    String out;
    out.append(format_string("name: %s\nstate: %s\n", driver.config.name.c_str(), state_name(driver.state)));
    if (driver.pid > 0)
        out.append(format_string("pid: %ld\n", driver.pid));
    else
        out.append("pid: -\n");
    out.append("command:");
    for (const String& word : driver.config.command) {
        out.append(' ');
        out.append(word);
    }
    out.append('\n');
    out.append(format_string("scheme: %s\n", driver.config.scheme.is_empty() ? "-" : driver.config.scheme.c_str()));
    out.append(format_string("restarts: %llu\n", static_cast<unsigned long long>(driver.starts ? driver.starts - 1 : 0)));
    u64 window = driver.config.crash_window_s * 1'000'000'000ull;
    usize recent = 0;
    for (u64 at : driver.crash_times) {
        if (now - at < window)
            ++recent;
    }
    out.append(format_string("crashes: %zu in the last %llu s (limit %llu)\n", recent,
        static_cast<unsigned long long>(driver.config.crash_window_s),
        static_cast<unsigned long long>(driver.config.max_crashes)));
    out.append(format_string("last exit: %s\n", driver.last_exit.is_empty() ? "-" : driver.last_exit.c_str()));
    if (driver.unkillable)
        out.append("problem: it did not exit after SIGKILL\n");
    if (driver.pid > 0) {
        u64 up = (now - driver.started_ns) / MS;
        out.append(format_string("uptime: %llu.%03llu s\n", static_cast<unsigned long long>(up / 1000),
            static_cast<unsigned long long>(up % 1000)));
    }
    if (driver.state == DriverState::Backoff) {
        u64 left = driver.restart_at_ns > now ? (driver.restart_at_ns - now) / MS : 0;
        out.append(format_string("next restart: in %llu ms\n", static_cast<unsigned long long>(left)));
    }
    return out;
}

String Supervisor::list_text() const
{
    String out;
    for (const Driver* driver : m_drivers) {
        out.append(format_string("%-16s %-9s", driver->config.name.c_str(), state_name(driver->state)));
        if (driver->pid > 0)
            out.append(format_string(" pid %ld", driver->pid));
        out.append('\n');
    }
    return out;
}

} // namespace drivers
