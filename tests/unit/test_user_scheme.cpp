// Userspace schemes: registration, the request/completion protocol as a daemon sees it,
// daemon death, and event queues on the request channel.
#include "kernel_harness.h"

#include "../../kernel_core/abi/redox/protocol.h"

#include <doctest/doctest.h>

#include <algorithm>

#include <string>
#include <vector>

using harness::boot;
using harness::spawn;

namespace {

struct EchoState {
    std::vector<redox::SchemeRequest> requests;
    std::vector<std::string> open_paths;
    std::string data;
    bool ready { false };
    long register_result { 0 };
    int closes { 0 };
    int exit_after_closes { 1 };
    bool exit_on_read { false }; // die instead of answering a READ
    bool hang_on_read { false }; // never answer a READ; block reading the channel again
    unsigned long next_handle { 100 };
    alignas(8) char shared[256] {}; // what OP_MMAP_PREP hands out
    unsigned long bad_map_address { 0 }; // answer this instead, when set
};

void reply(int channel, const redox::SchemeRequest& request, long result)
{
    redox::SchemeCompletion completion {};
    completion.flags = redox::COMPLETION_RESPOND_REGULAR;
    completion.tag = request.tag;
    completion.result = static_cast<std::uint64_t>(result);
    CHECK(sys::write(channel, &completion, sizeof completion) == sizeof completion);
}

// A tiny daemon: opens succeed, writes store, reads return what was stored.
int echo_daemon(EchoState& state, const char* name)
{
    long channel = sys::open(name, redox::O_CREAT | redox::O_RDWR);
    state.register_result = channel;
    if (channel < 0)
        return 1;
    int ch = static_cast<int>(channel);
    state.ready = true;
    for (;;) {
        redox::SchemeRequest batch[4];
        long n = sys::read(ch, batch, sizeof batch);
        if (n <= 0)
            return n == 0 ? 0 : 2;
        CHECK(n % 64 == 0);
        for (long i = 0; i < n / 64; ++i) {
            const redox::SchemeRequest& request = batch[i];
            state.requests.push_back(request);
            switch (request.opcode) {
            case redox::OP_OPENAT:
                state.open_paths.emplace_back(reinterpret_cast<const char*>(request.args[1]), request.args[2]);
                reply(ch, request, static_cast<long>(state.next_handle++));
                break;
            case redox::OP_WRITE:
                state.data.assign(reinterpret_cast<const char*>(request.args[1]), request.args[2]);
                reply(ch, request, static_cast<long>(request.args[2]));
                break;
            case redox::OP_READ: {
                if (state.exit_on_read)
                    return 3; // exits with a caller waiting
                if (state.hang_on_read) {
                    redox::SchemeRequest more[1];
                    sys::read(ch, more, sizeof more); // blocks until killed
                    return 4;
                }
                unsigned long n_copy = std::min<unsigned long>(request.args[2], state.data.size());
                std::copy_n(state.data.data(), n_copy, reinterpret_cast<char*>(request.args[1]));
                reply(ch, request, static_cast<long>(n_copy));
                break;
            }
            case redox::OP_MMAP_PREP:
                if (request.args[1] + request.args[2] > sizeof state.shared)
                    reply(ch, request, -redox::EINVAL);
                else
                    reply(ch, request,
                        static_cast<long>(state.bad_map_address ? state.bad_map_address
                                                                : reinterpret_cast<unsigned long>(state.shared + request.args[1])));
                break;
            case redox::OP_CLOSE:
                if (++state.closes >= state.exit_after_closes)
                    return 0;
                break;
            default:
                reply(ch, request, -redox::ENOSYS);
            }
        }
    }
}

bool wait_until(const bool& flag)
{
    for (int i = 0; i < 1000 && !flag; ++i)
        sys::yield();
    return flag;
}

const redox::SchemeRequest* find_request(const EchoState& state, int opcode)
{
    for (const auto& request : state.requests)
        if (request.opcode == opcode)
            return &request;
    return nullptr;
}

} // namespace

