#pragma once
// FUSE inode numbers <-> Redox paths. FUSE names files by numbers it got from lookup (and
// create, mkdir, ...); the bridge names them by the Redox path they were found at. Each
// number counts the kernel's lookups and is forgotten when FUSE says so (forget). Renames
// move the paths of a node and everything below it; unlink and rmdir detach the path (the
// number stays valid for open files until forgotten). Thread-safe: the FUSE thread forgets,
// proxy contexts look up.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace fuse_bridge {

class InodeTable {
public:
    static constexpr std::uint64_t root = 1; // FUSE_ROOT_ID, the Redox path "/"

    InodeTable();

    // The Redox path of `inode`, or nothing when the number is unknown or its file is gone.
    std::optional<std::string> path_of(std::uint64_t inode) const;
    // Whether FUSE still holds `inode` (named or not).
    bool known(std::uint64_t inode) const;
    // Counts one lookup of `path`: its existing number, or a new one.
    std::uint64_t lookup(const std::string& path);
    void forget(std::uint64_t inode, std::uint64_t count);
    // `from` now lives at `to` (and so does everything below it); what was at `to` is gone.
    void rename(const std::string& from, const std::string& to);
    // The file at `path` was removed.
    void remove(const std::string& path);
    std::size_t size() const;

    // "/" + name, or parent + "/" + name.
    static std::string join(const std::string& parent, const std::string& name);

private:
    struct Node {
        std::string path; // empty once removed
        std::uint64_t lookups { 0 };
    };
    mutable std::mutex m_mutex;
    std::unordered_map<std::uint64_t, Node> m_nodes;
    std::unordered_map<std::string, std::uint64_t> m_by_path;
    std::uint64_t m_next { 2 };
};

} // namespace fuse_bridge
