// File descriptors: the fd table, dup/dup2/fcntl, access modes, seeking, pipes and
// how clone shares or copies the table.
#include "kernel_harness.h"
#include "../../kernel_core/file_table.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using harness::boot;
using harness::spawn;

namespace {

int open_null() { return static_cast<int>(sys::open("/scheme/null", redox::O_RDWR)); }

std::string read_n(int fd, unsigned long n)
{
    std::string out(n, '\0');
    long r = sys::read(fd, out.data(), n);
    if (r < 0)
        return "E" + std::to_string(-r);
    out.resize(static_cast<std::size_t>(r));
    return out;
}

} // namespace

TEST_CASE("open returns the lowest free fd and reuses closed ones")
{
    auto run = boot([&] {
        int a = open_null();
        int b = open_null();
        int c = open_null();
        CHECK(a == 3);
        CHECK(b == 4);
        CHECK(c == 5);
        CHECK(sys::close(b) == 0);
        CHECK(sys::close(a) == 0);
        CHECK(open_null() == 3);
        CHECK(open_null() == 4);
        CHECK(open_null() == 6);
        // Closing stdin frees 0 for the next open.
        CHECK(sys::close(0) == 0);
        CHECK(open_null() == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("bad fds: close, read, write, dup of closed or absurd numbers are EBADF")
{
    auto run = boot([&] {
        char c = 0;
        CHECK(sys::close(17) == -redox::EBADF);
        CHECK(sys::close(5000) == -redox::EBADF);
        CHECK(sys::call(redox::SYS_close, ~0ul) == -redox::EBADF);
        CHECK(sys::read(5000, &c, 1) == -redox::EBADF);
        CHECK(sys::write(5000, &c, 1) == -redox::EBADF);
        CHECK(sys::dup(5000) == -redox::EBADF);
        CHECK(sys::dup2(5000, 9) == -redox::EBADF);
        CHECK(sys::dup2(5000, 5000) == -redox::EBADF);
        CHECK(sys::fcntl(5000, redox::F_GETFD, 0) == -redox::EBADF);
        CHECK(sys::lseek(5000, 0, redox::SEEK_SET) == -redox::EBADF);
        redox::Stat st {};
        CHECK(sys::fstat(5000, st) == -redox::EBADF);
        int fd = open_null();
        CHECK(sys::close(fd) == 0);
        CHECK(sys::close(fd) == -redox::EBADF);
        CHECK(sys::write(fd, "x", 1) == -redox::EBADF);
        // dup2 onto an fd number past the table limit.
        int null = open_null();
        CHECK(sys::dup2(null, kernel::FileTable::max_files) == -redox::EBADF);
        CHECK(sys::dup2(null, kernel::FileTable::max_files + 5000) == -redox::EBADF);
        CHECK(sys::close(null) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("EMFILE after 65536 open files, and the table recovers after closing")
{
    constexpr long max_files = kernel::FileTable::max_files;
    static_assert(max_files == 65536, "Redox's CONTEXT_MAX_FILES");
    auto run = boot([&] {
        std::vector<int> fds;
        long r;
        while ((r = sys::open("/scheme/null", redox::O_RDONLY)) >= 0) {
            fds.push_back(static_cast<int>(r));
            if (fds.size() > max_files)
                break;
        }
        CHECK(r == -redox::EMFILE);
        CHECK(fds.size() == max_files - 3);
        CHECK(fds.back() == max_files - 1);
        int pipe_fds[2] = { -1, -1 };
        CHECK(sys::pipe2(pipe_fds, 0) == -redox::EMFILE);
        CHECK(sys::dup(0) == -redox::EMFILE);
        CHECK(sys::fcntl(0, redox::F_DUPFD, 10) == -redox::EMFILE);
        // dup2 onto an existing fd still works with a full table, and not past its end.
        CHECK(sys::dup2(0, max_files - 1) == max_files - 1);
        CHECK(sys::dup2(0, max_files) == -redox::EBADF);
        // The lowest free fd is taken, wherever the last one was freed.
        CHECK(sys::close(40000) == 0);
        CHECK(sys::close(500) == 0);
        CHECK(open_null() == 500);
        CHECK(open_null() == 40000);
        // With exactly one free slot, pipe2 needs two and must not leak the first.
        CHECK(sys::close(600) == 0);
        CHECK(sys::pipe2(pipe_fds, 0) == -redox::EMFILE);
        CHECK(open_null() == 600);
        for (int fd : fds)
            CHECK(sys::close(fd) == 0);
        CHECK(open_null() == 3);
        CHECK(sys::fcntl(3, redox::F_DUPFD, 10) == 10);
        CHECK(open_null() == 4);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("dup and inherited descriptions share the offset")
{
    auto run = boot(
        [&] {
            int fd = static_cast<int>(sys::open("/tmp/f", redox::O_CREAT | redox::O_RDWR | 0644));
            CHECK(fd >= 3);
            CHECK(sys::write(fd, "hello world", 11) == 11);
            CHECK(sys::lseek(fd, 0, redox::SEEK_SET) == 0);
            int copy = static_cast<int>(sys::dup(fd));
            CHECK(copy > fd);
            CHECK(read_n(fd, 5) == "hello");
            CHECK(read_n(copy, 3) == " wo");
            CHECK(sys::lseek(copy, 0, redox::SEEK_CUR) == 8);
            CHECK(sys::lseek(fd, 0, redox::SEEK_CUR) == 8);
            CHECK(sys::lseek(fd, -2, redox::SEEK_END) == 9);
            CHECK(read_n(copy, 10) == "ld");
            CHECK(read_n(copy, 10) == "");
            // A separate open has its own offset.
            int other = static_cast<int>(sys::open("/tmp/f", redox::O_RDONLY));
            CHECK(read_n(other, 5) == "hello");
            // A child process shares the description with its parent (fork semantics).
            CHECK(sys::lseek(other, 0, redox::SEEK_SET) == 0);
            long child = spawn([other] { return read_n(other, 6) == "hello " ? 0 : 1; });
            CHECK(harness::wait_status(child) == 0);
            CHECK(read_n(other, 5) == "world");
            // Closing one copy leaves the other working.
            CHECK(sys::close(fd) == 0);
            CHECK(sys::lseek(copy, 0, redox::SEEK_SET) == 0);
            CHECK(read_n(copy, 5) == "hello");
            // lseek errors.
            CHECK(sys::lseek(copy, -1, redox::SEEK_SET) == -redox::EINVAL);
            CHECK(sys::lseek(copy, -100, redox::SEEK_CUR) == -redox::EINVAL);
            CHECK(sys::lseek(copy, -12, redox::SEEK_END) == -redox::EINVAL);
            CHECK(sys::lseek(copy, 0, 3) == -redox::EINVAL);
            CHECK(sys::lseek(copy, 0, redox::SEEK_CUR) == 5); // unchanged by the failures
            CHECK(sys::lseek(copy, 100, redox::SEEK_SET) == 100); // past the end is allowed
            CHECK(read_n(copy, 4) == "");
            sys::close(copy);
            sys::close(other);
            return 0;
        },
        harness::with_fs());
    CHECK(run.status == 0);
}

TEST_CASE("dup2 onto an open fd closes the old description; dup2(fd, fd) is a no-op")
{
    auto run = boot([&] {
        int fds[2];
        CHECK(sys::pipe2(fds, 0) == 0);
        int null = open_null();
        CHECK(sys::dup2(fds[1], fds[1]) == fds[1]);
        CHECK(sys::write(fds[1], "a", 1) == 1);
        // Replacing the only write end closes it: the reader sees the data, then EOF.
        CHECK(sys::dup2(null, fds[1]) == fds[1]);
        CHECK(read_n(fds[0], 4) == "a");
        CHECK(read_n(fds[0], 4) == "");
        // fds[1] is now the null device.
        CHECK(sys::write(fds[1], "xyz", 3) == 3);
        char path[32];
        long n = sys::fpath(fds[1], path, sizeof path);
        CHECK(std::string(path, n > 0 ? static_cast<std::size_t>(n) : 0) == "/scheme/null");
        // dup2 onto a closed number opens it, leaving holes below.
        CHECK(sys::dup2(null, 40) == 40);
        CHECK(sys::write(40, "q", 1) == 1);
        CHECK(sys::close(40) == 0);
        // dup2 clears close-on-exec on the new fd.
        int cloexec = static_cast<int>(sys::open("/scheme/null", redox::O_RDWR | redox::O_CLOEXEC));
        CHECK(sys::fcntl(cloexec, redox::F_GETFD, 0) == redox::FD_CLOEXEC);
        CHECK(sys::dup2(null, cloexec) == cloexec);
        CHECK(sys::fcntl(cloexec, redox::F_GETFD, 0) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("fcntl: F_DUPFD, F_GETFD/F_SETFD, F_GETFL/F_SETFL")
{
    auto run = boot([&] {
        int null = open_null();
        CHECK(sys::fcntl(null, redox::F_DUPFD, 10) == 10);
        CHECK(sys::fcntl(null, redox::F_DUPFD, 10) == 11);
        CHECK(sys::fcntl(null, redox::F_DUPFD, 0) == 4);
        CHECK(sys::fcntl(null, redox::F_DUPFD, kernel::FileTable::max_files) == -redox::EINVAL);
        CHECK(sys::fcntl(null, redox::F_DUPFD, ~0ul) == -redox::EINVAL);
        CHECK(sys::fcntl(null, 12345, 0) == -redox::EINVAL);

        CHECK(sys::fcntl(null, redox::F_GETFD, 0) == 0);
        CHECK(sys::fcntl(null, redox::F_SETFD, redox::FD_CLOEXEC) == 0);
        CHECK(sys::fcntl(null, redox::F_GETFD, 0) == redox::FD_CLOEXEC);
        // The flag belongs to the fd, not the description.
        CHECK(sys::fcntl(10, redox::F_GETFD, 0) == 0);
        int copy = static_cast<int>(sys::dup(null));
        CHECK(sys::fcntl(copy, redox::F_GETFD, 0) == 0);
        CHECK(sys::fcntl(null, redox::F_SETFD, 0) == 0);
        CHECK(sys::fcntl(null, redox::F_GETFD, 0) == 0);
        // A closed and reopened number does not inherit the old flag.
        CHECK(sys::fcntl(11, redox::F_SETFD, redox::FD_CLOEXEC) == 0);
        CHECK(sys::close(11) == 0);
        CHECK(sys::fcntl(null, redox::F_DUPFD, 11) == 11);
        CHECK(sys::fcntl(11, redox::F_GETFD, 0) == 0);

        int fds[2];
        CHECK(sys::pipe2(fds, redox::O_CLOEXEC) == 0);
        CHECK(sys::fcntl(fds[0], redox::F_GETFD, 0) == redox::FD_CLOEXEC);
        CHECK(sys::fcntl(fds[1], redox::F_GETFD, 0) == redox::FD_CLOEXEC);
        CHECK((sys::fcntl(fds[0], redox::F_GETFL, 0) & static_cast<long>(redox::O_ACCMODE))
            == static_cast<long>(redox::O_RDONLY));
        CHECK((sys::fcntl(fds[1], redox::F_GETFL, 0) & static_cast<long>(redox::O_ACCMODE))
            == static_cast<long>(redox::O_WRONLY));
        CHECK((sys::fcntl(fds[0], redox::F_GETFL, 0) & static_cast<long>(redox::O_NONBLOCK)) == 0);
        char c;
        CHECK(sys::fcntl(fds[0], redox::F_SETFL, redox::O_NONBLOCK) == 0);
        CHECK((sys::fcntl(fds[0], redox::F_GETFL, 0) & static_cast<long>(redox::O_NONBLOCK)) != 0);
        CHECK(sys::read(fds[0], &c, 1) == -redox::EAGAIN);
        // F_SETFL can not change the access mode.
        CHECK(sys::fcntl(fds[0], redox::F_SETFL, redox::O_RDWR | redox::O_NONBLOCK) == 0);
        CHECK((sys::fcntl(fds[0], redox::F_GETFL, 0) & static_cast<long>(redox::O_ACCMODE))
            == static_cast<long>(redox::O_RDONLY));
        CHECK(sys::write(fds[0], "x", 1) == -redox::EBADF);
        // O_NONBLOCK is a description flag: a dup sees it.
        int read_copy = static_cast<int>(sys::dup(fds[0]));
        CHECK(sys::read(read_copy, &c, 1) == -redox::EAGAIN);
        CHECK(sys::write(fds[1], "z", 1) == 1);
        CHECK(sys::read(read_copy, &c, 1) == 1);
        CHECK(c == 'z');
        CHECK(sys::fcntl(fds[0], redox::F_SETFL, 0) == 0);
        CHECK((sys::fcntl(read_copy, redox::F_GETFL, 0) & static_cast<long>(redox::O_NONBLOCK)) == 0);
        // pipe2 with O_NONBLOCK.
        int nb[2];
        CHECK(sys::pipe2(nb, redox::O_NONBLOCK) == 0);
        CHECK(sys::read(nb[0], &c, 1) == -redox::EAGAIN);
        CHECK(sys::pipe2(nb, redox::O_TRUNC) == -redox::EINVAL);
        CHECK(sys::pipe2(nullptr, 0) == -redox::EFAULT);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("access modes are enforced per description")
{
    auto run = boot(
        [&] {
            int fds[2];
            CHECK(sys::pipe2(fds, 0) == 0);
            char c = 0;
            CHECK(sys::read(fds[1], &c, 1) == -redox::EBADF);
            CHECK(sys::write(fds[0], "x", 1) == -redox::EBADF);
            int w = static_cast<int>(sys::open("/tmp/w", redox::O_CREAT | redox::O_WRONLY | 0644));
            CHECK(w >= 0);
            CHECK(sys::write(w, "data", 4) == 4);
            CHECK(sys::lseek(w, 0, redox::SEEK_SET) == 0);
            CHECK(sys::read(w, &c, 1) == -redox::EBADF);
            int r = static_cast<int>(sys::open("/tmp/w", redox::O_RDONLY));
            CHECK(sys::write(r, "x", 1) == -redox::EBADF);
            CHECK(sys::ftruncate(r, 0) == -redox::EBADF);
            CHECK(read_n(r, 10) == "data");
            // Reads and writes with bad buffers fault before touching the file.
            CHECK(sys::read(r, nullptr, 10) == -redox::EFAULT);
            CHECK(sys::write(w, reinterpret_cast<const void*>(16), 1) == -redox::EFAULT);
            CHECK(sys::read(r, nullptr, 0) == 0); // nothing to copy: fine
            // O_APPEND writes at the end whatever the offset.
            int a = static_cast<int>(sys::open("/tmp/w", redox::O_WRONLY | redox::O_APPEND));
            CHECK(sys::write(a, "++", 2) == 2);
            CHECK(sys::lseek(r, 0, redox::SEEK_SET) == 0);
            CHECK(read_n(r, 10) == "data++");
            return 0;
        },
        harness::with_fs());
    CHECK(run.status == 0);
}

TEST_CASE("pipes: ESPIPE, EOF when writers close, EPIPE and SIGPIPE when readers close")
{
    auto run = boot([&] {
        int fds[2];
        CHECK(sys::pipe2(fds, 0) == 0);
        CHECK(sys::lseek(fds[0], 0, redox::SEEK_SET) == -redox::ESPIPE);
        CHECK(sys::lseek(fds[1], 0, redox::SEEK_CUR) == -redox::ESPIPE);
        // A second write end keeps the pipe open until both close.
        int second_writer = static_cast<int>(sys::dup(fds[1]));
        CHECK(sys::write(fds[1], "ab", 2) == 2);
        CHECK(sys::close(fds[1]) == 0);
        CHECK(read_n(fds[0], 10) == "ab");
        CHECK(sys::fcntl(fds[0], redox::F_SETFL, redox::O_NONBLOCK) == 0);
        char c;
        CHECK(sys::read(fds[0], &c, 1) == -redox::EAGAIN); // a writer is still open
        CHECK(sys::close(second_writer) == 0);
        CHECK(sys::read(fds[0], &c, 1) == 0); // EOF
        CHECK(sys::close(fds[0]) == 0);

        // A blocked reader is woken by the last writer closing.
        int p[2];
        CHECK(sys::pipe2(p, 0) == 0);
        long reader = spawn([p] {
            sys::close(p[1]);
            char b;
            return static_cast<int>(sys::read(p[0], &b, 1)); // 0 at EOF
        });
        sys::yield();
        CHECK(sys::close(p[1]) == 0);
        int status = harness::wait_status(reader);
        CHECK(redox::wifexited(status));
        CHECK(redox::wexitstatus(status) == 0);
        sys::close(p[0]);

        // Writing with no reader: EPIPE for init (it never gets SIGPIPE without a handler).
        int q[2];
        CHECK(sys::pipe2(q, 0) == 0);
        CHECK(sys::close(q[0]) == 0);
        CHECK(sys::write(q[1], "x", 1) == -redox::EPIPE);

        // A child with the default action dies of SIGPIPE.
        long writer = spawn([q] {
            sys::write(q[1], "x", 1);
            return 42; // not reached
        });
        status = harness::wait_status(writer);
        CHECK(redox::wifsignaled(status));
        CHECK(redox::wtermsig(status) == redox::SIGPIPE);
        // A child ignoring SIGPIPE sees EPIPE.
        long ignoring = spawn([q] {
            sys::sigaction(redox::SIGPIPE, redox::SIG_IGN, nullptr);
            return sys::write(q[1], "x", 1) == -redox::EPIPE ? 0 : 1;
        });
        status = harness::wait_status(ignoring);
        CHECK(redox::wifexited(status));
        CHECK(redox::wexitstatus(status) == 0);
        sys::close(q[1]);

        // A writer blocked on a full pipe is woken with EPIPE when the reader goes away.
        int full[2];
        CHECK(sys::pipe2(full, 0) == 0);
        long blocked = spawn([full] {
            sys::sigaction(redox::SIGPIPE, redox::SIG_IGN, nullptr);
            sys::close(full[0]);
            std::vector<char> big(70 * 1024, 'b');
            long n = sys::write(full[1], big.data(), big.size());
            // Partial write (the pipe holds 64 KiB), then EPIPE on the rest.
            long again = sys::write(full[1], big.data(), 1);
            return n == 64 * 1024 && again == -redox::EPIPE ? 0 : 1;
        });
        sys::yield();
        sys::yield();
        CHECK(sys::close(full[0]) == 0);
        status = harness::wait_status(blocked);
        CHECK(redox::wifexited(status));
        CHECK(redox::wexitstatus(status) == 0);
        sys::close(full[1]);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a process clone copies the fd table; a thread clone shares it")
{
    auto run = boot([&] {
        int null = open_null();
        // Process: the child's close and open do not touch the parent's table.
        long child = spawn([null] {
            if (sys::close(null) != 0)
                return 1;
            int mine = open_null();
            return mine == null ? 0 : 2; // lowest free in the child's own table
        });
        CHECK(harness::wait_status(child) == 0);
        CHECK(sys::write(null, "x", 1) == 1);
        CHECK(sys::fcntl(null, redox::F_GETFD, 0) == 0);
        int next = open_null();
        CHECK(next == null + 1); // the child's open did not take this number
        CHECK(sys::close(next) == 0);

        // Thread: the same table.
        int opened_by_thread = -1;
        long thread = spawn(
            [null, &opened_by_thread] {
                if (sys::close(null) != 0)
                    return 1;
                opened_by_thread = static_cast<int>(sys::open("/scheme/zero", redox::O_RDONLY));
                return 0;
            },
            redox::CLONE_THREAD);
        CHECK(harness::wait_status(thread) == 0);
        CHECK(opened_by_thread == null); // the lowest free number in the shared table
        char c = 1;
        CHECK(sys::read(opened_by_thread, &c, 1) == 1);
        CHECK(c == 0);
        char path[32];
        long n = sys::fpath(null, path, sizeof path);
        CHECK(std::string(path, n > 0 ? static_cast<std::size_t>(n) : 0) == "/scheme/zero");
        // CLONE_VM alone (no CLONE_FILES) still copies the table.
        long vm_only = spawn([null] { return sys::close(null) == 0 ? 0 : 1; }, redox::CLONE_VM);
        CHECK(harness::wait_status(vm_only) == 0);
        CHECK(sys::read(null, &c, 1) == 1);
        // Unknown clone flags.
        CHECK(sys::clone(
                  0x1, [](void*) { return 0; }, nullptr)
            == -redox::EINVAL);
        CHECK(sys::call(redox::SYS_clone, 0, 0, 0) == -redox::EFAULT);
        return 0;
    });
    CHECK(run.status == 0);
}
