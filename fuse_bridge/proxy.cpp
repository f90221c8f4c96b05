// The proxy contexts of the FUSE bridge (bridge.h): Redox contexts that take requests from
// the kernel HostRequestQueue, act as the Linux caller, perform the request with the
// project's syscalls and answer FUSE. They run on the core's thread: nothing here may wait
// on a host primitive, only in syscalls or kernel waits (ContextLock, the request queue).
#include "request.h"

#include <fcntl.h>
#include <linux/fs.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace {
// Linux values, captured before the Redox ABI headers take these names.
constexpr int linux_accmode = O_ACCMODE;
constexpr int linux_wronly = O_WRONLY;
constexpr int linux_rdwr = O_RDWR;
constexpr int linux_append = O_APPEND;
constexpr int linux_trunc = O_TRUNC;
constexpr int linux_excl = O_EXCL;
constexpr int linux_nonblock = O_NONBLOCK;
constexpr unsigned linux_rename_noreplace = RENAME_NOREPLACE;
constexpr unsigned linux_rename_exchange = RENAME_EXCHANGE;
} // namespace

#include "../kernel_core/abi/redox/undef_host_macros.h"
// <sys/stat.h> makes these macros for st_atim.tv_sec...; redox::Stat has members so named.
#undef st_atime
#undef st_mtime
#undef st_ctime
// clang-format off
#include "../apps/lib/redox/sys.h"
// clang-format on

namespace fuse_bridge {
namespace {

    using ulong = unsigned long;

    // An open file or directory (fuse_file_info::fh). Used only on the core's thread.
    struct Handle {
        int fd { -1 };
        bool synthetic { false }; // under /scheme: a stream, served with direct_io
        std::uint64_t position { 0 }; // where the Redox offset is (synthetic files)
        kernel::ContextLock lock; // lseek + read/write must not interleave between proxies
        struct Entry {
            std::string name;
            std::uint64_t inode;
            unsigned char kind;
        };
        std::vector<Entry> entries; // directories: the listing, taken at offset 0
        std::uint64_t inode { 0 }; // the FUSE inode it was opened on
        bool direct { false }; // opened with FOPEN_DIRECT_IO: Linux keeps none of its data cached
        bool counted { false }; // in its inode's OpenFiles::cached or ::direct
    };

    Handle* handle_of(const Request& r) { return reinterpret_cast<Handle*>(r.fi.fh); }

    // The files open on each FUSE inode (core thread only): getattr and setattr of a file whose
    // name is gone (unlinked while open) go through one of them. `cached` and `direct` count the
    // `file` handles of each kind (choose_caching).
    struct OpenFiles {
        std::unordered_set<Handle*> handles;
        std::size_t cached { 0 };
        std::size_t direct { 0 };
    };
    std::unordered_map<std::uint64_t, OpenFiles> s_open_files;

    void track(Handle* h, std::uint64_t inode)
    {
        h->inode = inode;
        s_open_files[inode].handles.insert(h);
    }

    // How Linux caches a `file` handle's data. A write-only open bypasses the page cache: the
    // writer's pages go to the request as they are, saving a copy and a page-cache page per 4 KiB
    // (write-only opens can not be mapped). Cached and direct handles never overlap on an inode,
    // so no cached page goes stale while someone reads it: a writer that finds a cached handle
    // open caches too, and any open that finds a direct handle open is direct too. Pages cached
    // before a direct write may outlive it (older kernels keep them; so may a private mapping of
    // a direct handle), so the inode's next cached open drops them. Call after track().
    void choose_caching(InodeTable& inodes, Request& r, Handle* h, std::uint64_t inode)
    {
        OpenFiles& open = s_open_files[inode];
        bool write_only = (r.fi.flags & linux_accmode) == linux_wronly;
        h->direct = open.direct > 0 || (write_only && open.cached == 0);
        h->counted = true;
        if (h->direct) {
            ++open.direct;
            r.fi.direct_io = 1;
            inodes.mark_cache_stale(inode);
            return;
        }
        ++open.cached;
        // The page cache survives close and open (Redox-side writes invalidate it).
        r.fi.keep_cache = !inodes.take_cache_stale(inode);
    }

    void untrack(Handle* h)
    {
        auto it = s_open_files.find(h->inode);
        if (it == s_open_files.end())
            return;
        OpenFiles& open = it->second;
        if (open.handles.erase(h) && h->counted)
            --(h->direct ? open.direct : open.cached);
        if (open.handles.empty())
            s_open_files.erase(it);
    }

    Handle* open_file_on(std::uint64_t inode)
    {
        auto it = s_open_files.find(inode);
        return it == s_open_files.end() ? nullptr : *it->second.handles.begin();
    }

    // The open file a request names (its fi), or for a detached inode any file open on it.
    Handle* handle_for(const Request& r)
    {
        if (r.has_fi && handle_of(r))
            return handle_of(r);
        return r.detached ? open_file_on(r.inode) : nullptr;
    }

