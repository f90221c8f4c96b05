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

// Storage: seconds for each workload (the Redox side fills the same struct).
struct StorageResults {
    double write_s = 0;       // write file_bytes in 1 MiB writes, then fsync
    double read_s = 0;        // read them back in 1 MiB reads
    double small_files_s = 0; // create (100 bytes) every file, stat each, unlink each
    double dd_s = 0;          // dd if=zero of=FILE bs=4k count=dd_count
};

Results measure(long iterations, bool quick);
// A new directory under base holding a sparse image file of image_bytes; returns the
// image's open fd, or -1. remove_image closes and deletes both.
int create_image(const std::string& base, unsigned long long image_bytes, std::string& directory, std::string& image);
void remove_image(int fd, const std::string& directory, const std::string& image);
// Runs the storage workloads in `directory` (a fresh directory on the host file system).
// Returns an empty string or what failed.
std::string measure_storage(const std::string& directory, long file_bytes, long small_files, long dd_count,
    StorageResults& out);
std::size_t resident_bytes();
std::string machine_description();

} // namespace linux_side
