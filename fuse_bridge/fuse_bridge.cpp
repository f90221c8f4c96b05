// The FUSE side of the bridge (bridge.h): mounting, serving /dev/fuse on the core's thread,
// signals. Each FUSE request becomes a Request posted to the core; forget is handled here
// (the inode table is thread-safe: the notifier thread reads it). Nothing here touches
// kernel state: the only way in is sim::host_work_post.
#include "bridge.h"

#include "../sim/hal/host_work.h"
#include "../sim/hal/sim_state.h"
#include "request.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

extern char** environ;

namespace fuse_bridge {

class Bridge {
public:
    Shared shared;
    std::string mountpoint;
    fuse_session* session { nullptr };
    fuse_buf receiving {}; // the pool buffer the next request is read into
    bool ended { false };  // /dev/fuse said the connection is gone
    std::thread notifier; // sends the invalidations the proxies queue (Shared::pending)
    std::mutex mutex;
    bool unmounted { false };

    void unmount()
    {
        std::lock_guard lock(mutex);
        if (unmounted)
            return;
        unmounted = true;
        fuse_session_unmount(session);
    }
};

namespace {

    std::mutex s_signal_mutex;
    Bridge* s_active = nullptr; // guarded by s_signal_mutex: the bridge signals must unmount

    Shared& shared_of(fuse_req_t req) { return *static_cast<Shared*>(fuse_req_userdata(req)); }

    Request* make_request(fuse_req_t req, Op op)
    {
        auto* r = new Request;
        r->op = op;
        r->req = req;
        const fuse_ctx* context = fuse_req_ctx(req);
        r->uid = context->uid;
        r->gid = context->gid;
        return r;
    }

    void on_interrupt(fuse_req_t req, void*)
    {
        Shared* shared = &shared_of(req);
        sim::host_work_post([shared, req] { interrupt(*shared, req); });
    }

    void post(Request* r)
    {
        Shared* shared = &shared_of(r->req);
        fuse_req_interrupt_func(r->req, on_interrupt, nullptr);
        if (fuse_req_interrupted(r->req) && interruptible(*r)) { // before it got here: nothing to undo
            fuse_reply_err(r->req, EINTR);
            delete r;
            return;
        }
        if (!sim::host_work_post([shared, r] { shared->accept(*r); })) {
            fuse_reply_err(r->req, EIO); // the system has stopped
            delete r;
        }
    }

    // Fills r->path from `inode` (and `name`); answers the request itself when it can not.
    bool resolve(Request* r, fuse_ino_t inode, const char* name = nullptr, std::string* out = nullptr)
    {
        std::optional<std::string> path = shared_of(r->req).inodes.path_of(inode);
        int error = 0;
        if (!path)
            error = ENOENT; // removed, or forgotten
        else if (name && std::strlen(name) > 255)
            error = ENAMETOOLONG;
        else if (name && (std::strchr(name, '/') || !*name))
            error = EINVAL;
        if (error) {
            fuse_reply_err(r->req, error);
            delete r;
            return false;
        }
        std::string& target = out ? *out : r->path;
        target = name ? InodeTable::join(*path, name) : *path;
        if (!name) {
            r->inode = inode;
            if (!out)
                r->other_paths = shared_of(r->req).inodes.other_paths_of(inode);
        }
        return true;
    }

    void with_fi(Request* r, fuse_file_info* fi)
    {
        if (fi) {
            r->has_fi = true;
            r->fi = *fi;
        }
    }

    void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name)
    {
        Request* r = make_request(req, Op::Lookup);
        if (resolve(r, parent, name))
            post(r);
    }

    void op_forget(fuse_req_t req, fuse_ino_t inode, uint64_t count)
    {
        shared_of(req).inodes.forget(inode, count);
        fuse_reply_none(req);
    }