    // Whether uid/gid may do `want` (4 read, 2 write, 1 execute/search) to a node, as the file
    // servers decide it (their caller has one group).
    bool permits(const redox::Stat& st, std::uint32_t uid, std::uint32_t gid, unsigned want)
    {
        if (uid == 0) // root: anything, but execute needs one x bit (directories: search)
            return !(want & 1) || (st.st_mode & redox::MODE_TYPE) == redox::MODE_DIR || (st.st_mode & 0111);
        unsigned bits;
        if (uid == st.st_uid)
            bits = (st.st_mode >> 6) & 7;
        else if (gid == st.st_gid)
            bits = (st.st_mode >> 3) & 7;
        else
            bits = st.st_mode & 7;
        return (bits & want) == want;
    }

    bool is_synthetic(const std::string& path) { return path == "/scheme" || path.rfind("/scheme/", 0) == 0; }

    ulong redox_access(int linux_flags)
    {
        switch (linux_flags & linux_accmode) {
        case linux_wronly:
            return redox::O_WRONLY;
        case linux_rdwr:
            return redox::O_RDWR;
        default:
            return redox::O_RDONLY;
        }
    }

    ulong redox_open_flags(int linux_flags)
    {
        ulong flags = redox_access(linux_flags);
        if (linux_flags & linux_append)
            flags |= redox::O_APPEND;
        if (linux_flags & linux_trunc)
            flags |= redox::O_TRUNC;
        if (linux_flags & linux_nonblock)
            flags |= redox::O_NONBLOCK;
        return flags;
    }

    int error_of(long result) { return result < 0 ? static_cast<int>(-result) : 0; }

    // Owns a Redox fd for the length of one operation.
    class Fd {
    public:
        explicit Fd(long fd) : m_fd(fd) {}
        ~Fd()
        {
            if (m_fd >= 0)
                sys::close(static_cast<int>(m_fd));
        }
        Fd(const Fd&) = delete;
        Fd& operator=(const Fd&) = delete;
        bool ok() const { return m_fd >= 0; }
        long error() const { return m_fd; }
        int get() const { return static_cast<int>(m_fd); }
        int release()
        {
            int fd = static_cast<int>(m_fd);
            m_fd = -1;
            return fd;
        }

    private:
        long m_fd;
    };

    // The node itself, never what a symlink points to: Linux resolves links on its side.
    long open_node(const std::string& path, ulong access = redox::O_RDONLY | redox::O_STAT)
    {
        return sys::open(path.c_str(), access | redox::O_SYMLINK | redox::O_NOFOLLOW);
    }

    void to_linux(const redox::Stat& in, struct stat& out, bool synthetic, std::uint64_t fallback_inode)
    {
        out = {};
        out.st_ino = in.st_ino ? in.st_ino : fallback_inode;
        mode_t permissions = in.st_mode & 07777;
        switch (in.st_mode & redox::MODE_TYPE) {
        case redox::MODE_DIR:
            out.st_mode = S_IFDIR | permissions;
            break;
        case redox::MODE_SYMLINK:
            out.st_mode = (synthetic ? S_IFREG : S_IFLNK) | permissions;
            break;
        case redox::MODE_FIFO:
            out.st_mode = (synthetic ? S_IFREG : S_IFIFO) | permissions;
            break;
        case redox::MODE_SOCK:
            out.st_mode = (synthetic ? S_IFREG : S_IFSOCK) | permissions;
            break;
        default:
            // Files, and the character devices of synthetic schemes: Linux must read them through
            // FUSE, not open a device node of its own.
            out.st_mode = S_IFREG | permissions;
            break;
        }
        bool directory = S_ISDIR(out.st_mode);
        // Synthetic schemes often leave st_nlink 0; a `file` node with none is unlinked but open.
        out.st_nlink = in.st_nlink || !synthetic ? in.st_nlink : 1;
        out.st_uid = in.st_uid;
        out.st_gid = in.st_gid;
        out.st_size = synthetic && !directory ? 0 : static_cast<off_t>(in.st_size);
        out.st_blksize = in.st_blksize ? static_cast<blksize_t>(in.st_blksize) : 4096;
        out.st_blocks = static_cast<blkcnt_t>(in.st_blocks);
        out.st_atim = { in.st_atime, static_cast<long>(in.st_atime_nsec) };
        out.st_mtim = { in.st_mtime, static_cast<long>(in.st_mtime_nsec) };
        out.st_ctim = { in.st_ctime, static_cast<long>(in.st_ctime_nsec) };
    }

    long stat_fd(int fd, const std::string& path, struct stat& out, std::uint64_t inode)
    {
        redox::Stat st {};
        long r = sys::fstat(fd, st);
        if (r < 0)
            return r;
        to_linux(st, out, is_synthetic(path), inode);
        return 0;
    }

    long stat_path(const std::string& path, struct stat& out, std::uint64_t inode)
    {
        Fd fd(open_node(path));
        if (!fd.ok())
            return fd.error();
        return stat_fd(fd.get(), path, out, inode);
    }

