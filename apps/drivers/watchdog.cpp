#include "watchdog.h"

#include "redox/sys.h"

namespace drivers {

namespace {
    // While a driver starts, its scheme is looked for this often.
    constexpr u64 STARTING_PERIOD_MS = 10;

    void sleep_ms(u64 ms)
    {
        redox::TimeSpec nap { static_cast<i64>(ms / 1000), static_cast<i32>((ms % 1000) * 1'000'000), 0 };
        sys::nanosleep(nap, nullptr);
    }
} // namespace

u64 monotonic_now_ns()
{
    redox::TimeSpec now {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, now);
    return static_cast<u64>(now.tv_sec) * 1'000'000'000ull + static_cast<u64>(now.tv_nsec);
}

WatchdogProbe::WatchdogProbe(ktl::StringView scheme, u64 period_ms, int wake_fd, long supervisor_pid)
    : m_period_ms(period_ms ? period_ms : 1),
      m_wake_fd(wake_fd),
      m_supervisor_pid(supervisor_pid)
{
    m_path = "/scheme/";
    m_path.append(scheme);
    m_path.append('/');
}

long WatchdogProbe::start_thread()
{
    if (long r = sys::pipe2(m_kick, redox::O_CLOEXEC); r < 0)
        return r;
    // Only the writer must never block: a full pipe already says "look again".
    sys::fcntl(m_kick[1], redox::F_SETFL, redox::O_NONBLOCK);
    m_thread_pid = sys::clone(redox::CLONE_THREAD, thread_entry, this);
    return m_thread_pid;
}

void WatchdogProbe::watch(long pid, bool starting)
{
    __atomic_store_n(&m_starting, starting, __ATOMIC_SEQ_CST);
    long previous = __atomic_exchange_n(&m_target_pid, pid, __ATOMIC_SEQ_CST);
    if (pid && pid != previous && m_thread_pid > 0) {
        char byte = 1;
        sys::write(m_kick[1], &byte, 1);
        sys::kill(m_thread_pid, redox::SIGUSR1);
    }
}

void WatchdogProbe::stop_thread()
{
    if (m_thread_pid > 0) {
        __atomic_store_n(&m_quit, true, __ATOMIC_SEQ_CST);
        char byte = 1;
        sys::write(m_kick[1], &byte, 1);
        sys::kill(m_thread_pid, redox::SIGUSR1);
        int status = 0;
        while (sys::waitpid(m_thread_pid, &status, 0) == -redox::EINTR) {}
        m_thread_pid = 0;
    }
    for (int& fd : m_kick) {
        if (fd >= 0)
            sys::close(fd);
        fd = -1;
    }
}

int WatchdogProbe::thread_entry(void* self) { return static_cast<WatchdogProbe*>(self)->run(); }

void WatchdogProbe::wake_supervisor()
{
    char byte = 1;
    sys::write(m_wake_fd, &byte, 1); // non-blocking: a full pipe already means "look"
}

void WatchdogProbe::probe(long pid)
{
    __atomic_store_n(&m_started_ns, monotonic_now_ns(), __ATOMIC_SEQ_CST);
    __atomic_store_n(&m_probing_pid, pid, __ATOMIC_SEQ_CST);
    wake_supervisor(); // so the main loop sets its timer for this probe's deadline
    long fd = sys::open(m_path, redox::O_RDONLY | redox::O_CLOEXEC);
    if (fd >= 0)
        sys::close(static_cast<int>(fd));
    __atomic_store_n(&m_probing_pid, 0l, __ATOMIC_SEQ_CST);
    __atomic_store_n(&m_started_ns, 0ull, __ATOMIC_SEQ_CST);
    // ENODEV: not registered (yet, or any more); EIO: the daemon died. Any other answer,
    // even an error, shows that the driver reads its requests.
    if (fd != -redox::ENODEV && fd != -redox::EIO && __atomic_load_n(&m_answered_pid, __ATOMIC_SEQ_CST) != pid) {
        __atomic_store_n(&m_answered_pid, pid, __ATOMIC_SEQ_CST);
        wake_supervisor();
    }
}

int WatchdogProbe::run()
{
    for (;;) {
        if (!__atomic_load_n(&m_target_pid, __ATOMIC_SEQ_CST)) {
            char bytes[16];
            long n = sys::read(m_kick[0], bytes, sizeof bytes);
            if (n < 0 && n != -redox::EINTR)
                return 1;
        } else {
            bool starting = __atomic_load_n(&m_starting, __ATOMIC_SEQ_CST);
            sleep_ms(starting ? STARTING_PERIOD_MS : m_period_ms);
        }
        // driverd stops, or is gone (this thread was given to init): nobody reads the record.
        if (__atomic_load_n(&m_quit, __ATOMIC_SEQ_CST) || sys::getppid() != m_supervisor_pid)
            return 0;
        long pid = __atomic_load_n(&m_target_pid, __ATOMIC_SEQ_CST);
        if (pid)
            probe(pid);
    }
}

} // namespace drivers
