#pragma once
// The core API for host bridges only (the simulator's FUSE bridge, fuse_bridge/): host code
// that serves Linux requests through proxy contexts. Nothing in the core or the apps uses
// it; a Redox program can not reach it (it is not a syscall).
//
// How a bridge uses it: a host thread queues work for the core (hal/host.h); that work, run
// on the core's thread outside any context, posts a HostRequest to a HostRequestQueue. Proxy
// contexts started with spawn_host_context wait in take(), set the Linux caller's identity
// with set_current_identity, and perform the request through ordinary syscalls, so schemes
// check permissions exactly as they do for Redox processes. A proxy that blocks (a pipe
// read, a slow daemon) blocks only itself.
#include "ktl/list.h"
#include "ktl/result.h"
#include "ktl/string_view.h"
#include "wait_queue.h"

namespace kernel {

// Embedded in the bridge's own request object.
struct HostRequest {
    ktl::ListNode node;
};

class HostRequestQueue {
public:
    HostRequestQueue() = default;
    HostRequestQueue(const HostRequestQueue&) = delete;
    HostRequestQueue& operator=(const HostRequestQueue&) = delete;

    // Queues a request and wakes one waiting proxy. Core thread; never blocks.
    void post(HostRequest& request);
    // From a proxy context: the next request, blocking (not interruptibly) until there is one.
    HostRequest& take();
    bool is_empty() const { return m_requests.is_empty(); }

private:
    ktl::IntrusiveList<HostRequest, &HostRequest::node> m_requests;
    WaitQueue m_waiters;
};

// A lock between proxy contexts (they all run on the core's thread, so a host mutex would
// deadlock it): lock() blocks the calling context until the holder unlocks.
class ContextLock {
public:
    void lock();
    void unlock();

private:
    bool m_held { false };
    WaitQueue m_waiters;
};

using HostContextEntry = int (*)(void* argument);

// Starts a process named `name` running entry(argument) in a fresh context: a child of init,
// root credentials, the root namespace, umask 0, cwd /, no open files. Call it on the core's
// thread (from host work or from a context) once the kernel runs. Returns the pid.
ktl::ErrorOr<u32> spawn_host_context(ktl::StringView name, HostContextEntry entry, void* argument);

// Raises `signal` on the context `pid` (a proxy serving a request Linux gave up on): a blocked
// interruptible call of it returns EINTR, and so does its next one when it is not blocked yet.
// Core thread only. False when there is no such context.
bool signal_host_context(u32 pid, int signal);

// Sets the current context's real and effective uid and gid (the Linux caller a proxy acts
// for). For host bridges only: it bypasses setreuid's rules.
void set_current_identity(u32 uid, u32 gid);

} // namespace kernel
