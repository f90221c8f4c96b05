#pragma once
// RedoxFS: a copy-on-write file system on a BlockDevice (format: format.h and
// docs/redoxfs-format.md). Platform-free: only ktl and the ABI headers, no globals.
//
// Operations work on node ids (the daemon resolves paths). Every change goes to new
// blocks that live in memory (metadata) or are written at once to free blocks (file
// data); commit() writes them all, flushes, then writes the next header of the ring and
// flushes again. Blocks freed by the running transaction become reusable only after the
// commit that frees them, so a crash at any moment leaves the last commit intact.
// A commit that fails (the disk driver died, say) leaves the last commit on disk, and the
// running transaction goes on: the next commit writes all of its metadata again.
//
// Errors are positive Linux errno values; after EIO, last_error() says why.
#include "block_device.h"
#include "checksum.h"
#include "abi/redox/flags.h"
#include "ktl/string.h"
#include "ktl/string_view.h"

namespace redoxfs {

using ktl::String;
using ktl::StringView;
using ktl::Vector;

struct Time {
    i64 sec { 0 };
    u32 nsec { 0 };
};

struct NodeStat {
    u32 id;
    u32 mode;
    u32 uid;
    u32 gid;
    u32 links;
    u64 size;
    u64 blocks; // 4 KiB blocks used by the data (0 for inline data)
    Time atime;
    Time mtime;
    Time ctime;
};

struct DirEntry {
    String name;
    u32 id;
    u32 type; // mode type bits (e.g. MODE_DIR)
};

struct ReadDirResult {
    Vector<DirEntry> entries;
    u64 next_cookie { 0 }; // pass back to continue
    bool end { false };    // no more entries after these
};

struct FsStat {
    u32 block_size;
    u64 blocks;
    u64 free_blocks;
    u64 nodes;
};

struct MkfsOptions {
    u8 uuid[16] {};
    Time now {};
    u32 root_mode { 0755 };
    u32 root_uid { 0 };
    u32 root_gid { 0 };
    u64 version { FORMAT_VERSION }; // OLDEST_FORMAT_VERSION..FORMAT_VERSION (older: tests)
};

class FileSystem {
public:
    explicit FileSystem(BlockDevice& device);
    ~FileSystem();
    FileSystem(const FileSystem&) = delete;
    FileSystem& operator=(const FileSystem&) = delete;

    // Writes an empty file system (a root directory) over the whole device.
    static ErrorOr<void> mkfs(BlockDevice& device, const MkfsOptions& options);
    // Loads the newest valid header. EIO: corruption or a truncated image; EINVAL: not a
    // RedoxFS image, or another format version. last_error() says which, in English.
    ErrorOr<void> mount();
    StringView last_error() const { return { m_error, ktl::cstring_length(m_error) }; }

    // The time stamped on changes until the next set_time.
    void set_time(Time now) { m_now = now; }

    // Names are single components: "." and ".." are not stored (resolve ".." with parent()).
    // readdir pages: pass next_cookie back; entries added or removed meanwhile may be
    // missed or repeated. Times are stamped from set_time; reads do not change atime.
    u32 root_id() const { return ROOT_ID; }
    ErrorOr<u32> lookup(u32 dir, StringView name);
    ErrorOr<u32> parent(u32 dir); // the directory holding dir (the root's is the root)
    ErrorOr<u32> create(u32 dir, StringView name, u32 mode, u32 uid, u32 gid); // mode with type bits (default file)
    ErrorOr<u32> mkdir(u32 dir, StringView name, u32 mode, u32 uid, u32 gid);
    ErrorOr<u32> symlink(u32 dir, StringView name, StringView target, u32 uid, u32 gid);
    ErrorOr<void> link(u32 dir, StringView name, u32 target);
    ErrorOr<void> unlink(u32 dir, StringView name);
    ErrorOr<void> rmdir(u32 dir, StringView name);
    ErrorOr<void> rename(u32 old_dir, StringView old_name, u32 new_dir, StringView new_name);
    ErrorOr<String> readlink(u32 id);
    ErrorOr<usize> read(u32 id, u64 offset, void* buffer, usize length);
    ErrorOr<usize> write(u32 id, u64 offset, const void* buffer, usize length);
    ErrorOr<void> truncate(u32 id, u64 size);
    ErrorOr<NodeStat> stat(u32 id);
    ErrorOr<void> chmod(u32 id, u32 mode); // permission bits only
    ErrorOr<void> chown(u32 id, u32 uid, u32 gid);
    ErrorOr<void> utimens(u32 id, Time atime, Time mtime);
    ErrorOr<ReadDirResult> readdir(u32 dir, u64 cookie, usize max_entries);
    FsStat statvfs() const;
    ErrorOr<void> commit();
    bool has_changes() const { return m_changed; }

