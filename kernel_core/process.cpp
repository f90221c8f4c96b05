#include "process.h"

#include "abi/redox/flags.h"
#include "hal/clock.h"
#include "host_bridge.h"
#include "kernel.h"
#include "klog.h"
#include "namespace.h"
#include "path.h"
#include "scheduler.h"
#include "schemes/debug_scheme.h"
#include "signals.h"

namespace kernel {

static void set_arguments(Context& context, ktl::Vector<ktl::String>&& args, ktl::Vector<ktl::String>&& env)
{
    context.args = static_cast<ktl::Vector<ktl::String>&&>(args);
    context.env = static_cast<ktl::Vector<ktl::String>&&>(env);
    context.argv_pointers.clear();
    context.envp_pointers.clear();
    context.name.clear();
    for (ktl::String& arg : context.args) {
        context.argv_pointers.append(const_cast<char*>(arg.c_str()));
        if (!context.name.is_empty())
            context.name.append(' ');
        context.name.append(arg.view());
    }
    for (ktl::String& entry : context.env)
        context.envp_pointers.append(const_cast<char*>(entry.c_str()));
    context.argv_pointers.append(nullptr);
    context.envp_pointers.append(nullptr);
}

// Every context starts here, on its own stack.
static void context_entry(void* argument)
{
    the_kernel().scheduler().finish_switch();
    Context& self = *static_cast<Context*>(argument);
    int code;
    hal::program_begins();
    if (self.program)
        code = self.program->main(
            static_cast<int>(self.args.size()), self.argv_pointers.data(), self.envp_pointers.data());
    else
        code = self.clone_entry(self.clone_argument);
    hal::program_ends();
    exit_current((code & 0xff) << 8);
}

Context* create_init(Program& program, const ktl::Vector<ktl::String>& args)
{
    Kernel& k = the_kernel();
    Context* init = k.contexts().create();
    init->pgid = init->sid = init->pid;
    init->start_ns = hal::monotonic_ns();
    init->program = &program;
    init->files = ktl::make_ref<FileTable>();
    Caller caller { init->pid, 0, 0 };
    Scheme& console = k.debug();
    for (int fd = 0; fd < 3; ++fd) {
        usize handle = console.open(fd == 2 ? "stderr" : "", redox::O_RDWR, caller).release_value();
        (void)init->files->insert_at(
            static_cast<usize>(fd), ktl::make_ref<FileDescription>(&console, handle, redox::O_RDWR), false);
    }
    ktl::Vector<ktl::String> env;
    env.append("PATH=/bin");
    env.append("HOME=/root");
    env.append("USER=root");
    env.append("SHELL=/bin/sh");
    ktl::Vector<ktl::String> arguments = args;
    set_arguments(
        *init, static_cast<ktl::Vector<ktl::String>&&>(arguments), static_cast<ktl::Vector<ktl::String>&&>(env));
    init->hal_context = hal::context_create(context_entry, init);
    k.scheduler().make_runnable(*init);
    return init;
}

ErrorOr<u32> clone_current(unsigned long flags, CloneEntry entry, void* argument)
{
    Kernel& k = the_kernel();
    Context& parent = current();
    if (!entry)
        return errno_error(redox::EFAULT);
    if (flags & ~(redox::CLONE_THREAD | redox::CLONE_VFORK))
        return errno_error(redox::EINVAL);
    Context* child = k.contexts().create();
    child->ppid = parent.pid;
    child->pgid = parent.pgid;
    child->sid = parent.sid;
    child->credentials = parent.credentials;
    child->rns = parent.rns;
    child->ens = parent.ens;
    child->umask = parent.umask;
    child->io_privilege = parent.io_privilege;
    child->is_thread = (flags & redox::CLONE_VM) != 0;
    child->cwd = parent.cwd;
    child->name = parent.name;
    child->clone_entry = entry;
    child->clone_argument = argument;
    child->start_ns = hal::monotonic_ns();
    child->files = (flags & redox::CLONE_FILES) ? parent.files : parent.files->clone();
    for (int s = 0; s < redox::NSIG; ++s)
        child->signal_handlers[s] = parent.signal_handlers[s];
    // The child's environment and arguments are the parent's until it calls exec.
    ktl::Vector<ktl::String> args = parent.args;
    ktl::Vector<ktl::String> env = parent.env;
    set_arguments(*child, static_cast<ktl::Vector<ktl::String>&&>(args), static_cast<ktl::Vector<ktl::String>&&>(env));
    parent.children.append(*child);
    child->hal_context = hal::context_create(context_entry, child);
    k.scheduler().make_runnable(*child);

    u32 pid = child->pid;
    if (flags & redox::CLONE_VFORK) {
        // Not interruptible: the child may be using the parent's memory until it execs.
        child->vfork_parent = &parent;
        while (Context* c = k.contexts().find(pid)) {
            if (c->vfork_parent != &parent)
                break;
            k.scheduler().block(nullptr, 0, false);
        }
    }
    return pid;
}

ErrorOr<u32> start_context(Context& parent, CloneEntry entry, void* argument, ktl::Vector<ktl::String>&& args)
{
    Kernel& k = the_kernel();
    if (!entry)
        return errno_error(redox::EFAULT);
    Context* child = k.contexts().create();
    child->ppid = parent.pid;
    child->pgid = child->sid = child->pid;
    child->umask = 0;
    child->clone_entry = entry;
    child->clone_argument = argument;
    child->start_ns = hal::monotonic_ns();
    child->files = ktl::make_ref<FileTable>();
    set_arguments(*child, static_cast<ktl::Vector<ktl::String>&&>(args), ktl::Vector<ktl::String>());
    parent.children.append(*child);
    child->hal_context = hal::context_create(context_entry, child);
    k.scheduler().make_runnable(*child);
    return child->pid;
}

// Ends every fmap mapping of the context, telling each scheme (memory:dma frees its buffer).
static void end_mappings(Context& self)
{
    for (Context::Mapping& mapping : self.mappings)
        mapping.file->scheme->funmap(mapping.file->handle, mapping.address, mapping.size);
    self.mappings.clear(); // may close files, which may block on their daemons
}

static void release_vfork_parent(Context& self)
{
    if (Context* parent = self.vfork_parent) {
        self.vfork_parent = nullptr;
        the_kernel().scheduler().wake(*parent, 0);
    }
}

static ErrorOr<Program*> find_executable(
    ktl::RefPtr<FileDescription>& file, ktl::Vector<ktl::String>& args, StringView exec_path)
{
    Caller caller { current().pid, current().credentials.euid, current().credentials.egid };
    for (int depth = 0; depth < 4; ++depth) {
        redox::Stat st {};
        TRY(file->scheme->fstat(file->handle, st));
        if ((st.st_mode & redox::MODE_TYPE) == redox::MODE_DIR)
            return errno_error(redox::EACCES);
        bool executable = caller.uid == 0 ? (st.st_mode & 0111) != 0
            : st.st_uid == caller.uid     ? (st.st_mode & 0100) != 0
            : st.st_gid == caller.gid     ? (st.st_mode & 0010) != 0
                                          : (st.st_mode & 0001) != 0;
        if (!executable)
            return errno_error(redox::EACCES);
        char head[256];
        usize n = TRY(file->scheme->read(file->handle, head, sizeof head, 0, redox::O_RDONLY, caller));
        StringView text(head, n);
        isize newline = text.find('\n');
        StringView first_line = newline < 0 ? text : text.substring(0, static_cast<usize>(newline));
        if (first_line.starts_with(PROGRAM_MAGIC)) {
            Program* program = find_program(first_line.substring(PROGRAM_MAGIC.length()));
            if (!program)
                return errno_error(redox::ENOEXEC);
            return program;
        }
        if (!first_line.starts_with("#!"))
            return errno_error(redox::ENOEXEC);
        // A script: run "interpreter [arg] script args...".
        StringView rest = first_line.substring(2);
        while (!rest.is_empty() && rest[0] == ' ')
            rest = rest.substring(1);
        isize space = rest.find(' ');
        StringView interpreter = space < 0 ? rest : rest.substring(0, static_cast<usize>(space));
        StringView interpreter_arg = space < 0 ? StringView() : rest.substring(static_cast<usize>(space) + 1);
        ktl::Vector<ktl::String> new_args;
        new_args.append(interpreter);
        if (!interpreter_arg.is_empty())
            new_args.append(interpreter_arg);
        new_args.append(exec_path);
        for (usize i = 1; i < args.size(); ++i)
            new_args.append(args[i]);
        args = static_cast<ktl::Vector<ktl::String>&&>(new_args);
        ResolvedPath resolved = TRY(resolve_path(current(), interpreter));
        usize handle = TRY(resolved.scheme->open(resolved.reference.view(), redox::O_RDONLY, caller));
        file = ktl::make_ref<FileDescription>(resolved.scheme, handle, redox::O_RDONLY);
    }
    return errno_error(redox::ELOOP);
}

ErrorOr<void> exec_current(ktl::RefPtr<FileDescription> file, ktl::Vector<ktl::String>&& args,
    ktl::Vector<ktl::String>&& env, StringView exec_path)
{
    Context& self = current();
    Program* program = TRY(find_executable(file, args, exec_path));
    file.clear();
    self.program = program;
    self.clone_entry = nullptr;
    set_arguments(self, static_cast<ktl::Vector<ktl::String>&&>(args), static_cast<ktl::Vector<ktl::String>&&>(env));
    self.files->close_on_exec();
    end_mappings(self); // the new program starts without the old one's mappings
    self.io_privilege = false;
    for (unsigned long& handler : self.signal_handlers)
        if (handler != redox::SIG_IGN)
            handler = redox::SIG_DFL;
    release_vfork_parent(self);
    // The switch to the new program happens in the syscall exit path (start_pending_exec),
    // once the handler frames holding references have unwound: nothing on the old stack
    // may own kernel resources when it is abandoned.
    self.exec_pending = true;
    return {};
}

void start_pending_exec(Context& self)
{
    self.exec_pending = false;
    the_kernel().scheduler().restart_current(context_entry, &self);
}

void exit_current(int wait_status)
{
    Kernel& k = the_kernel();
    Context& self = current();
    release_vfork_parent(self);
    end_mappings(self);
    self.files.clear();
    self.exit_status = wait_status;
    run_context_exit_watchers(self.pid); // host bridges clean up what they keep for it

    Context* init = k.contexts().find(1);
    bool gave_zombie = false;
    while (Context* child = self.children.take_first()) {
        child->ppid = 1;
        if (init && init != &self) {
            init->children.append(*child);
            gave_zombie |= child->state == ContextState::Zombie;
        }
    }
    if (gave_zombie)
        init->child_exited.wake_all();

    self.state = ContextState::Zombie;
    self.pending_signals = 0;
    self.args.clear();
    self.env.clear();
    self.argv_pointers.clear();
    self.envp_pointers.clear();
    if (self.pid == 1) {
        KLOG_INFO("proc", "init exited with status %d; stopping", wait_status);
        k.request_shutdown(redox::wifexited(wait_status) ? redox::wexitstatus(wait_status) : 128 + wait_status);
    } else if (Context* parent = k.contexts().find(self.ppid)) {
        // Wake a waiting parent first: its waitpid must reap this child, not fail with
        // EINTR because of the SIGCHLD that follows.
        parent->child_exited.wake_all();
        raise_signal(*parent, redox::SIGCHLD);
    }
    k.scheduler().exit_current();
}

ErrorOr<u32> wait_child(long pid, int* status, int options)
{
    Kernel& k = the_kernel();
    Context& self = current();
    if (options & ~(redox::WNOHANG | redox::WUNTRACED))
        return errno_error(redox::EINVAL);
    for (;;) {
        bool any = false;
        for (Context* child = self.children.first(); child; child = self.children.next_of(*child)) {
            // Compared as 64-bit values: a pid out of u32 range matches nothing (it must
            // not alias a real pid by truncation), and -LONG_MIN is never computed.
            bool matches = pid > 0 ? static_cast<u64>(child->pid) == static_cast<u64>(pid)
                : pid == -1        ? true
                : pid == 0         ? child->pgid == self.pgid
                                   : static_cast<u64>(child->pgid) == 0 - static_cast<u64>(pid);
            if (!matches)
                continue;
            any = true;
            if (child->state != ContextState::Zombie)
                continue;
            u32 child_pid = child->pid;
            if (status)
                *status = child->exit_status;
            decltype(self.children)::remove(*child);
            k.contexts().destroy(child);
            return child_pid;
        }
        if (!any)
            return errno_error(redox::ECHILD);
        if (options & redox::WNOHANG)
            return 0u;
        if (k.scheduler().block(&self.child_exited, 0, true) == -redox::EINTR)
            return errno_error(redox::EINTR);
    }
}

} // namespace kernel
