// The remote runtime's entry point: a driver (a Redox program written against
// apps/lib/redox/sys.h) runs as this Linux process, attached to a running redox-sim.
//
// Attaching: a driver started by the simulator's proxy finds its socket in REDOX_DRIVER_FD;
// one started by hand (under gdb, say) connects to $REDOX_SIM_SOCKET, else to
// $XDG_RUNTIME_DIR/redox-sim/drivers.sock (else /tmp/redox-sim-UID/drivers.sock). It says
// HELLO with its program name, gets START with argv and envp, then runs the program
// registered under that name; every syscall becomes a message (syscall_forwarding.cpp).
#include "runtime.h"

#include "../../kernel_core/abi/redox/syscall_numbers.h"
#include "../../kernel_core/program_registry.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" long redox_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e);

extern "C" {
// Set when the sanitizers are linked in (weak: a driver may be built without them).
void __sanitizer_print_stack_trace() __attribute__((weak));
// A memory error is an abort of the driver (SIGABRT for the proxy and the supervisor), not
// an exit with status 1 that would look like a driver's own choice. Faults are this
// runtime's to report (on_deadly_signal): the sanitizers' handler would turn a SIGSEGV into
// an abort, and can deadlock when the signal was sent while it held its own locks.
const char* __asan_default_options()
{
    return "abort_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0";
}
const char* __ubsan_default_options()
{
    return "print_stacktrace=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0";
}
}

namespace remote {

Runtime& runtime()
{
    static Runtime state;
    return state;
}

void connection_lost(const char* why)
{
    std::fprintf(stderr, "%s: lost the simulator (%s); exiting\n", runtime().program, why);
    _exit(1);
}

void protocol_error(const char* what)
{
    std::fprintf(stderr, "%s: protocol error: %s\n", runtime().program, what);
    std::abort();
}

void send(wire::Type type, const void* fixed, std::size_t fixed_size, const void* payload, std::size_t payload_size)
{
    int r = wire::send_message(runtime().socket, type, fixed, fixed_size, payload, payload_size);
    if (r < 0)
        connection_lost(std::strerror(-r));
}

wire::Message receive(wire::Type expected)
{
    wire::Message message;
    for (;;) {
        int r = wire::receive_message(runtime().socket, message);
        if (r == 0)
            connection_lost("the connection closed");
        if (r < 0)
            connection_lost(std::strerror(-r));
        if (message.type == wire::Type::PortRefused) {
            wire::PortInReply refusal {};
            message.fixed(refusal);
            std::fprintf(stderr,
                "%s: the simulator refused port I/O (%s): a driver must run as root and call sys::iopl(3) first\n",
                runtime().program, std::strerror(-refusal.status));
            std::abort();
        }
        if (message.type != expected)
            protocol_error("unexpected message type");
        return message;
    }
}

namespace {

    // Dying of a signal: tell the proxy which one (it can not wait for a process it did not
    // start), say where a fault happened, then die of it for real.
    volatile sig_atomic_t s_dying_signal = 0;

    void tell_dying(int signal)
    {
        wire::Exit exit { wire::SIGNALLED, signal };
        wire::send_message(runtime().socket, wire::Type::Exit, &exit, sizeof exit, nullptr, 0, -1, true);
    }

    void die_now(int signal)
    {
        ::signal(signal, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signal);
        sigprocmask(SIG_UNBLOCK, &set, nullptr);
        raise(signal);
    }

    // "NAME: SIGSEGV at 0x0 (a fault)", with write(2) only: this runs in a signal handler.
    void report_fault(int signal, const siginfo_t* info)
    {
        char text[160];
        std::size_t n = 0;
        auto put = [&](const char* part) {
            while (*part && n < sizeof text - 1)
                text[n++] = *part++;
        };
        put(runtime().program);
        put(": ");
        put(sigabbrev_np(signal) ? "SIG" : "signal ");
        put(sigabbrev_np(signal) ? sigabbrev_np(signal) : "?");
        put(" at 0x");
        auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
        char digits[17];
        int d = 0;
        do
            digits[d++] = "0123456789abcdef"[address & 15];
        while ((address >>= 4) && d < 16);
        while (d && n < sizeof text - 1)
            text[n++] = digits[--d];
        put(" (a fault in the driver)\n");
        (void)!write(2, text, n);
        if (__sanitizer_print_stack_trace)
            __sanitizer_print_stack_trace();
    }

    void on_deadly_signal(int signal, siginfo_t* info, void*)
    {
        if (!s_dying_signal) {
            s_dying_signal = signal;
            tell_dying(signal);
            // Sent by someone (kill, abort's raise) rather than a fault: nothing to report.
            if (info->si_code > 0 && signal != SIGABRT)
                report_fault(signal, info);
        }
        die_now(signal);
    }

