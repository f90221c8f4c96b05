// filed: serves the root `file` scheme from an in-memory file system (memfs).
//
// Registers `:file` on the root scheme (root only), then loops: read a batch of 64-byte
// SchemeRequests from the channel (blocking), execute each against the Memfs, and write
// one 16-byte completion per request except one-way ones (OP_CLOSE).
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "memfs.h"
#include "request_handler.h"

namespace {

constexpr usize BATCH = 32;

memfs::Time realtime_now()
{
    redox::TimeSpec now {};
    if (sys::clock_gettime(redox::CLOCK_REALTIME, now) < 0)
        return {};
    return { now.tv_sec, static_cast<u32>(now.tv_nsec) };
}

} // namespace

static int filed_main(int argc, char** argv, char** envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    long channel = sys::open(":file", redox::O_CREAT | redox::O_RDWR);
    if (channel < 0) {
        io::report_error("filed", ":file", channel);
        return 1;
    }
    int fd = static_cast<int>(channel);

    // Heap, not stack or globals: the file system outlives any one batch and apps share one
    // address space in the simulator.
    auto* fs = new memfs::Memfs(memfs::DEFAULT_CAPACITY);
    fs->set_time(realtime_now());
    fs->populate_base_tree();
    memfs::RequestHandler handler(*fs);

    auto* requests = new redox::SchemeRequest[BATCH];
    auto* completions = new redox::SchemeCompletion[BATCH];
    int status = 0;
    for (;;) {
        long n = sys::read(fd, requests, BATCH * sizeof(redox::SchemeRequest));
        if (n == -redox::EINTR || n == -redox::EAGAIN)
            continue;
        if (n < 0) {
            io::report_error("filed", "read requests", n);
            status = 1;
            break;
        }
        if (n == 0)
            break; // the channel was closed: the scheme is gone
        usize count = static_cast<usize>(n) / sizeof(redox::SchemeRequest);
        fs->set_time(realtime_now());
        usize replies = 0;
        for (usize i = 0; i < count; ++i) {
            if (handler.handle(requests[i], completions[replies]))
                ++replies;
        }
        if (replies) {
            long r = io::write_all(fd, completions, replies * sizeof(redox::SchemeCompletion));
            if (r < 0) {
                io::report_error("filed", "write completions", r);
                status = 1;
                break;
            }
        }
    }
    delete[] requests;
    delete[] completions;
    delete fs;
    sys::close(fd);
    return status;
}

REDOX_PROGRAM("filed", filed_main)
