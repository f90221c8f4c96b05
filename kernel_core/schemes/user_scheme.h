#pragma once
// Userspace schemes. The root scheme "" lists the caller's schemes and registers new ones:
// a root process opening ":NAME" with O_CREAT gets the request channel of a new UserScheme.
// The UserScheme forwards each call as a 64-byte SchemeRequest, blocks the caller, and
// resumes it when the daemon writes the matching 16-byte SchemeCompletion. When the
// channel closes (the daemon exited or was killed) every pending and later call fails
// with EIO at once and the name leaves every namespace.
#include "../handle_table.h"
#include "../ktl/list.h"
#include "../ktl/vector.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

struct Context;

class UserScheme final : public Scheme {
public:
    UserScheme(Scheme& root, usize channel_handle) : m_root(&root), m_channel_handle(channel_handle) {}

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(
        usize handle, void* buffer, usize length, u64 offset, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(
        usize handle, const void* buffer, usize length, u64 offset, unsigned long flags, const Caller&) override;
    ErrorOr<u64> fsize(usize handle) override;
    void close(usize handle) override;
    ErrorOr<usize> dup(usize handle, StringView what, const Caller&) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<void> fstatvfs(usize handle, redox::StatVfs&) override;
    ErrorOr<void> fsync(usize handle) override;
    ErrorOr<void> ftruncate(usize handle, u64 length) override;
    ErrorOr<void> fchmod(usize handle, u16 mode, const Caller&) override;
    ErrorOr<void> fchown(usize handle, u32 uid, u32 gid, const Caller&) override;
    ErrorOr<void> futimens(usize handle, const redox::TimeSpec* times, usize count, const Caller&) override;
    ErrorOr<void> frename(usize handle, StringView path, const Caller&) override;
    ErrorOr<void> flink(usize handle, StringView path, const Caller&) override;
    ErrorOr<void> unlink(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> getdents(usize handle, void* buffer, usize length, u64 offset) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;
    ErrorOr<usize> fcntl(usize handle, int cmd, usize arg) override;
    ErrorOr<usize> fmap(usize handle, u64 offset, usize size, u64 flags, const Caller&) override;

    // The daemon's side of the channel.
    ErrorOr<usize> take_requests(void* buffer, usize length, bool nonblocking);
    ErrorOr<usize> complete(const void* buffer, usize length);
    bool has_requests() const { return !m_queued.is_empty(); }
    // The daemon is gone: fail everything in flight and from now on.
    void die();
    bool is_dead() const { return m_dead; }

private:
    struct Pending {
        ktl::ListNode node;
        redox::SchemeRequest request;
        Context* caller;
        u64 result;
        bool done;
    };
    ErrorOr<usize> call(
        u8 opcode, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0, u64 a4 = 0, const Caller* caller = nullptr);
    void enqueue(Pending& pending);

    Scheme* m_root; // the root scheme, which owns the channel handle
    usize m_channel_handle;
    u32 m_next_tag { 1 };
    bool m_dead { false };
    ktl::IntrusiveList<Pending, &Pending::node> m_queued; // not yet read by the daemon
    ktl::IntrusiveList<Pending, &Pending::node> m_inflight; // read, waiting for a completion
    WaitQueue m_daemon_waiters;
};

class RootScheme final : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(
        usize handle, void* buffer, usize length, u64 offset, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> getdents(usize handle, void* buffer, usize length, u64 offset) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

private:
    struct Handle {
        ktl::RefPtr<UserScheme> scheme; // a channel, or null for a listing
        ktl::Vector<ktl::String> names; // listing snapshot
    };
    HandleTable<Handle> m_handles;
};

} // namespace kernel
