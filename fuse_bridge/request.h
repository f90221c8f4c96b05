#pragma once
// A FUSE request on its way from /dev/fuse to a proxy context (bridge.h). Only host
// types: no Redox ABI header here (their names clash with the host's macros).
#define FUSE_USE_VERSION 34
#include "../kernel_core/host_bridge.h"
#include "inode_table.h"

#include <fuse_lowlevel.h>
#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace fuse_bridge {

enum class Op {
    Lookup,
    Getattr,
    Setattr,
    Open,
    Create,
    Read,
    Write,
    Flush,
    Release,
    Fsync,
    Mkdir,
    Mknod,
    Unlink,
    Rmdir,
    Rename,
    Link,
    Symlink,
    Readlink,
    Opendir,
    Readdir,
    Readdirplus,
    Releasedir,
    Fsyncdir,
    Statfs,
    Access,
};

// Buffers for requests and their data, kept mapped from one request to the next: a fresh
// 1 MiB allocation is an mmap whose pages fault in on first touch, and on this kind of VM
// those faults cost more than the copy into them. Each request is received into one (a write
// keeps its buffer: the data goes to the file's daemon from where /dev/fuse put
// it), reads get their data in one. Core thread only: /dev/fuse is served there, and so
// are the proxies.
class BufferPool {
public:
    // The largest request: a write of max_write (1 MiB) and its headers; nothing else comes
    // near (xattr values are at most 64 KiB). libfuse 3.14 reads up to 1 MiB + 4 KiB.
    static constexpr std::size_t buffer_size = (1u << 20) + (64u << 10);
    BufferPool() = default;
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;
    ~BufferPool()
    {
        for (char* buffer : m_free)
            delete[] buffer;
    }
    char* take()
    {
        if (m_free.empty())
            return new char[buffer_size];
        char* buffer = m_free.back();
        m_free.pop_back();
        return buffer;
    }
    void give(char* buffer)
    {
        if (m_free.size() < max_kept)
            m_free.push_back(buffer);
        else
            delete[] buffer;
    }

private:
    static constexpr std::size_t max_kept = 16; // requests in flight at once, in practice few
    std::vector<char*> m_free;
};

// The bytes of a read or write: in a pool buffer (back to the pool when this ends), or an
// own allocation for the odd request larger than a pool buffer.
class DataBuffer {
public:
    DataBuffer() = default;
    DataBuffer(const DataBuffer&) = delete;
    DataBuffer& operator=(const DataBuffer&) = delete;
    ~DataBuffer() { release(); }
    // Room for `size` bytes (replacing what was there); fill it through data().
    void allocate(BufferPool& pool, std::size_t size)
    {
        release();
        m_pool = size <= BufferPool::buffer_size ? &pool : nullptr;
        m_base = m_pool ? pool.take() : new char[size];
        m_bytes = m_base;
        m_size = size;
    }
    // Takes over the pool buffer `base`, whose bytes [bytes, bytes + size) are the data.
    void adopt(BufferPool& pool, char* base, char* bytes, std::size_t size)
    {
        release();
        m_pool = &pool;
        m_base = base;
        m_bytes = bytes;
        m_size = size;
    }
    void shrink(std::size_t size) { m_size = size < m_size ? size : m_size; }
    char* data() { return m_bytes; }
    const char* data() const { return m_bytes; }
    std::size_t size() const { return m_size; }

private:
    void release()
    {
        if (m_base && m_pool)
            m_pool->give(m_base);
        else
            delete[] m_base;
        m_base = m_bytes = nullptr;
        m_size = 0;
    }
    char* m_base { nullptr };
    char* m_bytes { nullptr };
    std::size_t m_size { 0 };
    BufferPool* m_pool { nullptr };
};

struct Request : kernel::HostRequest {
    Op op {};
    fuse_req_t req {}; // null: answered already (release)
    std::uint32_t uid { 0 };
    std::uint32_t gid { 0 };
    std::string path; // the inode's (or parent + name) Redox path; empty: removed (see detached)
    bool detached { false }; // the inode's name is gone: serve it through a file open on it
    std::vector<std::string> other_paths; // the inode's other names (hard links): use_reachable_path
    std::string path2; // rename/link: the new path; symlink: the target
    std::uint64_t inode { 0 };
    bool has_fi { false };
    fuse_file_info fi {};
    struct stat attr {};
    int to_set { 0 };
    int flags { 0 }; // rename flags; mknod/create/mkdir use mode
    mode_t mode { 0 };
    off_t offset { 0 };
    std::size_t size { 0 };
    DataBuffer data;
    std::vector<std::uint32_t> groups; // setattr of the group: the caller's supplementary groups
    // Core thread only: the proxy serving it (0 while queued), and whether Linux gave up on it
    // (the caller got a signal: fuse_req_interrupt_func).
    std::uint32_t proxy_pid { 0 };
    bool interrupted { false };
};

// What the notifier thread (fuse_bridge.cpp) tells the Linux kernel to forget.
struct Invalidation {
    std::uint64_t inode { 0 }; // an inode's attributes (offset < 0) or attributes and data
    off_t offset { 0 };
    std::uint64_t parent { 0 }; // non-zero: the entry `name` in directory `parent`
    std::string name;
    std::uint64_t ticket { 0 }; // kernel::file_changes_done(ticket) once sent
};

// Shared by the FUSE side and the proxies.
struct Shared {
    InodeTable inodes;
    BufferPool data_buffers;
    // Invalidations, from the core thread to the notifier thread.
    std::mutex notify_mutex;
    std::condition_variable notify_cv;
    std::vector<Invalidation> pending; // guarded by notify_mutex
    bool notify_stop { false }; // guarded by notify_mutex
    bool notifier_done { false }; // guarded by notify_mutex
    // Core thread only:
    std::unordered_set<std::uint32_t> proxy_pids;
    std::uint64_t next_ticket { 0 };
    kernel::HostRequestQueue queue;
    std::unordered_map<fuse_req_t, Request*> in_flight; // posted and not answered yet
    int proxies { 0 }; // proxy contexts running
    int idle { 0 }; // of those, waiting for a request

    // Host work: a request from /dev/fuse.
    void accept(Request& r)
    {
        if (r.req) // release: answered already
            in_flight[r.req] = &r;
        queue.post(r);
    }
};

// Whether a signal to the caller ends `r` with EINTR: only requests to synthetic schemes, which
// may block for as long as their daemon likes (a pipe, an event queue). `file` requests finish
// anyway, and chown or rmdir failing with EINTR would be news to any Linux program.
bool interruptible(const Request& r);
// Host work: Linux interrupted `req` (proxy.cpp). An interruptible request still queued is
// answered EINTR when a proxy takes it; a proxy blocked in a call for it gets a signal and
// answers EINTR.
void interrupt(Shared& shared, fuse_req_t req);

// How long Linux may cache names and attributes of `file` (changes made on the Redox side
// are invalidated at once, see kernel::watch_file_scheme); synthetic schemes: never.
constexpr double cache_seconds = 1.0;

// Proxy side (proxy.cpp): the entry of the `fuse-proxy` process; it starts the rest of the
// pool as threads (they share its file table, so any proxy can serve any open file). The pool
// grows while every proxy is busy (requests blocked in a pipe or slow daemon do not hold up the
// rest), up to proxy_pool_max.
int proxy_main(void* shared);
constexpr int proxy_pool_size = 4;
constexpr int proxy_pool_max = 256;

} // namespace fuse_bridge
