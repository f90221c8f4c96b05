#pragma once
// memfs: the in-memory file system served as the root `file` scheme (until RedoxFS).
//
// Platform-free: only ktl and the Redox ABI headers. The daemon (daemon.cpp) owns one
// Memfs, feeds it the current time before each batch of requests (set_time) and turns
// SchemeRequests into calls through RequestHandler (request_handler.h).
//
// Paths are relative to the scheme root and carry no scheme prefix ("home/user/a.txt",
// "" for the root). Empty and "." components are skipped, ".." goes up (the root's parent
// is the root). Symlinks are followed on every component but the last (and on the last
// unless O_NOFOLLOW / O_SYMLINK / O_CREAT|O_EXCL), at most MAX_SYMLINK_HOPS times;
// absolute targets start again at the scheme root.
//
// Every method returns an errno through ErrorOr (never crashes on bad input). Handles are
// small integers chosen here; each one remembers its node, open flags and canonical path.
#include "abi/redox/errno.h"
#include "abi/redox/flags.h"
#include "abi/redox/protocol.h"
#include "abi/redox/structs.h"
#include "ktl/result.h"
#include "ktl/string.h"
#include "ktl/vector.h"
#include "handle_ops.h"

namespace memfs {

using ktl::Error;
using ktl::ErrorOr;
using ktl::String;
using ktl::StringView;
using ktl::Vector;

// The caller's credentials (SchemeRequest::args[5] = uid | gid << 32).
struct Cred {
    u32 uid { 0 };
    u32 gid { 0 };
    static Cred from_arg(u64 arg) { return { static_cast<u32>(arg), static_cast<u32>(arg >> 32) }; }
    bool is_root() const { return uid == 0; }
};

struct Time {
    i64 sec { 0 };
    u32 nsec { 0 };
};

constexpr u64 DEFAULT_CAPACITY = 2ull << 30; // 2 GiB of file data (memory is used as files grow)
constexpr u64 DEFAULT_MAX_NODES = 1u << 20;
constexpr usize NAME_MAX = 255;
constexpr usize PATH_MAX = 4096;
constexpr int MAX_SYMLINK_HOPS = 40;
constexpr u32 BLOCK_SIZE = 4096;
constexpr u32 MODE_STICKY = 01000;
constexpr u32 MAX_LINKS = 65000;
// futimens: tv_nsec values meaning "now" and "leave unchanged" (Linux/relibc values).
constexpr i32 UTIME_NOW = (1 << 30) - 1;
constexpr i32 UTIME_OMIT = (1 << 30) - 2;

// File and symlink contents: 64 KiB chunks, so a growing file never copies what it holds
// (copying a large buffer into fresh memory costs a page fault per 4 KiB). The first chunk
// starts small and doubles, so small files stay small; chunks never written are holes that
// read as zeros.
class Bytes {
public:
    static constexpr usize CHUNK = 64 * 1024;

    Bytes() = default;
    Bytes(const Bytes&) = delete;
    Bytes& operator=(const Bytes&) = delete;
    ~Bytes() { resize(0); }

    usize size() const { return m_size; }
    // Grows with zeros or shrinks (releasing the chunks past the end).
    void resize(usize size);
    // [offset, offset + length) must lie within size().
    void read(usize offset, void* out, usize length) const;
    void write(usize offset, const void* in, usize length);

private:
    usize capacity_of(usize index) const { return index == 0 ? m_first_capacity : CHUNK; }
    // The chunk, allocated if needed; [begin_within, end_within) is about to be written.
    u8* writable_chunk(usize index, usize begin_within, usize end_within);

    ktl::Vector<u8*> m_chunks; // chunk i holds [i * CHUNK, (i + 1) * CHUNK); null: zeros
    usize m_first_capacity { 0 };
    usize m_size { 0 };
};

struct Node;

struct DirEntry {
    String name;
    Node* node { nullptr };
};

struct Node {
    u64 inode { 0 };
    u32 mode { 0 }; // type bits | permission bits
    u32 uid { 0 };
    u32 gid { 0 };
    u32 links { 0 }; // directory entries naming this node (a linked directory has 1)
    u32 open_count { 0 }; // handles on this node
    u32 subdirs { 0 }; // directories only: child directories (st_nlink = 2 + subdirs)
    Node* parent { nullptr }; // directories only (they have one name); null for the root
    Time atime, mtime, ctime;
    Bytes data; // files and symlinks
    Vector<DirEntry> entries; // directories: sorted by name, no "." / ".."

    u32 type() const { return mode & redox::MODE_TYPE; }
    bool is_dir() const { return type() == redox::MODE_DIR; }
    bool is_file() const { return type() == redox::MODE_FILE; }
    bool is_symlink() const { return type() == redox::MODE_SYMLINK; }
    bool is_special() const { return file_server::is_special(type()); } // a FIFO or socket
};

class Memfs {
public:
    explicit Memfs(u64 capacity = DEFAULT_CAPACITY, u64 max_nodes = DEFAULT_MAX_NODES);
    ~Memfs();
    Memfs(const Memfs&) = delete;
    Memfs& operator=(const Memfs&) = delete;

