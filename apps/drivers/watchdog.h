#pragma once
// The watchdog of one driver: a thread of driverd (clone with CLONE_VM, so it shares this
// record) that opens the driver's scheme root and closes it again, every watchdog_ms / 2
// while the driver runs, and every few milliseconds while it starts (to notice at once
// that the scheme is there). An open of a user scheme blocks until the daemon answers, so
// the probe runs on its own thread and driverd's main loop only looks at the record: a
// probe in flight for watchdog_ms means the driver is hung, and driverd kills it (which
// makes the stuck open fail with EIO and frees the thread).
//
// The thread and the main loop run on one core and switch only at syscalls; fields are
// still read and written with atomics so the same code is right under preemption.
#include "ktl/string.h"

namespace drivers {

class WatchdogProbe {
public:
    WatchdogProbe(ktl::StringView scheme, u64 period_ms, int wake_fd, long supervisor_pid);

    // Starts the thread; returns its pid or -errno. The record must outlive the thread
    // (driverd never frees it).
    long start_thread();

    // The instance to probe (0: none); `starting` probes often until the scheme answers.
    // Without an instance the thread waits on a pipe (no timer: an idle system can still
    // be seen to be deadlocked); a new instance is announced there, and with SIGUSR1,
    // which driverd handles with a no-op, so that a sleep for the previous one ends early.
    void watch(long pid, bool starting);
    // When the probe in flight for `pid` began (monotonic ns), or 0.
    u64 in_flight_since(long pid) const
    {
        if (__atomic_load_n(&m_probing_pid, __ATOMIC_SEQ_CST) != pid)
            return 0;
        return __atomic_load_n(&m_started_ns, __ATOMIC_SEQ_CST);
    }
    // Ends the thread (driverd is stopping) and waits for it; no driver may be hung on
    // this scheme any more (a probe in flight must be able to end).
    void stop_thread();

    // True once `pid`'s scheme has answered a probe.
    bool answered(long pid) const { return pid && __atomic_load_n(&m_answered_pid, __ATOMIC_SEQ_CST) == pid; }

private:
    static int thread_entry(void* self);
    int run();
    void probe(long pid);
    void wake_supervisor();

    ktl::String m_path;
    u64 m_period_ms;
    int m_wake_fd;
    long m_supervisor_pid;
    long m_thread_pid { 0 };
    int m_kick[2] { -1, -1 }; // read end: the thread waits there while there is no instance
    long m_target_pid { 0 };
    bool m_starting { false };
    bool m_quit { false };
    long m_probing_pid { 0 };
    u64 m_started_ns { 0 };
    long m_answered_pid { 0 };
};

u64 monotonic_now_ns();

} // namespace drivers
