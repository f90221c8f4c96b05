#pragma once
// The project's syscall library: thin typed wrappers over Redox syscall numbers.
// Every app does its I/O through these (never the host libc), so the same app runs in the
// simulator and on bare metal. Each call returns the result or -errno, as the kernel does.
#include "../../../kernel_core/abi/redox/errno.h"
#include "../../../kernel_core/abi/redox/flags.h"
#include "../../../kernel_core/abi/redox/structs.h"
#include "../../../kernel_core/abi/redox/syscall_numbers.h"
#include "../../../kernel_core/ktl/string_view.h"

extern "C" long redox_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e);

namespace sys {

using ktl::StringView;
using ulong = unsigned long;

inline long call(ulong n, ulong a = 0, ulong b = 0, ulong c = 0, ulong d = 0, ulong e = 0)
{
    return redox_syscall(n, a, b, c, d, e);
}
inline ulong ptr(const void* p) { return reinterpret_cast<ulong>(p); }

// Paths
inline long open(StringView path, ulong flags)
{
    return call(redox::SYS_open, ptr(path.chars()), path.length(), flags);
}
inline long openat(int dirfd, StringView path, ulong flags)
{
    return call(redox::SYS_openat, dirfd, ptr(path.chars()), path.length(), flags);
}
inline long link(StringView from, StringView to)
{
    return call(redox::SYS_link, ptr(from.chars()), from.length(), ptr(to.chars()), to.length());
}
inline long unlink(StringView path) { return call(redox::SYS_unlink, ptr(path.chars()), path.length()); }
inline long rmdir(StringView path) { return call(redox::SYS_rmdir, ptr(path.chars()), path.length()); }
inline long chmod(StringView path, ulong mode)
{
    return call(redox::SYS_chmod, ptr(path.chars()), path.length(), mode);
}
// mkdir is open(O_CREAT | O_DIRECTORY | O_EXCL) then close, as on Redox.
long mkdir(StringView path, ulong mode);

// File descriptors
inline long read(int fd, void* buf, ulong len) { return call(redox::SYS_read, fd, ptr(buf), len); }
inline long write(int fd, const void* buf, ulong len) { return call(redox::SYS_write, fd, ptr(buf), len); }
inline long close(int fd) { return call(redox::SYS_close, fd); }
inline long lseek(int fd, long offset, int whence)
{
    return call(redox::SYS_lseek, fd, static_cast<ulong>(offset), whence);
}
inline long dup(int fd, StringView buf = {}) { return call(redox::SYS_dup, fd, ptr(buf.chars()), buf.length()); }
inline long dup2(int fd, int new_fd, StringView buf = {})
{
    return call(redox::SYS_dup2, fd, new_fd, ptr(buf.chars()), buf.length());
}
inline long fstat(int fd, redox::Stat& st) { return call(redox::SYS_fstat, fd, ptr(&st), sizeof st); }
inline long fstatvfs(int fd, redox::StatVfs& st) { return call(redox::SYS_fstatvfs, fd, ptr(&st), sizeof st); }
inline long fsync(int fd) { return call(redox::SYS_fsync, fd); }
inline long ftruncate(int fd, ulong length) { return call(redox::SYS_ftruncate, fd, length); }
inline long fchmod(int fd, ulong mode) { return call(redox::SYS_fchmod, fd, mode); }
inline long fchown(int fd, ulong uid, ulong gid) { return call(redox::SYS_fchown, fd, uid, gid); }
inline long futimens(int fd, const redox::TimeSpec times[2])
{
    return call(redox::SYS_futimens, fd, ptr(times), 2 * sizeof(redox::TimeSpec));
}
inline long fcntl(int fd, int cmd, ulong arg) { return call(redox::SYS_fcntl, fd, static_cast<ulong>(cmd), arg); }
inline long fpath(int fd, char* buf, ulong len) { return call(redox::SYS_fpath, fd, ptr(buf), len); }
// Maps [offset, offset + size) of fd (PROT_*/MAP_* flags); returns the address or -errno.
// Every context shares one address space, so the scheme picks the address.
inline long fmap(int fd, ulong offset, ulong size, ulong flags)
{
    redox::Map map { offset, size, flags, 0 };
    return call(redox::SYS_fmap, fd, ptr(&map), sizeof map);
}
inline long funmap(void* address, ulong size) { return call(redox::SYS_funmap, ptr(address), size); }
inline long frename(int fd, StringView path) { return call(redox::SYS_frename, fd, ptr(path.chars()), path.length()); }
inline long fevent(int fd, ulong flags) { return call(redox::SYS_fevent, fd, flags); }
// Fills buf with DirentHeader records starting at the opaque position `offset` (0 = start);
// returns the bytes written, 0 at the end.
inline long getdents(int fd, void* buf, ulong len, ulong offset)
{
    return call(redox::SYS_getdents, fd, ptr(buf), len, offset);
}
inline long pipe2(int fds[2], ulong flags) { return call(redox::SYS_pipe2, ptr(fds), flags); }

// Processes
[[noreturn]] void exit(int status);
inline long waitpid(long pid, int* status, int options)
{
    return call(redox::SYS_waitpid, static_cast<ulong>(pid), ptr(status), static_cast<ulong>(options));
}
inline long kill(long pid, int signal)
{
    return call(redox::SYS_kill, static_cast<ulong>(pid), static_cast<ulong>(signal));
}
// argv and envp are NULL-terminated arrays, as for POSIX execve. Returns only on error.
inline long execve(StringView path, const char* const* argv, const char* const* envp)
{
    return call(redox::SYS_execve, ptr(path.chars()), path.length(), ptr(argv), ptr(envp));
}
inline long fexec(int fd, const char* const* argv, const char* const* envp)
{
    return call(redox::SYS_fexec, fd, ptr(argv), ptr(envp));
}
// Starts a new context running entry(argument); it exits with entry's return value.
// A process (no CLONE_VM) gets a copy of the fd table, cwd, environment and credentials.
// With CLONE_VFORK the caller sleeps until the child calls exec or exits. Returns the child's pid.
using CloneEntry = int (*)(void* argument);
inline long clone(ulong flags, CloneEntry entry, void* argument)
{
    return call(redox::SYS_clone, flags, ptr(reinterpret_cast<void*>(entry)), ptr(argument));
}
inline long chdir(StringView path) { return call(redox::SYS_chdir, ptr(path.chars()), path.length()); }
inline long getcwd(char* buf, ulong len) { return call(redox::SYS_getcwd, ptr(buf), len); }
inline long getpid() { return call(redox::SYS_getpid); }
inline long getppid() { return call(redox::SYS_getppid); }
inline long getpgid(long pid) { return call(redox::SYS_getpgid, static_cast<ulong>(pid)); }
inline long setpgid(long pid, long pgid)
{
    return call(redox::SYS_setpgid, static_cast<ulong>(pid), static_cast<ulong>(pgid));
}
inline long getuid() { return call(redox::SYS_getuid); }
inline long getgid() { return call(redox::SYS_getgid); }
inline long geteuid() { return call(redox::SYS_geteuid); }
inline long getegid() { return call(redox::SYS_getegid); }
// Port I/O for drivers (root only): level 1-3 grants it, 0 gives it up.
inline long iopl(ulong level) { return call(redox::SYS_iopl, level); }
inline long setreuid(long r, long e) { return call(redox::SYS_setreuid, static_cast<ulong>(r), static_cast<ulong>(e)); }
inline long setregid(long r, long e) { return call(redox::SYS_setregid, static_cast<ulong>(r), static_cast<ulong>(e)); }
inline long umask(ulong mask) { return call(redox::SYS_umask, mask); }
// handler: redox::SIG_DFL, redox::SIG_IGN, or a void(*)(int) called at the next syscall return.
inline long sigaction(int signal, ulong handler, ulong* old_handler)
{
    return call(redox::SYS_sigaction, static_cast<ulong>(signal), handler, ptr(old_handler));
}
inline long yield() { return call(redox::SYS_yield); }
inline long nanosleep(const redox::TimeSpec& request, redox::TimeSpec* remaining)
{
    return call(redox::SYS_nanosleep, ptr(&request), ptr(remaining));
}
inline long clock_gettime(int clock, redox::TimeSpec& out)
{
    return call(redox::SYS_clock_gettime, static_cast<ulong>(clock), ptr(&out));
}

// Namespaces
inline long getns() { return call(redox::SYS_getns); }
inline long getens() { return call(redox::SYS_getens); }
inline long setrens(long rns, long ens)
{
    return call(redox::SYS_setrens, static_cast<ulong>(rns), static_cast<ulong>(ens));
}
// names: pairs of (pointer, length), as Redox's mkns(&[[usize; 2]]).
inline long mkns(const ulong (*names)[2], ulong count) { return call(redox::SYS_mkns, ptr(names), count); }

} // namespace sys