    void op_forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets)
    {
        for (size_t i = 0; i < count; ++i)
            shared_of(req).inodes.forget(forgets[i].ino, forgets[i].nlookup);
        fuse_reply_none(req);
    }

    // getattr and setattr also serve files whose name is gone (unlinked while open): through
    // the open file FUSE names, or any file the bridge has open on the inode.
    bool resolve_or_detached(Request* r, fuse_ino_t inode)
    {
        if (auto path = shared_of(r->req).inodes.path_of(inode)) {
            r->path = *path;
            r->other_paths = shared_of(r->req).inodes.other_paths_of(inode);
        } else {
            if (!shared_of(r->req).inodes.known(inode)) {
                fuse_reply_err(r->req, ENOENT);
                delete r;
                return false;
            }
            r->detached = true;
        }
        r->inode = inode;
        return true;
    }

    void op_getattr(fuse_req_t req, fuse_ino_t inode, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Getattr);
        with_fi(r, fi);
        if (resolve_or_detached(r, inode))
            post(r);
    }

    void op_setattr(fuse_req_t req, fuse_ino_t inode, struct stat* attr, int to_set, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Setattr);
        with_fi(r, fi);
        r->attr = *attr;
        r->to_set = to_set;
        if (to_set & FUSE_SET_ATTR_GID) {
            gid_t groups[64];
            int n = fuse_req_getgroups(req, 64, groups);
            for (int i = 0; i < n && i < 64; ++i)
                r->groups.push_back(groups[i]);
        }
        if (resolve_or_detached(r, inode))
            post(r);
    }

    void op_access(fuse_req_t req, fuse_ino_t inode, int mask)
    {
        Request* r = make_request(req, Op::Access);
        r->flags = mask;
        if (resolve(r, inode))
            post(r);
    }

    void op_readlink(fuse_req_t req, fuse_ino_t inode)
    {
        Request* r = make_request(req, Op::Readlink);
        if (resolve(r, inode))
            post(r);
    }

    void op_mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t)
    {
        Request* r = make_request(req, Op::Mknod);
        r->mode = mode;
        if (resolve(r, parent, name))
            post(r);
    }

    void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode)
    {
        Request* r = make_request(req, Op::Mkdir);
        r->mode = mode;
        if (resolve(r, parent, name))
            post(r);
    }

    void op_unlink(fuse_req_t req, fuse_ino_t parent, const char* name)
    {
        Request* r = make_request(req, Op::Unlink);
        if (resolve(r, parent, name))
            post(r);
    }

    void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name)
    {
        Request* r = make_request(req, Op::Rmdir);
        if (resolve(r, parent, name))
            post(r);
    }

    void op_symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name)
    {
        Request* r = make_request(req, Op::Symlink);
        r->path2 = target;
        if (resolve(r, parent, name))
            post(r);
    }

    void op_rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent, const char* new_name,
        unsigned int flags)
    {
        Request* r = make_request(req, Op::Rename);
        r->flags = static_cast<int>(flags);
        if (resolve(r, parent, name) && resolve(r, new_parent, new_name, &r->path2))
            post(r);
    }

    void op_link(fuse_req_t req, fuse_ino_t inode, fuse_ino_t new_parent, const char* new_name)
    {
        Request* r = make_request(req, Op::Link);
        if (resolve(r, inode) && resolve(r, new_parent, new_name, &r->path2))
            post(r);
    }

    void op_open(fuse_req_t req, fuse_ino_t inode, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Open);
        with_fi(r, fi);
        if (resolve(r, inode))
            post(r);
    }

    void op_create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Create);
        with_fi(r, fi);
        r->mode = mode;
        if (resolve(r, parent, name))
            post(r);
    }

    // Operations on an open file need no path lookup, but keep the path for their stat.
    void post_on_handle(fuse_req_t req, Op op, fuse_ino_t inode, fuse_file_info* fi)
    {
        Request* r = make_request(req, op);
        with_fi(r, fi);
        r->inode = inode;
        if (auto path = shared_of(req).inodes.path_of(inode))
            r->path = *path;
        post(r);
    }

    void op_read(fuse_req_t req, fuse_ino_t inode, size_t size, off_t offset, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Read);
        with_fi(r, fi);
        r->inode = inode;
        r->size = size;
        r->offset = offset;
        post(r);
    }

    // The request being processed: the pool buffer it was received into (serve_one), which a
    // write may keep.
    struct Receiving {
        char* buffer { nullptr };
        bool kept { false };
    };
    thread_local Receiving t_receiving;

    // A write's data stays where /dev/fuse put it: the request keeps the receive buffer and
    // the proxy hands that memory to the file's daemon, the only copy in user space. Data
    // from elsewhere (a pipe, if libfuse spliced) is copied into a pool buffer.
    void op_write_buf(fuse_req_t req, fuse_ino_t inode, fuse_bufvec* in, off_t offset, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Write);
        with_fi(r, fi);
        r->inode = inode;
        r->offset = offset;
        BufferPool& pool = shared_of(req).data_buffers;
        std::size_t size = fuse_buf_size(in);
        const fuse_buf& first = in->buf[0];
        auto* bytes = static_cast<char*>(first.mem);
        char* base = t_receiving.buffer;
        if (base && !t_receiving.kept && in->count == 1 && in->off == 0 && !(first.flags & FUSE_BUF_IS_FD)
            && bytes >= base && bytes + size <= base + BufferPool::buffer_size) {
            r->data.adopt(pool, base, bytes, size);
            t_receiving.kept = true;
        } else {
            r->data.allocate(pool, size);
            fuse_bufvec out = FUSE_BUFVEC_INIT(size);
            out.buf[0].mem = r->data.data();
            ssize_t copied = fuse_buf_copy(&out, in, fuse_buf_copy_flags {});
            if (copied < 0) {
                fuse_reply_err(req, static_cast<int>(-copied));
                delete r;
                return;
            }
            r->data.shrink(static_cast<std::size_t>(copied));
        }
        post(r);
    }

    // Reads one request from /dev/fuse (nonblocking) into a pool buffer and processes it:
    // 1 done, 0 none waiting, -1 the connection is gone (unmounted).
    int serve_one(Bridge& bridge)
    {
        if (bridge.ended)
            return -1;
        fuse_buf& buf = bridge.receiving;
        if (!buf.mem)
            buf.mem = bridge.shared.data_buffers.take();
        int n = fuse_session_receive_buf(bridge.session, &buf);
        if (n == -EAGAIN || n == -EINTR)
            return 0;
        if (n <= 0) {
            bridge.ended = true;
            return -1;
        }
        t_receiving = { static_cast<char*>(buf.mem), false };
        fuse_session_process_buf(bridge.session, &buf);
        if (t_receiving.kept)
            buf.mem = nullptr;
        t_receiving = {};
        return 1;
    }

    // The core thread serves /dev/fuse itself (sim::host_source_set): a request goes from the
    // Linux caller to the core with one wake-up, not through a FUSE thread and the host-work
    // eventfd. A batch at a time, so a flood of requests does not starve the contexts.
    bool serve_requests(Bridge& bridge)
    {
        for (int i = 0; i < 64; ++i) {
            int served = serve_one(bridge);
            if (served < 0)
                return false;
            if (served == 0)
                break;
        }
        return true;
    }

    // flush has nothing to do (writes are not buffered): answered here, without a round trip.
    void op_flush(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }

    // release: answered at once (Linux sends nothing more on the handle); the proxy closes the
    // Redox file after, with no one waiting.
    void post_release(fuse_req_t req, Op op, fuse_ino_t inode, fuse_file_info* fi)
    {
        Shared* shared = &shared_of(req);
        Request* r = make_request(req, op);
        with_fi(r, fi);
        r->inode = inode;
        r->req = nullptr;
        fuse_reply_err(req, 0);
        if (!sim::host_work_post([shared, r] { shared->accept(*r); }))
            delete r; // the system has stopped: its files are gone with it
    }

    void op_release(fuse_req_t req, fuse_ino_t inode, fuse_file_info* fi) { post_release(req, Op::Release, inode, fi); }

    void op_fsync(fuse_req_t req, fuse_ino_t inode, int, fuse_file_info* fi)
    {
        post_on_handle(req, Op::Fsync, inode, fi);
    }

    void op_opendir(fuse_req_t req, fuse_ino_t inode, fuse_file_info* fi)
    {
        Request* r = make_request(req, Op::Opendir);
        with_fi(r, fi);
        if (resolve(r, inode))
            post(r);
    }

    void post_readdir(fuse_req_t req, Op op, fuse_ino_t inode, size_t size, off_t offset, fuse_file_info* fi)
    {
        Request* r = make_request(req, op);
        with_fi(r, fi);
        r->inode = inode;
        r->size = size;
        r->offset = offset;
        if (auto path = shared_of(req).inodes.path_of(inode))
            r->path = *path;
        post(r);
    }

    void op_readdir(fuse_req_t req, fuse_ino_t inode, size_t size, off_t offset, fuse_file_info* fi)
    {
        post_readdir(req, Op::Readdir, inode, size, offset, fi);
    }

    void op_readdirplus(fuse_req_t req, fuse_ino_t inode, size_t size, off_t offset, fuse_file_info* fi)
    {
        post_readdir(req, Op::Readdirplus, inode, size, offset, fi);
    }

    void op_releasedir(fuse_req_t req, fuse_ino_t inode, fuse_file_info* fi)
    {
        post_release(req, Op::Releasedir, inode, fi);
    }

    // Directory changes are committed with the file system's own transactions.
    void op_fsyncdir(fuse_req_t req, fuse_ino_t, int, fuse_file_info*) { fuse_reply_err(req, 0); }

    void op_statfs(fuse_req_t req, fuse_ino_t)
    {
        Request* r = make_request(req, Op::Statfs);
        post(r);
    }

    void op_init(void*, fuse_conn_info* connection)
    {
        // Large requests: a 1 MiB read or write is one round trip through the core.
        connection->max_write = 1u << 20;
        connection->max_read = 1u << 20; // as the max_read mount option says
        connection->max_readahead = 1u << 20;
        if (connection->capable & FUSE_CAP_ASYNC_READ)
            connection->want |= FUSE_CAP_ASYNC_READ;
        // No splice: a write's data is used where read() put it (op_write_buf); spliced, it
        // would need a read from the pipe, and every other request one system call more.
        connection->want &= ~FUSE_CAP_SPLICE_READ;
    }

    // Tells the Linux kernel what changed on the Redox side. Its own thread: an invalidation may
    // wait for a Linux lock held by a process whose request waits for the core, so the core's
    // thread (which serves /dev/fuse) may not send them.
    void notifier_thread(Bridge* bridge)
    {
        Shared& shared = bridge->shared;
        std::vector<Invalidation> batch;
        for (;;) {
            {
                std::unique_lock lock(shared.notify_mutex);
                shared.notify_cv.wait(lock, [&] { return shared.notify_stop || !shared.pending.empty(); });
                if (shared.notify_stop) {
                    shared.notifier_done = true;
                    shared.notify_cv.notify_all();
                    return;
                }
                batch.swap(shared.pending);
            }
            std::uint64_t done = 0;
            for (const Invalidation& invalidation : batch) {
                if (invalidation.parent)
                    fuse_lowlevel_notify_inval_entry(bridge->session, invalidation.parent, invalidation.name.c_str(),
                        invalidation.name.size());
                else
                    fuse_lowlevel_notify_inval_inode(bridge->session, invalidation.inode, invalidation.offset, 0);
                done = std::max(done, invalidation.ticket);
            }
            batch.clear();
            if (done) // the Redox programs that made these changes may go on
                sim::host_work_post([done] { kernel::file_changes_done(done); });
        }
    }

    const fuse_lowlevel_ops s_operations = [] {
        fuse_lowlevel_ops ops {};
        ops.init = op_init;
        ops.lookup = op_lookup;
        ops.forget = op_forget;
        ops.forget_multi = op_forget_multi;
        ops.getattr = op_getattr;
        ops.setattr = op_setattr;
        ops.readlink = op_readlink;
        ops.mknod = op_mknod;
        ops.mkdir = op_mkdir;
        ops.unlink = op_unlink;
        ops.rmdir = op_rmdir;
        ops.symlink = op_symlink;
        ops.rename = op_rename;
        ops.link = op_link;
        ops.open = op_open;
        ops.read = op_read;
        ops.write_buf = op_write_buf;
        ops.flush = op_flush;
        ops.release = op_release;
        ops.fsync = op_fsync;
        ops.opendir = op_opendir;
        ops.readdir = op_readdir;
        ops.readdirplus = op_readdirplus;
        ops.releasedir = op_releasedir;
        ops.fsyncdir = op_fsyncdir;
        ops.statfs = op_statfs;
        ops.create = op_create;
        ops.access = op_access;
        return ops;
    }();

    void warn(const std::string& mountpoint, const std::string& why)
    {
        std::fprintf(stderr, "redox-sim: warning: not mounting the FUSE bridge at %s: %s; running without it\n",
            mountpoint.c_str(), why.c_str());
    }

    // `fusermount3 -u -z PATH`, for when umount2 is not allowed (not root).
    bool run_fusermount_unmount(const std::string& path)
    {
        const char* argv[] = { "fusermount3", "-u", "-z", path.c_str(), nullptr };
        pid_t pid;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        int r = posix_spawnp(&pid, "fusermount3", &actions, nullptr, const_cast<char* const*>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (r != 0)
            return false;
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }

    // Makes sure `mountpoint` is a usable directory; cleans up a dead mount a crashed run left.
    bool prepare_mountpoint(const std::string& mountpoint)
    {
        struct stat st;
        if (stat(mountpoint.c_str(), &st) != 0) {
            if (errno == ENOTCONN) {
                std::fprintf(stderr, "redox-sim: %s is a stale FUSE mount (a redox-sim that crashed?); unmounting it\n",
                    mountpoint.c_str());
                if (umount2(mountpoint.c_str(), MNT_DETACH) != 0 && !run_fusermount_unmount(mountpoint)) {
                    warn(mountpoint,
                        "the stale mount could not be removed (try `fusermount3 -u -z " + mountpoint + "`)");
                    return false;
                }
                if (stat(mountpoint.c_str(), &st) != 0) {
                    warn(mountpoint, std::strerror(errno));
                    return false;
                }
            } else if (errno == ENOENT) {
                std::error_code error;
                std::filesystem::create_directories(mountpoint, error);
                if (error) {
                    warn(mountpoint, "cannot create the directory: " + error.message());
                    return false;
                }
                if (stat(mountpoint.c_str(), &st) != 0) {
                    warn(mountpoint, std::strerror(errno));
                    return false;
                }
            } else {
                warn(mountpoint, std::strerror(errno));
                return false;
            }
        }
        if (!S_ISDIR(st.st_mode)) {
            warn(mountpoint, "not a directory");
            return false;
        }
        // Something already mounted there (another redox-sim?): do not stack a second mount.
        struct stat parent;
        std::string parent_path = std::filesystem::path(mountpoint).parent_path().string();
        if (stat(parent_path.empty() ? "/" : parent_path.c_str(), &parent) == 0 && parent.st_dev != st.st_dev
            && mountpoint != "/") {
            std::ifstream mounts("/proc/self/mounts");
            std::string device, target, type;
            std::string canonical = std::filesystem::weakly_canonical(mountpoint).string();
            while (mounts >> device >> target >> type) {
                std::string rest;
                std::getline(mounts, rest);
                if (target == canonical && type.rfind("fuse", 0) == 0) {
                    warn(mountpoint, "a FUSE file system is already mounted there (another redox-sim?)");
                    return false;
                }
            }
        }
        return true;
    }

    bool allow_other_permitted()
    {
        if (geteuid() == 0)
            return true;
        std::ifstream config("/etc/fuse.conf");
        std::string line;
        while (std::getline(config, line))
            if (line.rfind("user_allow_other", 0) == 0)
                return true;
        return false;
    }

} // namespace