    // Answers a request that made `path` known to Linux (lookup, create, mkdir, ...).
    long fill_entry(Shared& shared, const std::string& path, int fd, fuse_entry_param& entry)
    {
        entry = {};
        long r = fd >= 0 ? stat_fd(fd, path, entry.attr, 0) : stat_path(path, entry.attr, 0);
        if (r < 0)
            return r;
        bool synthetic = is_synthetic(path);
        // Files are found by their id too (hard links: one inode); directories only by path.
        bool by_id = !synthetic && !S_ISDIR(entry.attr.st_mode);
        entry.ino = shared.inodes.lookup(path, by_id ? static_cast<std::uint64_t>(entry.attr.st_ino) : 0);
        if (!entry.attr.st_ino)
            entry.attr.st_ino = entry.ino;
        // `file`: cached, and invalidated when the Redox side changes it (on_file_change).
        // Synthetic schemes change all the time: never cached.
        entry.attr_timeout = synthetic ? 0 : cache_seconds;
        entry.entry_timeout = synthetic ? 0 : cache_seconds;
        return 0;
    }

    void reply_entry(Shared& shared, Request& r, const std::string& path)
    {
        fuse_entry_param entry;
        if (long e = fill_entry(shared, path, -1, entry); e < 0) {
            // A scheme that does not exist is ENODEV to Redox programs; to Linux programs
            // /scheme/NAME is a name its directory does not have.
            bool scheme_name = path.rfind("/scheme/", 0) == 0 && path.find('/', 8) == std::string::npos;
            if (e == -redox::ENODEV && scheme_name)
                e = -redox::ENOENT;
            fuse_reply_err(r.req, error_of(e));
            return;
        }
        if (fuse_reply_entry(r.req, &entry) != 0)
            shared.inodes.forget(entry.ino, 1); // the caller went away: the lookup did not count
    }

    void reply_attr(Request& r, long result, const struct stat& st)
    {
        if (result < 0)
            fuse_reply_err(r.req, error_of(result));
        else
            fuse_reply_attr(r.req, &st, r.detached || is_synthetic(r.path) ? 0 : cache_seconds);
    }

    // Reads from the Redox fd at `offset` (lseek + read under the handle's lock).
    long pread_handle(const Request& r, Handle& h, char* buffer, std::size_t size, std::uint64_t offset)
    {
        h.lock.lock();
        long total = 0;
        if (!h.synthetic || offset != h.position) {
            long s = sys::lseek(h.fd, static_cast<long>(offset), redox::SEEK_SET);
            if (s < 0 && !h.synthetic) {
                h.lock.unlock();
                return s;
            }
        }
        while (static_cast<std::size_t>(total) < size) {
            long n = r.interrupted ? -redox::EINTR : sys::read(h.fd, buffer + total, size - static_cast<std::size_t>(total));
            if (n == -redox::EINTR && !r.interrupted)
                continue; // a signal meant for an earlier request
            if (n < 0) {
                if (total == 0)
                    total = n;
                break;
            }
            total += n;
            // A stream answers what it has; a file is read until the request is full or at its end.
            if (n == 0 || h.synthetic)
                break;
        }
        if (total > 0)
            h.position = offset + static_cast<std::uint64_t>(total);
        h.lock.unlock();
        return total;
    }

    long pwrite_handle(const Request& r, Handle& h, const char* data, std::size_t size, std::uint64_t offset)
    {
        h.lock.lock();
        long total = 0;
        if (!h.synthetic || offset != h.position) {
            long s = sys::lseek(h.fd, static_cast<long>(offset), redox::SEEK_SET);
            if (s < 0 && !h.synthetic) {
                h.lock.unlock();
                return s;
            }
        }
        do {
            long n = r.interrupted ? -redox::EINTR : sys::write(h.fd, data + total, size - static_cast<std::size_t>(total));
            if (n == -redox::EINTR && !r.interrupted)
                continue;
            if (n <= 0) {
                if (total == 0)
                    total = n;
                break;
            }
            total += n;
            // Synthetic files get each Linux write as one Redox write.
        } while (!h.synthetic && static_cast<std::size_t>(total) < size);
        if (total > 0)
            h.position = offset + static_cast<std::uint64_t>(total);
        h.lock.unlock();
        return total;
    }

    long list_directory(Handle& h, const std::string& path, std::uint64_t self_inode)
    {
        h.entries.clear();
        h.entries.push_back({ ".", self_inode, redox::DT_DIR });
        // Linux skips entries with inode 0: names without a Redox inode get a made-up one.
        constexpr std::uint64_t unknown_inode = ~std::uint64_t(0) >> 1;
        h.entries.push_back({ "..", unknown_inode, redox::DT_DIR });
        bool scheme_list = path == "/scheme";
        bool synthetic = is_synthetic(path);
        bool has_scheme = false;
        std::vector<char> buffer(8192);
        std::uint64_t position = 0;
        for (;;) {
            long n = sys::getdents(h.fd, buffer.data(), buffer.size(), position);
            if (n == -redox::EINTR)
                continue;
            if (n < 0)
                return n;
            if (n == 0)
                break;
            std::size_t used = 0;
            while (used < static_cast<std::size_t>(n)) {
                redox::DirentHeader header;
                std::memcpy(&header, buffer.data() + used, offsetof(redox::DirentHeader, name));
                if (header.record_length < sizeof header || used + header.record_length > static_cast<std::size_t>(n))
                    return -redox::EIO;
                const char* name = buffer.data() + used + offsetof(redox::DirentHeader, name);
                std::string entry_name(name, strnlen(name, header.record_length - offsetof(redox::DirentHeader, name)));
                unsigned char kind = header.kind;
                // The list of schemes says "directory" for every scheme; some are files.
                if (scheme_list)
                    kind = redox::DT_UNKNOWN;
                else if (synthetic && kind == redox::DT_CHR)
                    kind = redox::DT_REG;
                if (path == "/" && entry_name == "scheme")
                    has_scheme = true;
                if (entry_name != "." && entry_name != "..")
                    h.entries.push_back({ std::move(entry_name), header.inode ? header.inode : unknown_inode, kind });
                position = header.next_offset;
                used += header.record_length;
            }
        }
        if (path == "/" && !has_scheme)
            h.entries.push_back({ "scheme", unknown_inode - 1, redox::DT_DIR });
        return 0;
    }

