#pragma once
// The `driver` scheme driverd serves:
//
//   /scheme/driver            a directory of the drivers; read as a file, one line each:
//                             "NAME STATE [pid N]"
//   /scheme/driver/NAME       its status (status_text in supervisor.h); writing `start`,
//                             `stop` or `restart` (root only) does that. The write is
//                             answered once the driver has settled (running, stopped,
//                             backoff, failed or absent), so `driverctl` can tell the result.
//                             A start or restart reads /etc/drivers/NAME again; a NAME whose
//                             file appeared since driverd started is loaded when first named.
//   /scheme/driver/NAME/log   the last 200 lines the driver wrote to stdout/stderr
//
// Opening for writing is root only (EACCES); an unknown driver is ENOENT. Texts are
// taken when the file is opened and again by each read at offset 0.
#include "supervisor.h"

namespace drivers {

class DriverScheme {
public:
    explicit DriverScheme(Supervisor& supervisor) : m_supervisor(supervisor) {}

    // Handles one request. False when no completion is due now: one-way requests, close,
    // and commands that wait for their driver (Supervisor::collect_answers sends those).
    bool handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion, u64 now);

private:
    enum class Kind : u8 { List, Status, Log };
    struct Handle {
        bool in_use { false };
        Kind kind { Kind::List };
        Driver* driver { nullptr };
        String text;
    };

    i64 open(StringView path, u64 flags, u32 uid, u64 now);
    i64 read(u64 handle, void* buffer, usize length, u64 offset, u64 now);
    i64 write(const redox::SchemeRequest& request, u32 uid, u64 now, bool& deferred);
    i64 getdents(u64 handle, void* buffer, usize length, u64 offset);
    i64 fstat(u64 handle, void* out, usize length, u64 now);
    i64 fpath(u64 handle, char* buffer, usize length);
    i64 dup(u64 handle, usize what_length);
    Handle* get(u64 handle);
    u64 allocate(Handle&& handle);
    void refresh(Handle&, u64 now);

    Supervisor& m_supervisor;
    ktl::Vector<Handle> m_handles;
};

} // namespace drivers
