// The driver proxy (proxy.h). Everything here runs on the core's thread, in the proxy's
// context: it waits only in kernel waits (its inbox, syscalls), never on a host primitive.
#include "../../drivers/remote/marshalling.h"
#include "../devices/device_bus.h"
#include "../devices/physical_memory.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

namespace {
constexpr int linux_eagain = EAGAIN; // before the Redox ABI headers take the names
constexpr int linux_econnreset = ECONNRESET;
} // namespace

#include "connection.h"
// clang-format off
#include "../../apps/lib/redox/sys.h"
#include "../../kernel_core/hal/clock.h"
// clang-format on
#include "proxy.h"
#include "scheme_channels.h"

namespace sim::driver_host {

namespace {

    struct Proxy {
        std::shared_ptr<Connection> connection;
        SchemeChannels channels;
        std::vector<std::string> arguments; // for START
        std::vector<std::string> environment;
        bool refused_ports { false };
    };

    // Living proxies by pid (core thread; never destroyed: contexts outlive static destructors).
    std::map<u32, Proxy*>& proxies()
    {
        static auto* table = new std::map<u32, Proxy*>;
        return *table;
    }

    // The exiting proxy's watch (kernel::watch_context_exit): however it ends, the Linux
    // process goes with it.
    void on_proxy_exit(void* argument)
    {
        auto* proxy = static_cast<Proxy*>(argument);
        proxies().erase(proxy->connection->proxy_pid);
        proxy->connection->proxy_exited();
        delete proxy;
    }

    [[noreturn]] void end_by_signal(int signal)
    {
        if (signal <= 0 || signal >= redox::NSIG)
            signal = redox::SIGKILL;
        sys::sigaction(signal, redox::SIG_DFL, nullptr);
        sys::kill(sys::getpid(), signal); // delivered on the way out of kill
        sys::exit(128 + signal); // a signal this system ignores by default
    }

    // A driver's EXIT: one started by hand that exited ends its proxy with its status now;
    // one the simulator started is reaped, and its hang-up tells how it ended. A signal it
    // says it dies of is noted (a driver started by hand can only say so).
    void note_exit(Proxy& proxy, const wire::Exit& exit)
    {
        if (exit.how == wire::EXITED && proxy.connection->linux_pid() <= 0)
            sys::exit(exit.value & 0xff);
        if (exit.how == wire::SIGNALLED)
            proxy.connection->announced_signal = exit.value;
    }

    // The driver's process is gone: end as it ended.
    [[noreturn]] void end_after_hang_up(Proxy& proxy, const Inbound& item)
    {
        if (item.status_known) {
            if (item.signalled)
                end_by_signal(item.value);
            sys::exit(item.value);
        }
        // Started by hand: only what it said before dying is known (its last messages may be
        // unread yet); silence means it was killed.
        wire::Message last;
        while (wire::receive_message(proxy.connection->socket(), last, true) == 1) {
            wire::Exit exit {};
            if (last.type != wire::Type::Exit || !last.fixed(exit))
                continue;
            if (exit.how == wire::EXITED) // no reaped status to say otherwise
                sys::exit(exit.value & 0xff);
            note_exit(proxy, exit);
        }
        end_by_signal(proxy.connection->announced_signal ? proxy.connection->announced_signal : redox::SIGKILL);
    }

    void write_output(const std::string& text)
    {
        std::size_t done = 0;
        while (done < text.size()) {
            long n = sys::write(2, text.data() + done, text.size() - done);
            if (n <= 0)
                return;
            done += static_cast<std::size_t>(n);
        }
    }

    [[noreturn]] void broken(Proxy& proxy, const char* what)
    {
        spdlog::warn("driver {}: protocol error ({}); killing its process", proxy.connection->name(), what);
        proxy.connection->kill_process();
        end_by_signal(redox::SIGKILL);
    }

    void reply(Proxy& proxy, wire::Type type, const void* fixed, std::size_t fixed_size, const void* payload = nullptr,
        std::size_t payload_size = 0, int fd = -1)
    {
        // Never block the core on a driver that does not read: it is waiting for this answer.
        int r
            = wire::send_message(proxy.connection->socket(), type, fixed, fixed_size, payload, payload_size, fd, true);
        if (r < 0) {
            spdlog::warn(
                "driver {}: can not answer its process ({}); killing it", proxy.connection->name(), std::strerror(-r));
            proxy.connection->kill_process(); // the hang-up ends the proxy
        }
    }

    std::size_t max_buffer(const Proxy& proxy) { return proxy.connection->max_payload / 2; }

