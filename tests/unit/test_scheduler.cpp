// Scheduler: fairness, blocking and wake-up, timeouts, yield order.
#include "kernel_harness.h"

#include "../fake_hal/fake_hal.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using harness::boot;
using harness::spawn;

TEST_CASE("yield alternates between runnable contexts in round-robin order")
{
    std::string order;
    auto run = boot([&] {
        std::vector<long> pids;
        for (char name : { 'a', 'b', 'c' }) {
            pids.push_back(spawn([&order, name] {
                for (int i = 0; i < 3; ++i) {
                    order += name;
                    sys::yield();
                }
                return 0;
            }));
        }
        for (long pid : pids)
            CHECK(harness::wait_status(pid) == 0);
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(order == "abcabcabc");
}

TEST_CASE("time slices share the CPU fairly between busy contexts that never block")
{
    constexpr int workers = 3;
    long counts[workers] = {};
    bool stop = false;
    auto run = boot(
        [&] {
            std::vector<long> pids;
            for (int w = 0; w < workers; ++w) {
                pids.push_back(spawn([&counts, &stop, w] {
                    while (!stop) {
                        sys::getpid(); // a syscall: the preemption point
                        ++counts[w];
                    }
                    return 0;
                }));
            }
            redox::TimeSpec nap { 0, 20'000'000, 0 }; // 20 ms of fake time
            CHECK(sys::nanosleep(nap, nullptr) == 0);
            stop = true;
            for (long pid : pids)
                harness::wait_status(pid);
            return 0;
        },
        { .console_input = {}, .time_slice_ns = 100'000, .start_file_system = false });
    CHECK(run.status == 0);
    long total = counts[0] + counts[1] + counts[2];
    REQUIRE(total > 1000);
    for (long count : counts) {
        // Each got close to a third of the time.
        CHECK(count > total / 4);
        CHECK(count < total / 2);
    }
}

TEST_CASE("a blocked reader wakes when data arrives and not before")
{
    std::string log;
    auto run = boot([&] {
        int fds[2];
        CHECK(sys::pipe2(fds, 0) == 0);
        long reader = spawn([&log, fds] {
            char buffer[16];
            log += "r";
            long n = sys::read(fds[0], buffer, sizeof buffer);
            log += "R" + std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
            return n == 5 ? 0 : 1;
        });
        sys::yield(); // the reader runs and blocks
        log += "w";
        CHECK(sys::write(fds[1], "hello", 5) == 5);
        CHECK(harness::wait_status(reader) == 0);
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(log == "rwRhello");
}

TEST_CASE("nanosleep waits at least the requested time, and validates its argument")
{
    std::uint64_t slept = 0;
    auto run = boot([&] {
        redox::TimeSpec start, end;
        sys::clock_gettime(redox::CLOCK_MONOTONIC, start);
        redox::TimeSpec nap { 0, 3'000'000, 0 };
        CHECK(sys::nanosleep(nap, nullptr) == 0);
        sys::clock_gettime(redox::CLOCK_MONOTONIC, end);
        slept = static_cast<std::uint64_t>((end.tv_sec - start.tv_sec) * 1'000'000'000 + (end.tv_nsec - start.tv_nsec));
        redox::TimeSpec bad { 0, 1'000'000'000, 0 };
        CHECK(sys::nanosleep(bad, nullptr) == -redox::EINVAL);
        redox::TimeSpec negative { -1, 0, 0 };
        CHECK(sys::nanosleep(negative, nullptr) == -redox::EINVAL);
        CHECK(sys::call(redox::SYS_nanosleep, 0, 0) == -redox::EFAULT);
        return 0;
    });
    CHECK(run.status == 0);
    CHECK(slept >= 3'000'000);
    CHECK(slept < 4'000'000);
}

TEST_CASE("a signal interrupts a sleep and reports the time left")
{
    auto run = boot([&] {
        long sleeper = spawn([] {
            sys::sigaction(redox::SIGUSR1, redox::SIG_IGN, nullptr);
            sys::sigaction(redox::SIGUSR1, redox::SIG_DFL, nullptr);
            redox::TimeSpec nap { 10, 0, 0 }, left {};
            long r = sys::nanosleep(nap, &left);
            return r == -redox::EINTR ? 0 : 1;
        });
        sys::yield();
        CHECK(sys::kill(sleeper, redox::SIGTERM) == 0);
        int status = harness::wait_status(sleeper);
        CHECK(redox::wifsignaled(status));
        CHECK(redox::wtermsig(status) == redox::SIGTERM);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("when every context blocks forever the system stops instead of hanging")
{
    auto run = boot([&] {
        int fds[2];
        sys::pipe2(fds, 0);
        char c;
        sys::read(fds[0], &c, 1); // nobody will ever write
        return 0;
    });
    CHECK(run.status == 70);
}
