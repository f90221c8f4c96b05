// Process syscalls: life cycle, identity, signals, time.
#include "../process.h"
#include "../abi/redox/flags.h"
#include "../hal/clock.h"
#include "../scheduler.h"
#include "../schemes/time_scheme.h"
#include "../signals.h"
#include "common.h"

namespace kernel::syscalls {

static constexpr usize unchanged = ~usize(0); // -1 in setre*id / setrens

Result sys_exit(usize status, usize, usize, usize, usize) { exit_current(static_cast<int>(status & 0xff) << 8); }

Result sys_waitpid(usize pid, usize status_address, usize options, usize, usize)
{
    int* status = nullptr;
    if (status_address)
        status = TRY(user_object<int>(status_address));
    return TRY(wait_child(static_cast<long>(pid), status, static_cast<int>(options)));
}

static Result exec_with(ktl::RefPtr<FileDescription> file, usize argv, usize envp, StringView path)
{
    auto args = TRY(copy_user_string_array(argv));
    auto env = TRY(copy_user_string_array(envp));
    if (args.is_empty())
        args.append(path);
    TRY(exec_current(static_cast<ktl::RefPtr<FileDescription>&&>(file), static_cast<ktl::Vector<ktl::String>&&>(args),
        static_cast<ktl::Vector<ktl::String>&&>(env), path));
    return 0u; // the dispatcher starts the new program (start_pending_exec)
}

Result sys_execve(usize path_address, usize path_length, usize argv, usize envp, usize)
{
    StringView path = TRY(user_string(path_address, path_length));
    auto file = TRY(open_path(path, redox::O_RDONLY));
    ktl::String path_copy(path);
    return exec_with(file, argv, envp, path_copy.view());
}

Result sys_fexec(usize fd, usize argv, usize envp, usize, usize)
{
    auto file = TRY(get_file(fd));
    char reference[4096];
    usize n = TRY(file->scheme->fpath(file->handle, reference, sizeof reference));
    ktl::String path = display_path(file->scheme->name().view(), StringView(reference, n));
    return exec_with(file, argv, envp, path.view());
}

Result sys_clone(usize flags, usize entry, usize argument, usize, usize)
{
    TRY(validate_user_range(entry, 1));
    return TRY(clone_current(flags, reinterpret_cast<CloneEntry>(entry), reinterpret_cast<void*>(argument)));
}

Result sys_chdir(usize address, usize length, usize, usize, usize)
{
    StringView path = TRY(user_string(address, length));
    Context& self = current();
    auto file = TRY(open_path(path, redox::O_RDONLY | redox::O_DIRECTORY | redox::O_STAT));
    redox::Stat st {};
    TRY(file->scheme->fstat(file->handle, st));
    if ((st.st_mode & redox::MODE_TYPE) != redox::MODE_DIR)
        return errno_error(redox::ENOTDIR);
    char reference[4096];
    usize n = TRY(file->scheme->fpath(file->handle, reference, sizeof reference));
    self.cwd = TRY(canonicalize_path("/", display_path(file->scheme->name().view(), StringView(reference, n)).view()));
    return 0u;
}

Result sys_getcwd(usize buffer, usize length, usize, usize, usize)
{
    TRY(validate_user_range(buffer, length));
    const ktl::String& cwd = current().cwd;
    if (length < cwd.length() + 1)
        return errno_error(redox::ERANGE);
    ktl::copy_bytes(reinterpret_cast<void*>(buffer), cwd.c_str(), cwd.length() + 1);
    return cwd.length();
}

Result sys_getpid(usize, usize, usize, usize, usize) { return static_cast<usize>(current().pid); }
Result sys_getppid(usize, usize, usize, usize, usize) { return static_cast<usize>(current().ppid); }
Result sys_getuid(usize, usize, usize, usize, usize) { return static_cast<usize>(current().credentials.ruid); }
Result sys_getgid(usize, usize, usize, usize, usize) { return static_cast<usize>(current().credentials.rgid); }
Result sys_geteuid(usize, usize, usize, usize, usize) { return static_cast<usize>(current().credentials.euid); }
Result sys_getegid(usize, usize, usize, usize, usize) { return static_cast<usize>(current().credentials.egid); }

Result sys_kill(usize pid, usize signal, usize, usize, usize)
{
    TRY(kill(current(), static_cast<long>(pid), static_cast<int>(signal)));
    return 0u;
}

Result sys_getpgid(usize pid, usize, usize, usize, usize)
{
    if (pid == 0)
        return static_cast<usize>(current().pgid);
    Context* target = the_kernel().contexts().find(static_cast<u32>(pid));
    if (!target || pid > 0xffffffffu)
        return errno_error(redox::ESRCH);
    return static_cast<usize>(target->pgid);
}

Result sys_setpgid(usize pid, usize pgid, usize, usize, usize)
{
    Context& self = current();
    if (static_cast<long>(pgid) < 0 || pid > 0xffffffffu || pgid > 0xffffffffu)
        return errno_error(redox::EINVAL);
    Context* target = pid == 0 ? &self : the_kernel().contexts().find(static_cast<u32>(pid));
    if (!target || (target != &self && target->ppid != self.pid))
        return errno_error(redox::ESRCH);
    if (target->sid != self.sid)
        return errno_error(redox::EPERM);
    u32 group = pgid == 0 ? target->pid : static_cast<u32>(pgid);
    if (group != target->pid) {
        // Joining a group needs an existing group of the same session (POSIX EPERM).
        bool exists = false;
        the_kernel().contexts().for_each([&](Context& c) {
            if (c.pgid == group && c.sid == self.sid) // zombies still hold their group
                exists = true;
        });
        if (!exists)
            return errno_error(redox::EPERM);
    }
    target->pgid = group;
    return 0u;
}

Result sys_umask(usize mask, usize, usize, usize, usize)
{
    u16 old = current().umask;
    current().umask = static_cast<u16>(mask & 0777);
    return static_cast<usize>(old);
}

Result sys_sigaction(usize signal, usize handler, usize old_address, usize, usize)
{
    if (signal == 0 || signal >= static_cast<usize>(redox::NSIG) || signal == redox::SIGKILL
        || signal == redox::SIGSTOP)
        return errno_error(redox::EINVAL);
    unsigned long* old = nullptr;
    if (old_address)
        old = TRY(user_object<unsigned long>(old_address));
    if (handler > redox::SIG_IGN)
        TRY(validate_user_range(handler, 1));
    Context& self = current();
    if (old)
        *old = self.signal_handlers[signal];
    self.signal_handlers[signal] = handler;
    if (handler == redox::SIG_IGN)
        self.pending_signals &= ~(1u << signal);
    return 0u;
}

Result sys_yield(usize, usize, usize, usize, usize)
{
    the_kernel().scheduler().yield();
    return 0u;
}

Result sys_nanosleep(usize request_address, usize remaining_address, usize, usize, usize)
{
    const redox::TimeSpec* request = TRY(user_object<const redox::TimeSpec>(request_address));
    redox::TimeSpec* remaining = nullptr;
    if (remaining_address)
        remaining = TRY(user_object<redox::TimeSpec>(remaining_address));
    if (request->tv_sec < 0 || request->tv_nsec < 0 || request->tv_nsec >= 1'000'000'000)
        return errno_error(redox::EINVAL);
    u64 start = hal::monotonic_ns();
    u64 duration = static_cast<u64>(request->tv_sec) * 1'000'000'000ull + static_cast<u64>(request->tv_nsec);
    u64 deadline = start + duration;
    if (deadline < start)
        deadline = ~0ull;
    int result = the_kernel().scheduler().block(nullptr, deadline, true);
    if (result == -redox::EINTR) {
        u64 now = hal::monotonic_ns();
        u64 left = now < deadline ? deadline - now : 0;
        if (remaining)
            *remaining = { static_cast<i64>(left / 1'000'000'000), static_cast<i32>(left % 1'000'000'000), 0 };
        return errno_error(redox::EINTR);
    }
    return 0u;
}

Result sys_clock_gettime(usize clock, usize address, usize, usize, usize)
{
    redox::TimeSpec* out = TRY(user_object<redox::TimeSpec>(address));
    i64 now = TRY(clock_now_ns(static_cast<int>(clock)));
    *out = { now / 1'000'000'000, static_cast<i32>(now % 1'000'000'000), 0 };
    return 0u;
}

// POSIX setreuid/setregid without saved ids: an unprivileged caller may only pick values it
// already has as its real or effective id.
static ErrorOr<void> set_pair(u32& real, u32& effective, usize new_real, usize new_effective, bool privileged)
{
    if ((new_real != unchanged && new_real > 0xffffffffu)
        || (new_effective != unchanged && new_effective > 0xffffffffu))
        return errno_error(redox::EINVAL);
    u32 r = new_real == unchanged ? real : static_cast<u32>(new_real);
    u32 e = new_effective == unchanged ? effective : static_cast<u32>(new_effective);
    if (!privileged) {
        if (r != real && r != effective)
            return errno_error(redox::EPERM);
        if (e != real && e != effective)
            return errno_error(redox::EPERM);
    }
    real = r;
    effective = e;
    return {};
}

Result sys_setreuid(usize ruid, usize euid, usize, usize, usize)
{
    Credentials& c = current().credentials;
    TRY(set_pair(c.ruid, c.euid, ruid, euid, c.euid == 0));
    return 0u;
}

Result sys_setregid(usize rgid, usize egid, usize, usize, usize)
{
    Credentials& c = current().credentials;
    TRY(set_pair(c.rgid, c.egid, rgid, egid, c.euid == 0));
    return 0u;
}

} // namespace kernel::syscalls