    // Open files. A held file whose last name is removed (unlink, or rename over it) stays
    // readable and writable with link count 0, listed in the header's orphan list, until
    // its last hold is released; then it is freed. With ORPHAN_MAX files listed already,
    // it is freed at once. A crash leaves the list for reclaim_orphans() after the mount.
    void hold(u32 id);
    ErrorOr<void> release(u32 id);
    ErrorOr<void> reclaim_orphans(); // frees every listed file nobody holds
    u32 orphan_count() const { return m_header.orphan_count; }
    // Changed metadata waits in memory until the commit; when more than this many blocks
    // wait, the next operation commits first (default 16384 blocks, 64 MiB). So it does when
    // the transaction freed 64 MiB of committed blocks (space is reusable only after a commit).
    void set_dirty_limit(usize blocks) { m_dirty_limit = blocks; }
    u64 generation() const { return m_header.generation; }
    u64 version() const { return m_header.version; }
    const u8* uuid() const { return m_header.uuid; }
    // Whether a block belongs to the running transaction's tree (tests, tools).
    bool block_in_use(u64 block) const { return block < m_header.size && is_used(block); }

    // Checks the whole committed-or-pending tree (see fsck.h); appends findings to report.
    // Returns the number of errors found.
    u64 check(String& report);

private:
    friend struct Checker;
    struct Cached;
    struct Cache;
    struct RunScratch;
    struct Found {
        u64 bucket_index;
        usize offset; // of the entry in the bucket block
        u32 id;
        u32 type;
    };

