#include "inode_table.h"

#include <algorithm>
#include <utility>

namespace fuse_bridge {

InodeTable::InodeTable()
{
    m_nodes[root] = Node { { "/" }, 1, 0 };
    m_by_path["/"] = root;
}

std::optional<std::string> InodeTable::path_of(std::uint64_t inode) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_nodes.find(inode);
    if (it == m_nodes.end() || it->second.paths.empty())
        return std::nullopt;
    return it->second.paths.front();
}

std::vector<std::string> InodeTable::other_paths_of(std::uint64_t inode) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_nodes.find(inode);
    if (it == m_nodes.end() || it->second.paths.size() < 2)
        return {};
    return { it->second.paths.begin() + 1, it->second.paths.end() };
}

bool InodeTable::known(std::uint64_t inode) const
{
    std::lock_guard lock(m_mutex);
    return m_nodes.count(inode) != 0;
}

std::optional<std::uint64_t> InodeTable::find(const std::string& path) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_by_path.find(path);
    if (it == m_by_path.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::uint64_t> InodeTable::find_file(std::uint64_t file_id) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_by_file_id.find(file_id);
    if (!file_id || it == m_by_file_id.end())
        return std::nullopt;
    return it->second;
}

void InodeTable::drop_file_id(std::uint64_t inode, std::uint64_t file_id)
{
    if (!file_id)
        return;
    auto it = m_by_file_id.find(file_id);
    if (it != m_by_file_id.end() && it->second == inode)
        m_by_file_id.erase(it);
}

void InodeTable::detach(std::uint64_t inode, const std::string& path)
{
    auto it = m_nodes.find(inode);
    if (it == m_nodes.end())
        return;
    Node& node = it->second;
    node.paths.erase(std::remove(node.paths.begin(), node.paths.end(), path), node.paths.end());
    // A file with no name left is not found again by its id (the file server may reuse it).
    if (node.paths.empty())
        drop_file_id(inode, node.file_id);
}

std::uint64_t InodeTable::lookup(const std::string& path, std::uint64_t file_id)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_by_path.find(path); it != m_by_path.end()) {
        Node& node = m_nodes[it->second];
        if (!file_id || !node.file_id || node.file_id == file_id) {
            if (file_id && !node.file_id) {
                node.file_id = file_id;
                m_by_file_id.emplace(file_id, it->second);
            }
            ++node.lookups;
            return it->second;
        }
        // The name now belongs to another file (replaced behind Linux's back).
        std::uint64_t stale = it->second;
        m_by_path.erase(it);
        detach(stale, path);
    }
    if (file_id) {
        if (auto it = m_by_file_id.find(file_id); it != m_by_file_id.end()) {
            std::uint64_t inode = it->second;
            Node& node = m_nodes[inode];
            node.paths.push_back(path);
            m_by_path[path] = inode;
            ++node.lookups;
            return inode;
        }
    }
    std::uint64_t inode = m_next++;
    m_nodes[inode] = Node { { path }, 1, file_id };
    m_by_path[path] = inode;
    if (file_id)
        m_by_file_id[file_id] = inode;
    return inode;
}

void InodeTable::forget(std::uint64_t inode, std::uint64_t count)
{
    if (inode == root)
        return;
    std::lock_guard lock(m_mutex);
    auto it = m_nodes.find(inode);
    if (it == m_nodes.end())
        return;
    Node& node = it->second;
    node.lookups = count >= node.lookups ? 0 : node.lookups - count;
    if (node.lookups)
        return;
    for (const std::string& path : node.paths) {
        auto by_path = m_by_path.find(path);
        if (by_path != m_by_path.end() && by_path->second == inode)
            m_by_path.erase(by_path);
    }
    drop_file_id(inode, node.file_id);
    m_nodes.erase(it);
}

void InodeTable::mark_cache_stale(std::uint64_t inode)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_nodes.find(inode); it != m_nodes.end())
        it->second.cache_stale = true;
}

bool InodeTable::take_cache_stale(std::uint64_t inode)
{
    std::lock_guard lock(m_mutex);
    auto it = m_nodes.find(inode);
    return it != m_nodes.end() && std::exchange(it->second.cache_stale, false);
}

static bool is_below(const std::string& path, const std::string& directory)
{
    return path.size() > directory.size() && path.compare(0, directory.size(), directory) == 0
        && (directory == "/" || path[directory.size()] == '/');
}

void InodeTable::rename(const std::string& from, const std::string& to)
{
    if (from == to)
        return;
    std::lock_guard lock(m_mutex);
    // What was at `to` (a replaced file, an empty directory) lost that name.
    if (auto it = m_by_path.find(to); it != m_by_path.end()) {
        std::uint64_t replaced = it->second;
        m_by_path.erase(it);
        detach(replaced, to);
    }
    std::vector<std::pair<std::string, std::uint64_t>> moved;
    for (auto it = m_by_path.begin(); it != m_by_path.end();) {
        if (it->first == from || is_below(it->first, from)) {
            moved.emplace_back(it->first, it->second);
            it = m_by_path.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [old_path, inode] : moved) {
        std::string new_path = to + old_path.substr(from.size());
        for (std::string& path : m_nodes[inode].paths)
            if (path == old_path)
                path = new_path;
        m_by_path[new_path] = inode;
    }
}

void InodeTable::remove(const std::string& path)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_by_path.find(path); it != m_by_path.end()) {
        std::uint64_t inode = it->second;
        m_by_path.erase(it);
        detach(inode, path);
    }
}

std::size_t InodeTable::size() const
{
    std::lock_guard lock(m_mutex);
    return m_nodes.size();
}

std::string InodeTable::join(const std::string& parent, const std::string& name)
{
    return parent == "/" ? "/" + name : parent + "/" + name;
}

} // namespace fuse_bridge
