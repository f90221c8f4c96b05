#pragma once
// The supervision of drivers, in the manner of MINIX 3's reincarnation server: driverd
// starts each driver as a process of its own (stdout and stderr on a pipe into the
// driver's log), notices when it dies (driverd reaps its children), and restarts it after
// a crash with an exponential back-off, up to a limit; a watchdog (watchdog.h) kills a
// driver whose scheme stops answering.
//
//   stopped --start--> starting --scheme answers--> running --stop--> stopping --> stopped
//                         |  crash (a signal, a non-zero exit not asked for, the watchdog)
//                         v
//                      backoff --delay--> starting ...   more than max_crashes in the
//                                                        window: failed (until `start`)
//   exit status 19 (ENODEV, "no such device"): absent, not restarted.
//   exec failed, or exit status 127 (could not run): failed, not restarted.
//
// The console (driverd's stderr) gets the drivers' own output, prefixed with their name,
// and what went wrong: crashes, restarts planned, give-ups, watchdog kills. Routine
// starts and stops show in the status only.
//
// Every method returns at once: the supervisor never waits for a driver. Time is passed
// in (monotonic ns), so the policy does not depend on when the main loop runs.
#include "driver_config.h"
#include "log_ring.h"
#include "watchdog.h"

#include "../../kernel_core/abi/redox/structs.h"

namespace drivers {

enum class DriverState { Stopped, Starting, Running, Stopping, Backoff, Failed, Absent };
const char* state_name(DriverState);

// Exit status 19 (ENODEV) from a driver: its device is not there.
constexpr int EXIT_NO_DEVICE = 19;
// Exit status 127: the program could not be run (the shell's convention).
constexpr int EXIT_NOT_RUNNABLE = 127;
// A driver that ran this long without crashing starts over at backoff_ms.
constexpr u64 STABLE_RUN_NS = 10'000'000'000ull;
// A stop sends SIGTERM, then SIGKILL after this long.
constexpr u64 STOP_GRACE_NS = 2'000'000'000ull;

struct Driver {
    DriverConfig config;
    DriverState state { DriverState::Stopped };
    long pid { 0 };
    u64 started_ns { 0 };
    u64 starts { 0 };
    ktl::Vector<u64> crash_times; // within the crash window
    String last_exit;
    u64 next_backoff_ms { 0 };
    u64 restart_at_ns { 0 }; // backoff: when to start again
    u64 kill_at_ns { 0 }; // stopping: when SIGTERM gives way to SIGKILL
    bool restart_after_stop { false };
    bool reload_before_launch { false };
    String kill_reason; // set when driverd killed it (the watchdog)
    u64 sigkill_at_ns { 0 }; // when driverd sent SIGKILL to the running instance
    bool unkillable { false }; // still there STOP_GRACE_NS after SIGKILL: waits no longer
    int log_fd { -1 };
    LogRing log;
    WatchdogProbe* watchdog { nullptr }; // with a scheme and watchdog_ms > 0
    struct WaitingWrite {
        u32 tag;
        u64 length;
    };
    ktl::Vector<WaitingWrite> waiting_writes; // `start`/`stop`/`restart` writes not yet answered
};

class Supervisor {
public:
    // `queue`: driverd's event queue (log pipes are watched there with cookie
    // LOG_COOKIE_BASE + index); `wake_fd`: the pipe the watchdog threads poke; `envp`: the
    // environment drivers get; `config_dir`: where the configurations are (driver_config.h).
    Supervisor(int queue, int wake_fd, char** envp, StringView config_dir)
        : m_queue(queue),
          m_wake_fd(wake_fd),
          m_envp(envp),
          m_config_dir(config_dir)
    {
    }
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    static constexpr u64 LOG_COOKIE_BASE = 100;

    // Loads every configuration in the directory (at startup).
    void load_all();
    Driver& add(DriverConfig&& config);
    Driver* find(StringView name);
    // find(), or else the driver's configuration file if it appeared since driverd started.
    Driver* find_or_load(StringView name);
    Driver* driver_at(usize index) { return index < m_drivers.size() ? m_drivers[index] : nullptr; }
    usize count() const { return m_drivers.size(); }

    // Commands (from the `driver` scheme or at boot). A start or restart asked for through
    // the scheme reads the driver's configuration file again (`reload`), so an edited file
    // counts from then on.
    void start(Driver&, u64 now, bool reload = false);
    void stop(Driver&, u64 now);
    void restart(Driver&, u64 now, bool reload = false);

    // A child was reaped (waitpid status).
    void child_exited(long pid, int status, u64 now);
    // The driver's log pipe is readable (or at end of file).
    void drain_log(Driver&);
    // Restarts due, SIGKILLs due, watchdog verdicts.
    void check_timers(u64 now);
    // The next time check_timers has something to do (0: nothing).
    u64 next_deadline(u64 now) const;
    // Answers to writes that waited for a driver to settle (not starting, not stopping).
    void collect_answers(ktl::Vector<redox::SchemeCompletion>& out);

    // driverd is told to stop: SIGTERM to every driver, SIGKILL to those still there
    // after STOP_GRACE_NS, reap them (giving up on any still there STOP_GRACE_NS after
    // SIGKILL), end the watchdog threads. This one waits.
    void stop_all();

    String status_text(const Driver&, u64 now) const;
    String list_text() const;

private:
    void launch(Driver&, u64 now);
    void reload_config(Driver&);
    void start_watchdog(Driver&);
    void crashed(Driver&, StringView reason, u64 now);
    void kill_driver(Driver&, StringView reason, u64 now);
    void send_sigkill(Driver&, u64 now);
    void note(const Driver&, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    void close_log(Driver&);

    int m_queue;
    int m_wake_fd;
    char** m_envp;
    String m_config_dir;
    ktl::Vector<Driver*> m_drivers;
};

// "killed by SIGSEGV", "exited with status 3".
String describe_wait_status(int status);

} // namespace drivers
