#include "memfs.h"
#include "handle_ops.h"

namespace memfs {

using namespace redox;

namespace {

    Error err(int code) { return Error::from_errno(code); }

    constexpr u32 R = 4;
    constexpr u32 W = 2;
    constexpr u32 X = 1;
    constexpr u32 ID_UNCHANGED = 0xFFFFFFFFu;

} // namespace

// ---- Bytes ------------------------------------------------------------------------------

u8* Bytes::writable_chunk(usize index, usize begin_within, usize end_within)
{
    u8*& chunk = m_chunks[index];
    if (index > 0) {
        if (!chunk) { // zeros around the part about to be written
            chunk = new u8[CHUNK];
            ktl::fill_bytes(chunk, 0, begin_within);
            ktl::fill_bytes(chunk + end_within, 0, CHUNK - end_within);
        }
        return chunk;
    }
    if (end_within > m_first_capacity) { // the first chunk doubles up to a full chunk
        usize capacity = ktl::min(CHUNK, ktl::max<usize>(end_within, ktl::max<usize>(2 * m_first_capacity, 64)));
        u8* grown = new u8[capacity];
        if (chunk)
            ktl::copy_bytes(grown, chunk, m_first_capacity);
        ktl::fill_bytes(grown + m_first_capacity, 0, capacity - m_first_capacity);
        delete[] chunk;
        chunk = grown;
        m_first_capacity = capacity;
    }
    return chunk;
}

void Bytes::resize(usize size)
{
    usize chunks = (size + CHUNK - 1) / CHUNK;
    if (size < m_size) {
        for (usize i = chunks; i < m_chunks.size(); ++i)
            delete[] m_chunks[i];
        if (chunks == 0)
            m_first_capacity = 0;
        // What lies past the new end reads as zeros if the file grows again.
        if (chunks > 0 && m_chunks[chunks - 1]) {
            usize within = size - (chunks - 1) * CHUNK;
            usize capacity = capacity_of(chunks - 1);
            if (within < capacity)
                ktl::fill_bytes(m_chunks[chunks - 1] + within, 0, capacity - within);
        }
    }
    m_chunks.resize(chunks); // new chunks are null: holes
    m_size = size;
}

void Bytes::read(usize offset, void* out, usize length) const
{
    auto* dst = static_cast<u8*>(out);
    while (length) {
        usize index = offset / CHUNK, within = offset % CHUNK;
        usize n = ktl::min(length, CHUNK - within);
        const u8* chunk = m_chunks[index];
        usize stored = chunk && within < capacity_of(index) ? ktl::min(n, capacity_of(index) - within) : 0;
        if (stored)
            ktl::copy_bytes(dst, chunk + within, stored);
        ktl::fill_bytes(dst + stored, 0, n - stored);
        dst += n;
        offset += n;
        length -= n;
    }
}

void Bytes::write(usize offset, const void* in, usize length)
{
    auto* src = static_cast<const u8*>(in);
    while (length) {
        usize index = offset / CHUNK, within = offset % CHUNK;
        usize n = ktl::min(length, CHUNK - within);
        ktl::copy_bytes(writable_chunk(index, within, within + n) + within, src, n);
        src += n;
        offset += n;
        length -= n;
    }
}

// ---- construction -------------------------------------------------------------------------

Memfs::Memfs(u64 capacity, u64 max_nodes) : m_capacity(capacity), m_max_nodes(max_nodes)
{
    m_root = new Node;
    m_root->inode = m_next_inode++;
    m_root->mode = MODE_DIR | 0755;
    m_root->links = 1; // the scheme itself names it
    m_node_count = 1;
}

Memfs::~Memfs()
{
    // Handles first: they hold the last reference to unlinked nodes (not in the tree).
    for (Handle* handle : m_handles) {
        if (!handle)
            continue;
        Node* node = handle->node;
        --node->open_count;
        delete handle;
        if (node->links == 0 && node->open_count == 0)
            release(node);
    }
    m_handles.clear();
    destroy_tree(m_root);
}

void Memfs::destroy_tree(Node* node)
{
    if (node->is_dir()) {
        for (DirEntry& entry : node->entries)
            destroy_tree(entry.node);
        node->entries.clear();
    }
    if (--node->links == 0) {
        node->open_count = 0;
        release(node);
    }
}

void Memfs::populate_base_tree()
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
        auto created = create_node(*lookup.parent, lookup.name, MODE_DIR | dir.mode, Cred { dir.uid, dir.gid });
        (void)created.is_error();
    }
}

