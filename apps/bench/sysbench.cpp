// sysbench: kernel entry costs measured from inside the system, so the same program gives
// the simulator's and the hardware target's figures: an invalid syscall (ENOSYS), a 1-byte
// read of /scheme/null, and a round trip to a userspace scheme daemon.
#include "echo_scheme.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

u64 now_ns()
{
    redox::TimeSpec ts {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, ts);
    return static_cast<u64>(ts.tv_sec) * 1'000'000'000ull + static_cast<u64>(ts.tv_nsec);
}

void report(const char* name, u64 elapsed_ns, u64 count)
{
    u64 per_op_ps = elapsed_ns * 1000 / count; // picoseconds, printed as ns with 3 decimals
    io::print(1, "%-28s %lu.%03lu ns/op (%lu ops)\n", name, static_cast<unsigned long>(per_op_ps / 1000),
        static_cast<unsigned long>(per_op_ps % 1000), static_cast<unsigned long>(count));
}

int sysbench_main(int argc, char** argv, char**)
{
    u64 count = 200'000;
    if (argc > 2 || (argc == 2 && !ktl::parse_u64(argv[1], count)) || count == 0) {
        io::print(2, "usage: sysbench [ITERATIONS]\n");
        return 2;
    }
    u64 start = now_ns();
    for (u64 i = 0; i < count; ++i)
        sys::call(0x7fffffff);
    report("invalid syscall", now_ns() - start, count);

    long null_fd = sys::open("/scheme/null", redox::O_RDONLY);
    char byte = 0;
    start = now_ns();
    for (u64 i = 0; i < count; ++i)
        sys::read(static_cast<int>(null_fd), &byte, 1);
    report("read 1 byte from null", now_ns() - start, count);
    sys::close(static_cast<int>(null_fd));

    bench::EchoScheme scheme { "sysbench", false };
    long daemon = sys::clone(0, bench::serve_echo_scheme, &scheme);
    while (!scheme.ready)
        sys::yield();
    long fd = sys::open("/scheme/sysbench/x", redox::O_RDWR);
    if (fd < 0) {
        io::report_error("sysbench", "/scheme/sysbench/x", fd);
        return 1;
    }
    start = now_ns();
    for (u64 i = 0; i < count / 4; ++i)
        sys::write(static_cast<int>(fd), &byte, 1);
    report("userspace scheme round trip", now_ns() - start, count / 4);
    sys::close(static_cast<int>(fd));
    sys::kill(daemon, redox::SIGKILL);
    int status;
    sys::waitpid(daemon, &status, 0);
    return 0;
}

} // namespace

REDOX_PROGRAM("sysbench", sysbench_main)
