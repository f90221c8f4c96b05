// Processes: waitpid, zombies and orphans, kill and signal handlers, credentials, process
// groups, umask, exec (permissions, formats, scripts, close-on-exec) and vfork.
#include "kernel_harness.h"

#include "redox/io.h"
#include "redox/program.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using harness::boot;
using harness::spawn;

namespace {

// What the test program saw last time it ran (one address space: the test reads it back).
std::vector<std::string> g_program_args;
long g_program_cloexec_fd_result = 0;
int g_program_cloexec_fd = -1;
int g_program_plain_fd = -1;
long g_program_plain_fd_result = 0;

int args_program(int argc, char** argv, char**)
{
    g_program_args.clear();
    for (int i = 0; i < argc; ++i)
        g_program_args.emplace_back(argv[i]);
    if (g_program_cloexec_fd >= 0)
        g_program_cloexec_fd_result = sys::write(g_program_cloexec_fd, "x", 1);
    if (g_program_plain_fd >= 0)
        g_program_plain_fd_result = sys::write(g_program_plain_fd, "x", 1);
    return argc;
}

std::string read_file(const char* path)
{
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0)
        return {};
    io::String text;
    io::read_all(static_cast<int>(fd), text);
    sys::close(static_cast<int>(fd));
    return std::string(text.c_str(), text.length());
}

// The STAT column of pid in /scheme/sys/context, or "" when it is not listed.
std::string context_state(long pid)
{
    std::string text = read_file("/scheme/sys/context");
    std::size_t at = text.find('\n'); // skip the header
    while (at != std::string::npos && at + 1 < text.size()) {
        std::size_t end = text.find('\n', at + 1);
        std::string line = text.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
        at = end;
        std::vector<std::string> f;
        std::size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && line[i] == ' ')
                ++i;
            std::size_t start = i;
            while (i < line.size() && line[i] != ' ')
                ++i;
            if (i > start)
                f.push_back(line.substr(start, i - start));
        }
        if (f.size() > 10 && f[0] == std::to_string(pid))
            return f[10];
    }
    return "";
}

long write_file(const char* path, const std::string& content, unsigned mode)
{
    long fd = sys::open(path, redox::O_CREAT | redox::O_TRUNC | redox::O_WRONLY | mode);
    if (fd < 0)
        return fd;
    long n = sys::write(static_cast<int>(fd), content.data(), content.size());
    sys::close(static_cast<int>(fd));
    return n < 0 ? n : 0;
}

} // namespace

REDOX_PROGRAM("test-args", args_program)