TEST_CASE("a daemon serves open, write, read and a one-way close with the caller's identity")
{
    EchoState state;
    long client_pid = 0;
    auto run = boot([&] {
        long daemon = spawn([&state] { return echo_daemon(state, ":echo"); });
        CHECK(wait_until(state.ready));
        long client = spawn([] {
            CHECK(sys::setregid(100, 100) == 0);
            CHECK(sys::setreuid(1000, 1000) == 0);
            long fd = sys::open("/scheme/echo/some/./path/", redox::O_RDWR);
            CHECK(fd >= 0);
            if (fd < 0)
                return 1;
            CHECK(sys::write(static_cast<int>(fd), "hello", 5) == 5);
            char buffer[16] = {};
            CHECK(sys::read(static_cast<int>(fd), buffer, sizeof buffer) == 5);
            CHECK(std::string(buffer) == "hello");
            // An operation the daemon does not implement: its error comes back as is.
            CHECK(sys::fsync(static_cast<int>(fd)) == -redox::ENOSYS);
            CHECK(sys::close(static_cast<int>(fd)) == 0);
            // The legacy form reaches the daemon with the reference untouched.
            long legacy = sys::open("echo:a//b/../c", redox::O_RDONLY);
            CHECK(legacy >= 0);
            CHECK(sys::close(static_cast<int>(legacy)) == 0);
            return 0;
        });
        client_pid = client;
        state.exit_after_closes = 2;
        CHECK(harness::wait_status(client) == 0);
        CHECK(harness::wait_status(daemon) == 0);
        // The daemon is gone: so is its name.
        CHECK(sys::open("/scheme/echo/x", redox::O_RDONLY) == -redox::ENODEV);
        return 0;
    });
    CHECK(run.status == 0);
    REQUIRE(state.open_paths.size() == 2);
    CHECK(state.open_paths[0] == "some/path");
    CHECK(state.open_paths[1] == "a//b/../c");
    const redox::SchemeRequest* open = find_request(state, redox::OP_OPENAT);
    REQUIRE(open != nullptr);
    CHECK(open->args[0] == redox::ROOT_HANDLE);
    CHECK((open->args[3] & redox::O_ACCMODE) == redox::O_RDWR);
    CHECK(open->args[5] == (1000ull | 100ull << 32));
    CHECK(open->caller_pid == static_cast<std::uint64_t>(client_pid));
    CHECK(open->flags == 0);
    const redox::SchemeRequest* write = find_request(state, redox::OP_WRITE);
    REQUIRE(write != nullptr);
    CHECK(write->args[0] == 100);
    CHECK(write->args[2] == 5);
    CHECK(write->args[3] == 0);
    CHECK(write->args[5] == (1000ull | 100ull << 32));
    const redox::SchemeRequest* read = find_request(state, redox::OP_READ);
    REQUIRE(read != nullptr);
    CHECK(read->args[0] == 100);
    CHECK(read->args[2] == 16);
    CHECK(read->args[3] == 5); // the offset moved past the write
    CHECK(state.data == "hello");
    const redox::SchemeRequest* close = find_request(state, redox::OP_CLOSE);
    REQUIRE(close != nullptr);
    CHECK(close->flags == redox::REQUEST_FLAG_ONEWAY);
    CHECK(close->args[0] == 100);
    CHECK(close->caller_pid == static_cast<std::uint64_t>(client_pid));
    CHECK(state.closes == 2);
    // Tags are distinct.
    for (std::size_t i = 0; i < state.requests.size(); ++i)
        for (std::size_t j = i + 1; j < state.requests.size(); ++j)
            CHECK(state.requests[i].tag != state.requests[j].tag);
}

