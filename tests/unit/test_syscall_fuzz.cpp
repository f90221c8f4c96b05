// Syscall robustness: unknown numbers, bad pointers for every pointer-taking call, and a
// bounded fixed-seed fuzz over the syscall table. Every call must return a value or an
// error in [-4095, -1], and the kernel must stay alive.
#include "kernel_harness.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using harness::boot;

namespace {

struct SyscallInfo {
    const char* name;
    unsigned long number;
};

const std::vector<SyscallInfo>& all_syscalls()
{
    static const std::vector<SyscallInfo> list {
#define REDOX_SYSCALL_INFO(name, number) { #name, (number) },
        REDOX_SYSCALLS(REDOX_SYSCALL_INFO)
#undef REDOX_SYSCALL_INFO
    };
    return list;
}

// Which arguments (bit 0 = first) each syscall dereferences as a pointer.
unsigned pointer_args(const std::string& name)
{
    struct Entry {
        const char* name;
        unsigned mask;
    };
    static const Entry table[]
        = { { "open", 1 }, { "openat", 2 }, { "link", 1 | 4 }, { "unlink", 1 }, { "rmdir", 1 }, { "chmod", 1 },
              { "chdir", 1 }, { "read", 2 }, { "write", 2 }, { "fstat", 2 }, { "fstatvfs", 2 }, { "frename", 2 },
              { "dup", 2 }, { "dup2", 4 }, { "getdents", 2 }, { "fpath", 2 }, { "futimens", 2 }, { "pipe2", 1 },
              { "waitpid", 2 }, { "getcwd", 1 }, { "clock_gettime", 2 }, { "nanosleep", 1 | 2 }, { "mkns", 1 } };
    for (const Entry& entry : table)
        if (name == entry.name)
            return entry.mask;
    return 0;
}

bool is_result(long r) { return r >= 0 || (r >= -4095 && r <= -1); }

// splitmix64: a fixed-seed generator, the same sequence every run.
struct Rng {
    std::uint64_t state;
    std::uint64_t next()
    {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
};

} // namespace

TEST_CASE("unknown syscall numbers return ENOSYS and change nothing")
{
    auto run = boot([&] {
        long pid = sys::getpid();
        for (unsigned long n : { 0ul, 2ul, 8ul, 999ul, 0x7fffffful, 0x1000'0000ul, 0x2000'0000ul, 0x1010'0006ul,
                 0xdead'beeful, ~0ul, ~0ul - 1, 1ul << 63 }) {
            bool known = false;
            for (const auto& s : all_syscalls())
                known |= s.number == n;
            if (known)
                continue;
            CHECK_MESSAGE(sys::call(n, 1, 2, 3, 4, 5) == -redox::ENOSYS, n);
        }
        // Numbers one off each real syscall, unless that is itself a real one.
        for (const auto& s : all_syscalls()) {
            for (unsigned long n : { s.number + 0x1000, s.number | 0x0400'0000 }) {
                bool known = false;
                for (const auto& t : all_syscalls())
                    known |= t.number == n;
                if (!known)
                    CHECK_MESSAGE(sys::call(n) == -redox::ENOSYS, s.name);
            }
        }
        CHECK(sys::getpid() == pid);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("every pointer argument is checked: the first page and kernel-half ranges fault")
{
    auto run = boot([&] {
        int null = static_cast<int>(sys::open("/scheme/null", redox::O_RDWR));
        int sysdir = static_cast<int>(sys::open("/scheme/sys", redox::O_RDONLY | redox::O_DIRECTORY));
        CHECK(null >= 0);
        CHECK(sysdir >= 0);
        using redox::EFAULT;
        const unsigned long bad_pointers[] = { 0, 16, 4095, 0xffff'8000'0000'0000ul, 0x0000'8000'0000'0000ul };
        char buffer[64] = {};
        for (unsigned long bad : bad_pointers) {
            CAPTURE(bad);
            CHECK(sys::call(redox::SYS_open, bad, 4, redox::O_RDONLY) == -EFAULT);
            CHECK(sys::call(redox::SYS_openat, static_cast<unsigned long>(sysdir), bad, 4, redox::O_RDONLY) == -EFAULT);
            CHECK(sys::call(redox::SYS_link, bad, 4, sys::ptr("/x"), 2) == -EFAULT);
            CHECK(sys::call(redox::SYS_unlink, bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_chmod, bad, 4, 0644) == -EFAULT);
            CHECK(sys::call(redox::SYS_rmdir, bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_chdir, bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_read, static_cast<unsigned long>(null), bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_write, static_cast<unsigned long>(null), bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_fstat, static_cast<unsigned long>(null), bad, sizeof(redox::Stat)) == -EFAULT);
            CHECK(sys::call(redox::SYS_fstatvfs, static_cast<unsigned long>(null), bad, sizeof(redox::StatVfs))
                == -EFAULT);
            CHECK(sys::call(redox::SYS_frename, static_cast<unsigned long>(null), bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_dup, static_cast<unsigned long>(null), bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_dup2, static_cast<unsigned long>(null), 30, bad, 4) == -EFAULT);
            CHECK(sys::call(redox::SYS_getdents, static_cast<unsigned long>(sysdir), bad, 64, 0) == -EFAULT);
            CHECK(sys::call(redox::SYS_fpath, static_cast<unsigned long>(null), bad, 8) == -EFAULT);
            CHECK(sys::call(redox::SYS_futimens, static_cast<unsigned long>(null), bad, 2 * sizeof(redox::TimeSpec))
                == -EFAULT);
            CHECK(sys::call(redox::SYS_pipe2, bad, 0) == -EFAULT);
            CHECK(sys::call(redox::SYS_getcwd, bad, 16) == -EFAULT);
            CHECK(sys::call(redox::SYS_clock_gettime, redox::CLOCK_MONOTONIC, bad) == -EFAULT);
            CHECK(sys::call(redox::SYS_nanosleep, bad, 0) == -EFAULT);
            CHECK(sys::call(redox::SYS_mkns, bad, 1) == -EFAULT);
            if (bad != 0) {
                CHECK(sys::call(redox::SYS_waitpid, ~0ul, bad, redox::WNOHANG) == -EFAULT);
                CHECK(sys::call(redox::SYS_sigaction, redox::SIGUSR1, redox::SIG_DFL, bad) == -EFAULT);
            }
        }
        // A good pointer with a length that runs off the end of user space.
        for (unsigned long length : { ~0ul, 1ul << 63, 1ul << 47, ~0ul - 4095 }) {
            CAPTURE(length);
            CHECK(sys::call(redox::SYS_read, static_cast<unsigned long>(null), sys::ptr(buffer), length) == -EFAULT);
            CHECK(sys::call(redox::SYS_write, static_cast<unsigned long>(null), sys::ptr(buffer), length) == -EFAULT);
            CHECK(sys::call(redox::SYS_fpath, static_cast<unsigned long>(null), sys::ptr(buffer), length) == -EFAULT);
            CHECK(sys::call(redox::SYS_getcwd, sys::ptr(buffer), length) == -EFAULT);
            CHECK(sys::call(redox::SYS_mkns, sys::ptr(buffer), length) < 0);
        }
        // Zero lengths never touch memory.
        CHECK(sys::call(redox::SYS_read, static_cast<unsigned long>(null), 16, 0) == 0);
        CHECK(sys::call(redox::SYS_write, static_cast<unsigned long>(null), 0, 0) == 0);
        // The pointer checks did not disturb the fds.
        CHECK(sys::write(null, "ok", 2) == 2);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a fixed-seed fuzz of 20,000 syscalls: every call returns and the kernel survives")
{
    constexpr int calls = 20'000;
    int bad_results = 0;
    std::string first_bad;
    long final_pid = 0;
    std::vector<int> counts;
    auto run = boot(
        [&] {
            const std::vector<const char*> excluded { "exit", "execve", "fexec", "clone", "kill", "sigaction",
                "setrens", "setreuid", "setregid" };
            std::vector<SyscallInfo> candidates;
            for (const auto& s : all_syscalls()) {
                bool skip = false;
                for (const char* name : excluded)
                    skip |= std::strcmp(name, s.name) == 0;
                if (!skip)
                    candidates.push_back(s);
            }
            counts.assign(candidates.size(), 0);
            // Scratch memory: pointers go into the first 64 KiB, lengths are at most 64 KiB,
            // so whatever the kernel writes stays inside the 128 KiB.
            constexpr std::size_t scratch_size = 128 * 1024;
            std::vector<unsigned char> scratch(scratch_size);
            const char* paths[] = { "/scheme/null", "/scheme/zero", "/scheme/rand", "/scheme/pipe", "/scheme/time/4",
                "/scheme/time/1", "/scheme/sys/context", "/scheme/sys/uname", "/scheme/sys", "/scheme/event", "/scheme",
                "/tmp", "/tmp/fuzz", "/tmp/fuzz/a", "/tmp/b", "/", "..", "null:", "sys:scheme", "/scheme/nope/x",
                "/scheme/initfs/bin", "relative/path" };
            const unsigned long open_flags[] = { redox::O_RDONLY, redox::O_WRONLY, redox::O_RDWR,
                redox::O_CREAT | redox::O_RDWR | 0644, redox::O_CREAT | redox::O_DIRECTORY | redox::O_RDONLY | 0755,
                redox::O_RDONLY | redox::O_DIRECTORY, redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | 0600,
                redox::O_TRUNC | redox::O_WRONLY, redox::O_APPEND | redox::O_WRONLY, redox::O_STAT,
                redox::O_NONBLOCK | redox::O_RDONLY, redox::O_CLOEXEC | redox::O_RDONLY };
            const unsigned long huge[] = { ~0ul, 1ul << 63, 1ul << 47, ~0ul - 4095, 0xffff'8000'0000'0000ul };
            Rng rng { 0x5eed };
            auto scratch_ptr = [&] { return sys::ptr(scratch.data() + rng.below(64 * 1024)); };
            // In one address space the kernel can only tell a bad pointer from a good one when
            // it is in the first page or beyond user space, so pointer arguments are scratch
            // pointers or such bad ones, and other arguments are numbers.
            auto pointer_arg = [&]() -> unsigned long {
                switch (rng.below(6)) {
                case 0:
                    return 0;
                case 1:
                    return 1 + rng.below(4095); // a garbage pointer
                case 2:
                    return huge[rng.below(5)];
                default:
                    return scratch_ptr();
                }
            };
            auto number_arg = [&]() -> unsigned long {
                switch (rng.below(8)) {
                case 0:
                case 1:
                case 2:
                    return rng.below(21); // an fd-sized number
                case 3:
                    return rng.below(4097);
                case 4:
                    return rng.below(64 * 1024 + 1);
                case 5:
                    return huge[rng.below(5)];
                case 6:
                    return rng.next() | 1ul << 62; // random, but never a plausible length
                default:
                    return rng.below(300);
                }
            };
            auto fill_path = [&](unsigned long& address, unsigned long& length) {
                if (rng.below(4) == 0)
                    return; // random bytes or garbage
                const char* path = paths[rng.below(sizeof paths / sizeof *paths)];
                address = sys::ptr(path);
                length = std::strlen(path);
            };
            for (int i = 0; i < calls; ++i) {
                std::size_t pick = rng.below(candidates.size());
                const SyscallInfo& s = candidates[pick];
                ++counts[pick];
                std::string name = s.name;
                unsigned pointers = pointer_args(name);
                unsigned long args[5];
                for (int k = 0; k < 5; ++k)
                    args[k] = (pointers & (1u << k)) ? pointer_arg() : number_arg();
                unsigned long a = args[0], b = args[1], c = args[2], d = args[3], e = args[4];
                auto arg = [&] { return (pointers & 1) ? pointer_arg() : number_arg(); };
                // Keep random bytes of the scratch looking like something now and then.
                if (rng.below(8) == 0)
                    for (int k = 0; k < 64; ++k)
                        scratch[rng.below(scratch_size)] = static_cast<unsigned char>(rng.next());
                if (name == "open" || name == "unlink" || name == "rmdir" || name == "chdir" || name == "chmod") {
                    fill_path(a, b);
                    if (name == "open" && rng.below(2))
                        c = open_flags[rng.below(sizeof open_flags / sizeof *open_flags)];
                } else if (name == "openat" || name == "frename") {
                    fill_path(b, c);
                    if (name == "openat" && rng.below(2))
                        d = open_flags[rng.below(sizeof open_flags / sizeof *open_flags)];
                } else if (name == "link") {
                    fill_path(a, b);
                    fill_path(c, d);
                } else if (name == "read" || name == "write" || name == "getdents") {
                    // Never block: reads and writes go through non-blocking descriptions.
                    if (name == "read" && a == 0)
                        a = 3;
                    sys::fcntl(static_cast<int>(a), redox::F_SETFL, redox::O_NONBLOCK);
                    if (rng.below(3) == 0) {
                        b = scratch_ptr();
                        c = rng.below(64 * 1024 + 1);
                    }
                } else if (name == "waitpid") {
                    c |= redox::WNOHANG;
                } else if (name == "nanosleep") {
                    // A short sleep or an invalid request, never a long one.
                    auto* ts = reinterpret_cast<redox::TimeSpec*>(scratch.data() + 8 * rng.below(64));
                    ts->tv_sec = rng.below(4) == 0 ? -1 : 0;
                    ts->tv_nsec = static_cast<std::int32_t>(rng.below(4) == 0 ? 2'000'000'000u : rng.below(1'000'000));
                    a = rng.below(8) == 0 ? arg() : sys::ptr(ts);
                    if (a >= 4096 && a < sys::ptr(scratch.data()) + 64 * 1024 && a != sys::ptr(ts))
                        a = sys::ptr(ts); // random scratch bytes could ask for years
                } else if (name == "mkns") {
                    // Name pairs the kernel will dereference: real strings or garbage below 4096.
                    auto* pairs = reinterpret_cast<unsigned long(*)[2]>(scratch.data() + 8 * rng.below(64));
                    unsigned long count = rng.below(4);
                    for (unsigned long k = 0; k < count; ++k) {
                        static const std::string too_long(300, 'n');
                        const char* names[] = { "null", "zero", "nope", "a/b", "", too_long.c_str() };
                        const char* n = names[rng.below(6)];
                        bool garbage = rng.below(5) == 0;
                        pairs[k][0] = garbage ? rng.below(4096) : sys::ptr(n);
                        pairs[k][1] = garbage ? rng.below(300) : std::strlen(n);
                    }
                    a = rng.below(8) == 0 ? 1 + rng.below(4095) : sys::ptr(pairs);
                    b = rng.below(8) == 0 ? arg() : count;
                    if (b > 3 && a >= 4096)
                        b = count;
                } else if (name == "futimens" && c > 2 * sizeof(redox::TimeSpec)) {
                    c = 2 * sizeof(redox::TimeSpec);
                } else if (name == "fcntl" && b == redox::F_SETFL) {
                    c &= ~redox::O_NONBLOCK; // allowed, but reads set it again
                }
                long r = sys::call(s.number, a, b, c, d, e);
                if (!is_result(r)) {
                    ++bad_results;
                    if (first_bad.empty())
                        first_bad = name + " returned " + std::to_string(r);
                }
                if (name == "dup" || name == "dup2" || name == "open" || name == "openat" || name == "fcntl"
                    || name == "pipe2") {
                    // Keep the table small so open and pipe2 keep working.
                    if (r > 20 && r < 1024 && name != "fcntl")
                        sys::close(static_cast<int>(r));
                }
            }
            final_pid = sys::getpid();
            return 0;
        },
        { .console_input = {}, .start_file_system = true });
    CHECK(run.status == 0);
    CHECK_MESSAGE(bad_results == 0, first_bad);
    CHECK(final_pid == 1);
    for (int count : counts)
        CHECK(count > 100); // every candidate was exercised
}