TEST_CASE("waitpid: exit codes, WNOHANG, ECHILD and bad arguments")
{
    auto run = boot([&] {
        CHECK(sys::waitpid(-1, nullptr, 0) == -redox::ECHILD);
        CHECK(sys::waitpid(-1, nullptr, redox::WNOHANG) == -redox::ECHILD);
        long three = spawn([] { return 3; });
        int status = -1;
        CHECK(sys::waitpid(three, &status, 0) == three);
        CHECK(redox::wifexited(status));
        CHECK(!redox::wifsignaled(status));
        CHECK(redox::wexitstatus(status) == 3);
        // Reaped: it is gone.
        CHECK(sys::waitpid(three, &status, 0) == -redox::ECHILD);
        // exit() keeps only the low 8 bits.
        long big = spawn([]() -> int { sys::exit(256 + 7); });
        CHECK(harness::wait_status(big) == (7 << 8));

        bool stop = false;
        long busy = spawn([&stop] {
            while (!stop)
                sys::yield();
            return 0;
        });
        CHECK(sys::waitpid(busy, &status, redox::WNOHANG) == 0);
        // Pids wider than 32 bits name nobody: no aliasing by truncation.
        CHECK(sys::waitpid(busy + (1l << 32), &status, redox::WNOHANG) == -redox::ECHILD);
        CHECK(sys::waitpid(-(1l << 32) - 1, &status, redox::WNOHANG) == -redox::ECHILD);
        CHECK(sys::waitpid(-0x7fff'ffff'ffff'ffffl - 1, &status, redox::WNOHANG) == -redox::ECHILD);
        CHECK(sys::waitpid(-1, &status, redox::WNOHANG) == 0);
        CHECK(sys::waitpid(busy, &status, 0x100) == -redox::EINVAL);
        CHECK(sys::waitpid(busy, reinterpret_cast<int*>(8), 0) == -redox::EFAULT);
        // Not a child: pid 1 itself, a missing pid, a grandchild.
        CHECK(sys::waitpid(1, &status, 0) == -redox::ECHILD);
        CHECK(sys::waitpid(4000, &status, redox::WNOHANG) == -redox::ECHILD);
        long grandchild = -1;
        long parent = spawn([&grandchild] {
            grandchild = spawn([] { return 0; });
            return harness::wait_status(grandchild) == 0 ? 0 : 1;
        });
        sys::yield();
        CHECK(grandchild > 0);
        CHECK(sys::waitpid(grandchild, &status, redox::WNOHANG) == -redox::ECHILD);
        CHECK(harness::wait_status(parent) == 0);
        stop = true;
        CHECK(harness::wait_status(busy) == 0);
        // waitpid(-1) returns each child once.
        long a = spawn([] { return 1; });
        long b = spawn([] { return 2; });
        long first = sys::waitpid(-1, &status, 0);
        long second = sys::waitpid(-1, &status, 0);
        CHECK(((first == a && second == b) || (first == b && second == a)));
        CHECK(sys::waitpid(-1, &status, 0) == -redox::ECHILD);
        // waitpid(0) and waitpid(-pgid) by group.
        long grouped = spawn([] {
            sys::setpgid(0, 0);
            return 5;
        });
        long plain = spawn([] { return 6; });
        sys::yield();
        CHECK(sys::waitpid(-grouped, &status, 0) == grouped);
        CHECK(redox::wexitstatus(status) == 5);
        CHECK(sys::waitpid(0, &status, 0) == plain);
        CHECK(redox::wexitstatus(status) == 6);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a zombie shows as Z in sys:context until it is reaped")
{
    auto run = boot([&] {
        long child = spawn([] { return 0; });
        sys::yield();
        sys::yield();
        CHECK(context_state(child) == "Z");
        CHECK(context_state(sys::getpid()) == "R+");
        CHECK(harness::wait_status(child) == 0);
        CHECK(context_state(child) == "");
        // A blocked child shows as S.
        int fds[2];
        sys::pipe2(fds, 0);
        long sleeper = spawn([fds] {
            char c;
            return static_cast<int>(sys::read(fds[0], &c, 1));
        });
        sys::yield();
        CHECK(context_state(sleeper) == "S");
        sys::write(fds[1], "x", 1);
        CHECK(harness::wait_status(sleeper) == (1 << 8));
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("orphans are re-parented to init, which can reap them")
{
    long orphan = -1, zombie_orphan = -1;
    long ppid_before = -1, ppid_after = -1;
    auto run = boot([&] {
        bool parent_gone = false;
        long parent = spawn([&] {
            orphan = spawn([&] {
                ppid_before = sys::getppid();
                while (!parent_gone)
                    sys::yield();
                ppid_after = sys::getppid();
                return 9;
            });
            zombie_orphan = spawn([] { return 8; });
            sys::yield();
            return 0; // exits without waiting for either
        });
        CHECK(harness::wait_status(parent) == 0);
        parent_gone = true;
        int status = -1;
        CHECK(sys::waitpid(zombie_orphan, &status, 0) == zombie_orphan);
        CHECK(redox::wexitstatus(status) == 8);
        CHECK(sys::waitpid(orphan, &status, 0) == orphan);
        CHECK(redox::wexitstatus(status) == 9);
        CHECK(sys::waitpid(-1, &status, redox::WNOHANG) == -redox::ECHILD);
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(ppid_before > 1);
    CHECK(ppid_after == 1);
}

TEST_CASE("kill: permissions, missing pids, signal 0 probes, bad signals")
{
    auto run = boot([&] {
        CHECK(sys::kill(4000, redox::SIGTERM) == -redox::ESRCH);
        CHECK(sys::kill(4000, 0) == -redox::ESRCH);
        CHECK(sys::kill(sys::getpid(), 0) == 0);
        CHECK(sys::kill(sys::getpid(), 99) == -redox::EINVAL);
        CHECK(sys::kill(sys::getpid(), -1) == -redox::EINVAL);
        CHECK(sys::kill(-4000, redox::SIGTERM) == -redox::ESRCH);
        // Pids wider than 32 bits name nobody (1 + 2^32 must not reach pid 1).
        CHECK(sys::kill(1 + (1l << 32), 0) == -redox::ESRCH);
        CHECK(sys::kill(-1 - (1l << 32), 0) == -redox::ESRCH);
        CHECK(sys::kill(-0x7fff'ffff'ffff'ffffl - 1, 0) == -redox::ESRCH);

        bool stop = false;
        long victim = spawn([&stop] {
            sys::setreuid(2000, 2000);
            while (!stop)
                sys::yield();
            return 0;
        });
        sys::yield();
        long attacker = spawn([victim] {
            sys::setreuid(1000, 1000);
            CHECK(sys::kill(victim, redox::SIGKILL) == -redox::EPERM);
            CHECK(sys::kill(victim, 0) == -redox::EPERM);
            CHECK(sys::kill(1, redox::SIGTERM) == -redox::EPERM);
            CHECK(sys::kill(4000, 0) == -redox::ESRCH);
            // Its own process is fine.
            CHECK(sys::kill(sys::getpid(), 0) == 0);
            return 0;
        });
        CHECK(harness::wait_status(attacker) == 0);
        // A same-uid process may signal.
        long friendly = spawn([victim] {
            sys::setreuid(2000, 2000);
            return sys::kill(victim, 0) == 0 ? 0 : 1;
        });
        CHECK(harness::wait_status(friendly) == 0);
        // Signal 0 only probes: the victim is still running.
        CHECK(sys::waitpid(victim, nullptr, redox::WNOHANG) == 0);
        // A zombie still exists until reaped (as on Linux): kill succeeds, has no effect.
        stop = true;
        sys::yield();
        sys::yield();
        CHECK(context_state(victim) == "Z");
        CHECK(sys::kill(victim, 0) == 0);
        CHECK(sys::kill(victim, redox::SIGKILL) == 0);
        int status = harness::wait_status(victim);
        CHECK(redox::wifexited(status));
        CHECK(sys::kill(victim, 0) == -redox::ESRCH);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("sigaction: handlers run, SIG_IGN ignores, SIGKILL and SIGSTOP can not be caught")
{
    static int handled_signal = 0;
    static int handled_count = 0;
    handled_signal = 0;
    handled_count = 0;
    auto run = boot([&] {
        long child = spawn([] {
            unsigned long old = 123;
            auto handler = [](int signal) {
                handled_signal = signal;
                ++handled_count;
            };
            CHECK(sys::sigaction(redox::SIGUSR1, reinterpret_cast<unsigned long>(+handler), &old) == 0);
            CHECK(old == redox::SIG_DFL);
            CHECK(sys::kill(sys::getpid(), redox::SIGUSR1) == 0);
            // Delivered on the way out of the kill syscall.
            CHECK(handled_signal == redox::SIGUSR1);
            CHECK(handled_count == 1);
            CHECK(sys::sigaction(redox::SIGUSR1, redox::SIG_IGN, &old) == 0);
            CHECK(old == reinterpret_cast<unsigned long>(+handler));
            CHECK(sys::kill(sys::getpid(), redox::SIGUSR1) == 0);
            CHECK(handled_count == 1);
            CHECK(sys::sigaction(redox::SIGKILL, redox::SIG_IGN, nullptr) == -redox::EINVAL);
            CHECK(sys::sigaction(redox::SIGKILL, reinterpret_cast<unsigned long>(+handler), nullptr) == -redox::EINVAL);
            CHECK(sys::sigaction(redox::SIGSTOP, redox::SIG_IGN, nullptr) == -redox::EINVAL);
            CHECK(sys::sigaction(0, redox::SIG_IGN, nullptr) == -redox::EINVAL);
            CHECK(sys::sigaction(32, redox::SIG_IGN, nullptr) == -redox::EINVAL);
            CHECK(sys::sigaction(redox::SIGTERM, 100, nullptr) == -redox::EFAULT); // handler in page 0
            CHECK(
                sys::sigaction(redox::SIGTERM, redox::SIG_IGN, reinterpret_cast<unsigned long*>(8)) == -redox::EFAULT);
            CHECK(sys::sigaction(redox::SIGTERM, redox::SIG_IGN, nullptr) == 0);
            CHECK(sys::kill(sys::getpid(), redox::SIGTERM) == 0);
            // Still alive; SIGKILL is not ignorable.
            sys::kill(sys::getpid(), redox::SIGKILL);
            return 50; // not reached
        });
        int status = harness::wait_status(child);
        CHECK(redox::wifsignaled(status));
        CHECK(redox::wtermsig(status) == redox::SIGKILL);
        // The default action of SIGCHLD is to ignore; of SIGTERM to terminate.
        long quiet = spawn([] {
            sys::kill(sys::getpid(), redox::SIGCHLD);
            return 0;
        });
        CHECK(harness::wait_status(quiet) == 0);
        long loud = spawn([] {
            sys::kill(sys::getpid(), redox::SIGTERM);
            return 0;
        });
        CHECK(harness::wait_status(loud) == redox::SIGTERM);
        // A child inherits handlers.
        CHECK(sys::sigaction(redox::SIGUSR2, redox::SIG_IGN, nullptr) == 0);
        long inherits = spawn([] {
            sys::kill(sys::getpid(), redox::SIGUSR2);
            return 0;
        });
        CHECK(harness::wait_status(inherits) == 0);
        CHECK(sys::sigaction(redox::SIGUSR2, redox::SIG_DFL, nullptr) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("setreuid and setregid follow the POSIX rules without saved ids")
{
    auto run = boot([&] {
        long child = spawn([] {
            CHECK(sys::getuid() == 0);
            CHECK(sys::geteuid() == 0);
            CHECK(sys::setregid(50, 60) == 0);
            CHECK(sys::getgid() == 50);
            CHECK(sys::getegid() == 60);
            CHECK(sys::setreuid(1000, 2000) == 0);
            CHECK(sys::getuid() == 1000);
            CHECK(sys::geteuid() == 2000);
            // Not root any more: only the ids it has.
            CHECK(sys::setreuid(0, 0) == -redox::EPERM);
            CHECK(sys::setreuid(-1, 0) == -redox::EPERM);
            CHECK(sys::setreuid(3000, -1) == -redox::EPERM);
            CHECK(sys::setregid(0, -1) == -redox::EPERM);
            CHECK(sys::setregid(60, 50) == 0); // swap
            CHECK(sys::getgid() == 60);
            CHECK(sys::setreuid(2000, 1000) == 0); // swap
            CHECK(sys::getuid() == 2000);
            CHECK(sys::geteuid() == 1000);
            CHECK(sys::setreuid(-1, 2000) == 0);
            CHECK(sys::setreuid(2000, 2000) == 0);
            // 1000 is gone for good.
            CHECK(sys::setreuid(-1, 1000) == -redox::EPERM);
            CHECK(sys::setreuid(0x1'0000'0000l, -1) == -redox::EINVAL);
            // The failures changed nothing.
            CHECK(sys::getuid() == 2000);
            CHECK(sys::geteuid() == 2000);
            // A child inherits the credentials.
            long grandchild = spawn([] { return sys::getuid() == 2000 && sys::getegid() == 50 ? 0 : 1; });
            CHECK(harness::wait_status(grandchild) == 0);
            return 0;
        });
        CHECK(harness::wait_status(child) == 0);
        // Root with a non-root real uid gets its privilege back through the effective uid.
        long back = spawn([] {
            CHECK(sys::setreuid(1000, -1) == 0);
            CHECK(sys::geteuid() == 0);
            CHECK(sys::setreuid(-1, 1000) == 0);
            CHECK(sys::setreuid(-1, 0) == -redox::EPERM);
            return 0;
        });
        CHECK(harness::wait_status(back) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("process groups: setpgid and getpgid")
{
    auto run = boot([&] {
        CHECK(sys::getpgid(0) == 1);
        CHECK(sys::getpgid(1) == 1);
        CHECK(sys::getpgid(4000) == -redox::ESRCH);
        bool stop = false;
        long a = spawn([&stop] {
            while (!stop)
                sys::yield();
            return 0;
        });
        long b = spawn([&stop] {
            while (!stop)
                sys::yield();
            return 0;
        });
        CHECK(sys::getpgid(a) == 1);
        CHECK(sys::setpgid(a, 0) == 0);
        CHECK(sys::getpgid(a) == a);
        CHECK(sys::setpgid(b, a) == 0);
        CHECK(sys::getpgid(b) == a);
        // A group that does not exist in the session.
        CHECK(sys::setpgid(b, 3999) == -redox::EPERM);
        CHECK(sys::getpgid(b) == a);
        CHECK(sys::setpgid(4000, 0) == -redox::ESRCH);
        CHECK(sys::setpgid(0, -5) == -redox::EINVAL);
        // Not our child.
        long outsider = spawn([a] { return sys::setpgid(a, 0) == -redox::ESRCH ? 0 : 1; });
        CHECK(harness::wait_status(outsider) == 0);
        // A signal to the group reaches both members and nobody else.
        CHECK(sys::kill(-a, redox::SIGTERM) == 0);
        CHECK(harness::wait_status(a) == redox::SIGTERM);
        CHECK(harness::wait_status(b) == redox::SIGTERM);
        stop = true;
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("umask applies to created files")
{
    auto run = boot(
        [&] {
            CHECK(sys::umask(077) == 022);
            long fd = sys::open("/tmp/masked", redox::O_CREAT | redox::O_RDWR | 0666);
            CHECK(fd >= 0);
            redox::Stat st {};
            CHECK(sys::fstat(static_cast<int>(fd), st) == 0);
            CHECK((st.st_mode & 0777) == 0600);
            CHECK((st.st_mode & redox::MODE_TYPE) == redox::MODE_FILE);
            sys::close(static_cast<int>(fd));
            CHECK(sys::umask(0) == 077);
            fd = sys::open("/tmp/open", redox::O_CREAT | redox::O_RDWR | 0666);
            CHECK(sys::fstat(static_cast<int>(fd), st) == 0);
            CHECK((st.st_mode & 0777) == 0666);
            sys::close(static_cast<int>(fd));
            CHECK(sys::umask(01777) == 0); // only permission bits are kept
            CHECK(sys::umask(022) == 0777);
            CHECK(sys::mkdir("/tmp/dir", 0777) == 0);
            fd = sys::open("/tmp/dir", redox::O_RDONLY | redox::O_DIRECTORY);
            CHECK(sys::fstat(static_cast<int>(fd), st) == 0);
            CHECK((st.st_mode & 0777) == 0755);
            sys::close(static_cast<int>(fd));
            // The umask is inherited.
            sys::umask(027);
            long child = spawn([] { return sys::umask(0) == 027 ? 0 : 1; });
            CHECK(harness::wait_status(child) == 0);
            CHECK(sys::umask(022) == 027);
            return 0;
        },
        harness::with_fs());
    CHECK(run.status == 0);
}

TEST_CASE("exec: permission, format and script errors; arguments; close-on-exec")
{
    auto run = boot(
        [&] {
            const std::string magic = "#!redox-program ";
            CHECK(write_file("/tmp/noexec", magic + "test-args\n", 0644) == 0);
            CHECK(write_file("/tmp/garbage", "hello world\n", 0755) == 0);
            CHECK(write_file("/tmp/unknown", magic + "no-such-program\n", 0755) == 0);
            CHECK(write_file("/tmp/empty", "", 0755) == 0);
            CHECK(write_file("/bin/interp", magic + "test-args\n", 0755) == 0);
            CHECK(write_file("/tmp/script", "#!/bin/interp -x\necho hi\n", 0755) == 0);
            CHECK(write_file("/tmp/plain-script", "#!/bin/interp\n", 0755) == 0);
            CHECK(write_file("/tmp/missing-interp", "#!/bin/nope\n", 0755) == 0);
            CHECK(write_file("/tmp/loop", "#!/tmp/loop\n", 0755) == 0);
            CHECK(write_file("/tmp/userexec", magic + "test-args\n", 0700) == 0);
            const char* argv[] = { "prog", "arg1", nullptr };
            const char* envp[] = { "A=1", nullptr };
            auto exec_in_child = [&](const char* path) {
                long child = spawn([path, &argv, &envp] { return static_cast<int>(-sys::execve(path, argv, envp)); });
                return harness::wait_status(child);
            };
            CHECK(exec_in_child("/tmp/noexec") == (redox::EACCES << 8));
            CHECK(exec_in_child("/tmp/garbage") == (redox::ENOEXEC << 8));
            CHECK(exec_in_child("/tmp/unknown") == (redox::ENOEXEC << 8));
            CHECK(exec_in_child("/tmp/empty") == (redox::ENOEXEC << 8));
            CHECK(exec_in_child("/tmp") == (redox::EACCES << 8));
            CHECK(exec_in_child("/tmp/none") == (redox::ENOENT << 8));
            CHECK(exec_in_child("/tmp/missing-interp") == (redox::ENOENT << 8));
            CHECK(exec_in_child("/tmp/loop") == (redox::ELOOP << 8));
            // Another user may not run a 0700 file of root's.
            long other = spawn([&argv] {
                sys::setreuid(1000, 1000);
                return static_cast<int>(-sys::execve("/tmp/userexec", argv, nullptr));
            });
            CHECK(harness::wait_status(other) == (redox::EACCES << 8));

            // A program runs with its arguments.
            g_program_args.clear();
            CHECK(exec_in_child("/tmp/userexec") == (2 << 8));
            CHECK(g_program_args == std::vector<std::string> { "prog", "arg1" });
            // A script runs through its interpreter: interpreter, its argument, script, args.
            g_program_args.clear();
            CHECK(exec_in_child("/tmp/script") == (4 << 8));
            CHECK(g_program_args == std::vector<std::string> { "/bin/interp", "-x", "/tmp/script", "arg1" });
            g_program_args.clear();
            CHECK(exec_in_child("/tmp/plain-script") == (3 << 8));
            CHECK(g_program_args == std::vector<std::string> { "/bin/interp", "/tmp/plain-script", "arg1" });

            // Close-on-exec fds are gone in the new program; the others stay.
            int cloexec = static_cast<int>(sys::open("/scheme/null", redox::O_WRONLY | redox::O_CLOEXEC));
            int plain = static_cast<int>(sys::open("/scheme/null", redox::O_WRONLY));
            g_program_cloexec_fd = cloexec;
            g_program_plain_fd = plain;
            CHECK(exec_in_child("/tmp/userexec") == (2 << 8));
            CHECK(g_program_cloexec_fd_result == -redox::EBADF);
            CHECK(g_program_plain_fd_result == 1);
            g_program_cloexec_fd = g_program_plain_fd = -1;
            // The parent's own fds are untouched.
            CHECK(sys::write(cloexec, "x", 1) == 1);
            // Bad argv pointers.
            long bad = spawn(
                [] { return static_cast<int>(-sys::call(redox::SYS_execve, sys::ptr("/tmp/userexec"), 13, 8, 0)); });
            CHECK(harness::wait_status(bad) == (redox::EFAULT << 8));
            return 0;
        },
        harness::with_fs());
    CHECK(run.status == 0);
}

TEST_CASE("CLONE_VFORK suspends the parent until the child execs or exits")
{
    auto run = boot(
        [&] {
            std::string log;
            long child = spawn(
                [&log] {
                    for (int i = 0; i < 5; ++i) {
                        log += "c";
                        sys::yield();
                    }
                    return 4;
                },
                redox::CLONE_VM | redox::CLONE_VFORK);
            log += "P";
            CHECK(log == "cccccP");
            CHECK(harness::wait_status(child) == (4 << 8));

            // Released by exec: the parent runs while the child's new program is alive.
            const std::string magic = "#!redox-program ";
            CHECK(write_file("/tmp/prog", magic + "test-args\n", 0755) == 0);
            log.clear();
            long execer = spawn(
                [&log] {
                    log += "c";
                    sys::yield();
                    log += "e";
                    const char* argv[] = { "p", nullptr };
                    return static_cast<int>(sys::execve("/tmp/prog", argv, nullptr));
                },
                redox::CLONE_VM | redox::CLONE_VFORK);
            log += "P";
            CHECK(log == "ceP");
            CHECK(harness::wait_status(execer) == (1 << 8));
            // A failing exec does not release the parent; the exit does.
            log.clear();
            long failing = spawn(
                [&log] {
                    const char* argv[] = { "p", nullptr };
                    long r = sys::execve("/tmp/none", argv, nullptr);
                    sys::yield();
                    log += "f";
                    return r == -redox::ENOENT ? 0 : 1;
                },
                redox::CLONE_VFORK);
            log += "P";
            CHECK(log == "fP");
            CHECK(harness::wait_status(failing) == 0);
            return 0;
        },
        harness::with_fs());
    CHECK(run.status == 0);
}

namespace {
void note_child(int) {}
} // namespace

TEST_CASE("waitpid reaps a child even when the parent handles SIGCHLD")
{
    auto run = harness::boot([&] {
        CHECK(sys::sigaction(redox::SIGCHLD, reinterpret_cast<unsigned long>(&note_child), nullptr) == 0);
        long child = harness::spawn([] { return 4; });
        int status = 0;
        CHECK(sys::waitpid(child, &status, 0) == child);
        CHECK(redox::wexitstatus(status) == 4);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("pids are reused once the counter wraps, so the table stays small")
{
    long highest = 0;
    auto run = harness::boot([&] {
        for (int i = 0; i < 3000; ++i) {
            long child = harness::spawn([] { return 0; });
            highest = child > highest ? child : highest;
            harness::wait_status(child);
        }
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(highest <= 1024);
}