    // utimensat: the core takes explicit times only, so UTIME_OMIT is the time the file has and
    // UTIME_NOW the clock's. Setting both to now is allowed to anyone who may write the file, not
    // only its owner (POSIX): that case is checked here and done with root's rights.
    // Makes `call` as (uid, gid) instead of the Linux caller, for what Linux allows and the
    // file servers' one-group, owner-only rules do not; then the caller's identity again.
    template<typename Call>
    long as_identity(const Request& r, std::uint32_t uid, std::uint32_t gid, Call call)
    {
        kernel::set_current_identity(uid, gid);
        long e = call();
        kernel::set_current_identity(r.uid, r.gid);
        return e;
    }

    long set_times(const Request& r, int fd)
    {
        redox::Stat current {};
        if (long e = sys::fstat(fd, current); e < 0)
            return e;
        redox::TimeSpec now {};
        if (long e = sys::clock_gettime(redox::CLOCK_REALTIME, now); e < 0)
            return e;
        redox::TimeSpec times[2] {};
        auto fill = [&](redox::TimeSpec& t, int set, int set_now, const timespec& value, std::uint64_t sec,
                        std::uint32_t nsec) {
            if (r.to_set & set_now) {
                t = now;
            } else if (r.to_set & set) {
                t.tv_sec = value.tv_sec;
                t.tv_nsec = static_cast<std::int32_t>(value.tv_nsec);
            } else {
                t.tv_sec = static_cast<std::int64_t>(sec);
                t.tv_nsec = static_cast<std::int32_t>(nsec);
            }
        };
        fill(times[0], FUSE_SET_ATTR_ATIME, FUSE_SET_ATTR_ATIME_NOW, r.attr.st_atim, current.st_atime,
            current.st_atime_nsec);
        fill(times[1], FUSE_SET_ATTR_MTIME, FUSE_SET_ATTR_MTIME_NOW, r.attr.st_mtim, current.st_mtime,
            current.st_mtime_nsec);
        bool explicit_time = ((r.to_set & FUSE_SET_ATTR_ATIME) && !(r.to_set & FUSE_SET_ATTR_ATIME_NOW))
            || ((r.to_set & FUSE_SET_ATTR_MTIME) && !(r.to_set & FUSE_SET_ATTR_MTIME_NOW));
        bool owner = r.uid == 0 || r.uid == current.st_uid;
        if (explicit_time || owner)
            return sys::futimens(fd, times);
        if (!permits(current, r.uid, r.gid, 2))
            return -redox::EACCES;
        return as_identity(r, 0, 0, [&] { return sys::futimens(fd, times); });
    }

    // chown: the file servers know one group per caller; a Linux owner may also give the file
    // to any of its supplementary groups, so the call is made with that group as the caller's.
    long change_owner(const Request& r, int fd)
    {
        ulong uid = (r.to_set & FUSE_SET_ATTR_UID) ? r.attr.st_uid : 0xFFFFFFFFul;
        ulong gid = (r.to_set & FUSE_SET_ATTR_GID) ? r.attr.st_gid : 0xFFFFFFFFul;
        bool supplementary = r.uid != 0 && (r.to_set & FUSE_SET_ATTR_GID) && r.attr.st_gid != r.gid
            && std::find(r.groups.begin(), r.groups.end(), r.attr.st_gid) != r.groups.end();
        if (!supplementary)
            return sys::fchown(fd, uid, gid);
        return as_identity(r, r.uid, static_cast<std::uint32_t>(r.attr.st_gid), [&] { return sys::fchown(fd, uid, gid); });
    }

    // chmod. Linux drops setuid/setgid itself when someone who is not the owner writes or
    // truncates such a file, by asking for the mode without them: that is allowed to anyone who
    // may write it.
    long change_mode(const Request& r, int fd)
    {
        ulong mode = r.attr.st_mode & 07777;
        if (r.uid == 0)
            return sys::fchmod(fd, mode);
        redox::Stat current {};
        if (long e = sys::fstat(fd, current); e < 0)
            return e;
        bool only_drops_privileges
            = (current.st_mode & 07777 & ~06000u) == mode && (current.st_mode & 06000) && r.uid != current.st_uid;
        if (!only_drops_privileges || !permits(current, r.uid, r.gid, 2))
            return sys::fchmod(fd, mode);
        return as_identity(r, 0, 0, [&] { return sys::fchmod(fd, mode); });
    }

