// Pseudo-terminals (`pty`): the master / slave pair, the line discipline on the slave side,
// hang-ups in both directions, event-queue readiness, and a real shell driven through one.
#include "kernel_harness.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using harness::boot;
using harness::spawn;

namespace {

std::string read_some(int fd)
{
    char buffer[512];
    long n = sys::read(fd, buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// Reads the master until `text` has appeared (or it ends); returns everything read.
std::string read_until(int master, const std::string& text)
{
    std::string all;
    for (int i = 0; i < 200 && all.find(text) == std::string::npos; ++i) {
        std::string more = read_some(master);
        if (more.empty())
            break;
        all += more;
    }
    return all;
}

// Types `text` on the terminal.
bool type(int master, const std::string& text)
{
    return sys::write(master, text.data(), text.size()) == static_cast<long>(text.size());
}

long open_slave(int master)
{
    char path[64] = {};
    long n = sys::fpath(master, path, sizeof path - 1);
    CHECK(n > 0);
    return sys::open(path, redox::O_RDWR);
}

} // namespace

TEST_CASE("pty: typing on the master reaches the slave as lines, with echo and CR LF output")
{
    auto run = boot([] {
        long m = sys::open("/scheme/pty", redox::O_RDWR);
        CHECK(m >= 0);
        int master = static_cast<int>(m);
        char path[64] = {};
        CHECK(sys::fpath(master, path, sizeof path) > 0);
        CHECK(std::string(path).rfind("/scheme/pty/", 0) == 0);
        long s = open_slave(master);
        CHECK(s >= 0);
        int slave = static_cast<int>(s);

        CHECK(sys::write(master, "lx\bs -l\n", 8) == 8); // a typo, erased
        CHECK(read_some(slave) == "ls -l\n");
        CHECK(read_some(master) == "lx\b \bs -l\r\n"); // the echo, as a terminal shows it
        CHECK(sys::write(slave, "a\nb\n", 4) == 4);
        CHECK(read_some(master) == "a\r\nb\r\n");

        // Raw mode: bytes as typed, no echo; it ends with the process that set it.
        long raw = sys::dup(slave, "raw");
        CHECK(raw >= 0);
        CHECK(sys::write(static_cast<int>(raw), "1", 1) == 1);
        CHECK(sys::write(master, "q\x1b[A", 4) == 4);
        CHECK(read_some(slave) == "q\x1b[A");
        CHECK(sys::write(static_cast<int>(raw), "0", 1) == 1);
        CHECK(sys::write(static_cast<int>(raw), "maybe", 5) == -redox::EINVAL);
        sys::close(static_cast<int>(raw));

        // Nothing waiting: non-blocking reads say so on both ends.
        long nb = sys::open(path, redox::O_RDWR | redox::O_NONBLOCK);
        char c;
        CHECK(sys::read(static_cast<int>(nb), &c, 1) == -redox::EAGAIN);
        sys::close(static_cast<int>(nb));
        CHECK(sys::open("/scheme/pty/4000", redox::O_RDWR) == -redox::ENOENT);
        CHECK(sys::open("/scheme/pty/x", redox::O_RDWR) == -redox::ENOENT);
        CHECK(sys::dup(master, "raw") == -redox::EINVAL);

        // The terminal closes: the shell side sees end of file and can not write.
        CHECK(sys::close(master) == 0);
        CHECK(sys::read(slave, &c, 1) == 0);
        CHECK(sys::write(slave, "x", 1) == -redox::EIO);
        CHECK(sys::close(slave) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("pty: the master sees end of file when the last slave closes, and event queues see output")
{
    auto run = boot([] {
        int master = static_cast<int>(sys::open("/scheme/pty", redox::O_RDWR));
        int slave = static_cast<int>(open_slave(master));
        long queue = sys::open("/scheme/event", redox::O_RDWR);
        redox::Event watch { static_cast<unsigned long>(master), redox::EVENT_READ, 7 };
        CHECK(sys::write(static_cast<int>(queue), &watch, sizeof watch) == sizeof watch);
        long writer = spawn([slave] { return sys::write(slave, "hi\n", 3) == 3 ? 0 : 1; });
        redox::Event ready {};
        CHECK(sys::read(static_cast<int>(queue), &ready, sizeof ready) == sizeof ready);
        CHECK(ready.data == 7);
        CHECK(harness::wait_status(writer) == 0);
        CHECK(read_some(master) == "hi\r\n");
        CHECK(sys::close(slave) == 0);
        char c;
        CHECK(sys::read(master, &c, 1) == 0);
        sys::close(static_cast<int>(queue));
        sys::close(master);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("pty: a real shell runs on the slave; Ctrl-C interrupts its foreground job")
{
    auto run = boot(
        [] {
            int master = static_cast<int>(sys::open("/scheme/pty", redox::O_RDWR));
            char path[64] = {};
            sys::fpath(master, path, sizeof path - 1);
            std::string slave_path(path);
            long shell = spawn([slave_path] {
                long s = sys::open(slave_path.c_str(), redox::O_RDWR);
                if (s < 0)
                    return 100;
                for (int fd = 0; fd < 3; ++fd)
                    sys::dup2(static_cast<int>(s), fd);
                sys::close(static_cast<int>(s));
                const char* argv[] = { "sh", nullptr };
                const char* envp[] = { "PATH=/scheme/initfs/bin", nullptr };
                return static_cast<int>(-sys::execve("/scheme/initfs/bin/sh", argv, envp));
            });
            // The shell's line editor asks the terminal for its width; a terminal answers.
            std::string seen = read_until(master, "\x1b[6n");
            CHECK(seen.find("# ") != std::string::npos); // the prompt
            CHECK(type(master, "\x1b[1;80R"));
            // Enter is CR, as a terminal sends it.
            CHECK(type(master, "echo hello world\r"));
            seen = read_until(master, "hello world\r\n");
            CHECK(seen.find("hello world\r\n") != std::string::npos);
            read_until(master, "\x1b[6n");
            CHECK(type(master, "\x1b[1;80Rcat\r"));
            read_until(master, "\r\n");
            redox::TimeSpec nap { 0, 20'000'000, 0 }; // let the shell start cat
            sys::nanosleep(nap, nullptr);
            CHECK(type(master, "\x03")); // Ctrl-C: SIGINT to cat, the shell's foreground job
            read_until(master, "\x1b[6n");
            CHECK(type(master, "\x1b[1;80Recho after $?\r"));
            seen = read_until(master, "after 130");
            CHECK(seen.find("after 130") != std::string::npos);
            CHECK(type(master, "exit 3\r"));
            CHECK(harness::wait_status(shell) == (3 << 8));
            sys::close(master);
            return 0;
        },
        { .console_input = {}, .start_file_system = true });
    CHECK(run.status == 0);
}
