// redoxfsd: serves the root `file` scheme from a RedoxFS file system on the boot disk
// (/scheme/disk/0, see kernel_core/schemes/disk_scheme.h). init starts it instead of filed
// when the disk exists (redox-sim --image).
//
// Mounts the disk (or formats it when its header blocks are all zeros: a new image, then
// lays out the standard directories), registers `:file` and serves requests like filed,
// through memfs's request decoding over redoxfs::Server. A disk that holds something else,
// or a damaged file system, is reported on the console and the daemon exits with status 1.
//
// When changes become durable (like ext4's journal commit, with a shorter interval): an
// fsync commits everything before its reply; otherwise changes are committed at most
// COMMIT_DELAY_MS after they were made (a commit is two disk flushes), and shutting down
// through sys:kstop first fsyncs the file system. A crash loses at most the last second
// of changes nobody fsynced, and the file system stays consistent either way.
//
// Usage: redoxfsd [DISK [SCHEME]]: DISK defaults to /scheme/disk/0, SCHEME (the name it
// registers) to `file` (redox-bench serves a second RedoxFS under another name).
#include "ktl/format.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "request_handler.h"
#include "server.h"

namespace {

using ktl::ErrorOr;
using ktl::StringView;

constexpr usize BATCH = 32;

// The disk through a scheme (`disk`, or a driver's such as `disk.ata`): one seek and one
// read / write per run of blocks (the scheme passes a whole run to the device at once).
//
// A disk served by a driver goes away when the driver dies: its scheme closes, calls in
// flight and later calls on the fd fail with EIO, and opens fail with ENODEV until the
// supervisor (driverd) has restarted it. So a transfer or flush failing with EIO or ENODEV
// reopens the disk, waiting up to REOPEN_WAIT_MS for it to come back, and is tried once
// more; if that fails too, the caller gets EIO (and a failed commit is tried again by the
// next one: filesystem.h).
class FdBlockDevice final : public redoxfs::BlockDevice {
public:
    FdBlockDevice(StringView path, int fd, u64 blocks) : m_path(path), m_fd(fd), m_blocks(blocks) {}
    ~FdBlockDevice() override
    {
        if (m_fd >= 0)
            sys::close(m_fd);
    }
    FdBlockDevice(const FdBlockDevice&) = delete;
    FdBlockDevice& operator=(const FdBlockDevice&) = delete;

    ErrorOr<void> read_block(u64 index, u8* buffer) override { return transfer(index, 1, buffer, false); }
    ErrorOr<void> write_block(u64 index, const u8* buffer) override
    {
        return transfer(index, 1, const_cast<u8*>(buffer), true);
    }
    ErrorOr<void> read_blocks(u64 index, u64 count, u8* buffer) override
    {
        return transfer(index, count, buffer, false);
    }
    ErrorOr<void> write_blocks(u64 index, u64 count, const u8* buffer) override
    {
        return transfer(index, count, const_cast<u8*>(buffer), true);
    }
    ErrorOr<void> flush() override
    {
        if (m_fd < 0 && !reopen(0, REOPEN_NOW))
            return ktl::Error::from_errno(redox::EIO);
        long r = sys::fsync(m_fd);
        for (u32 retry = 0; is_gone(r) && retry < MAX_RETRIES && reopen(r, REOPEN_WAIT_MS); ++retry)
            r = sys::fsync(m_fd);
        return result(r);
    }
    u64 block_count() const override { return m_blocks; }

private:
    static constexpr u64 REOPEN_WAIT_MS = 10'000;
    static constexpr u64 REOPEN_NOW = 0; // one try: the disk stayed away before
    static constexpr u64 REOPEN_PAUSE_MS = 20;
    // A driver that keeps dying while it serves us: give up after this many reopens of one
    // transfer (each may wait REOPEN_WAIT_MS) and report EIO.
    static constexpr u32 MAX_RETRIES = 20;

    // The errors of a disk whose driver died (or was restarted).
    static bool is_gone(long r) { return r == -redox::EIO || r == -redox::ENODEV; }

    // A disk that is gone is an I/O error to the file system.
    static ErrorOr<void> result(long r)
    {
        if (r >= 0)
            return {};
        return ktl::Error::from_errno(is_gone(r) ? redox::EIO : static_cast<int>(-r));
    }

    ErrorOr<void> transfer(u64 index, u64 count, u8* buffer, bool write)
    {
        if (index > m_blocks || count > m_blocks - index)
            return ktl::Error::from_errno(redox::EIO);
        if (count == 0)
            return {};
        if (m_fd < 0 && !reopen(0, REOPEN_NOW))
            return ktl::Error::from_errno(redox::EIO);
        long r = attempt(index, count, buffer, write);
        for (u32 retry = 0; is_gone(r) && retry < MAX_RETRIES && reopen(r, REOPEN_WAIT_MS); ++retry)
            r = attempt(index, count, buffer, write);
        return result(r);
    }

