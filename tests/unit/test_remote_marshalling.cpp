// Remote drivers' marshalling tables (drivers/remote/marshalling.h) and wire messages
// (drivers/remote/wire_protocol.h): what both ends of a driver's socket agree on.
#include "../../drivers/remote/wire_protocol.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace {
constexpr int linux_emsgsize = EMSGSIZE;
constexpr int linux_eagain = EAGAIN;
} // namespace

#include "../../drivers/remote/marshalling.h"
#include "../../kernel_core/abi/redox/undef_host_macros.h"
// clang-format off
#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/abi/redox/syscall_numbers.h"
// clang-format on

#include <doctest/doctest.h>

using remote::Direction;
using remote::Handling;
using remote::OutSize;

TEST_CASE("remote marshalling: every syscall of the ABI is marshalled, refused or handled locally")
{
    // A syscall added to the ABI without a decision here would reach the proxy with the
    // driver's pointers: the table must name it.
#define CHECK_KNOWN(name, number) CHECK_MESSAGE(remote::find_syscall(number) != nullptr, #name);
    REDOX_SYSCALLS(CHECK_KNOWN)
#undef CHECK_KNOWN
    CHECK(remote::find_syscall(0x7777) == nullptr);
}

TEST_CASE("remote marshalling: buffers of path, data and record calls")
{
    const remote::SyscallSpec* open = remote::find_syscall(redox::SYS_open);
    REQUIRE(open);
    REQUIRE(open->buffer_count == 1);
    CHECK(open->buffers[0].pointer == 0);
    CHECK(open->buffers[0].direction == Direction::In);
    std::uint64_t open_args[5] = { 0x1000, 7, redox::O_RDONLY, 0, 0 };
    CHECK(remote::buffer_length(open->buffers[0], open_args) == 7);

    const remote::SyscallSpec* link = remote::find_syscall(redox::SYS_link);
    REQUIRE(link);
    CHECK(link->buffer_count == 2);
    CHECK(link->buffers[1].pointer == 2);
    CHECK(link->buffers[1].length_arg == 3);

    const remote::SyscallSpec* read = remote::find_syscall(redox::SYS_read);
    REQUIRE(read);
    CHECK(read->buffers[0].direction == Direction::Out);
    CHECK(read->buffers[0].out_size == OutSize::ByResult);

    const remote::SyscallSpec* fstat = remote::find_syscall(redox::SYS_fstat);
    REQUIRE(fstat);
    CHECK(fstat->buffers[0].out_size == OutSize::Whole);

    const remote::SyscallSpec* nanosleep = remote::find_syscall(redox::SYS_nanosleep);
    REQUIRE(nanosleep);
    REQUIRE(nanosleep->buffer_count == 2);
    std::uint64_t no_args[5] {};
    CHECK(remote::buffer_length(nanosleep->buffers[0], no_args) == sizeof(redox::TimeSpec));
    CHECK(nanosleep->buffers[0].direction == Direction::In);
    CHECK(nanosleep->buffers[1].direction == Direction::Out);

    const remote::SyscallSpec* pipe2 = remote::find_syscall(redox::SYS_pipe2);
    REQUIRE(pipe2);
    CHECK(remote::buffer_length(pipe2->buffers[0], no_args) == 2 * sizeof(int));

    const remote::SyscallSpec* fmap = remote::find_syscall(redox::SYS_fmap);
    REQUIRE(fmap);
    CHECK(fmap->buffers[0].direction == Direction::In); // the Map record

    CHECK(remote::find_syscall(redox::SYS_close)->buffer_count == 0);
    CHECK(remote::find_syscall(redox::SYS_iopl)->handling == Handling::Forward);
}

TEST_CASE("remote marshalling: calls a separate process can not make are refused")
{
    for (unsigned long number : { redox::SYS_execve, redox::SYS_fexec, redox::SYS_clone, redox::SYS_mkns })
        CHECK(remote::find_syscall(number)->handling == Handling::Refused);
    CHECK(remote::find_syscall(redox::SYS_exit)->handling == Handling::Local);
}

TEST_CASE("remote marshalling: scheme requests name their buffers")
{
    using remote::RequestBuffer;
    CHECK(remote::request_buffer(redox::OP_OPENAT) == RequestBuffer::In);
    CHECK(remote::request_buffer(redox::OP_WRITE) == RequestBuffer::In);
    CHECK(remote::request_buffer(redox::OP_UNLINKAT) == RequestBuffer::In);
    CHECK(remote::request_buffer(redox::OP_DUP) == RequestBuffer::In);
    CHECK(remote::request_buffer(redox::OP_READ) == RequestBuffer::Out);
    CHECK(remote::request_buffer(redox::OP_FSTAT) == RequestBuffer::Out);
    CHECK(remote::request_buffer(redox::OP_GETDENTS) == RequestBuffer::Out);
    CHECK(remote::request_buffer(redox::OP_CLOSE) == RequestBuffer::None);
    CHECK(remote::request_buffer(redox::OP_FSYNC) == RequestBuffer::None);
    CHECK(remote::request_buffer(redox::OP_MMAP_PREP) == RequestBuffer::None);

    redox::SchemeRequest futimens {};
    futimens.opcode = redox::OP_FUTIMENS;
    futimens.args[2] = 2; // a count of TimeSpecs, not bytes
    CHECK(remote::request_buffer_length(futimens) == 2 * sizeof(redox::TimeSpec));
    redox::SchemeRequest write {};
    write.opcode = redox::OP_WRITE;
    write.args[2] = 300;
    CHECK(remote::request_buffer_length(write) == 300);
    redox::SchemeRequest fsync {};
    fsync.opcode = redox::OP_FSYNC;
    fsync.args[2] = 300;
    CHECK(remote::request_buffer_length(fsync) == 0);
}