usize Memfs::open_handle_count() const
{
    usize n = 0;
    for (Handle* handle : m_handles)
        if (handle)
            ++n;
    return n;
}

// ---- helpers ------------------------------------------------------------------------------

bool Memfs::permits(const Node& node, Cred cred, u32 want)
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

bool Memfs::sticky_denies(const Node& dir, const Node& victim, Cred cred)
{
    return (dir.mode & MODE_STICKY) && !cred.is_root() && cred.uid != victim.uid && cred.uid != dir.uid;
}

isize Memfs::find_entry(const Node& dir, StringView name, usize& insert_at)
{
    usize low = 0;
    usize high = dir.entries.size();
    while (low < high) {
        usize mid = low + (high - low) / 2;
        int c = dir.entries[mid].name.view().compare(name);
        if (c == 0) {
            insert_at = mid;
            return static_cast<isize>(mid);
        }
        if (c < 0)
            low = mid + 1;
        else
            high = mid;
    }
    insert_at = low;
    return -1;
}

String Memfs::join(const Vector<String>& components, StringView last)
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

ErrorOr<Memfs::Handle*> Memfs::handle_for(u64 handle) const
{
    if (handle >= m_handles.size() || !m_handles[handle])
        return err(EBADF);
    return m_handles[handle];
}

ErrorOr<void> Memfs::push_components(Vector<String>& pending, StringView path)
{
    if (path.length() >= PATH_MAX)
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
        if (part.length() > NAME_MAX)
            return err(ENAMETOOLONG);
        if (part.contains('\0'))
            return err(EINVAL);
        parts.append(part);
    }
    for (usize i = parts.size(); i > 0; --i)
        pending.append(String(parts[i - 1]));
    return {};
}