    bool in_arena(std::uint64_t address)
    {
        auto base = reinterpret_cast<std::uint64_t>(sim::physical_memory_base());
        return base && address >= base && address - base < sim::physical_memory_size();
    }

    long perform(
        Proxy& proxy, const wire::Message& message, wire::SyscallReply& answer, std::vector<unsigned char>& output)
    {
        wire::Syscall call {};
        if (!message.fixed(call))
            broken(proxy, "short SYSCALL");
        const unsigned char* input = message.payload(sizeof call);
        std::size_t input_size = message.body.size() - sizeof call;
        std::uint64_t args[5] = { call.args[0], call.args[1], call.args[2], call.args[3], call.args[4] };
        const remote::SyscallSpec* spec = remote::find_syscall(call.number);
        if (!spec || spec->handling != remote::Handling::Forward)
            return -redox::ENOSYS;
        int fd = static_cast<int>(args[0]);
        Connection& connection = *proxy.connection;

        if (call.number == redox::SYS_read && proxy.channels.is_channel(fd)) {
            connection.in_call = true;
            long r = proxy.channels.read_requests(fd, args[1] != 0, args[2], max_buffer(proxy), output);
            connection.in_call = false;
            return r;
        }
        if (call.number == redox::SYS_write && proxy.channels.is_channel(fd)) {
            bool bad = false;
            long r = proxy.channels.write_completions(fd, input, input_size, args[2], bad);
            if (bad)
                broken(proxy, "completion data that does not add up");
            return r;
        }
        if (call.number == redox::SYS_sigaction) {
            if (args[1] > redox::SIG_IGN)
                return -redox::ENOSYS; // a handler would be an address in the driver's process
            if (args[0] == static_cast<std::uint64_t>(DRIVER_GONE_SIGNAL))
                return -redox::EINVAL; // the proxy's own
        }

        std::vector<unsigned char> storage[2];
        std::size_t offset = 0;
        for (unsigned i = 0; i < spec->buffer_count; ++i) {
            const remote::BufferArg& b = spec->buffers[i];
            if (!args[b.pointer])
                continue;
            std::uint64_t length = remote::buffer_length(b, args);
            if (length > max_buffer(proxy)) {
                if (b.direction == remote::Direction::In)
                    broken(proxy, "a syscall buffer beyond the limit");
                return -redox::EINVAL;
            }
            storage[i].assign(length + 1, 0); // never empty: a present buffer is never null
            if (b.direction == remote::Direction::In) {
                if (length > input_size - offset)
                    broken(proxy, "a SYSCALL without its input");
                std::memcpy(storage[i].data(), input + offset, length);
                offset += length;
            }
            args[b.pointer] = reinterpret_cast<std::uint64_t>(storage[i].data());
        }
        if (offset != input_size)
            broken(proxy, "a SYSCALL with stray input");

        connection.in_call = true;
        long result = sys::call(call.number, args[0], args[1], args[2], args[3], args[4]);
        connection.in_call = false;

        switch (call.number) {
        case redox::SYS_open:
        case redox::SYS_openat: {
            bool at = call.number == redox::SYS_openat;
            std::uint64_t length = at ? args[2] : args[1];
            std::uint64_t flags = at ? args[3] : args[2];
            if (result >= 0 && !storage[0].empty()
                && remote::is_scheme_registration(reinterpret_cast<const char*>(storage[0].data()), length, flags)) {
                proxy.channels.opened(static_cast<int>(result));
                answer.flags |= wire::REPLY_CHANNEL_OPENED;
            }
            break;
        }
        case redox::SYS_close:
            proxy.channels.closed(fd);
            break;
        case redox::SYS_dup2:
            if (result >= 0)
                proxy.channels.closed(static_cast<int>(result));
            break;
        case redox::SYS_fmap:
            // Only the DMA arena is memory the driver's process can share (it maps the memfd).
            if ((result >= 0 || result < -4095) && !in_arena(static_cast<std::uint64_t>(result))) {
                redox::Map map {};
                std::memcpy(&map, storage[0].data(), sizeof map < storage[0].size() ? sizeof map : 0);
                sys::funmap(reinterpret_cast<void*>(result), map.size);
                result = -redox::EOPNOTSUPP;
            }
            break;
        default:
            break;
        }

        for (unsigned i = 0; i < spec->buffer_count; ++i) {
            const remote::BufferArg& b = spec->buffers[i];
            if (b.direction != remote::Direction::Out || storage[i].empty())
                continue;
            std::size_t length = storage[i].size() - 1;
            std::size_t size = length;
            if (b.out_size == remote::OutSize::ByResult)
                size = result >= 0
                    ? (static_cast<std::size_t>(result) < length ? static_cast<std::size_t>(result) : length)
                    : 0;
            answer.out_size[i] = static_cast<std::uint32_t>(size);
            output.insert(output.end(), storage[i].data(), storage[i].data() + size);
        }
        return result;
    }

