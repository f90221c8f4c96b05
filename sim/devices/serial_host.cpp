// Host ends of the simulated UARTs (serial_host.h).
#include "serial_host.h"

#include "../hal/host_work.h"
#include "device_log.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace sim {

bool parse_serial_spec(const std::string& text, SerialSpec& spec, std::string* error)
{
    auto fail = [&](const char* message) {
        if (error)
            *error = "'" + text + "': " + message;
        return false;
    };
    spec = {};
    if (text == "none") {
        spec.kind = SerialSpec::Kind::None;
    } else if (text == "null") {
        spec.kind = SerialSpec::Kind::Null;
    } else if (text == "pty" || text.rfind("pty:", 0) == 0) {
        spec.kind = SerialSpec::Kind::Pty;
        spec.path = text.size() > 4 ? text.substr(4) : "";
    } else if (text.rfind("unix:", 0) == 0) {
        spec.kind = SerialSpec::Kind::Unix;
        spec.path = text.substr(5);
        if (spec.path.empty())
            return fail("unix: needs a socket path");
        if (spec.path.size() >= sizeof(sockaddr_un::sun_path))
            return fail("the socket path is too long");
    } else {
        return fail("expected unix:PATH, pty:[LINK], null or none");
    }
    return true;
}

namespace {

    class NullHost final : public SerialHost {
    public:
        void transmit(uint8_t) override {}
        void receive_room_changed(size_t) override {}
        std::string description() const override { return "nothing (null)"; }
    };

    // A pty or a Unix socket: a host thread reads, the core's thread writes.
    class StreamHost final : public SerialHost {
    public:
        StreamHost(Uart16550& uart, SerialSpec spec) : m_uart(uart), m_spec(std::move(spec)) {}

        ~StreamHost() override
        {
            *m_alive = false; // host work still queued for this end does nothing (core thread)
            if (m_thread.joinable()) {
                m_stop = true;
                signal();
                m_thread.join();
            }
            for (int fd : { m_wake, m_listen, m_client, m_master, m_slave })
                if (fd >= 0)
                    close(fd);
            if (m_spec.kind == SerialSpec::Kind::Unix && m_listen >= 0)
                unlink(m_spec.path.c_str());
            if (m_spec.kind == SerialSpec::Kind::Pty && !m_spec.path.empty()) {
                char target[256] {};
                if (readlink(m_spec.path.c_str(), target, sizeof target - 1) > 0 && m_pty_path == target)
                    unlink(m_spec.path.c_str());
            }
        }

        bool open(std::string* error)
        {
            m_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (m_wake < 0)
                return fail(error, "eventfd");
            if (m_spec.kind == SerialSpec::Kind::Unix ? !open_socket(error) : !open_pty(error))
                return false;
            m_thread = std::thread([this] { run(); });
            return true;
        }

        std::string description() const override
        {
            if (m_spec.kind == SerialSpec::Kind::Unix)
                return "unix socket " + m_spec.path;
            return "pty " + m_pty_path + (m_spec.path.empty() ? "" : " (link " + m_spec.path + ")");
        }

