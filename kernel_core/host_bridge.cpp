#include "host_bridge.h"

#include "context.h"
#include "file_table.h"
#include "hal/clock.h"
#include "kernel.h"
#include "klog.h"
#include "abi/redox/flags.h"
#include "namespace.h"
#include "process.h"
#include "scheduler.h"
#include "scheme.h"
#include "signals.h"

namespace kernel {

void HostRequestQueue::post(HostRequest& request)
{
    m_requests.append(request);
    m_waiters.wake_one();
}

HostRequest& HostRequestQueue::take()
{
    Scheduler& scheduler = the_kernel().scheduler();
    for (;;) {
        if (HostRequest* request = m_requests.take_first())
            return *request;
        scheduler.block(&m_waiters, 0, false);
    }
}

HostRequest* HostRequestQueue::take_until(u64 deadline_ns)
{
    Scheduler& scheduler = the_kernel().scheduler();
    for (;;) {
        // A killed proxy starts no new work. The signal is taken as deliver_signals takes it:
        // the exit (and its watches, which may drain the queue here) must not see it pending.
        Context& self = current();
        constexpr u32 kill_bit = 1u << redox::SIGKILL;
        if (self.pending_signals & kill_bit) {
            self.pending_signals &= ~kill_bit;
            exit_current(redox::SIGKILL);
        }
        if (HostRequest* request = m_requests.take_first())
            return request;
        if (hal::monotonic_ns() >= deadline_ns)
            return nullptr;
        // Woken by post, by the deadline, or by SIGKILL: the loop tells which.
        scheduler.block(&m_waiters, deadline_ns, false);
    }
}

void ContextLock::lock()
{
    while (m_held)
        the_kernel().scheduler().block(&m_waiters, 0, false);
    m_held = true;
}

void ContextLock::unlock()
{
    m_held = false;
    m_waiters.wake_one();
}

ErrorOr<u32> spawn_host_context(ktl::StringView name, HostContextEntry entry, void* argument)
{
    if (!entry)
        return errno_error(redox::EFAULT);
    if (name.is_empty() || name.length() > 255)
        return errno_error(redox::EINVAL);
    Context* init = the_kernel().contexts().find(1);
    if (!init)
        return errno_error(redox::ESRCH);
    ktl::Vector<ktl::String> args;
    args.append(name);
    u32 pid = TRY(start_context(*init, entry, argument, static_cast<ktl::Vector<ktl::String>&&>(args)));
    KLOG_INFO(
        "proc", "host bridge context '%.*s' started as pid %u", static_cast<int>(name.length()), name.chars(), pid);
    return pid;
}

bool watch_context_exit(u32 pid, void (*callback)(void*), void* argument)
{
    Context* context = the_kernel().contexts().find(pid);
    if (!context || context->state == ContextState::Zombie || !callback)
        return false;
    context->exit_watchers.append({ callback, argument });
    return true;
}

bool unwatch_context_exit(u32 pid, void (*callback)(void*), void* argument)
{
    Context* context = the_kernel().contexts().find(pid);
    if (!context)
        return false;
    auto& watchers = context->exit_watchers;
    for (usize i = 0; i < watchers.size(); ++i) {
        if (watchers[i].callback == callback && watchers[i].argument == argument) {
            watchers.remove(i);
            return true;
        }
    }
    return false;
}

void run_context_exit_watchers(u32 pid)
{
    Context* context = the_kernel().contexts().find(pid);
    if (!context)
        return;
    // Taken first: a callback may watch or unwatch.
    ktl::Vector<Context::ExitWatcher> watchers = static_cast<ktl::Vector<Context::ExitWatcher>&&>(context->exit_watchers);
    context->exit_watchers.clear();
    for (const Context::ExitWatcher& watcher : watchers)
        watcher.callback(watcher.argument);
}

bool signal_host_context(u32 pid, int signal)
{
    Context* context = the_kernel().contexts().find(pid);
    if (!context || context->state == ContextState::Zombie)
        return false;
    raise_signal(*context, signal);
    return true;
}

namespace {

    // Forwards fmap when the Scheme interface has it (kept apart so this file builds either way).
    template<typename Base>
    concept HasFmap = requires(Base& scheme, const Caller& caller) { scheme.fmap(usize {}, u64 {}, usize {}, u64 {}, caller); };