    void handle_syscall(Proxy& proxy, const wire::Message& message)
    {
        wire::SyscallReply answer {};
        std::vector<unsigned char> output;
        answer.result = perform(proxy, message, answer, output);
        reply(proxy, wire::Type::SyscallReply, &answer, sizeof answer, output.data(), output.size());
    }

    void handle_port(Proxy& proxy, const wire::Message& message, bool input)
    {
        wire::PortAccess access {};
        if (!message.fixed(access) || (access.width != 1 && access.width != 2 && access.width != 4) || !access.count
            || static_cast<std::uint64_t>(access.count) * access.width > max_buffer(proxy))
            broken(proxy, "a malformed port access");
        std::size_t bytes = static_cast<std::size_t>(access.count) * access.width;
        if (!kernel::current_has_io_privilege()) {
            if (!proxy.refused_ports)
                spdlog::warn(
                    "driver {}: port I/O at {:#x} without iopl refused", proxy.connection->name(), access.port);
            // A read waits for this answer; for pipelined writes one refusal ends the driver.
            if (input || !proxy.refused_ports) {
                wire::PortInReply refusal { -redox::EPERM, 0 };
                reply(proxy, wire::Type::PortRefused, &refusal, sizeof refusal);
            }
            proxy.refused_ports = true;
            return;
        }
        sim::DeviceBus& bus = sim::device_bus();
        if (input) {
            std::vector<unsigned char> data(bytes);
            if (access.count == 1) {
                std::uint32_t value = bus.port_in(access.port, access.width);
                std::memcpy(data.data(), &value, access.width);
            } else {
                bus.port_in_string(access.port, access.width, data.data(), access.count);
            }
            wire::PortInReply answer {};
            reply(proxy, wire::Type::PortInReply, &answer, sizeof answer, data.data(), data.size());
            return;
        }
        if (message.body.size() != sizeof access + bytes)
            broken(proxy, "a PORT_OUT without its data");
        const unsigned char* data = message.payload(sizeof access);
        if (access.count == 1) {
            std::uint32_t value = 0;
            std::memcpy(&value, data, access.width);
            bus.port_out(access.port, access.width, value);
        } else {
            bus.port_out_string(access.port, access.width, data, access.count);
        }
    }

    // How long the proxy looks for the driver's next message on the CPU before it waits in its
    // inbox: a driver's next syscall usually follows within microseconds, and a wait costs a
    // thread wake-up on each side. Other contexts run meanwhile (it yields).
    constexpr auto SPIN = std::chrono::microseconds(20);

    Inbound* next_item(Proxy& proxy)
    {
        Connection& connection = *proxy.connection;
        auto spin_until = std::chrono::steady_clock::now() + SPIN;
        auto* item = new Inbound;
        for (;;) {
            if (Inbound* queued = connection.take(0)) {
                delete item;
                return queued;
            }
            int r = wire::receive_message(connection.socket(), item->message, true);
            if (r == 1)
                return item;
            // ECONNRESET: the driver died with a request of ours unread. That is its end, not a
            // protocol error: the watcher's hang-up reports how it ended (killing it here
            // would replace its own signal by SIGKILL).
            if (r < 0 && r != -linux_eagain && r != -linux_econnreset)
                broken(proxy, "an unreadable message");
            if (r != 0 && std::chrono::steady_clock::now() < spin_until) {
                sys::yield();
                continue;
            }
            // Nothing (or the end): wait for the watcher's word. A kernel wait: SIGKILL ends the
            // proxy here (take_until), and the exit watch cleans up.
            // After a Readable note (take returns null), read the socket again.
            connection.rearm();
            if (Inbound* queued = connection.take(hal::monotonic_ns() + 3'600'000'000'000ull)) {
                delete item;
                return queued;
            }
            spin_until = std::chrono::steady_clock::now() + SPIN;
        }
    }

    void handle(Proxy& proxy, Inbound& item)
    {
        switch (item.kind) {
        case Inbound::Kind::Output:
            write_output(item.output);
            return;
        case Inbound::Kind::HungUp:
            end_after_hang_up(proxy, item);
        case Inbound::Kind::Readable:
            return; // not delivered: Connection::take skips these notes
        case Inbound::Kind::Message:
            break;
        }
        const wire::Message& message = item.message;
        switch (message.type) {
        case wire::Type::Syscall:
            handle_syscall(proxy, message);
            return;
        case wire::Type::PortIn:
            handle_port(proxy, message, true);
            return;
        case wire::Type::PortOut:
            handle_port(proxy, message, false);
            return;
        case wire::Type::Exit: {
            wire::Exit exit {};
            if (!message.fixed(exit))
                broken(proxy, "short EXIT");
            note_exit(proxy, exit);
            return;
        }
        default:
            broken(proxy, "an unexpected message");
        }
    }