    void do_setattr(Shared& shared, Request& r)
    {
        (void)shared;
        Handle* h = handle_for(r);
        // A path operation opens the node only to look at it; truncate needs it open for writing
        // (that is where the write permission is checked).
        std::unique_ptr<Fd> own;
        int fd;
        if (h) {
            fd = h->fd;
        } else if (r.detached) {
            return (void)fuse_reply_err(r.req, redox::ENOENT);
        } else {
            bool truncate = r.to_set & FUSE_SET_ATTR_SIZE;
            own = std::make_unique<Fd>(truncate ? sys::open(r.path.c_str(), redox::O_WRONLY) : open_node(r.path));
            if (!own->ok())
                return (void)fuse_reply_err(r.req, error_of(own->error()));
            fd = own->get();
        }
        long e = 0;
        // Owner first: Linux sends chown together with the mode that drops setuid/setgid.
        if (r.to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
            e = change_owner(r, fd);
        if (e >= 0 && (r.to_set & FUSE_SET_ATTR_MODE))
            e = change_mode(r, fd);
        if (e >= 0 && (r.to_set & FUSE_SET_ATTR_SIZE))
            e = sys::ftruncate(fd, static_cast<ulong>(r.attr.st_size));
        if (e >= 0 && (r.to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)))
            e = set_times(r, fd);
        if (e < 0)
            return (void)fuse_reply_err(r.req, error_of(e));
        struct stat st;
        e = stat_fd(fd, r.path, st, r.inode);
        reply_attr(r, e, st);
    }

    void do_open(Shared& shared, Request& r, bool directory)
    {
        ulong flags = directory ? (redox::O_RDONLY | redox::O_DIRECTORY) : redox_open_flags(r.fi.flags);
        long fd = sys::open(r.path.c_str(), flags);
        if (fd < 0)
            return (void)fuse_reply_err(r.req, error_of(fd));
        auto* h = new Handle;
        h->fd = static_cast<int>(fd);
        h->synthetic = is_synthetic(r.path);
        if (directory) {
            if (long e = list_directory(*h, r.path, r.inode); e < 0) {
                sys::close(h->fd);
                delete h;
                return (void)fuse_reply_err(r.req, error_of(e));
            }
        }
        r.fi.fh = reinterpret_cast<std::uint64_t>(h);
        track(h, r.inode);
        if (h->synthetic && !directory) {
            r.fi.direct_io = 1; // unknown size: Linux reads until a read returns 0
            r.fi.nonseekable = 0;
        } else if (!directory) {
            choose_caching(shared.inodes, r, h, r.inode);
        }
        if (fuse_reply_open(r.req, &r.fi) != 0) {
            if (!directory && !h->synthetic && !r.fi.keep_cache)
                shared.inodes.mark_cache_stale(r.inode); // Linux did not get to drop its pages
            untrack(h);
            sys::close(h->fd);
            delete h;
        }
    }

    void do_create(Shared& shared, Request& r)
    {
        ulong flags = redox_open_flags(r.fi.flags) | redox::O_CREAT | (r.mode & 07777);
        if (r.fi.flags & linux_excl)
            flags |= redox::O_EXCL;
        Fd fd(sys::open(r.path.c_str(), flags));
        if (!fd.ok())
            return (void)fuse_reply_err(r.req, error_of(fd.error()));
        fuse_entry_param entry;
        if (long e = fill_entry(shared, r.path, fd.get(), entry); e < 0)
            return (void)fuse_reply_err(r.req, error_of(e));
        auto* h = new Handle;
        h->synthetic = is_synthetic(r.path);
        h->fd = fd.release();
        r.fi.fh = reinterpret_cast<std::uint64_t>(h);
        track(h, entry.ino);
        if (h->synthetic)
            r.fi.direct_io = 1;
        else
            choose_caching(shared.inodes, r, h, entry.ino);
        if (fuse_reply_create(r.req, &entry, &r.fi) != 0) {
            if (!h->synthetic && !r.fi.keep_cache)
                shared.inodes.mark_cache_stale(entry.ino); // Linux did not get to drop its pages
            untrack(h);
            sys::close(h->fd);
            delete h;
            shared.inodes.forget(entry.ino, 1);
        }
    }

