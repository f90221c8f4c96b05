#include "server.h"
#include "../memfs/handle_ops.h"

namespace redoxfs {

using namespace redox;

namespace {

    Error err(int code) { return Error::from_errno(code); }

    bool is_dir_mode(u32 mode) { return (mode & MODE_TYPE) == MODE_DIR; }
    bool is_symlink_mode(u32 mode) { return (mode & MODE_TYPE) == MODE_SYMLINK; }

    constexpr u32 R = 4;
    constexpr u32 W = 2;
    constexpr u32 X = 1;
    constexpr u32 ID_UNCHANGED = 0xFFFFFFFFu;

} // namespace

Server::~Server()
{
    for (Handle* handle : m_handles)
        delete handle;
}

void Server::populate_base_tree()
{
    struct Dir {
        const char* path;
        u32 mode;
        u32 uid;
        u32 gid;
    };
    const Dir dirs[] = {
        { "bin", 0755, 0, 0 },
        { "etc", 0755, 0, 0 },
        { "home", 0755, 0, 0 },
        { "home/user", 0755, 1000, 1000 },
        { "tmp", 01777, 0, 0 },
        { "root", 0700, 0, 0 },
        { "usr", 0755, 0, 0 },
        { "dev", 0755, 0, 0 },
        { "var", 0755, 0, 0 },
        { "var/log", 0755, 0, 0 },
    };
    for (const Dir& dir : dirs) {
        Lookup lookup;
        if (walk(ROOT_HANDLE, dir.path, false, Cred {}, lookup).is_error() || !lookup.parent || lookup.node)
            continue;
        auto created = m_fs.mkdir(lookup.parent, lookup.name.view(), dir.mode, dir.uid, dir.gid);
        (void)created.is_error();
    }
}

ErrorOr<void> Server::commit_if_changed()
{
    if (!m_fs.has_changes())
        return {};
    return m_fs.commit();
}

// ---- helpers ------------------------------------------------------------------------------

bool Server::permits(const NodeStat& node, Cred cred, u32 want)
{
    if (cred.is_root())
        return true;
    u32 bits;
    if (cred.uid == node.uid)
        bits = (node.mode >> 6) & 7;
    else if (cred.gid == node.gid)
        bits = (node.mode >> 3) & 7;
    else
        bits = node.mode & 7;
    return (bits & want) == want;
}

bool Server::sticky_denies(const NodeStat& dir, const NodeStat& victim, Cred cred)
{
    return (dir.mode & memfs::MODE_STICKY) && !cred.is_root() && cred.uid != victim.uid && cred.uid != dir.uid;
}

String Server::join(const Vector<String>& components, StringView last)
{
    String path;
    for (const String& component : components) {
        if (!path.is_empty())
            path.append('/');
        path.append(component.view());
    }
    if (!last.is_empty()) {
        if (!path.is_empty())
            path.append('/');
        path.append(last);
    }
    return path;
}

ErrorOr<Server::Handle*> Server::handle_for(u64 handle) const
{
    if (handle >= m_handles.size() || !m_handles[handle])
        return err(EBADF);
    return m_handles[handle];
}

ErrorOr<u32> Server::node_of(u64 handle) const
{
    Handle* h = TRY(handle_for(handle));
    if (h->id == GONE)
        return err(ENOENT);
    return h->id;
}

ErrorOr<void> Server::push_components(Vector<String>& pending, StringView path)
{
    if (path.length() >= memfs::PATH_MAX)
        return err(ENAMETOOLONG);
    Vector<StringView> parts;
    usize start = 0;
    while (start <= path.length()) {
        isize slash = path.find('/', start);
        usize end = slash < 0 ? path.length() : static_cast<usize>(slash);
        StringView part = path.substring(start, end - start);
        start = end + 1;
        if (part.is_empty() || part == StringView(".", 1))
            continue;
        if (part.length() > MAX_NAME)
            return err(ENAMETOOLONG);
        if (part.contains('\0'))
            return err(EINVAL);
        parts.append(part);
    }
    for (usize i = parts.size(); i > 0; --i)
        pending.append(String(parts[i - 1]));
    return {};
}

ErrorOr<u32> Server::lookup_child(u32 dir, StringView name)
{
    auto found = m_fs.lookup(dir, name);
    if (found.is_error()) {
        if (found.error().code == ENOENT)
            return u32(0);
        return found.error();
    }
    return found.value();
}

ErrorOr<void> Server::walk(u64 dir_handle, StringView path, bool follow_last, Cred cred, Lookup& out)
{
    u32 dir = m_fs.root_id();
    out = Lookup {};
    if (dir_handle != ROOT_HANDLE) {
        Handle* handle = TRY(handle_for(dir_handle));
        if (handle->id == GONE)
            return err(ENOENT);
        NodeStat st = TRY(m_fs.stat(handle->id));
        if (!is_dir_mode(st.mode))
            return err(ENOTDIR);
        if (path.is_empty() || path[0] != '/') {
            dir = handle->id;
            if (!handle->path.is_empty())
                TRY(push_components(out.canon, handle->path.view()));
            for (usize i = 0, j = out.canon.size(); i + 1 < j; ++i, --j) {
                String t = static_cast<String&&>(out.canon[i]);
                out.canon[i] = static_cast<String&&>(out.canon[j - 1]);
                out.canon[j - 1] = static_cast<String&&>(t);
            }
        }
    }
    Vector<String> pending;
    TRY(push_components(pending, path));
    out.trailing_slash = !path.is_empty() && path[path.length() - 1] == '/';
    if (out.trailing_slash)
        follow_last = true;
    int hops = 0;
    while (!pending.is_empty()) {
        String component = pending.take_last();
        bool last = pending.is_empty();
        NodeStat dir_stat = TRY(m_fs.stat(dir));
        if (!permits(dir_stat, cred, X))
            return err(EACCES);
        if (component == "..") {
            if (dir != m_fs.root_id()) {
                dir = TRY(m_fs.parent(dir));
                if (!out.canon.is_empty())
                    out.canon.take_last();
            }
            continue;
        }
        u32 child = TRY(lookup_child(dir, component.view()));
        u32 child_mode = 0;
        if (child)
            child_mode = TRY(m_fs.stat(child)).mode;
        if (child && is_symlink_mode(child_mode) && (!last || follow_last)) {
            if (++hops > memfs::MAX_SYMLINK_HOPS)
                return err(ELOOP);
            String target = TRY(m_fs.readlink(child));
            if (target.is_empty())
                return err(ENOENT);
            if (target[0] == '/') {
                dir = m_fs.root_id();
                out.canon.clear();
            }
            TRY(push_components(pending, target.view()));
            continue;
        }
        if (last) {
            out.parent = dir;
            out.node = child;
            out.name = static_cast<String&&>(component);
            return {};
        }
        if (!child)
            return err(ENOENT);
        if (!is_dir_mode(child_mode))
            return err(ENOTDIR);
        dir = child;
        out.canon.append(static_cast<String&&>(component));
    }
    out.parent = 0;
    out.node = dir;
    return {};
}

ErrorOr<u64> Server::new_handle(u32 id, u64 flags, String path, Cred opener)
{
    auto* handle = new Handle;
    handle->id = id;
    handle->opener = opener;
    if (id != GONE)
        m_fs.hold(id); // keeps the file alive if it is removed while open
    handle->flags = flags;
    handle->path = static_cast<String&&>(path);
    for (usize i = 0; i < m_handles.size(); ++i) {
        if (!m_handles[i]) {
            m_handles[i] = handle;
            return static_cast<u64>(i);
        }
    }
    m_handles.append(handle);
    return static_cast<u64>(m_handles.size() - 1);
}

void Server::forget_if_freed(u32 id)
{
    if (!m_fs.stat(id).is_error())
        return;
    for (Handle* handle : m_handles) {
        if (handle && handle->id == id) {
            (void)m_fs.release(id).is_error(); // nothing left to free
            handle->id = GONE;
        }
    }
}

// ---- open / close / dup -------------------------------------------------------------------

ErrorOr<u64> Server::open(StringView path, u64 flags, Cred cred, u64 dir_handle)
{
    bool create = flags & O_CREAT;
    bool exclusive = create && (flags & O_EXCL);
    bool want_dir = flags & O_DIRECTORY;
    bool want_symlink = flags & O_SYMLINK;
    bool stat_only = flags & O_STAT;
    bool want_read = (flags & O_RDONLY) && !stat_only;
    bool want_write = (flags & O_WRONLY) && !stat_only;
    if (want_dir && want_symlink)
        return err(EINVAL);
    bool follow = !(flags & O_NOFOLLOW) && !want_symlink && !exclusive;

    Lookup lookup;
    TRY(walk(dir_handle, path, follow, cred, lookup));

    if (!lookup.node) {
        if (!create)
            return err(ENOENT);
        if (lookup.trailing_slash && !want_dir)
            return err(EISDIR);
        NodeStat parent = TRY(m_fs.stat(lookup.parent));
        if (!permits(parent, cred, W | X))
            return err(EACCES);
        u32 perm = want_symlink ? 0777 : static_cast<u32>(flags & MODE_PERM);
        u32 type = TRY(file_server::created_type(flags));
        u32 id;
        if (want_dir)
            id = TRY(m_fs.mkdir(lookup.parent, lookup.name.view(), perm, cred.uid, cred.gid));
        else
            id = TRY(m_fs.create(lookup.parent, lookup.name.view(), type | perm, cred.uid, cred.gid));
        String full = join(lookup.canon, lookup.name.view());
        if (file_server::is_special(type))
            flags |= O_STAT; // nothing to read or write: its creator gets the node
        return new_handle(id, flags & ~u64(O_CREAT | O_EXCL | O_TRUNC), static_cast<String&&>(full), cred);
    }

    if (exclusive)
        return err(EEXIST);
    NodeStat node = TRY(m_fs.stat(lookup.node));
    if (want_symlink && !is_symlink_mode(node.mode) && want_write)
        return err(EINVAL);
    if (is_dir_mode(node.mode)) {
        if (want_write || ((flags & O_TRUNC) && !stat_only))
            return err(EISDIR);
    } else if (want_dir || lookup.trailing_slash) {
        return err(ENOTDIR);
    }
    // O_TRUNC truncates a file whatever the access mode, and needs write permission (as Linux).
    bool truncate = (flags & O_TRUNC) && !stat_only && (node.mode & MODE_TYPE) == MODE_FILE;
    if ((want_read && !permits(node, cred, R)) || ((want_write || truncate) && !permits(node, cred, W)))
        return err(EACCES);
    if (file_server::refuses_data(node.mode, flags))
        return err(ENXIO);
    if (truncate && node.size)
        TRY(m_fs.truncate(lookup.node, 0));
    String full = lookup.parent ? join(lookup.canon, lookup.name.view()) : join(lookup.canon);
    return new_handle(lookup.node, flags & ~u64(O_CREAT | O_EXCL | O_TRUNC), static_cast<String&&>(full), cred);
}

ErrorOr<void> Server::close(u64 number)
{
    Handle* handle = TRY(handle_for(number));
    m_handles[number] = nullptr;
    while (!m_handles.is_empty() && !m_handles.last())
        m_handles.take_last();
    u32 id = handle->id;
    delete handle;
    if (id != GONE)
        TRY(m_fs.release(id)); // frees a removed file at its last close
    return {};
}

ErrorOr<u64> Server::dup(u64 number, StringView arg)
{
    Handle* handle = TRY(handle_for(number));
    if (!arg.is_empty())
        return err(EINVAL);
    return new_handle(handle->id, handle->flags, handle->path, handle->opener);
}

// ---- data ---------------------------------------------------------------------------------

ErrorOr<Server::DataAccess> Server::data_access(u64 number, u64 access, bool has_buffer)
{
    Handle* handle = TRY(handle_for(number));
    u32 id = TRY(node_of(number));
    NodeStat st = TRY(m_fs.stat(id));
    if (is_dir_mode(st.mode))
        return err(EISDIR);
    if (!(handle->flags & access) || (handle->flags & O_STAT))
        return err(EBADF);
    if (!has_buffer)
        return err(EFAULT);
    return DataAccess { handle, id, st };
}

ErrorOr<usize> Server::read(u64 number, void* buffer, usize length, u64 offset)
{
    DataAccess file = TRY(data_access(number, O_RDONLY, !length || buffer));
    return m_fs.read(file.id, offset, buffer, length);
}

ErrorOr<usize> Server::write(u64 number, const void* buffer, usize length, u64 offset)
{
    auto [handle, id, st] = TRY(data_access(number, O_WRONLY, !length || buffer));
    if (handle->flags & O_APPEND)
        offset = st.size;
    if (length == 0)
        return usize(0);
    if (!handle->opener.is_root() && (st.mode & 06000))
        TRY(m_fs.chmod(id, file_server::mode_after_write(st.mode, st.gid, handle->opener.gid) & MODE_PERM));
    if (is_symlink_mode(st.mode)) {
        if (offset >= memfs::PATH_MAX - 1)
            return err(ENAMETOOLONG);
        length = static_cast<usize>(ktl::min<u64>(length, memfs::PATH_MAX - 1 - offset));
    }
    return m_fs.write(id, offset, buffer, length);
}

ErrorOr<usize> Server::getdents(u64 number, void* buffer, usize length, u64 offset)
{
    Handle* handle = TRY(handle_for(number));
    u32 id = TRY(node_of(number));
    NodeStat st = TRY(m_fs.stat(id));
    if (!is_dir_mode(st.mode))
        return err(ENOTDIR);
    if (!(handle->flags & O_RDONLY) || (handle->flags & O_STAT))
        return err(EBADF);
    if (length && !buffer)
        return err(EFAULT);
    auto* out = static_cast<u8*>(buffer);
    constexpr usize name_offset = __builtin_offsetof(DirentHeader, name);
    usize written = 0;
    u64 position = offset;
    for (;;) {
        ReadDirResult page = TRY(m_fs.readdir(id, position, 1));
        if (page.entries.is_empty()) {
            if (page.end)
                break;
            position = page.next_cookie;
            continue;
        }
        const DirEntry& entry = page.entries[0];
        usize record = (name_offset + entry.name.length() + 1 + 7) & ~usize(7);
        if (record > length - written) {
            if (written == 0)
                return err(EINVAL);
            break;
        }
        DirentHeader header {};
        header.inode = entry.id;
        header.next_offset = page.next_cookie;
        header.record_length = static_cast<u16>(record);
        header.kind = file_server::dirent_kind(entry.type);
        ktl::copy_bytes(out + written, &header, name_offset);
        ktl::copy_bytes(out + written + name_offset, entry.name.c_str(), entry.name.length());
        ktl::fill_bytes(
            out + written + name_offset + entry.name.length(), 0, record - name_offset - entry.name.length());
        written += record;
        position = page.next_cookie;
        if (page.end)
            break;
    }
    return written;
}

ErrorOr<void> Server::ftruncate(u64 number, u64 length)
{
    Handle* handle = TRY(handle_for(number));
    u32 id = TRY(node_of(number));
    NodeStat st = TRY(m_fs.stat(id));
    if (is_dir_mode(st.mode))
        return err(EISDIR);
    if (!(handle->flags & O_WRONLY) || (handle->flags & O_STAT))
        return err(EBADF);
    if ((st.mode & MODE_TYPE) != MODE_FILE)
        return err(EINVAL);
    return m_fs.truncate(id, length);
}

ErrorOr<void> Server::fsync(u64 number)
{
    TRY(handle_for(number));
    return m_fs.commit();
}

// ---- metadata -----------------------------------------------------------------------------

ErrorOr<u64> Server::fsize(u64 number)
{
    u32 id = TRY(node_of(number));
    return TRY(m_fs.stat(id)).size;
}

ErrorOr<void> Server::fstat(u64 number, Stat& out)
{
    u32 id = TRY(node_of(number));
    NodeStat node = TRY(m_fs.stat(id));
    out = Stat {};
    out.st_dev = 2;
    out.st_ino = node.id;
    out.st_mode = static_cast<u16>(node.mode);
    out.st_nlink = node.links;
    out.st_uid = node.uid;
    out.st_gid = node.gid;
    out.st_size = node.size;
    out.st_blksize = BLOCK_SIZE;
    out.st_blocks = node.blocks * (BLOCK_SIZE / 512);
    out.st_mtime = node.mtime.sec;
    out.st_mtime_nsec = node.mtime.nsec;
    out.st_atime = node.atime.sec;
    out.st_atime_nsec = node.atime.nsec;
    out.st_ctime = node.ctime.sec;
    out.st_ctime_nsec = node.ctime.nsec;
    return {};
}

ErrorOr<void> Server::fstatvfs(u64 number, StatVfs& out)
{
    TRY(handle_for(number));
    FsStat st = m_fs.statvfs();
    out = StatVfs {};
    out.f_bsize = st.block_size;
    out.f_blocks = st.blocks;
    out.f_bfree = st.free_blocks;
    out.f_bavail = st.free_blocks;
    return {};
}

ErrorOr<void> Server::fchmod(u64 number, u32 mode, Cred cred)
{
    u32 id = TRY(node_of(number));
    NodeStat node = TRY(m_fs.stat(id));
    if (!cred.is_root() && cred.uid != node.uid)
        return err(EPERM);
    return m_fs.chmod(id, mode & MODE_PERM);
}

ErrorOr<void> Server::fchown(u64 number, u64 uid_arg, u64 gid_arg, Cred cred)
{
    u32 id = TRY(node_of(number));
    NodeStat node = TRY(m_fs.stat(id));
    u32 uid = static_cast<u32>(uid_arg);
    u32 gid = static_cast<u32>(gid_arg);
    bool change_uid = uid != ID_UNCHANGED && uid != node.uid;
    bool change_gid = gid != ID_UNCHANGED && gid != node.gid;
    if (!cred.is_root()) {
        // The owner may only hand the file to its own group; -1 (unchanged) is allowed to anyone.
        bool owner = cred.uid == node.uid;
        if (uid != ID_UNCHANGED && (!owner || change_uid))
            return err(EPERM);
        if (gid != ID_UNCHANGED && (!owner || (change_gid && gid != cred.gid)))
            return err(EPERM);
    }
    TRY(m_fs.chown(id, change_uid ? uid : node.uid, change_gid ? gid : node.gid));
    if (u32 mode = file_server::mode_after_chown(node.mode); mode != node.mode)
        TRY(m_fs.chmod(id, mode & MODE_PERM));
    return {};
}

ErrorOr<void> Server::futimens(u64 number, const TimeSpec* times, usize count, Cred cred)
{
    u32 id = TRY(node_of(number));
    NodeStat node = TRY(m_fs.stat(id));
    if (count && !times)
        return err(EFAULT);
    TimeSpec spec[2];
    spec[0] = count >= 1 ? times[0] : TimeSpec { 0, memfs::UTIME_NOW, 0 };
    spec[1] = count >= 2 ? times[1]
                         : (count == 1 ? TimeSpec { 0, memfs::UTIME_OMIT, 0 } : TimeSpec { 0, memfs::UTIME_NOW, 0 });
    bool explicit_time = false;
    for (const TimeSpec& t : spec) {
        if (t.tv_nsec == memfs::UTIME_NOW || t.tv_nsec == memfs::UTIME_OMIT)
            continue;
        if (t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
            return err(EINVAL);
        explicit_time = true;
    }
    bool owner = cred.is_root() || cred.uid == node.uid;
    if (explicit_time && !owner)
        return err(EPERM);
    if (!owner && !permits(node, cred, W))
        return err(EACCES);
    Time result[2] = { node.atime, node.mtime };
    for (int i = 0; i < 2; ++i) {
        if (spec[i].tv_nsec == memfs::UTIME_OMIT)
            continue;
        if (spec[i].tv_nsec == memfs::UTIME_NOW)
            result[i] = m_now;
        else
            result[i] = Time { spec[i].tv_sec, static_cast<u32>(spec[i].tv_nsec) };
    }
    return m_fs.utimens(id, result[0], result[1]);
}

ErrorOr<usize> Server::fpath(u64 number, char* buffer, usize length)
{
    return file_server::fpath(*TRY(handle_for(number)), buffer, length);
}

ErrorOr<u64> Server::fevent(u64 number, u64 flags)
{
    TRY(handle_for(number));
    return flags;
}

ErrorOr<u64> Server::fcntl(u64 number, u64 command, u64 argument)
{
    return file_server::fcntl(*TRY(handle_for(number)), command, argument);
}

// ---- names --------------------------------------------------------------------------------

ErrorOr<void> Server::unlinkat(u64 dir_handle, StringView path, u64 flags, Cred cred)
{
    Lookup lookup;
    TRY(walk(dir_handle, path, false, cred, lookup));
    bool remove_dir = flags & AT_REMOVEDIR;
    if (!lookup.parent)
        return err(remove_dir ? EBUSY : EISDIR);
    if (!lookup.node)
        return err(ENOENT);
    NodeStat node = TRY(m_fs.stat(lookup.node));
    if (remove_dir) {
        if (!is_dir_mode(node.mode))
            return err(ENOTDIR);
    } else {
        if (is_dir_mode(node.mode))
            return err(EISDIR);
        if (lookup.trailing_slash)
            return err(ENOTDIR);
    }
    NodeStat parent = TRY(m_fs.stat(lookup.parent));
    if (!permits(parent, cred, W | X))
        return err(EACCES);
    if (sticky_denies(parent, node, cred))
        return err(EPERM);
    if (remove_dir)
        TRY(m_fs.rmdir(lookup.parent, lookup.name.view()));
    else
        TRY(m_fs.unlink(lookup.parent, lookup.name.view()));
    forget_if_freed(lookup.node);
    return {};
}

ErrorOr<void> Server::flink(u64 number, StringView new_path, Cred cred)
{
    u32 id = TRY(node_of(number));
    NodeStat node = TRY(m_fs.stat(id));
    if (is_dir_mode(node.mode))
        return err(EPERM);
    if (node.links >= memfs::MAX_LINKS)
        return err(EMLINK);
    Lookup lookup;
    TRY(walk(ROOT_HANDLE, new_path, false, cred, lookup));
    if (!lookup.parent || lookup.node)
        return err(EEXIST);
    if (lookup.trailing_slash)
        return err(ENOENT);
    NodeStat parent = TRY(m_fs.stat(lookup.parent));
    if (!permits(parent, cred, W | X))
        return err(EACCES);
    return m_fs.link(lookup.parent, lookup.name.view(), id);
}

ErrorOr<void> Server::frename(u64 number, StringView new_path, Cred cred)
{
    Handle* handle = TRY(handle_for(number));
    u32 id = TRY(node_of(number));

    Lookup from;
    TRY(walk(ROOT_HANDLE, handle->path.view(), false, cred, from));
    if (!from.parent)
        return err(EBUSY);
    if (from.node != id)
        return err(ENOENT);

    Lookup to;
    TRY(walk(ROOT_HANDLE, new_path, false, cred, to));
    if (!to.parent)
        return err(EBUSY);
    NodeStat node = TRY(m_fs.stat(id));
    if (to.trailing_slash && !is_dir_mode(node.mode))
        return err(ENOTDIR);
    if (from.parent == to.parent && from.name == to.name)
        return {};
    if (to.node == id)
        return {};
    NodeStat old_parent = TRY(m_fs.stat(from.parent));
    NodeStat new_parent = TRY(m_fs.stat(to.parent));
    if (!permits(old_parent, cred, W | X) || !permits(new_parent, cred, W | X))
        return err(EACCES);
    if (is_dir_mode(node.mode) && from.parent != to.parent && !permits(node, cred, W))
        return err(EACCES);
    if (sticky_denies(old_parent, node, cred))
        return err(EPERM);
    if (to.node) {
        NodeStat target = TRY(m_fs.stat(to.node));
        if (sticky_denies(new_parent, target, cred))
            return err(EPERM);
    }
    TRY(m_fs.rename(from.parent, from.name.view(), to.parent, to.name.view()));
    if (to.node)
        forget_if_freed(to.node);

    String old_path = handle->path;
    String new_full = join(to.canon, to.name.view());
    for (Handle* other : m_handles) {
        if (!other)
            continue;
        StringView p = other->path.view();
        if (p == old_path.view()) {
            other->path = new_full;
        } else if (p.length() > old_path.length() && p.starts_with(old_path.view()) && p[old_path.length()] == '/') {
            String moved = new_full;
            moved.append(p.substring(old_path.length()));
            other->path = static_cast<String&&>(moved);
        }
    }
    return {};
}

} // namespace redoxfs