        void transmit(uint8_t byte) override
        {
            ssize_t written;
            if (m_spec.kind == SerialSpec::Kind::Pty) {
                written = write(m_master, &byte, 1);
            } else {
                std::lock_guard lock(m_client_mutex);
                if (m_client < 0)
                    return; // nobody connected: the byte goes nowhere
                written = send(m_client, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
            }
            if (written != 1 && m_dropped++ == 0)
                device_log().debug("{}: the far end does not keep up, dropping transmitted bytes", m_uart.name());
        }

        void receive_room_changed(size_t room) override
        {
            m_room = room;
            wake_if_waiting();
        }

    private:
        static bool fail(std::string* error, const std::string& what)
        {
            if (error)
                *error = what + ": " + std::strerror(errno);
            return false;
        }

        bool open_socket(std::string* error)
        {
            const std::string& path = m_spec.path;
            sockaddr_un address {};
            address.sun_family = AF_UNIX;
            std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
            struct stat existing {};
            if (lstat(path.c_str(), &existing) == 0) {
                if (!S_ISSOCK(existing.st_mode)) {
                    errno = EEXIST;
                    return fail(error, path);
                }
                // A socket nobody listens on is left over from an earlier run: replace it.
                int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                bool in_use = probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
                if (probe >= 0)
                    close(probe);
                if (in_use) {
                    errno = EADDRINUSE;
                    return fail(error, path);
                }
                unlink(path.c_str());
            }
            m_listen = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (m_listen < 0)
                return fail(error, "socket");
            if (bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0
                || listen(m_listen, 4) != 0) {
                bool ok = fail(error, path);
                close(m_listen);
                m_listen = -1;
                return ok;
            }
            return true;
        }

        bool open_pty(std::string* error)
        {
            char name[256] {};
            if (openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0)
                return fail(error, "openpty");
            m_pty_path = name;
            fcntl(m_master, F_SETFD, FD_CLOEXEC);
            fcntl(m_slave, F_SETFD, FD_CLOEXEC);
            fcntl(m_master, F_SETFL, fcntl(m_master, F_GETFL) | O_NONBLOCK);
            // Raw: the wire carries bytes, not lines; without this the slave would echo what the
            // UART transmits straight back as received bytes.
            termios mode {};
            tcgetattr(m_slave, &mode);
            cfmakeraw(&mode);
            tcsetattr(m_slave, TCSANOW, &mode);
            // The simulator keeps the slave open, so the master never reports a hang-up when the
            // user's terminal program comes and goes.
            if (!m_spec.path.empty()) {
                struct stat existing {};
                if (lstat(m_spec.path.c_str(), &existing) == 0) {
                    if (!S_ISLNK(existing.st_mode)) {
                        errno = EEXIST;
                        return fail(error, m_spec.path);
                    }
                    unlink(m_spec.path.c_str());
                }
                if (symlink(name, m_spec.path.c_str()) != 0)
                    return fail(error, m_spec.path);
            }
            m_uart.set_modem_inputs(Uart16550::MSR_CTS | Uart16550::MSR_DSR | Uart16550::MSR_DCD);
            return true;
        }

        void signal()
        {
            uint64_t one = 1;
            (void)!write(m_wake, &one, sizeof one);
        }

        bool wants_input() const { return m_room.load() > 0 && !m_in_flight.load(); }

        // Core thread: lets a host thread that stopped reading for lack of room read again.
        void wake_if_waiting()
        {
            if (wants_input() && m_waiting.exchange(false))
                signal();
        }

        // Runs `work` on the core's thread unless this end is gone by then.
        bool post(std::function<void()> work)
        {
            return host_work_post([alive = m_alive, work = std::move(work)] {
                if (*alive)
                    work();
            });
        }

        void run()
        {
            uint8_t buffer[Uart16550::FIFO_SIZE];
            while (!m_stop) {
                bool reading = wants_input();
                if (!reading) {
                    m_waiting = true;
                    if (wants_input()) { // room appeared in between
                        m_waiting = false;
                        continue;
                    }
                }
                pollfd fds[2] = { { m_wake, POLLIN, 0 }, { -1, POLLIN, 0 } };
                if (m_spec.kind == SerialSpec::Kind::Unix && m_client < 0)
                    fds[1].fd = m_listen;
                else if (reading)
                    fds[1].fd = m_spec.kind == SerialSpec::Kind::Unix ? m_client : m_master;
                if (poll(fds, 2, -1) < 0) {
                    if (errno == EINTR)
                        continue;
                    device_log().error("{}: poll: {}", m_uart.name(), std::strerror(errno));
                    return;
                }
                if (fds[0].revents) {
                    uint64_t count;
                    (void)!read(m_wake, &count, sizeof count);
                }
                if (m_stop)
                    return;
                if (!fds[1].revents)
                    continue;
                if (fds[1].fd == m_listen) {
                    accept_client();
                    continue;
                }
                size_t room = std::min(m_room.load(), sizeof buffer);
                ssize_t n = read(fds[1].fd, buffer, room);
                if (n > 0) {
                    m_in_flight = true;
                    std::vector<uint8_t> bytes(buffer, buffer + n);
                    bool posted = post([this, bytes = std::move(bytes)] {
                        m_in_flight = false;
                        m_uart.receive(bytes.data(), bytes.size());
                        wake_if_waiting();
                    });
                    if (!posted)
                        return; // the core has stopped
                } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                    if (m_spec.kind != SerialSpec::Kind::Unix) {
                        device_log().error("{}: pty: {}", m_uart.name(), n == 0 ? "closed" : std::strerror(errno));
                        return;
                    }
                    hang_up();
                }
            }
        }

        void accept_client()
        {
            int client = accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (client < 0)
                return;
            {
                std::lock_guard lock(m_client_mutex);
                m_client = client;
            }
            device_log().info("{}: client connected to {}", m_uart.name(), m_spec.path);
            post([this] { m_uart.set_modem_inputs(Uart16550::MSR_CTS | Uart16550::MSR_DSR | Uart16550::MSR_DCD); });
        }

        void hang_up()
        {
            {
                std::lock_guard lock(m_client_mutex);
                close(m_client);
                m_client = -1;
            }
            device_log().info("{}: client hung up", m_uart.name());
            post([this] { m_uart.set_modem_inputs(0); });
        }

        Uart16550& m_uart;
        SerialSpec m_spec;
        std::string m_pty_path;
        std::shared_ptr<bool> m_alive { std::make_shared<bool>(true) };
        std::thread m_thread;
        int m_wake { -1 };
        int m_listen { -1 };
        int m_client { -1 }; // closed and replaced by the host thread only; written to under the mutex
        std::mutex m_client_mutex;
        int m_master { -1 };
        int m_slave { -1 };
        std::atomic<bool> m_stop { false };
        std::atomic<size_t> m_room { 0 }; // the receive FIFO's free space (core thread writes)
        std::atomic<bool> m_in_flight { false }; // a burst is posted and not yet in the FIFO
        std::atomic<bool> m_waiting { false }; // the host thread waits for room
        std::atomic<uint64_t> m_dropped { 0 };
    };

} // namespace

std::unique_ptr<SerialHost> SerialHost::start(const SerialSpec& spec, Uart16550& uart, std::string* error)
{
    switch (spec.kind) {
    case SerialSpec::Kind::Null:
        return std::make_unique<NullHost>();
    case SerialSpec::Kind::Pty:
    case SerialSpec::Kind::Unix: {
        auto host = std::make_unique<StreamHost>(uart, spec);
        if (!host->open(error))
            return nullptr;
        return host;
    }
    case SerialSpec::Kind::None:
        break;
    }
    if (error)
        *error = "no host end for 'none'";
    return nullptr;
}

} // namespace sim
