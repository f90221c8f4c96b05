#pragma once
// Decodes SchemeRequests (see abi/redox/protocol.h for the argument layout of each opcode)
// into Memfs calls and builds the completions. Buffers in the arguments are caller
// addresses used directly (one address space). Platform-free, so unit tests can drive it
// with hand-built requests.
#include "memfs.h"

namespace memfs {

class RequestHandler {
public:
    explicit RequestHandler(Memfs& fs) : m_fs(fs) {}

    // The result of a request: a value, or -errno as u64.
    u64 execute(const redox::SchemeRequest& request);

    // Handles one request; returns false when no completion must be sent (one-way requests,
    // OP_CLOSE), true with `completion` filled otherwise.
    bool handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion);

    static u64 encode_error(int code) { return static_cast<u64>(-static_cast<i64>(code)); }

private:
    Memfs& m_fs;
};

} // namespace memfs