    template<typename Base, bool = HasFmap<Base>>
    class FmapForwarder : public Base {
    protected:
        explicit FmapForwarder(ktl::RefPtr<Scheme> inner) : m_inner(static_cast<ktl::RefPtr<Scheme>&&>(inner)) {}
        ktl::RefPtr<Scheme> m_inner;
    };

    template<typename Base>
    class FmapForwarder<Base, true> : public Base {
    public:
        ErrorOr<usize> fmap(usize handle, u64 offset, usize size, u64 flags, const Caller& caller) override
        {
            return m_inner->fmap(handle, offset, size, flags, caller);
        }
        void funmap(usize handle, usize address, usize size) override { m_inner->funmap(handle, address, size); }

    protected:
        explicit FmapForwarder(ktl::RefPtr<Scheme> inner) : m_inner(static_cast<ktl::RefPtr<Scheme>&&>(inner)) {}
        ktl::RefPtr<Scheme> m_inner;
    };

    // The watching layer of watch_file_scheme: every call goes to the real scheme; successful
    // changes are reported with the path the handle was opened at.
    // Plain pointers: no static destructors in the core (the freestanding check).
    u64 s_changes_done = 0;
    WaitQueue* s_change_waiters = nullptr; // made by watch_file_scheme

    class WatchedScheme final : public FmapForwarder<Scheme> {
    public:
        WatchedScheme(ktl::RefPtr<Scheme> inner, FileChangeFilter filter, FileChangeHook hook, void* argument)
            : FmapForwarder(static_cast<ktl::RefPtr<Scheme>&&>(inner)), m_filter(filter), m_hook(hook),
              m_argument(argument)
        {
            set_name(m_inner->name());
        }

        ErrorOr<usize> open(StringView path, unsigned long flags, const Caller& caller) override
        {
            usize handle = TRY(m_inner->open(path, flags, caller));
            remember(handle, path);
            if (wants(caller.pid)) {
                if (flags & redox::O_CREAT)
                    report(path, FileChange::Names);
                if (flags & redox::O_TRUNC)
                    report(path, FileChange::Data);
            }
            return handle;
        }
        ErrorOr<usize> read(usize handle, void* buffer, usize length, u64 offset, unsigned long flags,
            const Caller& caller) override
        {
            return m_inner->read(handle, buffer, length, offset, flags, caller);
        }
        ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64 offset, unsigned long flags,
            const Caller& caller) override
        {
            usize written = TRY(m_inner->write(handle, buffer, length, offset, flags, caller));
            report_handle(handle, FileChange::Data, caller.pid);
            return written;
        }
        ErrorOr<u64> fsize(usize handle) override { return m_inner->fsize(handle); }
        void close(usize handle) override
        {
            if (handle < m_paths.size())
                m_paths[handle] = ktl::String();
            m_inner->close(handle);
        }
        ErrorOr<usize> dup(usize handle, StringView what, const Caller& caller) override
        {
            usize copy = TRY(m_inner->dup(handle, what, caller));
            if (handle < m_paths.size()) {
                ktl::String path = m_paths[handle];
                remember(copy, path.view());
            }
            return copy;
        }
        ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override
        {
            return m_inner->fpath(handle, buffer, length);
        }
        ErrorOr<void> fstat(usize handle, redox::Stat& out) override { return m_inner->fstat(handle, out); }
        ErrorOr<void> fstatvfs(usize handle, redox::StatVfs& out) override { return m_inner->fstatvfs(handle, out); }
        ErrorOr<void> fsync(usize handle) override { return m_inner->fsync(handle); }
        ErrorOr<void> ftruncate(usize handle, u64 length) override
        {
            TRY(m_inner->ftruncate(handle, length));
            report_handle(handle, FileChange::Data, current_pid());
            return {};
        }
        ErrorOr<void> fchmod(usize handle, u16 mode, const Caller& caller) override
        {
            TRY(m_inner->fchmod(handle, mode, caller));
            report_handle(handle, FileChange::Attributes, caller.pid);
            return {};
        }
        ErrorOr<void> fchown(usize handle, u32 uid, u32 gid, const Caller& caller) override
        {
            TRY(m_inner->fchown(handle, uid, gid, caller));
            report_handle(handle, FileChange::Attributes, caller.pid);
            return {};
        }
        ErrorOr<void> futimens(usize handle, const redox::TimeSpec* times, usize count, const Caller& caller) override
        {
            TRY(m_inner->futimens(handle, times, count, caller));
            report_handle(handle, FileChange::Attributes, caller.pid);
            return {};
        }
        ErrorOr<void> frename(usize handle, StringView path, const Caller& caller) override
        {
            TRY(m_inner->frename(handle, path, caller));
            if (wants(caller.pid)) {
                report_handle(handle, FileChange::Names, caller.pid);
                report(path, FileChange::Names);
            }
            remember(handle, path);
            return {};
        }
        ErrorOr<void> flink(usize handle, StringView path, const Caller& caller) override
        {
            TRY(m_inner->flink(handle, path, caller));
            if (wants(caller.pid)) {
                report_handle(handle, FileChange::Attributes, caller.pid);
                report(path, FileChange::Names);
            }
            return {};
        }
        ErrorOr<void> unlink(StringView path, unsigned long flags, const Caller& caller) override
        {
            if (!wants(caller.pid))
                return m_inner->unlink(path, flags, caller);
            // Which file loses a name: its other names' link count changes too.
            u64 file_id = 0;
            if (auto node = m_inner->open(path, redox::O_STAT | redox::O_SYMLINK | redox::O_NOFOLLOW, caller);
                !node.is_error()) {
                redox::Stat st {};
                if (!m_inner->fstat(node.value(), st).is_error())
                    file_id = st.st_ino;
                m_inner->close(node.value());
            }
            TRY(m_inner->unlink(path, flags, caller));
            report(path, FileChange::Names, file_id);
            return {};
        }
        ErrorOr<usize> getdents(usize handle, void* buffer, usize length, u64 offset) override
        {
            return m_inner->getdents(handle, buffer, length, offset);
        }
        ErrorOr<usize> fevent(usize handle, usize flags) override { return m_inner->fevent(handle, flags); }
        ErrorOr<usize> fcntl(usize handle, int command, usize argument) override
        {
            return m_inner->fcntl(handle, command, argument);
        }