ErrorOr<void> Memfs::walk(u64 dir_handle, StringView path, bool follow_last, Cred cred, Lookup& out)
{
    Node* dir = m_root;
    out = Lookup {};
    if (dir_handle != ROOT_HANDLE) {
        Handle* handle = TRY(handle_for(dir_handle));
        if (!handle->node->is_dir())
            return err(ENOTDIR);
        if (path.is_empty() || path[0] != '/') {
            dir = handle->node;
            if (!handle->path.is_empty())
                TRY(push_components(out.canon, handle->path.view()));
            // push_components stacks in reverse order; canon wants path order.
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
        if (!permits(*dir, cred, X))
            return err(EACCES);
        if (component == "..") {
            if (dir->parent) {
                dir = dir->parent;
                if (!out.canon.is_empty())
                    out.canon.take_last();
            }
            continue;
        }
        usize unused;
        isize index = find_entry(*dir, component.view(), unused);
        Node* child = index < 0 ? nullptr : dir->entries[static_cast<usize>(index)].node;
        if (child && child->is_symlink() && (!last || follow_last)) {
            if (++hops > MAX_SYMLINK_HOPS)
                return err(ELOOP);
            ktl::Vector<char> target_bytes;
            target_bytes.resize(child->data.size());
            child->data.read(0, target_bytes.data(), target_bytes.size());
            StringView target(target_bytes.data(), target_bytes.size());
            if (target.is_empty())
                return err(ENOENT);
            if (target[0] == '/') {
                dir = m_root;
                out.canon.clear();
            }
            TRY(push_components(pending, target));
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
        if (!child->is_dir())
            return err(ENOTDIR);
        dir = child;
        out.canon.append(static_cast<String&&>(component));
    }
    // The path named a directory without a final name: the root, "..", or a symlink to one.
    out.parent = nullptr;
    out.node = dir;
    return {};
}

void Memfs::touch_modified(Node& node)
{
    node.mtime = m_now;
    node.ctime = m_now;
}

void Memfs::attach(Node& dir, StringView name, Node& node)
{
    usize at;
    isize existing = find_entry(dir, name, at);
    (void)existing; // callers ensure the name is free
    dir.entries.insert(at, DirEntry { String(name), &node });
    ++node.links;
    node.ctime = m_now;
    if (node.is_dir()) {
        node.parent = &dir;
        ++dir.subdirs;
    }
    touch_modified(dir);
}

void Memfs::detach(Node& dir, StringView name)
{
    usize at;
    isize index = find_entry(dir, name, at);
    if (index < 0)
        return;
    Node* node = dir.entries[static_cast<usize>(index)].node;
    dir.entries.remove(static_cast<usize>(index));
    --node->links;
    node->ctime = m_now;
    if (node->is_dir()) {
        node->parent = nullptr;
        --dir.subdirs;
    }
    touch_modified(dir);
    release(node);
}

void Memfs::release(Node* node)
{
    if (node->links != 0 || node->open_count != 0)
        return;
    m_used -= node->data.size();
    --m_node_count;
    delete node;
}

ErrorOr<Node*> Memfs::create_node(Node& parent, StringView name, u32 mode, Cred owner)
{
    if (parent.links == 0)
        return err(ENOENT); // the directory was removed
    if (m_node_count >= m_max_nodes)
        return err(ENOSPC);
    Node* node = new Node;
    node->inode = m_next_inode++;
    node->mode = mode;
    node->uid = owner.uid;
    node->gid = owner.gid;
    node->atime = node->mtime = node->ctime = m_now;
    ++m_node_count;
    attach(parent, name, *node);
    return node;
}

ErrorOr<u64> Memfs::new_handle(Node& node, u64 flags, String path, Cred opener)
{
    auto* handle = new Handle;
    handle->node = &node;
    handle->flags = flags;
    handle->path = static_cast<String&&>(path);
    handle->opener = opener;
    ++node.open_count;
    for (usize i = 0; i < m_handles.size(); ++i) {
        if (!m_handles[i]) {
            m_handles[i] = handle;
            return static_cast<u64>(i);
        }
    }
    m_handles.append(handle);
    return static_cast<u64>(m_handles.size() - 1);
}

ErrorOr<void> Memfs::resize_data(Node& node, u64 size)
{
    u64 old = node.data.size();
    if (size > old && size - old > m_capacity - m_used)
        return err(ENOSPC);
    node.data.resize(static_cast<usize>(size));
    m_used = m_used - old + size;
    return {};
}

// ---- open / close / dup -------------------------------------------------------------------

ErrorOr<u64> Memfs::open(StringView path, u64 flags, Cred cred, u64 dir_handle)
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
    Node* node = lookup.node;

    if (!node) {
        if (!create)
            return err(ENOENT);
        if (lookup.trailing_slash && !want_dir)
            return err(EISDIR);
        Node& parent = *lookup.parent;
        if (!permits(parent, cred, W | X))
            return err(EACCES);
        u32 type = TRY(file_server::created_type(flags));
        u32 perm = want_symlink ? 0777 : static_cast<u32>(flags & MODE_PERM);
        node = TRY(create_node(parent, lookup.name.view(), type | perm, cred));
        String full = join(lookup.canon, lookup.name.view());
        if (node->is_special())
            flags |= O_STAT; // nothing to read or write: its creator gets the node
        return new_handle(*node, flags & ~u64(O_CREAT | O_EXCL | O_TRUNC), static_cast<String&&>(full), cred);
    }

    if (exclusive)
        return err(EEXIST);
    // O_SYMLINK means "do not follow": on anything else it just opens the node (lstat),
    // but it can not turn a file into a link.
    if (want_symlink && !node->is_symlink() && want_write)
        return err(EINVAL);
    if (node->is_dir()) {
        if (want_write || ((flags & O_TRUNC) && !stat_only))
            return err(EISDIR);
    } else if (want_dir || lookup.trailing_slash) {
        return err(ENOTDIR);
    }
    // O_TRUNC truncates a file whatever the access mode, and needs write permission (as Linux).
    bool truncate = (flags & O_TRUNC) && !stat_only && node->is_file();
    if ((want_read && !permits(*node, cred, R)) || ((want_write || truncate) && !permits(*node, cred, W)))
        return err(EACCES);
    if (file_server::refuses_data(node->mode, flags))
        return err(ENXIO);
    if (truncate && node->data.size()) {
        TRY(resize_data(*node, 0));
        touch_modified(*node);
    }
    String full = lookup.parent ? join(lookup.canon, lookup.name.view()) : join(lookup.canon);
    return new_handle(*node, flags & ~u64(O_CREAT | O_EXCL | O_TRUNC), static_cast<String&&>(full), cred);
}

ErrorOr<void> Memfs::mkdir(StringView path, u32 mode, Cred cred)
{
    u64 handle = TRY(open(path, O_CREAT | O_EXCL | O_DIRECTORY | O_RDONLY | (mode & MODE_PERM), cred));
    return close(handle);
}

ErrorOr<void> Memfs::close(u64 number)
{
    Handle* handle = TRY(handle_for(number));
    m_handles[number] = nullptr;
    while (!m_handles.is_empty() && !m_handles.last())
        m_handles.take_last();
    Node* node = handle->node;
    delete handle;
    --node->open_count;
    release(node);
    return {};
}

ErrorOr<u64> Memfs::dup(u64 number, StringView arg)
{
    Handle* handle = TRY(handle_for(number));
    if (!arg.is_empty())
        return err(EINVAL);
    return new_handle(*handle->node, handle->flags, handle->path, handle->opener);
}

// ---- data ---------------------------------------------------------------------------------

ErrorOr<usize> Memfs::read(u64 number, void* buffer, usize length, u64 offset)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (node.is_dir())
        return err(EISDIR);
    if (!(handle->flags & O_RDONLY) || (handle->flags & O_STAT))
        return err(EBADF);
    if (length && !buffer)
        return err(EFAULT);
    u64 size = node.data.size();
    if (offset >= size)
        return usize(0);
    usize n = static_cast<usize>(ktl::min<u64>(length, size - offset));
    node.data.read(static_cast<usize>(offset), buffer, n);
    node.atime = m_now;
    return n;
}

