#pragma once
// The scheme-daemon loop of a driver (what Redox's redox_scheme crate does for Rust
// drivers): register a scheme, decode requests, answer them, and wait for requests and the
// device's interrupts in one event queue.
//
//   class Uart : public driver::SchemeHandler { ... };   // open / read / write / ...
//   driver::SchemeDaemon daemon;
//   daemon.start("uart", uart);                          // registers :uart (root only)
//   daemon.watch(irq.fd(), on_interrupt, &uart);         // called when the line fires
//   return daemon.run();                                 // until the channel closes
//
// A read that can not be answered yet (no data from the device) returns PENDING and the
// handler keeps the request's tag; it answers later with complete(tag, result). notify()
// tells event queues that a handle became readable or writable.
#include "abi/redox/dirent.h"
#include "abi/redox/structs.h"
#include "ktl/string_view.h"
#include "ktl/types.h"
#include "ktl/vector.h"

namespace driver {

using ktl::StringView;

// Returned by a handler for a request it will answer later with SchemeDaemon::complete.
constexpr long PENDING = 1L << 62;

struct Request {
    u32 tag;
    u32 uid;
    u32 gid;
    u64 caller_pid;
    u64 flags; // the file's open flags at the time of the call (O_NONBLOCK ...)
};

class SchemeHandler {
public:
    virtual ~SchemeHandler() = default;
    // Each returns its result or -errno. `path` is relative to the scheme root ("" = root).
    virtual long open(StringView path, u64 flags, const Request& request) = 0;
    virtual long read(u64 handle, u8* buffer, usize length, u64 offset, const Request& request);
    virtual long write(u64 handle, const u8* buffer, usize length, u64 offset, const Request& request);
    virtual long fstat(u64 handle, redox::Stat& stat);
    virtual long fsize(u64 handle);
    virtual long fsync(u64 handle);
    virtual long fpath(u64 handle, char* buffer, usize length);
    virtual long getdents(u64 handle, u8* buffer, usize length, u64 offset);
    // Which of `flags` (EVENT_READ / EVENT_WRITE) are ready now.
    virtual long fevent(u64 handle, u64 flags);
    virtual void close(u64 handle);
};

// Appends one getdents record to `buffer` (what `getdents` handlers return); 0 when it
// does not fit.
using redox::write_dirent;

class SchemeDaemon {
public:
    SchemeDaemon() = default;
    SchemeDaemon(const SchemeDaemon&) = delete;
    SchemeDaemon& operator=(const SchemeDaemon&) = delete;
    ~SchemeDaemon();

    // Registers the scheme `name` served by `handler`: 0 or -errno.
    long start(StringView name, SchemeHandler& handler);
    // Calls on_ready(argument) whenever `fd` becomes readable (an irq line, a timer).
    long watch(int fd, void (*on_ready)(void* argument), void* argument);
    // Serves until stop() or the channel closes: 0, or -errno when waiting failed.
    long run();
    void stop() { m_stopping = true; }

    void complete(u32 tag, long result);
    void notify(u64 handle, u64 flags);

private:
    struct Watch {
        int fd;
        void (*on_ready)(void*);
        void* argument;
    };
    void handle(const redox::SchemeRequest& request);
    long flush();
    long drain_requests();

    SchemeHandler* m_handler { nullptr };
    int m_channel { -1 };
    int m_queue { -1 };
    bool m_stopping { false };
    ktl::Vector<Watch> m_watches;
    ktl::Vector<redox::SchemeCompletion> m_outgoing;
};

} // namespace driver
