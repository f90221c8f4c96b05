#pragma once
// FUSE inode numbers <-> Redox paths. FUSE names files by numbers it got from lookup (and
// create, mkdir, ...); the bridge names them by the Redox path they were found at. One number
// per file: the names of a hard-linked file (same file id, the file server's inode number)
// share it, so Linux sees one inode with the right link count and attributes. Each number
// counts the kernel's lookups and is forgotten when FUSE says so (forget). Renames move the
// paths of a node and everything below it; unlink and rmdir detach the path (the number
// stays valid for open files until forgotten). Thread-safe: the core's thread forgets and
// looks up, the notifier thread reads.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fuse_bridge {

class InodeTable {
public:
    static constexpr std::uint64_t root = 1; // FUSE_ROOT_ID, the Redox path "/"

    InodeTable();

    // A Redox path of `inode` (any of its names), or nothing when the number is unknown or its
    // file has no name left.
    std::optional<std::string> path_of(std::uint64_t inode) const;
    // The names of `inode` after the one path_of gives (hard links: Linux may have come by any).
    std::vector<std::string> other_paths_of(std::uint64_t inode) const;
    // Whether FUSE still holds `inode` (named or not).
    bool known(std::uint64_t inode) const;
    // Counts one lookup of `path`, the file `file_id` (0: unknown, synthetic schemes): the
    // number the path or the file already has, or a new one.
    std::uint64_t lookup(const std::string& path, std::uint64_t file_id = 0);
    void forget(std::uint64_t inode, std::uint64_t count);
    // `from` now lives at `to` (and so does everything below it); what was at `to` is gone.
    void rename(const std::string& from, const std::string& to);
    // The name `path` was removed.
    void remove(const std::string& path);
    std::size_t size() const;
    // The number `path` has, if FUSE holds one (no lookup counted).
    std::optional<std::uint64_t> find(const std::string& path) const;
    // The number of the file `file_id`, if FUSE holds one.
    std::optional<std::uint64_t> find_file(std::uint64_t file_id) const;

    // Linux's page cache of `inode` may be older than its file: a direct write went past it.
    void mark_cache_stale(std::uint64_t inode);
    // Whether the cache was marked stale since the last call; clears the mark.
    bool take_cache_stale(std::uint64_t inode);

    // "/" + name, or parent + "/" + name.
    static std::string join(const std::string& parent, const std::string& name);

private:
    struct Node {
        std::vector<std::string> paths; // its names; empty once all are removed
        std::uint64_t lookups { 0 };
        std::uint64_t file_id { 0 };
        bool cache_stale { false };
    };
    void detach(std::uint64_t inode, const std::string& path); // m_mutex held
    void drop_file_id(std::uint64_t inode, std::uint64_t file_id); // m_mutex held

    mutable std::mutex m_mutex;
    std::unordered_map<std::uint64_t, Node> m_nodes;
    std::unordered_map<std::string, std::uint64_t> m_by_path;
    std::unordered_map<std::uint64_t, std::uint64_t> m_by_file_id; // file id -> its named number
    std::uint64_t m_next { 2 };
};

} // namespace fuse_bridge