    // One seek (when needed) and one read or write: 0 or -errno (a short transfer is EIO).
    long attempt(u64 index, u64 count, u8* buffer, bool write)
    {
        long r = 0;
        if (index != m_position) {
            r = sys::lseek(m_fd, static_cast<long>(index * redoxfs::BLOCK_SIZE), redox::SEEK_SET);
            if (r < 0) {
                m_position = ~0ull;
                return r;
            }
        }
        usize length = static_cast<usize>(count * redoxfs::BLOCK_SIZE);
        r = write ? sys::write(m_fd, buffer, length) : sys::read(m_fd, buffer, length);
        if (r < 0 || r != static_cast<long>(length)) {
            m_position = ~0ull; // unknown: seek next time
            return r < 0 ? r : -redox::EIO;
        }
        m_position = index + count;
        return 0;
    }

    // Opens the disk again, waiting up to wait_ms while its scheme is absent (or dies again at
    // once); false when it did not come back (or came back as something else: another
    // size). After a failure the fd stays closed, and each later transfer tries once more
    // without waiting.
    bool reopen(long error, u64 wait_ms)
    {
        int n = static_cast<int>(m_path.length());
        if (wait_ms)
            io::print(2, "redoxfsd: %.*s: %s; waiting for the disk to come back\n", n, m_path.c_str(),
                redox::error_string(static_cast<int>(-error)));
        if (m_fd >= 0)
            sys::close(m_fd);
        m_fd = -1;
        m_position = ~0ull;
        for (u64 waited = 0;; waited += REOPEN_PAUSE_MS) {
            long fd = sys::open(m_path, redox::O_RDWR);
            if (fd >= 0) {
                redox::Stat st {};
                long r = sys::fstat(static_cast<int>(fd), st);
                if (is_gone(r) && waited < wait_ms) {
                    // It died again at once: keep waiting for the next instance.
                    sys::close(static_cast<int>(fd));
                    redox::TimeSpec pause { 0, static_cast<i32>(REOPEN_PAUSE_MS * 1'000'000), 0 };
                    sys::nanosleep(pause, nullptr);
                    continue;
                }
                if (r < 0 || st.st_size / redoxfs::BLOCK_SIZE != m_blocks) {
                    io::print(2, "redoxfsd: %.*s: the disk came back with another size\n", n, m_path.c_str());
                    sys::close(static_cast<int>(fd));
                    return false;
                }
                m_fd = static_cast<int>(fd);
                io::print(2, "redoxfsd: %.*s: the disk is back\n", n, m_path.c_str());
                return true;
            }
            // ENODEV: the scheme is not registered (yet); EIO: the old one is going away.
            if ((fd != -redox::ENODEV && fd != -redox::ENOENT && fd != -redox::EIO) || waited >= wait_ms)
                break;
            redox::TimeSpec pause { 0, static_cast<i32>(REOPEN_PAUSE_MS * 1'000'000), 0 };
            sys::nanosleep(pause, nullptr);
        }
        if (wait_ms)
            io::print(2, "redoxfsd: %.*s: the disk did not come back\n", n, m_path.c_str());
        return false;
    }

    ktl::String m_path;
    int m_fd;
    u64 m_blocks;
    u64 m_position { ~0ull }; // the fd's offset in blocks, when known
};

constexpr u64 COMMIT_DELAY_MS = 1000;

redoxfs::Time realtime_now()
{
    redox::TimeSpec now {};
    if (sys::clock_gettime(redox::CLOCK_REALTIME, now) < 0)
        return {};
    return { now.tv_sec, static_cast<u32>(now.tv_nsec) };
}

// Whether the header ring holds only zeros (a new image).
bool is_blank(redoxfs::BlockDevice& device, u8* scratch)
{
    for (u64 i = 0; i < redoxfs::HEADER_RING && i < device.block_count(); ++i) {
        if (device.read_block(i, scratch).is_error())
            return false;
        for (usize j = 0; j < redoxfs::BLOCK_SIZE; ++j) {
            if (scratch[j])
                return false;
        }
    }
    return true;
}

int serve(redoxfs::Server& server, redoxfs::FileSystem& fs, int fd)
{
    memfs::BasicRequestHandler<redoxfs::Server> handler(server);
    auto* requests = new redox::SchemeRequest[BATCH];
    auto* completions = new redox::SchemeCompletion[BATCH];
    // One event queue: requests on the channel, and the commit timer.
    long queue = sys::open("/scheme/event", redox::O_RDWR);
    if (queue < 0) {
        io::report_error("redoxfsd", "/scheme/event", queue);
        return 1;
    }
    int events = static_cast<int>(queue);
    redox::Event watch { static_cast<unsigned long>(fd), redox::EVENT_READ, 0 };
    sys::write(events, &watch, sizeof watch);
    // The channel is drained without blocking each time the queue says it is readable.
    long fl = sys::fcntl(fd, redox::F_GETFL, 0);
    if (fl >= 0)
        sys::fcntl(fd, redox::F_SETFL, static_cast<unsigned long>(fl) | redox::O_NONBLOCK);
    bool timer_armed = false;
    auto commit = [&] {
        auto committed = server.commit_if_changed();
        if (committed.is_error()) {
            StringView why = fs.last_error();
            io::print(2, "redoxfsd: commit failed: %.*s\n", static_cast<int>(why.length()), why.chars());
        }
    };
    int status = 0;
    for (;;) {
        redox::Event ready {};
        long e = sys::read(events, &ready, sizeof ready);
        if (e == -redox::EINTR)
            continue;
        if (e < 0) {
            io::report_error("redoxfsd", "wait", e);
            status = 1;
            break;
        }
        if (ready.id == redox::EVENT_TIMEOUT_ID) {
            timer_armed = false;
            commit();
            continue;
        }
        bool stop = false;
        for (;;) { // until the channel is empty
            long n = sys::read(fd, requests, BATCH * sizeof(redox::SchemeRequest));
            if (n == -redox::EINTR)
                continue;
            if (n == -redox::EAGAIN)
                break;
            if (n < 0) {
                io::report_error("redoxfsd", "read requests", n);
                status = 1;
                stop = true;
                break;
            }
            if (n == 0) {
                stop = true;
                break;
            }
            usize count = static_cast<usize>(n) / sizeof(redox::SchemeRequest);
            server.set_time(realtime_now());
            usize replies = 0;
            for (usize i = 0; i < count; ++i) {
                if (handler.handle(requests[i], completions[replies]))
                    ++replies;
            }
            // fsync committed before its reply; anything else changed is committed soon.
            if (fs.has_changes() && !timer_armed) {
                redox::Event timeout { redox::EVENT_TIMEOUT_ID, redox::EVENT_READ, COMMIT_DELAY_MS };
                timer_armed = sys::write(events, &timeout, sizeof timeout) == sizeof timeout;
                if (!timer_armed)
                    commit();
            }
            if (replies) {
                long r = io::write_all(fd, completions, replies * sizeof(redox::SchemeCompletion));
                if (r < 0) {
                    io::report_error("redoxfsd", "write completions", r);
                    status = 1;
                    stop = true;
                    break;
                }
            }
        }
        if (stop)
            break;
    }
    sys::close(events);
    delete[] requests;
    delete[] completions;
    return status;
}

} // namespace