    // DRIVER_GONE_SIGNAL: the driver's process is gone while the proxy was blocked in a call
    // for it. Finish here (after what it printed last).
    void on_driver_gone(int)
    {
        auto it = proxies().find(static_cast<u32>(sys::getpid()));
        if (it == proxies().end() || !it->second->connection->hung_up)
            return;
        Proxy& proxy = *it->second;
        while (Inbound* item = proxy.connection->take(0)) {
            // A request's answer nobody would read: only output, EXIT and the hang-up matter.
            if (item->kind != Inbound::Kind::Message || item->message.type == wire::Type::Exit)
                handle(proxy, *item);
            delete item;
        }
    }

    void send_start(Proxy& proxy, const wire::Hello& hello)
    {
        const std::vector<std::string>& arguments = proxy.arguments;
        const std::vector<std::string>& environment = proxy.environment;
        std::string strings;
        for (const std::string& argument : arguments)
            strings.append(argument).append(1, '\0');
        for (const std::string& variable : environment)
            strings.append(variable).append(1, '\0');
        Connection& connection = *proxy.connection;
        if (hello.max_payload < connection.max_payload)
            connection.max_payload = hello.max_payload < 16 * 1024 ? 16 * 1024 : hello.max_payload;
        wire::Start start { wire::VERSION, static_cast<std::uint32_t>(connection.max_payload),
            static_cast<std::uint32_t>(arguments.size()), static_cast<std::uint32_t>(environment.size()), 0, 0 };
        int arena = sim::physical_memory_fd();
        if (arena >= 0 && sim::physical_memory_base()) {
            start.arena_address = reinterpret_cast<std::uint64_t>(sim::physical_memory_base());
            start.arena_size = sim::physical_memory_size();
        }
        if (strings.size() > wire::MAX_PAYLOAD)
            strings.resize(wire::MAX_PAYLOAD); // cut: the driver sees fewer strings than counted
        reply(proxy, wire::Type::Start, &start, sizeof start, strings.data(), strings.size(),
            start.arena_size ? arena : -1);
    }

} // namespace

void serve(
    std::shared_ptr<Connection>&& given, std::vector<std::string>&& arguments, std::vector<std::string>&& environment)
{
    std::string name = given->name();
    auto* proxy = new Proxy { std::move(given), SchemeChannels(name), std::move(arguments), std::move(environment) };
    Connection* connection = proxy->connection.get();
    u32 pid = static_cast<u32>(sys::getpid());
    connection->proxy_pid = pid;
    proxies()[pid] = proxy;
    kernel::watch_context_exit(pid, on_proxy_exit, proxy);
    sys::sigaction(DRIVER_GONE_SIGNAL, reinterpret_cast<unsigned long>(&on_driver_gone), nullptr);

    // HELLO first (its output and a hang-up may come before it).
    wire::Hello hello {};
    for (;;) {
        Inbound* item = next_item(*proxy);
        if (item->kind != Inbound::Kind::Message) {
            handle(*proxy, *item);
            delete item;
            continue;
        }
        const wire::Message& message = item->message;
        if (message.type != wire::Type::Hello || !message.fixed(hello) || hello.version != wire::VERSION) {
            spdlog::warn("driver {}: its process speaks another protocol (version {}); rebuild it", connection->name(),
                hello.version);
            connection->kill_process();
            end_by_signal(redox::SIGKILL);
        }
        if (proxy->arguments.empty()) {
            // Started by hand: the name, then the arguments it was given on Linux.
            const unsigned char* at = message.payload(sizeof hello) + hello.name_length + 1;
            const unsigned char* end = message.body.data() + message.body.size();
            proxy->arguments.emplace_back(connection->name());
            for (std::uint32_t i = 1; i < hello.argc && at < end; ++i) {
                std::size_t n = strnlen(reinterpret_cast<const char*>(at), static_cast<std::size_t>(end - at));
                proxy->arguments.emplace_back(reinterpret_cast<const char*>(at), n);
                at += n + 1;
            }
        }
        delete item;
        break;
    }
    send_start(*proxy, hello);

    for (;;) {
        Inbound* item = next_item(*proxy);
        handle(*proxy, *item);
        delete item;
    }
}

} // namespace sim::driver_host
