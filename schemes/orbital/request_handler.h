#pragma once
// Decodes the kernel's scheme requests (abi/redox/protocol.h) for the orbital Server and
// builds completions. A read of a synchronous window with no event queued stays pending
// (its tag is kept) and is completed by complete_ready() once an event arrives; the caller
// stays blocked meanwhile, which is how Redox's blocking window reads work. Readiness
// notices (COMPLETION_SEND_FEVENT) go out whenever a window's queue becomes non-empty, for
// clients that wait in an event queue. Platform-free, so unit tests drive it with
// hand-built requests.
#include "../../kernel_core/abi/redox/structs.h"
#include "server.h"

namespace orbital {

class RequestHandler {
public:
    explicit RequestHandler(Server& server) : m_server(server) {}

    // Handles one request; returns false when no completion is due now (one-way requests,
    // close, a read left pending), true with `completion` filled otherwise.
    bool handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion);
    // Completes pending reads that can now proceed and adds readiness notices.
    void complete_ready(ktl::Vector<redox::SchemeCompletion>& out);
    usize pending_reads() const { return m_pending.size(); }

private:
    struct PendingRead {
        u32 tag;
        u64 handle;
        void* buffer;
        usize length;
    };

    u64 execute(const redox::SchemeRequest& request, bool& deferred);

    Server& m_server;
    ktl::Vector<PendingRead> m_pending;
};

} // namespace orbital