Bridge* start(const std::string& requested)
{
    if (requested.empty()) {
        warn(requested, "no mount point given");
        return nullptr;
    }
    std::string mountpoint = std::filesystem::absolute(requested).lexically_normal().string();
    if (mountpoint.size() > 1 && mountpoint.back() == '/')
        mountpoint.pop_back();
    if (access("/dev/fuse", R_OK | W_OK) != 0) {
        warn(mountpoint, std::string("/dev/fuse: ") + std::strerror(errno));
        return nullptr;
    }
    if (!prepare_mountpoint(mountpoint))
        return nullptr;

    auto* bridge = new Bridge;
    bridge->mountpoint = mountpoint;
    // default_permissions: Linux checks permissions on its cached attributes too (a cached
    // name skips the lookup that would have checked search permission); Redox checks again.
    std::string options = "fsname=redox,subtype=redox-sim,max_read=1048576,default_permissions";
    if (allow_other_permitted())
        options += ",allow_other"; // other Linux users reach it; Redox checks their permissions
    const char* argv[] = { "redox-sim", "-o", options.c_str(), nullptr };
    fuse_args args = FUSE_ARGS_INIT(3, const_cast<char**>(argv));
    bridge->session = fuse_session_new(&args, &s_operations, sizeof s_operations, &bridge->shared);
    if (!bridge->session) {
        warn(mountpoint, "libfuse could not start a session");
        delete bridge;
        return nullptr;
    }
    if (fuse_session_mount(bridge->session, mountpoint.c_str()) != 0) {
        warn(mountpoint, "the mount failed (no permission to mount, or no FUSE in this kernel?)");
        fuse_session_destroy(bridge->session);
        delete bridge;
        return nullptr;
    }

    {
        std::lock_guard lock(s_signal_mutex);
        s_active = bridge;
    }

    // The proxies start as soon as the kernel runs; requests arriving before wait for them.
    sim::host_work_open();
    Shared* shared = &bridge->shared;
    sim::host_work_post([shared] {
        if (kernel::spawn_host_context("fuse-proxy", proxy_main, shared).is_error())
            std::fprintf(stderr, "redox-sim: the FUSE bridge could not start its proxy contexts\n");
    });
    bridge->notifier = std::thread(notifier_thread, bridge);
    int fd = fuse_session_fd(bridge->session);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    sim::host_source_set(fd, [bridge] { return serve_requests(*bridge); });
    return bridge;
}