    Error fail(int code, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    void begin_op();

    // Blocks and the allocator. Block checksums follow the mounted image's version.
    u64 checksum(const u8* block) const { return block_checksum(m_header.version, block); }
    void checksums(const u8* blocks, usize count, u64* out) const { block_checksums(m_header.version, blocks, count, out); }
    ErrorOr<const u8*> read_meta(const BlockPtr& ptr);
    ErrorOr<void> read_data(const BlockPtr& ptr, u8* buffer);
    ErrorOr<u8*> modify(BlockPtr& ptr);
    ErrorOr<void> write_data(BlockPtr& ptr, const u8* buffer);
    // Whole data blocks of a file from block `first` (at most `count`, up to RUN_BLOCKS at a
    // time): read_run moves one run that is contiguous on disk (or a run of holes) within
    // one leaf table and returns how many blocks it read; write_run writes new or owned
    // blocks in contiguous runs and sets `done` to the blocks written.
    ErrorOr<u64> read_run(const Node* node, u64 first, u64 count, u8* buffer);
    ErrorOr<void> write_run(Node* node, u64 first, u64 count, const u8* buffer, u64& done);
    ErrorOr<u64> allocate();
    // `count` (<= RUN_BLOCKS) contiguous free blocks for file data: right after the last
    // extent when that is inside the group it started and free (a file written in smaller
    // pieces stays in order), else the lowest wholly free
    // RUN_BLOCKS-aligned group, so a 1 MiB run is one aligned transfer (the host page cache
    // keeps it as large folios) and freed space is reused first (a sparse image file grows
    // only when the file system is fuller than ever before). 0 when there is none: the caller
    // allocates block by block. Metadata comes from allocate()'s own cursor.
    u64 allocate_extent(u64 count);
    void release(u64 addr);
    bool is_used(u64 addr) const { return m_bits[addr / 64] >> (addr % 64) & 1; }
    bool is_committed(u64 addr) const { return m_committed[addr / 64] >> (addr % 64) & 1; }
    // Whether blocks [first, first + count) are free in the running transaction and in the last
    // commit (a block it freed stays reserved until the next one): a bitmap word at a time.
    bool range_free(u64 first, u64 count) const;
    bool is_owned(u64 addr) const { return is_used(addr) && !is_committed(addr); }
    u64 allocatable() const;
    ErrorOr<void> ensure_space(u64 blocks, bool removal = false);
    ErrorOr<void> check_ptr(const BlockPtr& ptr);

    // Pointer-table trees.
    ErrorOr<BlockPtr> tree_lookup(const BlockPtr& root, u8 levels, u64 index);
    // The leaf pointers from `index` on that sit in one table (`available` of them; for a
    // hole, the blocks it spans from index); nullptr for a hole. Valid until the next read_meta.
    ErrorOr<const BlockPtr*> leaf_ptrs(const BlockPtr& root, u8 levels, u64 index, u64& available);
    ErrorOr<BlockPtr*> tree_slot(BlockPtr& root, u8& levels, u64 index);
    ErrorOr<void> tree_clear(BlockPtr& root, u8 levels, u64 first, u64 last);
    ErrorOr<void> clear_range(BlockPtr& ptr, u8 level, u64 base, u64 first, u64 last);
    ErrorOr<void> free_subtree(const BlockPtr& ptr, u8 level);
    ErrorOr<u64> tree_next(const BlockPtr& root, u8 levels, u64 from); // ~0 at the end
    ErrorOr<u64> next_in(const BlockPtr& ptr, u8 level, u64 base, u64 from);
    ErrorOr<void> flush_tree(BlockPtr& ptr, u8 level, int kind);

    // Nodes.
    ErrorOr<const Node*> node(u32 id);
    ErrorOr<Node*> node_mut(u32 id);
    ErrorOr<Node*> new_node(u32& id, u32 mode, u32 uid, u32 gid);
    ErrorOr<void> free_node(u32 id);
    ErrorOr<void> drop_link(u32 id);
    void stamp_ctime(Node* node) const; // a change to the node itself: ctime = now
    ErrorOr<void> set_size(Node* node, u64 size);
    ErrorOr<void> uninline(Node* node);

    // Directories.
    ErrorOr<u64> find_bucket(const Node* dir, u64 hash);
    ErrorOr<Found> dir_find(const Node* dir, StringView name);
    ErrorOr<void> dir_insert(u32 dir, StringView name, u32 id, u32 type);
    ErrorOr<void> dir_insert_into(Node* dir, StringView name, u32 id, u32 type);
    ErrorOr<void> dir_remove(u32 dir, const Found& found);
    ErrorOr<void> dir_replace(u32 dir, const Found& found, u32 id, u32 type);
    ErrorOr<const Node*> dir_node(u32 dir);
    ErrorOr<u32> make_node(u32 dir, StringView name, u32 mode, u32 uid, u32 gid);

    ErrorOr<void> write_header();
    ErrorOr<void> commit_now();
    ErrorOr<void> commit_steps();
    void prepare_commit_retry(bool header_attempted);
    ErrorOr<void> load_bitmap();
    ErrorOr<void> commit_bitmap();
    ErrorOr<bool> is_ancestor(u32 ancestor, u32 dir);

    BlockDevice& m_device;
    Header m_header {};
    Vector<u64> m_bits;      // used blocks in the running transaction
    Vector<u64> m_committed; // used blocks in the last commit
    u64 m_used { 0 };     // set bits in m_bits
    u64 m_reserved { 0 }; // committed blocks freed by this transaction (not yet reusable)
    i64 m_block_delta { 0 }; // allocations minus releases (to count a file's blocks)
    u64 m_cursor { HEADER_RING };      // allocate(): metadata and partial runs
    u64 m_data_cursor { HEADER_RING }; // allocate_extent(): runs of file data
    u64 m_group_hint { 0 };            // allocate_extent(): groups below are in use
    u8* m_scratch { nullptr };
    RunScratch* m_run { nullptr };
    Cache* m_cache { nullptr };
    Time m_now {};
    usize m_dirty_limit { 16384 };
    bool m_mounted { false };
    bool m_changed { false };
    char m_error[256] {};
    struct Hold {
        u32 id;
        u32 count;
    };
    Vector<Hold> m_holds; // few: one per open file
    Hold* find_hold(u32 id);
    bool drop_orphan(u32 id); // removes id from the header's list; false when not listed
};

// Validates a directory entry name: ENAMETOOLONG over MAX_NAME, EINVAL when empty or
// containing '/' or NUL, EEXIST for "." and "..".
ErrorOr<void> validate_name(StringView name);

} // namespace redoxfs