TEST_CASE("remote marshalling: completions carry no more than the caller asked for")
{
    auto error = [](int e) { return static_cast<std::uint64_t>(-static_cast<std::int64_t>(e)); };
    CHECK(remote::completion_data_length(redox::OP_READ, 100, 40) == 40);
    CHECK(remote::completion_data_length(redox::OP_READ, 100, 100) == 100);
    CHECK(remote::completion_data_length(redox::OP_READ, 100, 101) == -1);
    CHECK(remote::completion_data_length(redox::OP_READ, 100, ~0ull - 5000) == -1); // garbage, not an errno
    CHECK(remote::completion_data_length(redox::OP_READ, 100, error(redox::EIO)) == 0);
    CHECK(remote::completion_data_length(redox::OP_GETDENTS, 64, 65) == -1);
    CHECK(remote::completion_data_length(redox::OP_FPATH, 64, 10) == 10);
    CHECK(remote::completion_data_length(redox::OP_FSTAT, sizeof(redox::Stat), 0) == sizeof(redox::Stat));
    CHECK(remote::completion_data_length(redox::OP_FSTAT, sizeof(redox::Stat), error(redox::EBADF)) == 0);
    CHECK(remote::completion_data_length(redox::OP_WRITE, 100, 100) == 0); // nothing comes back
    CHECK(remote::completion_data_length(redox::OP_OPENAT, 0, 12345) == 0); // a handle, any value

    redox::SchemeCompletion event { redox::COMPLETION_SEND_FEVENT, {}, 1, 3 };
    redox::SchemeCompletion answer { redox::COMPLETION_RESPOND_REGULAR, {}, 1, 3 };
    CHECK(remote::is_event_completion(event));
    CHECK_FALSE(remote::is_event_completion(answer));
}

TEST_CASE("remote marshalling: a scheme registration is :NAME opened with O_CREAT")
{
    CHECK(remote::is_scheme_registration(":echo", 5, redox::O_CREAT | redox::O_RDWR));
    CHECK_FALSE(remote::is_scheme_registration(":echo", 5, redox::O_RDWR));
    CHECK_FALSE(remote::is_scheme_registration("/scheme/echo", 12, redox::O_CREAT));
    CHECK_FALSE(remote::is_scheme_registration(":", 1, redox::O_CREAT));
    CHECK_FALSE(remote::is_scheme_registration(nullptr, 5, redox::O_CREAT));
}

TEST_CASE("remote wire: messages, their limits and a passed file descriptor")
{
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0);
    std::size_t limit = wire::configure_socket(pair[0]);
    CHECK(limit >= 16 * 1024);
    CHECK(limit <= wire::MAX_PAYLOAD);

    // Nothing there yet: a non-blocking receive says so (the proxy then waits for its watcher).
    wire::Message nothing;
    CHECK(wire::receive_message(pair[1], nothing, true) == -linux_eagain);

    wire::Syscall call { redox::SYS_write, { 1, 1, 5, 0, 0 } };
    REQUIRE(wire::send_message(pair[0], wire::Type::Syscall, &call, sizeof call, "hello", 5) == 0);
    wire::Message message;
    REQUIRE(wire::receive_message(pair[1], message) == 1);
    CHECK(message.type == wire::Type::Syscall);
    wire::Syscall received {};
    REQUIRE(message.fixed(received));
    CHECK(received.number == redox::SYS_write);
    CHECK(received.args[2] == 5);
    CHECK(message.body.size() == sizeof call + 5);
    CHECK(std::memcmp(message.payload(sizeof call), "hello", 5) == 0);
    CHECK(message.fd == -1);

    // A file descriptor rides along (the DMA arena's memfd at START).
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    wire::Start start {};
    REQUIRE(wire::send_message(pair[1], wire::Type::Start, &start, sizeof start, nullptr, 0, pipe_fds[1]) == 0);
    REQUIRE(wire::receive_message(pair[0], message) == 1);
    CHECK(message.type == wire::Type::Start);
    REQUIRE(message.fd >= 0);
    CHECK(write(message.fd, "x", 1) == 1);
    char byte = 0;
    CHECK(read(pipe_fds[0], &byte, 1) == 1);
    CHECK(byte == 'x');
    close(message.fd);
    close(pipe_fds[0]);
    close(pipe_fds[1]);

    // Too large for any message; a short fixed part is refused by fixed().
    std::vector<unsigned char> huge(wire::MAX_MESSAGE + 1);
    CHECK(wire::send_message(pair[0], wire::Type::PortOut, nullptr, 0, huge.data(), huge.size()) == -linux_emsgsize);
    wire::PortAccess access { 0x3f8, 1, 0, 1 };
    REQUIRE(wire::send_message(pair[0], wire::Type::PortOut, &access, 2) == 0);
    REQUIRE(wire::receive_message(pair[1], message) == 1);
    CHECK_FALSE(message.fixed(access));

    // Nothing waiting: a non-blocking send fills the queue, then EAGAIN (the proxy never blocks).
    int r = 0;
    for (int i = 0; i < 10000 && r == 0; ++i)
        r = wire::send_message(pair[0], wire::Type::PortOut, &access, sizeof access, huge.data(), limit, -1, true);
    CHECK(r == -linux_eagain);

    // The other end closing is the end of the connection: 0 once the queue is drained.
    close(pair[0]);
    int drained = 0;
    while ((r = wire::receive_message(pair[1], message)) == 1)
        ++drained;
    CHECK(drained > 0);
    CHECK(r == 0);
    close(pair[1]);
}
