#include "inode_table.h"

#include <vector>

namespace fuse_bridge {

InodeTable::InodeTable()
{
    m_nodes[root] = Node { "/", 1 };
    m_by_path["/"] = root;
}

std::optional<std::string> InodeTable::path_of(std::uint64_t inode) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_nodes.find(inode);
    if (it == m_nodes.end() || it->second.path.empty())
        return std::nullopt;
    return it->second.path;
}

bool InodeTable::known(std::uint64_t inode) const
{
    std::lock_guard lock(m_mutex);
    return m_nodes.count(inode) != 0;
}

std::uint64_t InodeTable::lookup(const std::string& path)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_by_path.find(path); it != m_by_path.end()) {
        ++m_nodes[it->second].lookups;
        return it->second;
    }
    std::uint64_t inode = m_next++;
    m_nodes[inode] = Node { path, 1 };
    m_by_path[path] = inode;
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
    if (!node.path.empty()) {
        auto by_path = m_by_path.find(node.path);
        if (by_path != m_by_path.end() && by_path->second == inode)
            m_by_path.erase(by_path);
    }
    m_nodes.erase(it);
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
    // What was at `to` (a replaced file, an empty directory) is gone.
    if (auto it = m_by_path.find(to); it != m_by_path.end()) {
        m_nodes[it->second].path.clear();
        m_by_path.erase(it);
    }
    std::vector<std::pair<std::string, std::uint64_t>> moved;
    for (auto it = m_by_path.begin(); it != m_by_path.end();) {
        if (it->first == from || is_below(it->first, from)) {
            moved.emplace_back(to + it->first.substr(from.size()), it->second);
            it = m_by_path.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [path, inode] : moved) {
        m_nodes[inode].path = path;
        m_by_path[path] = inode;
    }
}

void InodeTable::remove(const std::string& path)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_by_path.find(path); it != m_by_path.end()) {
        m_nodes[it->second].path.clear();
        m_by_path.erase(it);
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