    // "Now" for the time stamps of the following operations.
    void set_time(Time now) { m_now = now; }
    Time now() const { return m_now; }

    // The standard directories (/bin /etc /home/user /tmp /root /usr /dev /var/log).
    void populate_base_tree();

    // Opens (or creates) `path`, relative to the root (dir_handle = redox::ROOT_HANDLE) or
    // to an open directory handle. `flags` = open flags | mode in the low 16 bits.
    ErrorOr<u64> open(StringView path, u64 flags, Cred cred, u64 dir_handle = redox::ROOT_HANDLE);
    ErrorOr<void> close(u64 handle);
    // A new handle on the same node (only an empty `arg` is supported).
    ErrorOr<u64> dup(u64 handle, StringView arg);

    ErrorOr<usize> read(u64 handle, void* buffer, usize length, u64 offset);
    // Writes at `offset` (at the end for O_APPEND handles). A write that would exceed the
    // capacity is shortened; ENOSPC when nothing fits.
    ErrorOr<usize> write(u64 handle, const void* buffer, usize length, u64 offset);
    // DirentHeader records from the opaque position `offset` (an entry index).
    ErrorOr<usize> getdents(u64 handle, void* buffer, usize length, u64 offset);

    ErrorOr<u64> fsize(u64 handle);
    ErrorOr<void> fstat(u64 handle, redox::Stat& out);
    ErrorOr<void> fstatvfs(u64 handle, redox::StatVfs& out);
    ErrorOr<void> fchmod(u64 handle, u32 mode, Cred cred);
    // uid / gid of 0xFFFFFFFF (or ~0) leave that id unchanged.
    ErrorOr<void> fchown(u64 handle, u64 uid, u64 gid, Cred cred);
    // times[0] = atime, times[1] = mtime (count 0 = both now, 1 = atime only).
    ErrorOr<void> futimens(u64 handle, const redox::TimeSpec* times, usize count, Cred cred);
    ErrorOr<void> ftruncate(u64 handle, u64 length);
    ErrorOr<void> fsync(u64 handle);
    // Writes "/path/inside" (truncated to `length`); returns the bytes written.
    ErrorOr<usize> fpath(u64 handle, char* buffer, usize length);
    ErrorOr<void> frename(u64 handle, StringView new_path, Cred cred);
    ErrorOr<void> flink(u64 handle, StringView new_path, Cred cred);
    ErrorOr<void> unlinkat(u64 dir_handle, StringView path, u64 flags, Cred cred);
    ErrorOr<u64> fevent(u64 handle, u64 flags);
    ErrorOr<u64> fcntl(u64 handle, u64 command, u64 argument);

    // Conveniences (tests, tools): open + close.
    ErrorOr<void> mkdir(StringView path, u32 mode, Cred cred);

    u64 capacity() const { return m_capacity; }
    u64 used_bytes() const { return m_used; }
    u64 node_count() const { return m_node_count; }
    usize open_handle_count() const;

private:
    struct Handle {
        Node* node { nullptr };
        u64 flags { 0 };
        String path; // canonical, without the leading '/' ("" for the root)
        Cred opener; // who opened it: a write by someone other than root drops setuid/setgid
    };
    struct Lookup {
        Node* parent { nullptr }; // directory holding the last component; null for the root / ".."
        Node* node { nullptr }; // the final node; null when the last component is absent
        String name; // the last component (when parent is set)
        Vector<String> canon; // canonical components of `parent` (or of `node` when no parent)
        bool trailing_slash { false };
    };

    ErrorOr<Handle*> handle_for(u64 handle) const;
    ErrorOr<void> walk(u64 dir_handle, StringView path, bool follow_last, Cred cred, Lookup& out);
    static ErrorOr<void> push_components(Vector<String>& pending, StringView path);
    static String join(const Vector<String>& components, StringView last = {});
    static bool permits(const Node& node, Cred cred, u32 want);
    static bool sticky_denies(const Node& dir, const Node& victim, Cred cred);
    static isize find_entry(const Node& dir, StringView name, usize& insert_at);

    ErrorOr<Node*> create_node(Node& parent, StringView name, u32 mode, Cred owner);
    void attach(Node& dir, StringView name, Node& node);
    void detach(Node& dir, StringView name);
    void release(Node* node); // frees the node once it has neither links nor handles
    void destroy_tree(Node* node);
    ErrorOr<u64> new_handle(Node& node, u64 flags, String path, Cred opener);
    ErrorOr<void> resize_data(Node& node, u64 size);
    void touch_modified(Node& node);

    Node* m_root { nullptr };
    Vector<Handle*> m_handles; // index = handle number; null = free slot
    u64 m_capacity;
    u64 m_max_nodes;
    u64 m_used { 0 };
    u64 m_node_count { 0 };
    u64 m_next_inode { 1 };
    Time m_now;
};

} // namespace memfs