    // As early as a constructor can: a driver killed while it starts still dies of the
    // signal it was sent.
    __attribute__((constructor(101))) void install_signal_handlers()
    {
        for (int signal : { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT }) {
            struct sigaction action {};
            action.sa_sigaction = on_deadly_signal;
            action.sa_flags = SA_SIGINFO | SA_ONSTACK;
            sigemptyset(&action.sa_mask);
            sigaction(signal, &action, nullptr);
        }
    }

    std::string default_socket_path()
    {
        if (const char* path = std::getenv("REDOX_SIM_SOCKET"); path && *path)
            return path;
        if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir && *dir)
            return std::string(dir) + "/redox-sim/drivers.sock";
        return "/tmp/redox-sim-" + std::to_string(getuid()) + "/drivers.sock";
    }

    int attach()
    {
        if (const char* fd_text = std::getenv("REDOX_DRIVER_FD"); fd_text && *fd_text) {
            int fd = std::atoi(fd_text);
            unsetenv("REDOX_DRIVER_FD");
            // Started by the simulator: go when it goes, even if it could not say so.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            return fd;
        }
        std::string path = default_socket_path();
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        if (fd < 0 || path.size() >= sizeof address.sun_path) {
            std::fprintf(stderr, "%s: can not use the socket path %s\n", runtime().program, path.c_str());
            std::exit(1);
        }
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            std::fprintf(stderr,
                "%s: can not reach a running redox-sim at %s: %s\n"
                "(start redox-sim first, or set REDOX_SIM_SOCKET to its --driver-socket)\n",
                runtime().program, path.c_str(), std::strerror(errno));
            std::exit(1);
        }
        return fd;
    }

    const kernel::Program* find_own_program(const char* name)
    {
        if (const kernel::Program* program = kernel::find_program(name))
            return program;
        // A renamed executable: a driver executable links exactly one program.
        const kernel::Program* first = kernel::first_program();
        return first && !first->next ? first : nullptr;
    }

    // NUL-separated strings -> pointers into `storage` (which must outlive them).
    bool split_strings(const unsigned char*& at, const unsigned char* end, std::uint32_t count, std::vector<char*>& out)
    {
        for (std::uint32_t i = 0; i < count; ++i) {
            const unsigned char* nul = static_cast<const unsigned char*>(std::memchr(at, 0, end - at));
            if (!nul)
                return false;
            out.push_back(const_cast<char*>(reinterpret_cast<const char*>(at)));
            at = nul + 1;
        }
        out.push_back(nullptr);
        return true;
    }

} // namespace

} // namespace remote

int main(int argc, char** argv)
{
    using namespace remote;
    const char* slash = std::strrchr(argv[0], '/');
    runtime().program = slash ? slash + 1 : argv[0];
    const kernel::Program* program = find_own_program(runtime().program);
    if (!program) {
        std::fprintf(stderr, "%s: no Redox program of that name is linked into this executable\n", runtime().program);
        return 127;
    }
    runtime().program = program->name;
    runtime().socket = attach();
    std::size_t own_limit = wire::configure_socket(runtime().socket);

    // HELLO: the name, and argv for a driver started by hand (argv[0] is the program name).
    std::string strings = program->name;
    for (int i = 1; i < argc; ++i)
        strings.append(1, '\0').append(argv[i]);
    wire::Hello hello { wire::VERSION, static_cast<std::uint32_t>(own_limit),
        static_cast<std::uint32_t>(std::strlen(program->name)), static_cast<std::uint32_t>(argc) };
    send(wire::Type::Hello, &hello, sizeof hello, strings.data(), strings.size() + 1);

    wire::Message start_message = receive(wire::Type::Start);
    wire::Start start {};
    if (!start_message.fixed(start) || start.version != wire::VERSION)
        protocol_error("START of another protocol version");
    runtime().max_payload = start.max_payload < own_limit ? start.max_payload : own_limit;
    std::vector<char*> arguments, environment;
    const unsigned char* at = start_message.payload(sizeof start);
    const unsigned char* end = start_message.body.data() + start_message.body.size();
    if (!split_strings(at, end, start.argc, arguments) || !split_strings(at, end, start.envc, environment))
        protocol_error("malformed START strings");
    if (start_message.fd >= 0 && start.arena_size) {
        void* arena = mmap(nullptr, start.arena_size, PROT_READ | PROT_WRITE, MAP_SHARED, start_message.fd, 0);
        if (arena != MAP_FAILED) {
            runtime().arena = static_cast<unsigned char*>(arena);
            runtime().arena_address = start.arena_address;
            runtime().arena_size = start.arena_size;
        }
        close(start_message.fd);
    }

    int status = program->main(static_cast<int>(start.argc), arguments.data(), environment.data());
    // Returning from main is exit(status), as for Redox programs.
    redox_syscall(redox::SYS_exit, static_cast<unsigned long>(status), 0, 0, 0, 0);
    return status;
}
