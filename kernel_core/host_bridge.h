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
    // The same with a time limit: null once hal::monotonic_ns() reaches `deadline_ns`. Signals
    // do not interrupt it, except SIGKILL, which ends the context here (as it would at its
    // next syscall): a killed proxy dies even while idle. Its frames are abandoned, so the
    // bridge frees what it keeps for the proxy in a watch_context_exit callback.
    HostRequest* take_until(u64 deadline_ns);
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

// Watching `file` for a host bridge's caches (the FUSE bridge lets Linux cache what `file`
// serves and must drop what changed, whoever changed it).
enum class FileChange : u8 {
    Data, // contents (write, truncate, O_TRUNC)
    Attributes, // mode, owner, times, link count
    Names, // `path` appeared or went: its directory changed
};
// Whether changes made by context `caller_pid` interest the bridge (not its own proxies').
using FileChangeFilter = bool (*)(void* argument, u32 caller_pid);
// Called on the core's thread after each successful change by an interesting context, with the
// path inside the scheme ("" is the root, "tmp/x" is /tmp/x) and, for Names, the file's id
// (st_ino) when known (else 0). Must not block. Returns 0, or a ticket: the context that made
// the change then waits (up to file_change_wait_ns) until file_changes_done(ticket), so that
// when its call returns the host already knows (the FUSE bridge's caches are invalidated).
using FileChangeHook = u64 (*)(void* argument, ktl::StringView path, FileChange change, u64 file_id);
constexpr u64 file_change_wait_ns = 200'000'000;

// Puts a watching layer in front of the root namespace's `file` scheme (from then on every
// open of `file` in the root namespace, and every namespace made from it, goes through it).
// Changes through files opened before, through shared mappings, or in namespaces made
// earlier are not seen. Core thread only; EAGAIN while `file` is not registered yet.
ktl::ErrorOr<void> watch_file_scheme(FileChangeFilter filter, FileChangeHook hook, void* argument);
// Host work: every ticket up to `ticket` is done (tickets are handed out in increasing order).
void file_changes_done(u64 ticket);

// Calls callback(argument) on the core's thread when the context `pid` exits, for any reason
// (exit, a fatal signal, SIGKILL), after its files and mappings are closed, so that host code
// can release its Linux side (a driver proxy kills its Linux process). The callback runs in
// the exiting context and must not block. False when there is no such living context.
bool watch_context_exit(u32 pid, void (*callback)(void*), void* argument);
// Forgets a watch (the bridge cleaned up already). False when it was not registered.
bool unwatch_context_exit(u32 pid, void (*callback)(void*), void* argument);
// process.cpp, in exit_current: runs and forgets the context's watches.
void run_context_exit_watchers(u32 pid);

// Whether the current context may use port I/O (it called iopl as root): the sim's driver
// proxies refuse port I/O otherwise. False outside a context.
bool current_has_io_privilege();

// Sets the current context's real and effective uid and gid (the Linux caller a proxy acts
// for). For host bridges only: it bypasses setreuid's rules.
void set_current_identity(u32 uid, u32 gid);

} // namespace kernel