ErrorOr<usize> Memfs::write(u64 number, const void* buffer, usize length, u64 offset)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (node.is_dir())
        return err(EISDIR);
    if (!(handle->flags & O_WRONLY) || (handle->flags & O_STAT))
        return err(EBADF);
    if (length && !buffer)
        return err(EFAULT);
    if (handle->flags & O_APPEND)
        offset = node.data.size();
    if (length == 0)
        return usize(0);
    if (!handle->opener.is_root() && (node.mode & 06000))
        node.mode = file_server::mode_after_write(node.mode, node.gid, handle->opener.gid);
    u64 size = node.data.size();
    u64 limit = size + (m_capacity - m_used); // the largest size this file may reach
    if (node.is_symlink())
        limit = ktl::min<u64>(limit, PATH_MAX - 1);
    if (offset >= limit)
        return err(node.is_symlink() ? ENAMETOOLONG : ENOSPC);
    usize n = static_cast<usize>(ktl::min<u64>(length, limit - offset));
    if (offset + n > size)
        TRY(resize_data(node, offset + n));
    node.data.write(static_cast<usize>(offset), buffer, n);
    touch_modified(node);
    return n;
}

ErrorOr<usize> Memfs::getdents(u64 number, void* buffer, usize length, u64 offset)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (!node.is_dir())
        return err(ENOTDIR);
    if (!(handle->flags & O_RDONLY) || (handle->flags & O_STAT))
        return err(EBADF);
    if (length && !buffer)
        return err(EFAULT);
    auto* out = static_cast<u8*>(buffer);
    constexpr usize name_offset = __builtin_offsetof(DirentHeader, name);
    usize written = 0;
    u64 position = offset;
    while (position < node.entries.size()) {
        const DirEntry& entry = node.entries[static_cast<usize>(position)];
        usize record = (name_offset + entry.name.length() + 1 + 7) & ~usize(7);
        if (record > length - written)
            break;
        DirentHeader header {};
        header.inode = entry.node->inode;
        header.next_offset = position + 1;
        header.record_length = static_cast<u16>(record);
        header.kind = file_server::dirent_kind(entry.node->mode);
        ktl::copy_bytes(out + written, &header, name_offset);
        ktl::copy_bytes(out + written + name_offset, entry.name.c_str(), entry.name.length());
        ktl::fill_bytes(
            out + written + name_offset + entry.name.length(), 0, record - name_offset - entry.name.length());
        written += record;
        ++position;
    }
    if (written == 0 && position < node.entries.size())
        return err(EINVAL);
    node.atime = m_now;
    return written;
}

