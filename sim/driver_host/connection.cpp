// Host headers first: the Redox ABI headers connection.h pulls in name the same constants.
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace {
// Linux values, captured before the Redox ABI headers (through connection.h) take these names.
constexpr int linux_sigkill = SIGKILL;
constexpr int linux_wnohang = WNOHANG;
constexpr int linux_eintr = EINTR;
} // namespace

#include "../hal/host_work.h"
#include "connection.h"

namespace sim::driver_host {

Connection::Connection(std::string name, int socket, pid_t linux_pid, int output)
    : m_name(std::move(name)),
      m_socket(socket),
      m_linux_pid(linux_pid),
      m_output(output)
{
    m_rearm = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

Connection::~Connection()
{
    if (m_rearm >= 0)
        close(m_rearm);
    if (m_socket >= 0)
        close(m_socket);
    if (m_output >= 0)
        close(m_output);
}

void Connection::start_watcher(const std::shared_ptr<Connection>& connection)
{
    // Until its hang-up is posted, the connection may still wake the proxy (host_work.h).
    sim::host_work_add_waker();
    std::thread(&Connection::watch_loop, connection.get(), connection).detach();
}

void Connection::kill_process()
{
    std::lock_guard lock(m_mutex);
    if (m_linux_pid > 0 && !m_reaped)
        ::kill(m_linux_pid, linux_sigkill);
}

bool Connection::post(const std::shared_ptr<Connection>& self, Inbound* item)
{
    constexpr int MAX_QUEUED = 1024;
    while (m_queued.load(std::memory_order_relaxed) >= MAX_QUEUED && !m_proxy_gone.load(std::memory_order_relaxed))
        usleep(200);
    m_queued.fetch_add(1, std::memory_order_relaxed);
    if (sim::host_work_post([self, item] { self->deliver(item); }))
        return true;
    delete item; // the core has stopped
    return false;
}

void Connection::deliver(Inbound* item)
{
    if (m_proxy_gone.load(std::memory_order_relaxed)) {
        m_queued.fetch_sub(1, std::memory_order_relaxed);
        delete item;
        return;
    }
    bool hang_up = item->kind == Inbound::Kind::HungUp;
    hung_up |= hang_up;
    inbox.post(*item);
    // The proxy may be blocked in a call for the driver (a scheme channel read) that will
    // never return now: interrupt it (proxy.cpp's handler of this signal finishes it).
    if (hang_up && in_call && proxy_pid)
        kernel::signal_host_context(proxy_pid, DRIVER_GONE_SIGNAL);
}

Inbound* Connection::take(u64 deadline_ns)
{
    for (u64 deadline = deadline_ns;; deadline = 0) {
        if (deadline == 0 && inbox.is_empty())
            return nullptr;
        auto* item = static_cast<Inbound*>(inbox.take_until(deadline));
        if (!item)
            return nullptr;
        m_queued.fetch_sub(1, std::memory_order_relaxed);
        if (item->kind != Inbound::Kind::Readable)
            return item;
        delete item;
    }
}

void Connection::proxy_exited()
{
    // Items still queued stay there (a few bytes): taking them here could end this context
    // a second time (take_until acts on a pending SIGKILL).
    m_proxy_gone = true;
    kill_process();
    // A driver started by hand learns it at once (the watcher thread too).
    shutdown(m_socket, SHUT_RDWR);
}

void Connection::rearm()
{
    if (m_disarmed.exchange(false)) {
        std::uint64_t one = 1;
        (void)!write(m_rearm, &one, sizeof one);
    }
}

bool Connection::reap(bool& signalled, int& value)
{
    if (m_linux_pid <= 0)
        return false;
    // Wait without reaping, so that kill_process never signals a recycled pid.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
        siginfo_t info {};
        int r = waitid(P_PID, static_cast<id_t>(m_linux_pid), &info, WEXITED | WNOWAIT | linux_wnohang);
        if (r == 0 && info.si_pid == m_linux_pid)
            break;
        if (r < 0 && errno != linux_eintr) {
            std::lock_guard lock(m_mutex);
            m_reaped = true; // not our child any more (someone else reaped it)
            return false;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            kill_process(); // it closed the socket but lives on: it is not a driver any more
            deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
        }
        usleep(5000);
    }
    std::lock_guard lock(m_mutex);
    int status = 0;
    pid_t r;
    do
        r = waitpid(m_linux_pid, &status, 0);
    while (r < 0 && errno == linux_eintr);
    m_reaped = true;
    if (r != m_linux_pid)
        return false;
    signalled = WIFSIGNALED(status);
    value = signalled ? WTERMSIG(status) : WEXITSTATUS(status);
    return true;
}

void Connection::watch_loop(std::shared_ptr<Connection> self)
{
    pollfd fds[3] = { { m_socket, POLLIN, 0 }, { m_output, POLLIN, 0 }, { m_rearm, POLLIN, 0 } };
    auto read_output = [&] {
        char buffer[4096];
        ssize_t n = read(m_output, buffer, sizeof buffer);
        if (n < 0 && errno == linux_eintr)
            return true;
        if (n <= 0) {
            fds[1].fd = -1;
            return false;
        }
        auto* item = new Inbound;
        item->kind = Inbound::Kind::Output;
        item->output.assign(buffer, static_cast<std::size_t>(n));
        return post(self, item);
    };
    bool armed = true;
    for (;;) {
        // Disarmed, the socket is still watched for its end (poll always reports POLLHUP).
        fds[0].events = armed ? POLLIN : 0;
        if (poll(fds, 3, -1) < 0) {
            if (errno == linux_eintr)
                continue;
            break;
        }
        if (fds[1].fd >= 0 && fds[1].revents) {
            if (!read_output() && fds[1].fd >= 0)
                break; // the core has stopped
        }
        if (fds[2].revents) {
            std::uint64_t count;
            (void)!read(m_rearm, &count, sizeof count);
            armed = true;
        }
        if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
            break; // the process closed its end (or the proxy shut ours)
        if (armed && (fds[0].revents & POLLIN)) {
            armed = false;
            m_disarmed = true; // before the item: the proxy re-arms only after seeing it
            auto* item = new Inbound;
            item->kind = Inbound::Kind::Readable;
            if (!post(self, item))
                break;
        }
    }
    // What a dying driver printed last (a sanitizer report) comes before the hang-up.
    auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (fds[1].fd >= 0 && std::chrono::steady_clock::now() < drain_until) {
        if (poll(&fds[1], 1, 100) > 0)
            read_output();
    }
    auto* hung_up = new Inbound;
    hung_up->kind = Inbound::Kind::HungUp;
    hung_up->status_known = reap(hung_up->signalled, hung_up->value);
    post(self, hung_up);
    sim::host_work_remove_waker();
}

} // namespace sim::driver_host