static int redoxfsd_main(int argc, char** argv, char** envp)
{
    (void)envp;
    const char* disk_path = argc > 1 ? argv[1] : "/scheme/disk/0";
    const char* scheme_name = argc > 2 ? argv[2] : "file";
    long disk = sys::open(disk_path, redox::O_RDWR);
    if (disk < 0) {
        io::report_error("redoxfsd", disk_path, disk);
        return 1;
    }
    int disk_fd = static_cast<int>(disk);
    redox::Stat st {};
    long r = sys::fstat(disk_fd, st);
    if (r < 0) {
        io::report_error("redoxfsd", disk_path, r);
        sys::close(disk_fd);
        return 1;
    }
    auto* device = new FdBlockDevice(disk_path, disk_fd, st.st_size / redoxfs::BLOCK_SIZE);
    auto* scratch = new u8[redoxfs::BLOCK_SIZE];
    bool blank = is_blank(*device, scratch);
    delete[] scratch;
    if (blank) {
        redoxfs::MkfsOptions options;
        options.now = realtime_now();
        long rand = sys::open("/scheme/rand", redox::O_RDONLY);
        if (rand >= 0) {
            sys::read(static_cast<int>(rand), options.uuid, sizeof options.uuid);
            sys::close(static_cast<int>(rand));
        }
        auto made = redoxfs::FileSystem::mkfs(*device, options);
        if (made.is_error()) {
            io::print(2, "redoxfsd: %s: can not create a file system: error %d\n", disk_path, made.error().code);
            delete device;
            return 1;
        }
    }
    auto* fs = new redoxfs::FileSystem(*device);
    auto mounted = fs->mount();
    if (mounted.is_error()) {
        StringView why = fs->last_error();
        io::print(2, "redoxfsd: %s: not a usable RedoxFS image: %.*s\n", disk_path, static_cast<int>(why.length()),
            why.chars());
        delete fs;
        delete device;
        return 1;
    }
    auto* server = new redoxfs::Server(*fs);
    server->set_time(realtime_now());
    if (blank)
        server->populate_base_tree();
    // Files that were open but removed when the system last stopped are freed now.
    if (fs->reclaim_orphans().is_error()) {
        StringView why = fs->last_error();
        io::print(2, "redoxfsd: %s: can not free removed files: %.*s\n", disk_path, static_cast<int>(why.length()),
            why.chars());
    }
    (void)server->commit_if_changed();

    char registration[64];
    ktl::format_buffer(registration, sizeof registration, ":%s", scheme_name);
    long channel = sys::open(registration, redox::O_CREAT | redox::O_RDWR);
    int status;
    if (channel < 0) {
        io::report_error("redoxfsd", registration, channel);
        status = 1;
    } else {
        status = serve(*server, *fs, static_cast<int>(channel));
        sys::close(static_cast<int>(channel));
    }
    auto committed = server->commit_if_changed();
    (void)committed.is_error();
    delete server;
    delete fs;
    delete device; // closes the disk
    return status;
}

REDOX_PROGRAM("redoxfsd", redoxfsd_main)