    private:
        static constexpr usize max_tracked_handle = 1u << 20;

        static u32 current_pid() { return the_kernel().scheduler().has_current() ? current().pid : 0; }

        void remember(usize handle, StringView path)
        {
            if (handle >= max_tracked_handle)
                return;
            while (m_paths.size() <= handle)
                m_paths.append(ktl::String());
            m_paths[handle] = path;
        }
        bool wants(u32 pid) const { return m_filter(m_argument, pid); }

        // Tells the bridge; when it must tell Linux, waits until it has.
        void report(StringView path, FileChange change, u64 file_id = 0)
        {
            u64 ticket = m_hook(m_argument, path, change, file_id);
            if (!ticket || !the_kernel().scheduler().has_current())
                return;
            u64 deadline = hal::monotonic_ns() + file_change_wait_ns;
            while (s_changes_done < ticket) {
                if (the_kernel().scheduler().block(s_change_waiters, deadline, false) == -redox::ETIMEDOUT)
                    break;
            }
        }
        void report_handle(usize handle, FileChange change, u32 pid)
        {
            if (handle < m_paths.size() && wants(pid))
                report(m_paths[handle].view(), change);
        }

        FileChangeFilter m_filter;
        FileChangeHook m_hook;
        void* m_argument;
        ktl::Vector<ktl::String> m_paths; // handle -> the path it was opened at
    };

} // namespace

void file_changes_done(u64 ticket)
{
    if (ticket > s_changes_done)
        s_changes_done = ticket;
    if (s_change_waiters)
        s_change_waiters->wake_all();
}

ErrorOr<void> watch_file_scheme(FileChangeFilter filter, FileChangeHook hook, void* argument)
{
    if (!hook || !filter)
        return errno_error(redox::EINVAL);
    Namespace& root = the_kernel().namespaces().root();
    Scheme* file = root.find("file");
    if (!file)
        return errno_error(redox::EAGAIN);
    if (!s_change_waiters)
        s_change_waiters = new WaitQueue;
    ktl::RefPtr<Scheme> inner(file);
    auto* watched = new WatchedScheme(inner, filter, hook, argument);
    ktl::RefPtr<Scheme> layer(watched);
    root.remove(file);
    if (auto result = root.insert("file", layer); result.is_error()) {
        (void)root.insert("file", inner);
        return result;
    }
    return {};
}

void set_current_identity(u32 uid, u32 gid)
{
    Credentials& credentials = current().credentials;
    credentials.ruid = credentials.euid = uid;
    credentials.rgid = credentials.egid = gid;
}

} // namespace kernel