void unmount_for_exit()
{
    std::lock_guard lock(s_signal_mutex);
    if (s_active)
        s_active->unmount();
}

void stop(Bridge* bridge)
{
    if (!bridge)
        return;
    sim::host_source_clear(); // the core has stopped
    sim::host_work_close();   // requests from now on are answered EIO (post)
    {
        std::lock_guard lock(s_signal_mutex);
        s_active = nullptr;
    }
    {
        std::lock_guard lock(bridge->shared.notify_mutex);
        bridge->shared.notify_stop = true;
        bridge->shared.notify_cv.notify_all();
    }
    // Answer what still comes (EIO: the system has stopped) until the notifier has ended: an
    // invalidation it is sending may wait for a lock held by a Linux process whose request
    // needs an answer first. At most 2 s.
    bool done = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    do {
        serve_requests(*bridge);
        std::unique_lock lock(bridge->shared.notify_mutex);
        done = bridge->shared.notify_cv.wait_for(
            lock, std::chrono::milliseconds(5), [&] { return bridge->shared.notifier_done; });
    } while (!done && std::chrono::steady_clock::now() < deadline);
    fuse_session_exit(bridge->session);
    bridge->unmount(); // closes /dev/fuse: later requests fail in the Linux kernel
    if (done) {
        bridge->notifier.join();
        if (bridge->receiving.mem)
            bridge->shared.data_buffers.give(static_cast<char*>(bridge->receiving.mem));
        fuse_session_destroy(bridge->session);
        delete bridge;
    } else {
        bridge->notifier.detach(); // the process exits next; closing /dev/fuse ends the connection
    }
}

} // namespace fuse_bridge
