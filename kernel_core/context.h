#pragma once
// Contexts: processes and threads. Each has its own stack (a HAL context) and the state
// POSIX needs: ids, credentials, namespaces, cwd, environment, arguments, fds, signals.
#include "hal/context.h"
#include "ktl/list.h"
#include "ktl/ref_ptr.h"
#include "ktl/string.h"
#include "ktl/vector.h"
#include "program_registry.h"
#include "wait_queue.h"

namespace kernel {

class FileTable;
struct FileDescription;

enum class ContextState : u8 {
    Runnable, // on the run queue or running
    Blocked, // on a wait queue and/or sleeping until a timer
    Zombie, // exited, waiting for its parent's waitpid
};

struct Credentials {
    u32 ruid { 0 };
    u32 euid { 0 };
    u32 rgid { 0 };
    u32 egid { 0 };
};

using CloneEntry = int (*)(void* argument);

struct Context {
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // Scheduling. A context is on the run queue or blocked, never both.
    ktl::ListNode run_node;
    hal::Context* hal_context { nullptr };
    ContextState state { ContextState::Runnable };
    bool interruptible { false };
    int wake_result { 0 }; // 0, -ETIMEDOUT or -EINTR, set by whoever woke the context
    Timer wake_timer;
    WaitQueue::Waiter* waiter { nullptr };
    u64 cpu_ns { 0 };
    u64 start_ns { 0 };

    // Identity.
    u32 pid { 0 };
    u32 ppid { 0 };
    u32 pgid { 0 };
    u32 sid { 0 };
    Credentials credentials;
    u32 rns { 1 };
    u32 ens { 1 };
    u16 umask { 022 };
    bool is_thread { false };
    bool exec_pending { false }; // exec succeeded: switch to the new program on syscall exit

    // Process tree: children are linked through sibling_node on the parent's list.
    ktl::ListNode sibling_node;
    ktl::IntrusiveList<Context, &Context::sibling_node> children;
    WaitQueue child_exited; // the parent waits here in waitpid
    Context* vfork_parent { nullptr };

    // What runs: a registered program (after exec) or a clone entry.
    Program* program { nullptr };
    CloneEntry clone_entry { nullptr };
    void* clone_argument { nullptr };
    ktl::String name;
    ktl::String cwd { "/" };
    ktl::Vector<ktl::String> args;
    ktl::Vector<ktl::String> env;
    ktl::Vector<char*> argv_pointers;
    ktl::Vector<char*> envp_pointers;
    ktl::RefPtr<FileTable> files;
    // Memory mapped from files (fmap): each keeps its file open until funmap, exec or exit.
    struct Mapping {
        usize address;
        usize size;
        ktl::RefPtr<FileDescription> file;
    };
    ktl::Vector<Mapping> mappings;
    // iopl: may use port I/O (drivers). Inherited by clone, cleared by exec.
    bool io_privilege { false };
    // Host bridges' clean-up when the context exits (host_bridge.h, watch_context_exit).
    struct ExitWatcher {
        void (*callback)(void*);
        void* argument;
    };
    ktl::Vector<ExitWatcher> exit_watchers;

    // Signals: pending bits and handlers (SIG_DFL, SIG_IGN or a function address).
    u32 pending_signals { 0 };
    unsigned long signal_handlers[32] {};

    int exit_status { 0 };
};

// pid -> context. Pids are small integers, reused after the zombie is reaped once the
// counter wraps (see create()).
class ContextTable {
public:
    ContextTable() = default;
    ContextTable(const ContextTable&) = delete;
    ContextTable& operator=(const ContextTable&) = delete;
    // Kernel teardown: frees every context left and its stack.
    ~ContextTable();
    Context* find(u32 pid) const { return pid < m_slots.size() ? m_slots[pid] : nullptr; }
    // Creates a context with a fresh pid (not yet runnable).
    Context* create();
    // Forgets and frees a reaped context.
    void destroy(Context* context);
    usize count() const { return m_count; }
    template<typename Callback>
    void for_each(Callback callback) const
    {
        for (Context* context : m_slots)
            if (context)
                callback(*context);
    }

private:
    ktl::Vector<Context*> m_slots;
    u32 m_next_pid { 1 };
    usize m_count { 0 };
};

} // namespace kernel