ErrorOr<void> Memfs::ftruncate(u64 number, u64 length)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (node.is_dir())
        return err(EISDIR);
    if (!(handle->flags & O_WRONLY) || (handle->flags & O_STAT))
        return err(EBADF);
    if (!node.is_file())
        return err(EINVAL);
    if (length != node.data.size())
        TRY(resize_data(node, length));
    touch_modified(node);
    return {};
}

ErrorOr<void> Memfs::fsync(u64 number)
{
    TRY(handle_for(number));
    return {};
}

// ---- metadata -----------------------------------------------------------------------------

ErrorOr<u64> Memfs::fsize(u64 number)
{
    Handle* handle = TRY(handle_for(number));
    return static_cast<u64>(handle->node->data.size());
}

ErrorOr<void> Memfs::fstat(u64 number, Stat& out)
{
    Handle* handle = TRY(handle_for(number));
    const Node& node = *handle->node;
    out = Stat {};
    out.st_dev = 1;
    out.st_ino = node.inode;
    out.st_mode = static_cast<u16>(node.mode);
    out.st_nlink = node.is_dir() ? (node.links ? 2 + node.subdirs : 0) : node.links;
    out.st_uid = node.uid;
    out.st_gid = node.gid;
    out.st_size = node.data.size();
    out.st_blksize = BLOCK_SIZE;
    out.st_blocks = (out.st_size + 511) / 512;
    out.st_mtime = node.mtime.sec;
    out.st_mtime_nsec = node.mtime.nsec;
    out.st_atime = node.atime.sec;
    out.st_atime_nsec = node.atime.nsec;
    out.st_ctime = node.ctime.sec;
    out.st_ctime_nsec = node.ctime.nsec;
    return {};
}

ErrorOr<void> Memfs::fstatvfs(u64 number, StatVfs& out)
{
    TRY(handle_for(number));
    out = StatVfs {};
    out.f_bsize = BLOCK_SIZE;
    out.f_blocks = m_capacity / BLOCK_SIZE;
    out.f_bfree = (m_capacity - m_used) / BLOCK_SIZE;
    out.f_bavail = out.f_bfree;
    return {};
}

ErrorOr<void> Memfs::fchmod(u64 number, u32 mode, Cred cred)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (!cred.is_root() && cred.uid != node.uid)
        return err(EPERM);
    node.mode = node.type() | (mode & MODE_PERM);
    node.ctime = m_now;
    return {};
}

ErrorOr<void> Memfs::fchown(u64 number, u64 uid_arg, u64 gid_arg, Cred cred)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
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
    if (change_uid)
        node.uid = uid;
    if (change_gid)
        node.gid = gid;
    node.mode = file_server::mode_after_chown(node.mode);
    node.ctime = m_now;
    return {};
}

ErrorOr<void> Memfs::futimens(u64 number, const TimeSpec* times, usize count, Cred cred)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (count && !times)
        return err(EFAULT);
    TimeSpec spec[2];
    spec[0] = count >= 1 ? times[0] : TimeSpec { 0, UTIME_NOW, 0 };
    spec[1] = count >= 2 ? times[1] : (count == 1 ? TimeSpec { 0, UTIME_OMIT, 0 } : TimeSpec { 0, UTIME_NOW, 0 });
    bool explicit_time = false;
    for (const TimeSpec& t : spec) {
        if (t.tv_nsec == UTIME_NOW || t.tv_nsec == UTIME_OMIT)
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
    Time* targets[2] = { &node.atime, &node.mtime };
    for (int i = 0; i < 2; ++i) {
        if (spec[i].tv_nsec == UTIME_OMIT)
            continue;
        if (spec[i].tv_nsec == UTIME_NOW)
            *targets[i] = m_now;
        else
            *targets[i] = Time { spec[i].tv_sec, static_cast<u32>(spec[i].tv_nsec) };
    }
    node.ctime = m_now;
    return {};
}

ErrorOr<usize> Memfs::fpath(u64 number, char* buffer, usize length)
{
    return file_server::fpath(*TRY(handle_for(number)), buffer, length);
}

ErrorOr<u64> Memfs::fevent(u64 number, u64 flags)
{
    TRY(handle_for(number));
    return flags; // memory is always ready
}

