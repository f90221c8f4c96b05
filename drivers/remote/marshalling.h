#pragma once
// What a remote driver's syscalls and scheme requests carry in memory, so that both ends of
// the wire (the runtime in the driver's Linux process, the proxy in the simulator) copy the
// same bytes: which arguments point at input buffers (copied to the proxy), which at output
// buffers (copied back), and how long each is. Only the ABI headers: no host code.
#include "../../kernel_core/abi/redox/structs.h"

#include <stddef.h>
#include <stdint.h>

namespace remote {

enum class Direction : uint8_t { In, Out };
// How many bytes an output buffer carries back.
enum class OutSize : uint8_t {
    ByResult, // min(result, length) when the call succeeded (read, getdents, fpath, getcwd)
    Whole, // the whole buffer, whatever the result (stat records, times, fds, a wait status)
};

struct BufferArg {
    uint8_t pointer; // argument index of the pointer
    Direction direction;
    OutSize out_size;
    int8_t length_arg; // argument index of its byte length, or -1 for a fixed size
    uint32_t fixed_size; // bytes when length_arg < 0
};

enum class Handling : uint8_t {
    Forward, // the proxy performs it with the buffers below
    Local, // the runtime performs it itself (exit)
    Refused, // ENOSYS: exec, clone and mkns make no sense for a separate Linux process
};

struct SyscallSpec {
    unsigned long number;
    Handling handling;
    uint8_t buffer_count;
    BufferArg buffers[2];
};

// The entry for `number`, or null for a syscall the remote runtime does not know (ENOSYS).
const SyscallSpec* find_syscall(unsigned long number);

// The byte length of buffer `b` of a call with these arguments.
inline uint64_t buffer_length(const BufferArg& b, const uint64_t args[5])
{
    return b.length_arg >= 0 ? args[b.length_arg] : b.fixed_size;
}

// Scheme-channel requests: the caller's buffer a request names (args[1], args[2] bytes).
enum class RequestBuffer : uint8_t { None, In, Out };
RequestBuffer request_buffer(uint8_t opcode);
// Bytes of the buffer a request carries (In) or expects (Out), from its arguments.
uint64_t request_buffer_length(const redox::SchemeRequest& request);
// Bytes a completion of a request (opcode, buffer length) copies back into the caller's
// buffer; -1 when the result is malformed (a count beyond the buffer).
int64_t completion_data_length(uint8_t opcode, uint64_t length, uint64_t result);
// Whether a completion is a kernel notification rather than an answer to a request.
inline bool is_event_completion(const redox::SchemeCompletion& c)
{
    return (c.flags & 7) == redox::COMPLETION_SEND_FEVENT;
}
// Longest path-like input (paths, dup names) a request may carry to a remote driver.
constexpr uint64_t MAX_REQUEST_PATH = 4096;

// Whether open(path, flags) registers a scheme (the daemon's channel: `:NAME` with O_CREAT).
bool is_scheme_registration(const char* path, uint64_t length, uint64_t flags);

} // namespace remote