    // readdir, and readdirplus (each name with its attributes, counted as a lookup, so `ls -l`
    // and find need no lookup per name). Names of synthetic schemes, "." and "..", and names
    // the caller can not look up go without attributes (ino 0: Linux looks them up itself).
    void do_readdir(Shared& shared, Request& r, bool plus)
    {
        Handle* h = handle_of(r);
        if (r.offset == 0 && h->position != 0) { // rewinddir: a fresh listing
            if (long e = list_directory(*h, r.path, r.inode); e < 0)
                return (void)fuse_reply_err(r.req, error_of(e));
        }
        h->position = 1;
        bool attributes = plus && !r.path.empty() && !is_synthetic(r.path);
        std::vector<char> buffer(r.size);
        std::size_t used = 0;
        for (std::size_t i = static_cast<std::size_t>(r.offset); i < h->entries.size(); ++i) {
            const Handle::Entry& entry = h->entries[i];
            auto next = static_cast<off_t>(i + 1);
            std::size_t n;
            if (!plus) {
                struct stat st {};
                st.st_ino = entry.inode;
                st.st_mode = static_cast<mode_t>(entry.kind) << 12;
                n = fuse_add_direntry(
                    r.req, buffer.data() + used, buffer.size() - used, entry.name.c_str(), &st, next);
            } else {
                fuse_entry_param e {};
                if (!attributes || entry.name == "." || entry.name == ".."
                    || fill_entry(shared, InodeTable::join(r.path, entry.name), -1, e) < 0) {
                    e = {};
                    e.attr.st_ino = entry.inode;
                    e.attr.st_mode = static_cast<mode_t>(entry.kind) << 12;
                }
                n = fuse_add_direntry_plus(
                    r.req, buffer.data() + used, buffer.size() - used, entry.name.c_str(), &e, next);
                if (n > buffer.size() - used && e.ino)
                    shared.inodes.forget(e.ino, 1); // not sent: not looked up
            }
            if (n > buffer.size() - used)
                break;
            used += n;
        }
        fuse_reply_buf(r.req, buffer.data(), used);
    }

    void do_rename(Shared& shared, Request& r)
    {
        if (r.flags & ~linux_rename_noreplace)
            return (void)fuse_reply_err(r.req, (r.flags & linux_rename_exchange) ? redox::EINVAL : redox::EINVAL);
        if (r.flags & linux_rename_noreplace) {
            Fd existing(open_node(r.path2));
            if (existing.ok())
                return (void)fuse_reply_err(r.req, redox::EEXIST);
        }
        Fd fd(open_node(r.path));
        if (!fd.ok())
            return (void)fuse_reply_err(r.req, error_of(fd.error()));
        long e = sys::frename(fd.get(), r.path2.c_str());
        if (e >= 0)
            shared.inodes.rename(r.path, r.path2);
        fuse_reply_err(r.req, error_of(e));
    }

    void do_symlink(Shared& shared, Request& r)
    {
        // r.path: the new link; r.path2: what it points to.
        long fd = sys::open(r.path.c_str(),
            redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | redox::O_SYMLINK | redox::O_NOFOLLOW | 0777);
        if (fd < 0)
            return (void)fuse_reply_err(r.req, error_of(fd));
        long written = sys::write(static_cast<int>(fd), r.path2.data(), r.path2.size());
        sys::close(static_cast<int>(fd));
        if (written < 0 || static_cast<std::size_t>(written) != r.path2.size()) {
            sys::unlink(r.path.c_str());
            return (void)fuse_reply_err(r.req, written < 0 ? error_of(written) : redox::EIO);
        }
        reply_entry(shared, r, r.path);
    }

    void do_readlink(Request& r)
    {
        Fd fd(sys::open(r.path.c_str(), redox::O_RDONLY | redox::O_SYMLINK | redox::O_NOFOLLOW));
        if (!fd.ok())
            return (void)fuse_reply_err(r.req, error_of(fd.error()));
        redox::Stat st {};
        if (sys::fstat(fd.get(), st) >= 0 && (st.st_mode & redox::MODE_TYPE) != redox::MODE_SYMLINK)
            return (void)fuse_reply_err(r.req, redox::EINVAL);
        std::string target;
        char buffer[1024];
        for (;;) {
            long n = sys::read(fd.get(), buffer, sizeof buffer);
            if (n < 0)
                return (void)fuse_reply_err(r.req, error_of(n));
            if (n == 0)
                break;
            target.append(buffer, static_cast<std::size_t>(n));
        }
        fuse_reply_readlink(r.req, target.c_str());
    }

    // The longest name `file` takes (Redox has no pathconf): 255 for memfs, 252 for RedoxFS.
    // Found once by looking up names of each length under "/".
    unsigned long name_max()
    {
        static unsigned long known = 0;
        if (!known) {
            known = 255;
            for (unsigned long length = 256; length > 200; --length) {
                std::string name = "/" + std::string(length, 'n');
                long fd = open_node(name);
                if (fd >= 0)
                    sys::close(static_cast<int>(fd));
                if (fd != -redox::ENAMETOOLONG) {
                    known = length;
                    break;
                }
            }
        }
        return known;
    }

    void do_statfs(Request& r)
    {
        Fd fd(open_node("/"));
        redox::StatVfs vfs {};
        long e = fd.ok() ? sys::fstatvfs(fd.get(), vfs) : fd.error();
        struct statvfs out {};
        out.f_namemax = name_max();
        out.f_bsize = out.f_frsize = 4096;
        if (e >= 0) {
            out.f_bsize = out.f_frsize = vfs.f_bsize ? vfs.f_bsize : 4096;
            out.f_blocks = vfs.f_blocks;
            out.f_bfree = vfs.f_bfree;
            out.f_bavail = vfs.f_bavail;
        }
        fuse_reply_statfs(r.req, &out);
    }

