#pragma once
// The remote runtime's shared state and its connection to the simulator (host code, one
// Linux process per driver: globals are fine here, unlike in the Redox programs it runs).
#include "wire_protocol.h"

#include <cstddef>
#include <cstdint>

namespace remote {

struct Runtime {
    int socket { -1 };
    std::size_t max_payload { 64 * 1024 }; // agreed in HELLO / START
    const char* program { "driver" };
    // The simulator's DMA arena, mapped here too (START passes its memfd).
    std::uint64_t arena_address { 0 }; // where it is in the simulator
    std::uint64_t arena_size { 0 };
    unsigned char* arena { nullptr }; // where it is here
};
Runtime& runtime();

// The largest buffer one scheme request or syscall buffer may carry, leaving room for the
// fixed parts of a message.
inline std::size_t max_buffer() { return runtime().max_payload / 2; }

// Sends a message; a lost connection ends the process (the simulator is gone).
void send(wire::Type type, const void* fixed, std::size_t fixed_size, const void* payload = nullptr,
    std::size_t payload_size = 0);
// Waits for the next message, which must be of type `expected`. A PORT_REFUSED on the way
// aborts with a message (a driver without port privilege); a lost connection ends the process.
wire::Message receive(wire::Type expected);
[[noreturn]] void connection_lost(const char* why);
[[noreturn]] void protocol_error(const char* what);

// Forwards a syscall through the marshalling table (marshalling.h).
long forward_syscall(unsigned long number, const std::uint64_t args[5]);
// As forward_syscall, also returning the reply's flags.
long forward_syscall(unsigned long number, const std::uint64_t args[5], std::uint32_t& reply_flags);

// Scheme channels (scheme_channel.cpp): fds the program registered a scheme on.
bool is_channel(int fd);
void channel_opened(int fd);
void channel_closed(int fd);
long read_channel(int fd, void* buffer, std::size_t length);
long write_channel(int fd, const void* buffer, std::size_t length);

// Memory of the `memory` scheme (arena.cpp).
long map_memory(int fd, const void* map, std::size_t length);
long unmap_memory(std::uint64_t address, std::uint64_t size);
void note_open(long fd, const char* path, std::size_t length);
void note_close(int fd);
long seek(int fd, std::uint64_t offset, std::uint64_t whence);

} // namespace remote
