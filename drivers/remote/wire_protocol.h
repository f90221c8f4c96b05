#pragma once
// The messages between a remote driver (a Linux process, drivers/remote/runtime.cpp) and its
// proxy context in the simulator (sim/driver_host/). One SOCK_SEQPACKET message each: a
// Header, then `length` bytes of body (a fixed part, then a variable payload).
//
//   runtime -> sim   HELLO          Hello + program name + NUL-separated argv (argv for a
//                                   driver started by hand; a spawned driver's come in START)
//   sim -> runtime   START          Start + NUL-separated argv, then envp (the DMA arena's
//                                   memfd rides along with SCM_RIGHTS when there is one)
//   runtime -> sim   SYSCALL        Syscall + the input buffers, in the table's order
//   sim -> runtime   SYSCALL_REPLY  SyscallReply + the output buffers, in the table's order
//   runtime -> sim   PORT_IN        PortAccess                     (answered by PORT_IN_REPLY)
//   sim -> runtime   PORT_IN_REPLY  PortInReply + count * width bytes
//   runtime -> sim   PORT_OUT       PortAccess + count * width bytes (no reply: pipelined)
//   sim -> runtime   PORT_REFUSED   PortInReply (status = -errno): a PORT_OUT was refused
//   runtime -> sim   EXIT           Exit (the program ended, or is dying by a signal)
//
// Pointer arguments of a SYSCALL travel as 0 (null) or 1 (present); the proxy points them at
// its own copies. Both sides keep each message within the payload limit agreed in HELLO and
// START (a Unix socket's send buffer bounds a datagram); larger reads and writes are split
// or shortened by the runtime.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wire {

constexpr std::uint32_t VERSION = 1;
// The largest payload either side ever asks for; the agreed limit may be smaller.
constexpr std::size_t MAX_PAYLOAD = 1u << 20;
// Room for a message's fixed part above the payload.
constexpr std::size_t MESSAGE_SLACK = 4096;
constexpr std::size_t MAX_MESSAGE = MAX_PAYLOAD + MESSAGE_SLACK;

enum class Type : std::uint32_t {
    Hello = 1,
    Start = 2,
    Syscall = 3,
    SyscallReply = 4,
    PortIn = 5,
    PortInReply = 6,
    PortOut = 7,
    PortRefused = 8,
    Exit = 9,
};

struct Header {
    std::uint32_t type;
    std::uint32_t length; // body bytes after the header
};

struct Hello {
    std::uint32_t version;
    std::uint32_t max_payload; // what the runtime can send in one message
    std::uint32_t name_length; // the program name follows, then argc NUL-terminated strings
    std::uint32_t argc;
};

struct Start {
    std::uint32_t version;
    std::uint32_t max_payload; // the agreed limit for both directions
    std::uint32_t argc;
    std::uint32_t envc;
    std::uint64_t arena_address; // the DMA arena in the simulator (0: none, no fd attached)
    std::uint64_t arena_size;
};

struct Syscall {
    std::uint64_t number;
    std::uint64_t args[5];
};

// SyscallReply::flags
constexpr std::uint32_t REPLY_CHANNEL_OPENED = 1; // the open made a scheme channel

struct SyscallReply {
    std::int64_t result;
    std::uint32_t flags;
    std::uint32_t out_size[2]; // bytes of each output buffer in the payload
    std::uint32_t reserved;
};

struct PortAccess {
    std::uint16_t port;
    std::uint8_t width; // 1, 2 or 4
    std::uint8_t reserved;
    std::uint32_t count; // items (1 for a single access, more for rep ins/outs)
};

struct PortInReply {
    std::int32_t status; // 0 or -errno (EPERM without iopl)
    std::uint32_t reserved;
};

// Exit::how
constexpr std::uint32_t EXITED = 0; // value: the exit status
constexpr std::uint32_t SIGNALLED = 1; // value: the Linux signal it dies of

struct Exit {
    std::uint32_t how;
    std::int32_t value;
};

// A received message: its type, body and a file descriptor that came with it (or -1).
struct Message {
    Type type {};
    std::vector<unsigned char> body;
    int fd { -1 };

    template<typename T>
    bool fixed(T& out) const;
    const unsigned char* payload(std::size_t fixed_size) const { return body.data() + fixed_size; }
};

// Sets the socket's send buffer as large as Linux allows and returns the largest payload
// this side can send in one message (at most MAX_PAYLOAD).
std::size_t configure_socket(int fd);

// Sends one message: `fixed` then `payload`, and `fd` with SCM_RIGHTS when >= 0. Returns 0
// or -errno (a Linux errno). With `nonblocking`, a full socket gives -EAGAIN.
int send_message(int fd, Type type, const void* fixed, std::size_t fixed_size, const void* payload = nullptr,
    std::size_t payload_size = 0, int pass_fd = -1, bool nonblocking = false);

// Receives one message: 1, 0 at the end of the connection, or -errno (-EMSGSIZE for an
// oversized message, -EPROTO for a malformed one). Retries on EINTR. With `nonblocking`, no
// message waiting gives -EAGAIN.
int receive_message(int fd, Message& message, bool nonblocking = false);

template<typename T>
bool Message::fixed(T& out) const
{
    if (body.size() < sizeof(T))
        return false;
    __builtin_memcpy(&out, body.data(), sizeof(T));
    return true;
}

} // namespace wire
