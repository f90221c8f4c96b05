#pragma once
// One remote driver's connection: the socket to its Linux process, the host thread that
// watches it, and the inbox its proxy context (proxy.cpp) waits in.
//
// Threads: the proxy, on the core's thread, is the only reader of the socket's messages: it
// takes them as they come, without blocking, and only when none is there does it wait in its
// inbox. The watcher thread (host code) tells it through the inbox (host work,
// sim/hal/host_work.h) that the socket became readable (then stops watching for that until
// the proxy re-arms it), passes on what the driver writes to its stdout / stderr, and when
// the socket ends (the process died or exited) reaps the process (if the simulator started
// it) and posts HungUp with how it ended. A driver making syscalls back to back is thus
// served without a thread wake-up on the simulator's side.
#include "../../drivers/remote/wire_protocol.h"

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "../../kernel_core/abi/redox/undef_host_macros.h"
// <sys/stat.h> makes these macros for st_atim.tv_sec...; redox::Stat has members so named.
#undef st_atime
#undef st_mtime
#undef st_ctime
// clang-format off
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/host_bridge.h"
// clang-format on

namespace sim::driver_host {

// Raised on a proxy blocked in a call for its driver when the driver's process is gone; the
// proxy's handler for it finishes the proxy. A driver can not change its handling.
constexpr int DRIVER_GONE_SIGNAL = redox::SIGUSR2;

// What the watcher thread hands the proxy.
struct Inbound : kernel::HostRequest {
    enum class Kind { Message, Output, HungUp, Readable };
    Kind kind { Kind::Message };
    wire::Message message; // Message
    std::string output; // Output: bytes the Linux process wrote to its stdout / stderr
    // HungUp: how the process ended, when the simulator started (and so reaped) it.
    bool status_known { false };
    bool signalled { false }; // killed by signal `value`, else exited with status `value`
    int value { 0 };
};

class Connection {
public:
    // `linux_pid` is 0 for a driver started by hand (connected to the listening socket);
    // `output` is the read end of its stdout/stderr pipe, or -1.
    Connection(std::string name, int socket, pid_t linux_pid, int output);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Starts the watcher thread (it keeps the connection alive until it ends).
    static void start_watcher(const std::shared_ptr<Connection>& connection);

    const std::string& name() const { return m_name; }
    int socket() const { return m_socket; }
    pid_t linux_pid() const { return m_linux_pid; }

    // Kills the Linux process (SIGKILL) unless it was reaped already. Any thread.
    void kill_process();

    // Core thread.
    kernel::HostRequestQueue inbox;
    u32 proxy_pid { 0 };
    bool in_call { false }; // the proxy is performing a syscall for the driver
    bool hung_up { false }; // the HungUp item was delivered
    std::size_t max_payload { 64 * 1024 }; // agreed at START
    // The signal the Linux process said it is dying of (a driver started by hand).
    int announced_signal { 0 };

    // Core thread: queues an item made on the core's side for the proxy (the HELLO of a
    // driver started by hand), counted like the watcher's.
    void queue(Inbound* item)
    {
        m_queued.fetch_add(1, std::memory_order_relaxed);
        deliver(item);
    }
    // The proxy: the next item of the inbox that is not a Readable note (those are skipped),
    // waiting for the first until `deadline_ns` (take_until's rules; 0: no wait). Null when
    // there is none.
    Inbound* take(u64 deadline_ns);
    // The proxy found no message waiting and is about to wait in its inbox: the watcher must
    // tell it about the next one (after a Readable it stopped watching for messages).
    void rearm();
    // In the exiting proxy context: the proxy is gone; its Linux process goes too.
    void proxy_exited();

private:
    // Host work: queues `item` for the proxy (or drops it when the proxy is gone).
    void deliver(Inbound* item);
    void watch_loop(std::shared_ptr<Connection> self);
    bool post(const std::shared_ptr<Connection>& self, Inbound* item);
    bool reap(bool& signalled, int& value);

    std::string m_name;
    int m_socket;
    pid_t m_linux_pid;
    int m_output;
    // Items posted and not yet taken: a driver flooding its output waits for the
    // core instead of growing the host-work queue without bound.
    std::atomic<int> m_queued { 0 };
    std::atomic<bool> m_proxy_gone { false }; // set by proxy_exited (core), read by the watcher too
    std::atomic<bool> m_disarmed { false }; // the watcher posted Readable and waits for rearm()
    int m_rearm { -1 }; // eventfd: rearm() -> the watcher
    std::mutex m_mutex;
    bool m_reaped { false }; // guarded by m_mutex: once true the pid may belong to someone else
};

} // namespace sim::driver_host
