// Event queues: readiness, timeouts, and watches that end with the watched file.
#include "kernel_harness.h"

#include <doctest/doctest.h>

namespace {

long watch(int queue, int fd, u64 flags, u64 data)
{
    redox::Event event { static_cast<u64>(fd), flags, data };
    return sys::write(queue, &event, sizeof event);
}

long pending_events(int queue, redox::Event* out, usize capacity)
{
    long n = sys::read(queue, out, capacity * sizeof(redox::Event));
    return n < 0 ? n : n / static_cast<long>(sizeof(redox::Event));
}

} // namespace

TEST_CASE("a queue reports a pipe that becomes readable, with its cookie")
{
    auto run = harness::boot([&] {
        int fds[2];
        CHECK(sys::pipe2(fds, 0) == 0);
        int queue = static_cast<int>(sys::open("/scheme/event", redox::O_RDWR | redox::O_NONBLOCK));
        CHECK(watch(queue, fds[0], redox::EVENT_READ, 77) == sizeof(redox::Event));
        redox::Event events[4];
        CHECK(pending_events(queue, events, 4) == -redox::EAGAIN); // nothing yet
        CHECK(sys::write(fds[1], "x", 1) == 1);
        CHECK(pending_events(queue, events, 4) == 1);
        CHECK(events[0].id == static_cast<u64>(fds[0]));
        CHECK(events[0].flags == redox::EVENT_READ);
        CHECK(events[0].data == 77);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a watch ends when the watched file is closed, even if its number is reused")
{
    auto run = harness::boot([&] {
        int queue = static_cast<int>(sys::open("/scheme/event", redox::O_RDWR | redox::O_NONBLOCK));
        int first[2];
        CHECK(sys::pipe2(first, 0) == 0);
        CHECK(watch(queue, first[0], redox::EVENT_READ, 1) == sizeof(redox::Event));
        sys::close(first[0]);
        sys::close(first[1]);
        int second[2];
        CHECK(sys::pipe2(second, 0) == 0); // the pipe scheme reuses the freed handle numbers
        CHECK(sys::write(second[1], "y", 1) == 1);
        redox::Event events[4];
        CHECK(pending_events(queue, events, 4) == -redox::EAGAIN); // the old watch is gone
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("every write end of a pipe hears that it became writable again")
{
    auto run = harness::boot([&] {
        int fds[2];
        CHECK(sys::pipe2(fds, redox::O_NONBLOCK) == 0);
        int extra = static_cast<int>(sys::dup(fds[1], "write")); // a second write handle
        CHECK(extra >= 0);
        sys::close(extra); // must not leave notifications pointing at it
        char chunk[4096] = {};
        while (sys::write(fds[1], chunk, sizeof chunk) > 0) {} // fill the pipe
        int queue = static_cast<int>(sys::open("/scheme/event", redox::O_RDWR | redox::O_NONBLOCK));
        CHECK(watch(queue, fds[1], redox::EVENT_WRITE, 5) == sizeof(redox::Event));
        redox::Event events[4];
        CHECK(pending_events(queue, events, 4) == -redox::EAGAIN); // full: not writable
        CHECK(sys::read(fds[0], chunk, sizeof chunk) > 0);
        CHECK(pending_events(queue, events, 4) == 1);
        CHECK(events[0].data == 5);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a one-shot timeout event arrives after its delay, and absurd delays never fire")
{
    auto run = harness::boot([&] {
        int queue = static_cast<int>(sys::open("/scheme/event", redox::O_RDWR));
        redox::Event never { redox::EVENT_TIMEOUT_ID, 0, ~0ull };
        CHECK(sys::write(queue, &never, sizeof never) == sizeof never);
        redox::Event soon { redox::EVENT_TIMEOUT_ID, 0, 5 };
        CHECK(sys::write(queue, &soon, sizeof soon) == sizeof soon);
        redox::Event events[4];
        CHECK(pending_events(queue, events, 4) == 1); // blocks until the 5 ms timeout
        CHECK(events[0].data == 5);
        return 0;
    });
    CHECK(run.status == 0);
}
