#pragma once
// The Linux counterparts of redox-bench's workloads, measured with Linux system calls.
#include <string>

namespace linux_side {

struct Results {
    double null_read_ns = 0; // read(2) of 1 byte from /dev/null
    double pipe_ping_pong_ns = 0; // one round trip between two processes over two pipes
    double pipe_bytes_per_s = 0; // 64 KiB writes through a pipe to another process
    double spawn_ns = 0; // posix_spawn(/bin/true) + waitpid
    double yield_ns = 0; // sched_yield ping-pong of two threads pinned to one CPU
    double idle_thread_bytes = 0; // resident memory per idle (blocked) thread
};

Results measure(long iterations, bool quick);
std::size_t resident_bytes();
std::string machine_description();

} // namespace linux_side
