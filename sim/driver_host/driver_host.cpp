// The driver host's options and its listening socket for drivers started by hand.
#include "driver_host.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

namespace {
// Linux values, captured before the Redox ABI headers take these names.
constexpr int linux_f_setfl = F_SETFL;
constexpr int linux_eintr = EINTR;
constexpr int linux_eagain = EAGAIN;
constexpr int linux_eexist = EEXIST;
constexpr int linux_econnaborted = ECONNABORTED;
constexpr int linux_eaddrinuse = EADDRINUSE;
} // namespace

#include "../hal/host_work.h"
#include "connection.h"
#include "driver_host_state.h"
#include "driver_programs.h"
// clang-format off
#include "../../apps/lib/redox/sys.h"
// clang-format on
#include "proxy.h"

namespace sim {

namespace {

    std::string s_directory;
    std::string s_socket_path;
    int s_listener = -1;
    std::thread s_accept_thread;
    std::atomic<bool> s_stopping { false };

    // The proxy context of a driver started by hand (root, a child of init, no files yet).
    int manual_proxy_main(void* argument)
    {
        std::shared_ptr<driver_host::Connection> connection
            = std::move(*static_cast<std::shared_ptr<driver_host::Connection>*>(argument));
        delete static_cast<std::shared_ptr<driver_host::Connection>*>(argument);
        // stdin from nowhere; what it prints goes to the console, as for init's daemons.
        sys::open("/scheme/null", redox::O_RDONLY);
        sys::open("/scheme/debug", redox::O_WRONLY);
        sys::open("/scheme/debug", redox::O_WRONLY);
        driver_host::serve(
            std::move(connection), {}, std::vector<std::string> { "PATH=/bin", "HOME=/root", "USER=root" });
    }

    // A new connection's HELLO names the driver; its proxy context is started on the core.
    void accept_driver(int client)
    {
        fcntl(client, linux_f_setfl, 0); // blocking (accepted non-blocking so a vanished client can not stall us)
        timeval patience { 5, 0 };
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
        auto* hello = new driver_host::Inbound;
        wire::Hello fields {};
        if (wire::receive_message(client, hello->message) != 1 || hello->message.type != wire::Type::Hello
            || !hello->message.fixed(fields) || fields.name_length == 0 || fields.name_length > 255
            || hello->message.body.size() < sizeof fields + fields.name_length) {
            spdlog::warn("driver socket: a connection without a valid HELLO; closed");
            delete hello;
            close(client);
            return;
        }
        timeval forever { 0, 0 };
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof forever);
        std::string name(reinterpret_cast<const char*>(hello->message.payload(sizeof fields)), fields.name_length);
        auto connection = std::make_shared<driver_host::Connection>(name, client, 0, -1);
        connection->max_payload = wire::configure_socket(client);
        bool posted = host_work_post([connection, hello, name] {
            connection->queue(hello);
            auto* argument = new std::shared_ptr<driver_host::Connection>(connection);
            auto pid
                = kernel::spawn_host_context(ktl::StringView(name.c_str(), name.size()), manual_proxy_main, argument);
            if (pid.is_error()) {
                delete argument;
                spdlog::warn("driver {}: no proxy context for it; closing", name);
                connection->proxy_exited();
            }
        });
        if (!posted) {
            delete hello;
            return;
        }
        // After HELLO's work item: everything the watcher posts comes after it.
        driver_host::Connection::start_watcher(connection);
    }

    void accept_loop()
    {
        while (!s_stopping) {
            // Polled with a timeout: driver_host_stop sets s_stopping and waits for this thread.
            pollfd listener { s_listener, POLLIN, 0 };
            if (poll(&listener, 1, 200) <= 0)
                continue;
            int client = accept4(s_listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (client < 0) {
                if (errno == linux_eintr || errno == linux_econnaborted || errno == linux_eagain)
                    continue;
                return;
            }
            accept_driver(client);
        }
    }

    bool make_parent_directory(const std::string& path)
    {
        std::size_t slash = path.rfind('/');
        if (slash == std::string::npos || slash == 0)
            return true;
        std::string parent = path.substr(0, slash);
        if (mkdir(parent.c_str(), 0700) == 0 || errno == linux_eexist)
            return true;
        return make_parent_directory(parent) && (mkdir(parent.c_str(), 0700) == 0 || errno == linux_eexist);
    }

    void listen_at(const std::string& path)
    {
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        if (path.size() >= sizeof address.sun_path) {
            spdlog::warn("driver socket: the path {} is too long; drivers can not be started by hand", path);
            return;
        }
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        if (!make_parent_directory(path)) {
            spdlog::warn("driver socket: can not make the directory of {}: {}", path, std::strerror(errno));
            return;
        }
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return;
        if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno == linux_eaddrinuse) {
            // Another simulator answering there keeps it; a dead one's socket is reused.
            int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            bool alive = connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
            close(probe);
            if (alive) {
                spdlog::info("driver socket: {} belongs to another running simulator; not listening", path);
                close(fd);
                return;
            }
            unlink(path.c_str());
            if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
                errno = errno ? errno : linux_eaddrinuse;
            else
                errno = 0;
        } else {
            errno = 0;
        }
        if (errno || listen(fd, 16) != 0) {
            spdlog::warn("driver socket: can not listen at {}: {}", path, std::strerror(errno));
            close(fd);
            return;
        }
        chmod(path.c_str(), 0600);
        spdlog::info("driver socket: drivers started by hand attach at {}", path);
        s_listener = fd;
        s_socket_path = path;
        s_accept_thread = std::thread(accept_loop);
    }

} // namespace

namespace driver_host {

    const std::string& driver_directory()
    {
        if (s_directory.empty())
            s_directory = BUILT_DRIVER_DIRECTORY;
        return s_directory;
    }

} // namespace driver_host

std::string default_driver_directory() { return driver_host::BUILT_DRIVER_DIRECTORY; }

std::string default_driver_socket()
{
    if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir && *dir)
        return std::string(dir) + "/redox-sim/drivers.sock";
    return "/tmp/redox-sim-" + std::to_string(getuid()) + "/drivers.sock";
}

void driver_host_start(const DriverHostOptions& options)
{
    s_directory = options.directory.empty() ? default_driver_directory() : options.directory;
    if (options.listen)
        listen_at(options.socket_path.empty() ? default_driver_socket() : options.socket_path);
}

void driver_host_stop()
{
    if (s_listener < 0)
        return;
    s_stopping = true;
    if (s_accept_thread.joinable())
        s_accept_thread.join();
    close(s_listener);
    s_listener = -1;
    unlink(s_socket_path.c_str());
}

} // namespace sim
