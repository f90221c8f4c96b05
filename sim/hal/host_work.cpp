// hal/host.h for the simulator: the host-work channel (host_work.h).
#include "host_work.h"

#include "../../kernel_core/hal/host.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

namespace {

std::mutex s_mutex;
std::deque<std::function<void()>> s_queue; // guarded by s_mutex
std::atomic<bool> s_open { false }; // written under s_mutex
std::atomic<bool> s_pending { false };
// The core thread sleeps (or is about to) and needs the eventfd to wake; while it runs or
// spins it sees s_pending, and a post saves the write (and the core the read) of the eventfd.
std::atomic<bool> s_sleeping { false };
std::atomic<bool> s_possible { false };
std::atomic<int> s_wakers { 0 }; // host_work_add_waker
std::atomic<std::int64_t> s_last_work_ns { 0 }; // steady clock, when work last ran
std::atomic<std::int64_t> s_work_gap_ns { 0 };  // between the last two runs of work
int s_eventfd = -1;
// host_source_set: core thread only (set before the kernel runs, cleared after it stopped).
int s_source_fd = -1;
std::function<bool()> s_source_serve;
std::int64_t s_source_served_ns = 0;
constexpr std::int64_t SOURCE_BUSY_PERIOD_NS = 50'000;

// The core thread is about to sleep on the eventfd: false when work is queued already (a
// post after this sees s_sleeping and writes the eventfd, or this sees the post).
bool sleep_begin()
{
    s_sleeping.store(true); // seq_cst, the pair of host_work_post's store of s_pending
    if (s_pending.load()) {
        s_sleeping.store(false, std::memory_order_relaxed);
        return false;
    }
    return true;
}

// After the sleep; resets the eventfd when the wait found it readable.
void sleep_end(bool signalled)
{
    s_sleeping.store(false, std::memory_order_relaxed);
    if (signalled) {
        std::uint64_t count;
        (void)!read(s_eventfd, &count, sizeof count);
    }
}

std::int64_t steady_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

namespace sim {

void host_work_open(bool wakes_contexts)
{
    std::lock_guard lock(s_mutex);
    if (!s_open) {
        if (s_eventfd < 0)
            s_eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        s_open = s_eventfd >= 0;
    }
    if (wakes_contexts && s_open)
        s_possible = true;
}

void host_work_add_waker() { s_wakers.fetch_add(1, std::memory_order_relaxed); }
void host_work_remove_waker() { s_wakers.fetch_sub(1, std::memory_order_relaxed); }

bool host_work_post(std::function<void()> work)
{
    {
        std::lock_guard lock(s_mutex);
        if (!s_open)
            return false;
        s_queue.push_back(std::move(work));
        s_pending.store(true); // seq_cst, against sleep_begin's pair
    }
    if (s_sleeping.load()) {
        std::uint64_t one = 1;
        (void)!write(s_eventfd, &one, sizeof one);
    }
    return true;
}

void host_work_close()
{
    std::deque<std::function<void()>> dropped;
    std::lock_guard lock(s_mutex);
    s_open = false;
    s_possible = false;
    dropped.swap(s_queue);
    s_pending = false;
}

int host_work_fd() { return s_open ? s_eventfd : -1; }

bool host_work_pending() { return s_pending.load(std::memory_order_acquire); }

std::int64_t host_work_last_ns() { return s_last_work_ns.load(std::memory_order_relaxed); }

std::int64_t host_work_gap_ns() { return s_work_gap_ns.load(std::memory_order_relaxed); }

void host_source_set(int fd, std::function<bool()> serve)
{
    s_source_serve = std::move(serve);
    s_source_fd = fd;
}

void host_source_clear()
{
    s_source_fd = -1;
    s_source_serve = nullptr;
}

namespace {

    // Serves the host source (host_source_set) and notes when.
    void serve_source()
    {
        if (s_source_fd < 0)
            return;
        s_source_served_ns = steady_ns();
        if (!s_source_serve())
            host_source_clear();
    }

} // namespace

bool host_source_poll()
{
    if (s_source_fd < 0)
        return false;
    pollfd fd { s_source_fd, POLLIN, 0 };
    if (poll(&fd, 1, 0) <= 0)
        return false;
    serve_source();
    return true;
}

void host_work_wait(const timespec* timeout, int input_fd)
{
    pollfd fds[3];
    nfds_t count = 0;
    if (input_fd >= 0)
        fds[count++] = { input_fd, POLLIN, 0 };
    int work = host_work_fd();
    nfds_t work_index = count;
    if (work >= 0) {
        if (!sleep_begin())
            return;
        fds[count++] = { work, POLLIN, 0 };
    }
    int source = s_source_fd;
    nfds_t source_index = count;
    if (source >= 0)
        fds[count++] = { source, POLLIN, 0 };
    int ready = ppoll(count ? fds : nullptr, count, timeout, nullptr);
    if (work >= 0)
        sleep_end(ready > 0 && (fds[work_index].revents & POLLIN));
    if (ready > 0 && source >= 0 && (fds[source_index].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)))
        serve_source();
}

} // namespace sim

namespace hal {

void run_host_work()
{
    if (s_source_fd >= 0 && steady_ns() - s_source_served_ns >= SOURCE_BUSY_PERIOD_NS)
        sim::serve_source();
    if (!s_pending.load(std::memory_order_acquire))
        return;
    std::deque<std::function<void()>> batch;
    {
        std::lock_guard lock(s_mutex);
        batch.swap(s_queue);
        s_pending.store(false, std::memory_order_relaxed);
    }
    for (auto& work : batch)
        work();
    std::int64_t now = steady_ns();
    s_work_gap_ns.store(now - s_last_work_ns.load(std::memory_order_relaxed), std::memory_order_relaxed);
    s_last_work_ns.store(now, std::memory_order_relaxed);
}

bool host_work_possible()
{
    return s_possible.load(std::memory_order_relaxed) || s_wakers.load(std::memory_order_relaxed) > 0;
}

} // namespace hal