ErrorOr<u64> Memfs::fcntl(u64 number, u64 command, u64 argument)
{
    return file_server::fcntl(*TRY(handle_for(number)), command, argument);
}

// ---- names --------------------------------------------------------------------------------

ErrorOr<void> Memfs::unlinkat(u64 dir_handle, StringView path, u64 flags, Cred cred)
{
    Lookup lookup;
    TRY(walk(dir_handle, path, false, cred, lookup));
    bool remove_dir = flags & AT_REMOVEDIR;
    if (!lookup.parent) // the root, or a path ending in ".."
        return err(remove_dir ? EBUSY : EISDIR);
    Node* node = lookup.node;
    if (!node)
        return err(ENOENT);
    if (remove_dir) {
        if (!node->is_dir())
            return err(ENOTDIR);
        if (!node->entries.is_empty())
            return err(ENOTEMPTY);
    } else {
        if (node->is_dir())
            return err(EISDIR);
        if (lookup.trailing_slash)
            return err(ENOTDIR);
    }
    Node& parent = *lookup.parent;
    if (!permits(parent, cred, W | X))
        return err(EACCES);
    if (sticky_denies(parent, *node, cred))
        return err(EPERM);
    detach(parent, lookup.name.view());
    return {};
}

ErrorOr<void> Memfs::flink(u64 number, StringView new_path, Cred cred)
{
    Handle* handle = TRY(handle_for(number));
    Node& node = *handle->node;
    if (node.is_dir())
        return err(EPERM);
    if (node.links == 0)
        return err(ENOENT);
    if (node.links >= MAX_LINKS)
        return err(EMLINK);
    Lookup lookup;
    TRY(walk(ROOT_HANDLE, new_path, false, cred, lookup));
    if (!lookup.parent || lookup.node)
        return err(EEXIST);
    if (lookup.trailing_slash)
        return err(ENOENT);
    Node& parent = *lookup.parent;
    if (parent.links == 0)
        return err(ENOENT);
    if (!permits(parent, cred, W | X))
        return err(EACCES);
    attach(parent, lookup.name.view(), node);
    return {};
}

ErrorOr<void> Memfs::frename(u64 number, StringView new_path, Cred cred)
{
    Handle* handle = TRY(handle_for(number));
    Node* node = handle->node;

    // Find the entry the handle was opened through (the node itself may have several names).
    Lookup from;
    TRY(walk(ROOT_HANDLE, handle->path.view(), false, cred, from));
    if (!from.parent)
        return err(EBUSY); // the root
    if (from.node != node)
        return err(ENOENT); // renamed or removed since the open

    Lookup to;
    TRY(walk(ROOT_HANDLE, new_path, false, cred, to));
    if (!to.parent)
        return err(EBUSY);
    Node& old_parent = *from.parent;
    Node& new_parent = *to.parent;
    if (to.trailing_slash && !node->is_dir())
        return err(ENOTDIR);
    if (new_parent.links == 0)
        return err(ENOENT);
    if (&old_parent == &new_parent && from.name == to.name)
        return {};
    if (node->is_dir()) {
        for (Node* p = &new_parent; p; p = p->parent) {
            if (p == node)
                return err(EINVAL);
        }
    }
    Node* target = to.node;
    if (target == node)
        return {}; // two names of the same file: nothing to do (POSIX)
    if (target) {
        if (node->is_dir() && !target->is_dir())
            return err(ENOTDIR);
        if (!node->is_dir() && target->is_dir())
            return err(EISDIR);
        if (target->is_dir() && !target->entries.is_empty())
            return err(ENOTEMPTY);
    }
    if (!permits(old_parent, cred, W | X) || !permits(new_parent, cred, W | X))
        return err(EACCES);
    if (node->is_dir() && &old_parent != &new_parent && !permits(*node, cred, W))
        return err(EACCES); // its ".." changes
    if (sticky_denies(old_parent, *node, cred) || (target && sticky_denies(new_parent, *target, cred)))
        return err(EPERM);

    ++node->open_count; // keep it alive between detach and attach
    if (target)
        detach(new_parent, to.name.view());
    detach(old_parent, from.name.view());
    attach(new_parent, to.name.view(), *node);
    --node->open_count;

    // Handles opened through the old name (or below it) now have the new path.
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

} // namespace memfs