    // access(2): the open already checked search permission along the path as the caller.
    void do_access(Request& r)
    {
        Fd fd(open_node(r.path));
        if (!fd.ok())
            return (void)fuse_reply_err(r.req, error_of(fd.error()));
        redox::Stat st {};
        if (long e = sys::fstat(fd.get(), st); e < 0)
            return (void)fuse_reply_err(r.req, error_of(e));
        unsigned want = static_cast<unsigned>(r.flags) & 7; // R_OK 4, W_OK 2, X_OK 1; F_OK 0
        fuse_reply_err(r.req, permits(st, r.uid, r.gid, want) ? 0 : redox::EACCES);
    }

    // A hard-linked file has several names, and the one the inode table gives first may be in a
    // directory the caller can not search although Linux came by another: use the first name
    // the caller can reach.
    void use_reachable_path(Request& r)
    {
        if (r.other_paths.empty() || Fd(open_node(r.path)).ok())
            return;
        for (std::string& other : r.other_paths) {
            if (Fd(open_node(other)).ok()) {
                r.path = std::move(other);
                return;
            }
        }
    }

    void serve(Shared& shared, Request& r)
    {
        use_reachable_path(r);
        switch (r.op) {
        case Op::Lookup:
            return reply_entry(shared, r, r.path);
        case Op::Getattr: {
            struct stat st;
            long e;
            if (Handle* h = handle_for(r))
                e = stat_fd(h->fd, r.path, st, r.inode);
            else if (r.detached)
                e = -redox::ENOENT;
            else
                e = stat_path(r.path, st, r.inode);
            if (e >= 0 && !st.st_ino)
                st.st_ino = r.inode;
            return reply_attr(r, e, st);
        }
        case Op::Setattr:
            return do_setattr(shared, r);
        case Op::Open:
            return do_open(shared, r, false);
        case Op::Opendir:
            return do_open(shared, r, true);
        case Op::Create:
            return do_create(shared, r);
        case Op::Read: {
            DataBuffer buffer;
            buffer.allocate(shared.data_buffers, r.size);
            long n = pread_handle(r, *handle_of(r), buffer.data(), r.size, static_cast<std::uint64_t>(r.offset));
            if (n < 0)
                return (void)fuse_reply_err(r.req, error_of(n));
            return (void)fuse_reply_buf(r.req, buffer.data(), static_cast<std::size_t>(n));
        }
        case Op::Write: {
            long n = pwrite_handle(r, *handle_of(r), r.data.data(), r.data.size(), static_cast<std::uint64_t>(r.offset));
            if (n < 0)
                return (void)fuse_reply_err(r.req, error_of(n));
            return (void)fuse_reply_write(r.req, static_cast<std::size_t>(n));
        }
        case Op::Flush:
            return (void)fuse_reply_err(r.req, 0);
        case Op::Release:
        case Op::Releasedir: {
            Handle* h = handle_of(r);
            h->lock.lock(); // a proxy may still be in the middle of a read on it
            untrack(h);
            sys::close(h->fd);
            delete h;
            if (r.req)
                fuse_reply_err(r.req, 0);
            return;
        }
        case Op::Fsync:
            return (void)fuse_reply_err(r.req, error_of(sys::fsync(handle_of(r)->fd)));
        case Op::Fsyncdir:
            return (void)fuse_reply_err(r.req, 0);
        case Op::Mkdir: {
            long e = sys::mkdir(r.path.c_str(), r.mode & 07777);
            if (e < 0)
                return (void)fuse_reply_err(r.req, error_of(e));
            return reply_entry(shared, r, r.path);
        }
        case Op::Mknod: {
            // The type goes to the file server as it is (Linux's type bits are Redox's): it makes
            // files, FIFOs and sockets (Linux gives the last two their meaning: the kernel's
            // pipes and Unix sockets) and refuses device nodes (EPERM: devices are schemes).
            static_assert(S_IFIFO == redox::MODE_FIFO && S_IFSOCK == redox::MODE_SOCK && S_IFCHR == redox::MODE_CHR
                && S_IFBLK == redox::MODE_BLK && S_IFREG == redox::MODE_FILE);
            ulong mode = r.mode & (S_IFMT | 07777);
            long fd = sys::open(r.path.c_str(), redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | mode);
            if (fd < 0)
                return (void)fuse_reply_err(r.req, error_of(fd));
            sys::close(static_cast<int>(fd));
            return reply_entry(shared, r, r.path);
        }
        case Op::Unlink:
        case Op::Rmdir: {
            long e = r.op == Op::Unlink ? sys::unlink(r.path.c_str()) : sys::rmdir(r.path.c_str());
            if (e >= 0)
                shared.inodes.remove(r.path);
            return (void)fuse_reply_err(r.req, error_of(e));
        }
        case Op::Rename:
            return do_rename(shared, r);
        case Op::Link: {
            long e = sys::link(r.path.c_str(), r.path2.c_str());
            if (e < 0)
                return (void)fuse_reply_err(r.req, error_of(e));
            return reply_entry(shared, r, r.path2);
        }
        case Op::Symlink:
            return do_symlink(shared, r);
        case Op::Readlink:
            return do_readlink(r);
        case Op::Readdir:
            return do_readdir(shared, r, false);
        case Op::Readdirplus:
            return do_readdir(shared, r, true);
        case Op::Statfs:
            return do_statfs(r);
        case Op::Access:
            return do_access(r);
        }
        fuse_reply_err(r.req, redox::ENOSYS);
    }