TEST_CASE("registering a scheme: root only, unique names, no '/' in names")
{
    EchoState state;
    auto run = boot([&] {
        long daemon = spawn([&state] { return echo_daemon(state, ":echo"); });
        CHECK(wait_until(state.ready));
        CHECK(sys::open(":echo", redox::O_CREAT | redox::O_RDWR) == -redox::EEXIST);
        CHECK(sys::open(":null", redox::O_CREAT | redox::O_RDWR) == -redox::EEXIST);
        CHECK(sys::open(":a/b", redox::O_CREAT | redox::O_RDWR) == -redox::EINVAL);
        CHECK(sys::open("/scheme/a/b", redox::O_CREAT | redox::O_RDWR) == -redox::ENODEV);
        CHECK(sys::open(":x:y", redox::O_CREAT | redox::O_RDWR) == -redox::EINVAL);
        CHECK(sys::open(":", redox::O_CREAT | redox::O_RDWR) == -redox::EINVAL);
        std::string long_name = ":" + std::string(256, 'n');
        CHECK(sys::open(long_name.c_str(), redox::O_CREAT | redox::O_RDWR) == -redox::EINVAL);
        long user = spawn([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(sys::open(":mine", redox::O_CREAT | redox::O_RDWR) == -redox::EACCES);
            return 0;
        });
        CHECK(harness::wait_status(user) == 0);
        CHECK(sys::open("/scheme/mine", redox::O_RDONLY) == -redox::ENODEV);
        // A scheme registered in a namespace lives in that namespace only.
        unsigned long names[1][2] = { { sys::ptr("null"), 4 } };
        long ns = sys::mkns(names, 1);
        CHECK(ns > 1);
        EchoState other;
        long private_daemon = spawn([&other, ns] {
            sys::setrens(ns, ns);
            return echo_daemon(other, ":private");
        });
        CHECK(wait_until(other.ready));
        CHECK(sys::open("/scheme/private", redox::O_RDONLY) == -redox::ENODEV);
        // Kill both daemons: nothing is waiting on them.
        CHECK(sys::kill(daemon, redox::SIGKILL) == 0);
        CHECK(sys::kill(private_daemon, redox::SIGKILL) == 0);
        int status = harness::wait_status(daemon);
        CHECK(redox::wtermsig(status) == redox::SIGKILL);
        harness::wait_status(private_daemon);
        // The name can be registered again (a supervisor restarting its daemon).
        long channel = sys::open(":echo", redox::O_CREAT | redox::O_RDWR);
        CHECK(channel >= 0);
        CHECK(sys::close(static_cast<int>(channel)) == 0);
        CHECK(sys::open("/scheme/echo", redox::O_RDONLY) == -redox::ENODEV);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a daemon that exits while a client waits: the client gets EIO at once")
{
    EchoState state;
    state.exit_on_read = true;
    state.exit_after_closes = 100;
    auto run = boot([&] {
        long daemon = spawn([&state] { return echo_daemon(state, ":dying"); });
        CHECK(wait_until(state.ready));
        long fd = sys::open("/scheme/dying/x", redox::O_RDWR);
        CHECK(fd >= 0);
        char buffer[8];
        CHECK(sys::read(static_cast<int>(fd), buffer, sizeof buffer) == -redox::EIO);
        int status = harness::wait_status(daemon);
        CHECK(redox::wifexited(status));
        CHECK(redox::wexitstatus(status) == 3);
        // Every later call on the old fd fails the same way, without blocking.
        CHECK(sys::write(static_cast<int>(fd), "x", 1) == -redox::EIO);
        CHECK(sys::read(static_cast<int>(fd), buffer, sizeof buffer) == -redox::EIO);
        redox::Stat st {};
        CHECK(sys::fstat(static_cast<int>(fd), st) == -redox::EIO);
        CHECK(sys::close(static_cast<int>(fd)) == 0);
        CHECK(sys::open("/scheme/dying/x", redox::O_RDWR) == -redox::ENODEV);
        CHECK(sys::open("dying:x", redox::O_RDWR) == -redox::ENODEV);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a daemon killed with SIGKILL fails every waiting client, queued or in flight")
{
    EchoState state;
    state.hang_on_read = true;
    state.exit_after_closes = 100;
    auto run = boot([&] {
        long daemon = spawn([&state] { return echo_daemon(state, ":stuck"); });
        CHECK(wait_until(state.ready));
        long fd = sys::open("/scheme/stuck/x", redox::O_RDWR);
        CHECK(fd >= 0);
        // Client 1: its read is taken by the daemon, which then never answers.
        long first = spawn([fd] {
            char buffer[8];
            return sys::read(static_cast<int>(fd), buffer, sizeof buffer) == -redox::EIO ? 0 : 1;
        });
        // Client 2: an open that sits in the queue, never read by the daemon.
        long second = spawn([] { return sys::open("/scheme/stuck/y", redox::O_RDONLY) == -redox::EIO ? 0 : 1; });
        for (int i = 0; i < 10; ++i)
            sys::yield();
        CHECK(sys::kill(daemon, redox::SIGKILL) == 0);
        int status = harness::wait_status(daemon);
        CHECK(redox::wifsignaled(status));
        CHECK(redox::wtermsig(status) == redox::SIGKILL);
        CHECK(harness::wait_status(first) == 0);
        CHECK(harness::wait_status(second) == 0);
        CHECK(sys::open("/scheme/stuck/x", redox::O_RDWR) == -redox::ENODEV);
        CHECK(sys::close(static_cast<int>(fd)) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("an event queue on the channel reports EVENT_READ when a request is pending")
{
    bool ready = false;
    std::vector<redox::Event> seen;
    long nonblocking_empty = 0, queue_empty = 0;
    auto run = boot([&] {
        long daemon = spawn([&] {
            long channel = sys::open(":evt", redox::O_CREAT | redox::O_RDWR | redox::O_NONBLOCK);
            CHECK(channel >= 0);
            int ch = static_cast<int>(channel);
            int queue = static_cast<int>(sys::open("/scheme/event", redox::O_RDWR));
            CHECK(queue >= 0);
            redox::Event watch { static_cast<std::uint64_t>(ch), redox::EVENT_READ, 77 };
            CHECK(sys::write(queue, &watch, sizeof watch) == sizeof watch);
            redox::SchemeRequest request;
            nonblocking_empty = sys::read(ch, &request, sizeof request);
            CHECK(sys::fcntl(queue, redox::F_SETFL, redox::O_NONBLOCK) == 0);
            redox::Event event {};
            queue_empty = sys::read(queue, &event, sizeof event);
            CHECK(sys::fcntl(queue, redox::F_SETFL, 0) == 0);
            ready = true;
            int served = 0;
            while (served < 2) {
                CHECK(sys::read(queue, &event, sizeof event) == sizeof event);
                seen.push_back(event);
                long n;
                while ((n = sys::read(ch, &request, sizeof request)) == sizeof request) {
                    if (request.opcode == redox::OP_CLOSE) {
                        ++served;
                        continue;
                    }
                    reply(ch, request, request.opcode == redox::OP_OPENAT ? 5 : -redox::ENOSYS);
                }
                CHECK(n == -redox::EAGAIN);
            }
            return 0;
        });
        CHECK(wait_until(ready));
        for (int i = 0; i < 2; ++i) {
            long fd = sys::open("/scheme/evt/x", redox::O_RDONLY);
            CHECK(fd >= 0);
            CHECK(sys::close(static_cast<int>(fd)) == 0);
        }
        CHECK(harness::wait_status(daemon) == 0);
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(nonblocking_empty == -redox::EAGAIN);
    CHECK(queue_empty == -redox::EAGAIN);
    REQUIRE(seen.size() >= 2);
    for (const auto& event : seen) {
        CHECK(event.flags == redox::EVENT_READ);
        CHECK(event.data == 77);
    }
}

TEST_CASE("a daemon's answer larger than the caller's buffer is an I/O error, not an overrun")
{
    auto run = harness::boot([&] {
        bool ready = false;
        long daemon = harness::spawn([&ready] {
            long channel = sys::open(":liar", redox::O_CREAT | redox::O_RDWR);
            ready = true;
            redox::SchemeRequest request;
            while (sys::read(static_cast<int>(channel), &request, sizeof request) == sizeof request) {
                if (request.flags & redox::REQUEST_FLAG_ONEWAY)
                    continue;
                // Claims far more bytes than the caller offered, for every read and fpath.
                u64 result = request.opcode == redox::OP_OPENAT ? 1 : 100000;
                redox::SchemeCompletion completion { redox::COMPLETION_RESPOND_REGULAR, {}, request.tag, result };
                sys::write(static_cast<int>(channel), &completion, sizeof completion);
            }
            return 0;
        });
        while (!ready)
            sys::yield();
        long fd = sys::open("/scheme/liar/x", redox::O_RDWR);
        CHECK(fd >= 0);
        char small[8];
        CHECK(sys::read(static_cast<int>(fd), small, sizeof small) == -redox::EIO);
        char path[64];
        CHECK(sys::fpath(static_cast<int>(fd), path, sizeof path) == -redox::EIO);
        const char* argv[] = { "x", nullptr };
        const char* envp[] = { nullptr };
        CHECK(sys::fexec(static_cast<int>(fd), argv, envp) == -redox::EIO);
        sys::close(static_cast<int>(fd));
        sys::kill(daemon, redox::SIGKILL);
        harness::wait_status(daemon);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("fmap shares a daemon's memory; the mapping keeps the file open until funmap")
{
    EchoState state;
    auto run = boot([&] {
        state.exit_after_closes = 3;
        long daemon = spawn([&state] { return echo_daemon(state, ":shm"); });
        CHECK(wait_until(state.ready));
        long fd = sys::open("/scheme/shm/buffer", redox::O_RDWR);
        CHECK(fd >= 0);
        if (fd < 0)
            return 1;
        int f = static_cast<int>(fd);
        long address = sys::fmap(f, 16, 64, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
        CHECK(address == static_cast<long>(reinterpret_cast<unsigned long>(state.shared + 16)));
        auto* bytes = reinterpret_cast<char*>(address);
        bytes[0] = 'x'; // the daemon sees it: one memory
        CHECK(state.shared[16] == 'x');
        // Closing the fd does not close the daemon's handle while the mapping lives.
        CHECK(sys::close(f) == 0);
        sys::yield();
        CHECK(state.closes == 0);
        CHECK(sys::funmap(bytes, 64) == 0);
        for (int i = 0; i < 10 && state.closes == 0; ++i)
            sys::yield();
        CHECK(state.closes == 1);
        CHECK(sys::funmap(bytes, 64) == -redox::EINVAL); // already gone

        // Bad requests.
        long ro = sys::open("/scheme/shm/ro", redox::O_RDONLY);
        CHECK(ro >= 0);
        int r = static_cast<int>(ro);
        CHECK(sys::fmap(r, 0, 64, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED) == -redox::EACCES);
        CHECK(sys::fmap(r, 0, 0, redox::PROT_READ) == -redox::EINVAL);
        CHECK(sys::fmap(r, 0, 64, 1ul << 40) == -redox::EINVAL);
        CHECK(sys::fmap(r, 0, 64, redox::PROT_READ | redox::MAP_FIXED) == -redox::EOPNOTSUPP);
        CHECK(sys::fmap(r, 250, 64, redox::PROT_READ) == -redox::EINVAL); // the daemon refuses
        redox::Map map { 0, 64, redox::PROT_READ, 0 };
        CHECK(sys::call(redox::SYS_fmap, static_cast<unsigned long>(r), sys::ptr(&map), 8) == -redox::EINVAL);
        CHECK(sys::call(redox::SYS_fmap, static_cast<unsigned long>(r), 16, sizeof map) == -redox::EFAULT);
        CHECK(sys::fmap(999, 0, 64, redox::PROT_READ) == -redox::EBADF);
        // A daemon answering nonsense is an I/O error, not a pointer handed out.
        state.bad_map_address = 3;
        CHECK(sys::fmap(r, 0, 64, redox::PROT_READ) == -redox::EIO);
        state.bad_map_address = 0;
        CHECK(sys::funmap(reinterpret_cast<void*>(12345), 64) == -redox::EINVAL);
        CHECK(sys::close(r) == 0);
        // Kernel schemes without memory say ENODEV.
        long null_fd = sys::open("/scheme/null", redox::O_RDWR);
        CHECK(sys::fmap(static_cast<int>(null_fd), 0, 64, redox::PROT_READ) == -redox::ENODEV);
        sys::close(static_cast<int>(null_fd));
        // A mapping left at exit is released with the process.
        long holder = spawn([] {
            long m = sys::open("/scheme/shm/held", redox::O_RDWR);
            CHECK(sys::fmap(static_cast<int>(m), 0, 8, redox::PROT_READ | redox::MAP_SHARED) > 0);
            sys::close(static_cast<int>(m));
            return 0;
        });
        CHECK(harness::wait_status(holder) == 0);
        CHECK(harness::wait_status(daemon) == 0); // third close: the held one
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(state.closes == 3);
}