    void ignore_signal(int) {}

    // The `file` watching layer's filter (host_bridge.h): changes made through the bridge Linux
    // knows of already (a hard link's names share one inode: see InodeTable).
    bool is_redox_side(void* argument, std::uint32_t pid)
    {
        return static_cast<Shared*>(argument)->proxy_pids.count(pid) == 0;
    }

    // Called by the `file` watching layer on the core's thread after a change a Redox program
    // made: works out which cached inodes and names Linux must drop and queues them for the
    // notifier thread. The program waits for the ticket.
    std::uint64_t on_file_change(
        void* argument, ktl::StringView reference, kernel::FileChange change, std::uint64_t file_id)
    {
        auto& shared = *static_cast<Shared*>(argument);
        std::string path = "/" + std::string(reference.chars(), reference.length());
        while (path.size() > 1 && path.back() == '/')
            path.pop_back();
        off_t offset = change == kernel::FileChange::Data ? 0 : -1;
        std::vector<Invalidation> out;
        auto inode = shared.inodes.find(path);
        if (inode)
            out.push_back({ *inode, offset, 0, {}, 0 });
        if (change == kernel::FileChange::Names && path != "/") {
            // The file's other names: their link count changed.
            if (auto file = shared.inodes.find_file(file_id); file && file != inode)
                out.push_back({ *file, -1, 0, {}, 0 });
            std::size_t slash = path.rfind('/');
            std::string parent = slash == 0 ? "/" : path.substr(0, slash);
            if (auto directory = shared.inodes.find(parent)) {
                out.push_back({ 0, 0, *directory, path.substr(slash + 1), 0 });
                out.push_back({ *directory, -1, 0, {}, 0 });
            }
        }
        if (out.empty())
            return 0;
        std::uint64_t ticket = ++shared.next_ticket;
        out.back().ticket = ticket;
        std::lock_guard lock(shared.notify_mutex);
        for (Invalidation& invalidation : out)
            shared.pending.push_back(std::move(invalidation));
        shared.notify_cv.notify_one();
        return ticket;
    }

    // Puts the watching layer in front of `file` as soon as its daemon registered it.
    int watch_worker(void* argument)
    {
        for (int attempt = 0; attempt < 6000; ++attempt) {
            auto result = kernel::watch_file_scheme(is_redox_side, on_file_change, argument);
            if (!result.is_error() || result.error().code != redox::EAGAIN)
                return 0;
            redox::TimeSpec pause { 0, 5'000'000, 0 };
            sys::nanosleep(pause, nullptr);
        }
        return 0;
    }

    int proxy_worker(void* argument)
    {
        auto& shared = *static_cast<Shared*>(argument);
        // Interrupts (see interrupt()) arrive as SIGUSR1: it only makes a blocked call return EINTR.
        sys::sigaction(redox::SIGUSR1, reinterpret_cast<ulong>(&ignore_signal), nullptr);
        auto pid = static_cast<std::uint32_t>(sys::getpid());
        shared.proxy_pids.insert(pid);
        for (;;) {
            ++shared.idle;
            auto& request = static_cast<Request&>(shared.queue.take());
            --shared.idle;
            // The last idle proxy took this one: start a spare, so that requests that block (a pipe
            // read) never hold up the others.
            if (shared.idle == 0 && shared.proxies < proxy_pool_max) {
                ++shared.proxies;
                if (sys::clone(redox::CLONE_THREAD, proxy_worker, &shared) < 0)
                    --shared.proxies;
            }
            request.proxy_pid = pid;
            kernel::set_current_identity(request.uid, request.gid);
            if (request.interrupted && request.req)
                fuse_reply_err(request.req, redox::EINTR);
            else
                serve(shared, request);
            if (auto it = shared.in_flight.find(request.req);
                request.req && it != shared.in_flight.end() && it->second == &request)
                shared.in_flight.erase(it);
            delete &request;
        }
    }

} // namespace

bool interruptible(const Request& r)
{
    if (r.has_fi && r.fi.fh)
        return handle_of(r)->synthetic;
    return is_synthetic(r.path);
}

void interrupt(Shared& shared, fuse_req_t req)
{
    auto it = shared.in_flight.find(req);
    if (it == shared.in_flight.end())
        return; // answered already
    Request& request = *it->second;
    if (!interruptible(request))
        return;
    request.interrupted = true;
    if (request.proxy_pid)
        kernel::signal_host_context(request.proxy_pid, redox::SIGUSR1);
}

int proxy_main(void* argument)
{
    auto& shared = *static_cast<Shared*>(argument);
    shared.proxy_pids.insert(static_cast<std::uint32_t>(sys::getpid())); // the watcher below
    sys::clone(redox::CLONE_THREAD, watch_worker, &shared);
    shared.proxies = proxy_pool_size;
    for (int i = 1; i < proxy_pool_size; ++i) {
        if (sys::clone(redox::CLONE_THREAD, proxy_worker, &shared) < 0)
            --shared.proxies;
    }
    return proxy_worker(&shared);
}

} // namespace fuse_bridge
