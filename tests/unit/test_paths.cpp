// Paths: canonicalisation (a pure function) and resolution through the path syscalls.
#include "kernel_harness.h"

#include "../../kernel_core/path.h"
#include "redox/io.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

using harness::boot;

namespace {

// canonicalize_path as a std::string, or "E<errno>" on error.
std::string canon(const char* cwd, const std::string& path)
{
    auto result = kernel::canonicalize_path(ktl::StringView(cwd), ktl::StringView(path.data(), path.size()));
    if (result.is_error())
        return "E" + std::to_string(result.error().code);
    return std::string(result.value().c_str(), result.value().length());
}

std::string errno_text(int code) { return "E" + std::to_string(code); }

std::string fpath_of(int fd)
{
    char buffer[512];
    long n = sys::fpath(fd, buffer, sizeof buffer);
    if (n < 0)
        return errno_text(static_cast<int>(-n));
    return std::string(buffer, static_cast<std::size_t>(n));
}

std::string read_text(int fd)
{
    std::string out;
    char buffer[256];
    for (;;) {
        long n = sys::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

} // namespace

TEST_CASE("canonicalize_path removes dot, dot-dot, repeated and trailing slashes")
{
    CHECK(canon("/", "..") == "/");
    CHECK(canon("/", "/..") == "/");
    CHECK(canon("/", "../../..") == "/");
    CHECK(canon("/a/b", "../../..") == "/");
    CHECK(canon("/a/b", "../../../etc") == "/etc");
    CHECK(canon("/", "//a//b/") == "/a/b");
    CHECK(canon("/", "/a/./b/../c") == "/a/c");
    CHECK(canon("/", "/a/b/..") == "/a");
    CHECK(canon("/", "/a/../../b") == "/b");
    CHECK(canon("/", "/./././") == "/");
    CHECK(canon("/", "/...") == "/..."); // three dots is an ordinary name
    CHECK(canon("/", "/..a/.b/b..") == "/..a/.b/b..");
    CHECK(canon("/", "/") == "/");
    CHECK(canon("/", "///") == "/");
}

TEST_CASE("canonicalize_path joins relative paths to the cwd and leaves absolute ones alone")
{
    CHECK(canon("/home/user", "x/y") == "/home/user/x/y");
    CHECK(canon("/home/user/", "x") == "/home/user/x");
    CHECK(canon("/home/user", "./x/../y") == "/home/user/y");
    CHECK(canon("/home/user", "..") == "/home");
    CHECK(canon("/home/user", "") == "/home/user");
    CHECK(canon("/home/user", "/etc/passwd") == "/etc/passwd");
    CHECK(canon("/", "a") == "/a");
    CHECK(canon("/scheme/sys", "../null") == "/scheme/null");
}

TEST_CASE("canonicalize_path limits component and path lengths")
{
    std::string name255(255, 'n');
    std::string name256(256, 'n');
    CHECK(canon("/", "/" + name255) == "/" + name255);
    CHECK(canon("/", "/" + name256) == errno_text(redox::ENAMETOOLONG));
    CHECK(canon("/", "/a/" + name256 + "/..") == errno_text(redox::ENAMETOOLONG));
    CHECK(canon("/", name256) == errno_text(redox::ENAMETOOLONG));

    // 16 components of 255 bytes plus slashes: 4096 bytes exactly is allowed.
    std::string exact;
    for (int i = 0; i < 16; ++i)
        exact += "/" + name255;
    REQUIRE(exact.size() == 4096);
    CHECK(canon("/", exact) == exact);
    CHECK(canon("/", exact + "/x") == errno_text(redox::ENAMETOOLONG));
    // Relative to a long cwd, the joined result counts.
    CHECK(canon(exact.c_str(), "x") == errno_text(redox::ENAMETOOLONG));
    // A path longer than PATH_MAX is refused even when it would canonicalise to something short.
    std::string long_dots;
    while (long_dots.size() <= 4096)
        long_dots += "/a/..";
    CHECK(canon("/", long_dots) == errno_text(redox::ENAMETOOLONG));
    std::string many_slashes(5000, '/');
    CHECK(canon("/", many_slashes) == errno_text(redox::ENAMETOOLONG));
}

TEST_CASE("path syscalls reject bad paths with the right errors")
{
    auto run = boot([&] {
        CHECK(sys::open("", redox::O_RDONLY) == -redox::ENOENT);
        CHECK(sys::open(ktl::StringView("/scheme/null\0x", 14), redox::O_RDONLY) == -redox::EINVAL);
        CHECK(sys::open(ktl::StringView("null:\0", 6), redox::O_RDONLY) == -redox::EINVAL);
        CHECK(sys::open("/scheme/nope/x", redox::O_RDONLY) == -redox::ENODEV);
        CHECK(sys::open("/scheme/nope", redox::O_RDONLY) == -redox::ENODEV);
        CHECK(sys::open("nope:x", redox::O_RDONLY) == -redox::ENODEV);
        // No file scheme is running in this boot: a plain path has no scheme to go to.
        CHECK(sys::open("/etc/passwd", redox::O_RDONLY) == -redox::ENODEV);
        // A null pointer (or any pointer into the first page) with a length is a fault.
        CHECK(sys::call(redox::SYS_open, 0, 5, redox::O_RDONLY) == -redox::EFAULT);
        CHECK(sys::call(redox::SYS_open, 100, 5, redox::O_RDONLY) == -redox::EFAULT);
        CHECK(sys::call(redox::SYS_unlink, 0, 3) == -redox::EFAULT);
        CHECK(sys::call(redox::SYS_chdir, 0, 3) == -redox::EFAULT);
        // A length that wraps the address space.
        const char* p = "/scheme/null";
        CHECK(sys::call(redox::SYS_open, sys::ptr(p), ~0ul - 10, redox::O_RDONLY) == -redox::ENAMETOOLONG);
        std::string too_long = "/scheme/null/" + std::string(4100, 'x');
        CHECK(sys::open(too_long.c_str(), redox::O_RDONLY) == -redox::ENAMETOOLONG);
        std::string long_name = "/scheme/sys/" + std::string(256, 'x');
        CHECK(sys::open(long_name.c_str(), redox::O_RDONLY) == -redox::ENAMETOOLONG);
        // Unknown open flags.
        CHECK(sys::open("/scheme/null", redox::O_RDONLY | 0x00400000) == -redox::EINVAL);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("legacy and modern scheme paths reach the same schemes")
{
    auto run = boot([&] {
        long a = sys::open("null:", redox::O_RDWR);
        long b = sys::open("/scheme/null", redox::O_RDWR);
        long c = sys::open("/scheme/./null/", redox::O_RDWR);
        long d = sys::open("/scheme/sys/../null", redox::O_RDWR);
        CHECK(a >= 0);
        CHECK(b >= 0);
        CHECK(c >= 0);
        CHECK(d >= 0);
        CHECK(sys::write(static_cast<int>(a), "x", 1) == 1);
        CHECK(fpath_of(static_cast<int>(a)) == "/scheme/null");
        CHECK(fpath_of(static_cast<int>(b)) == "/scheme/null");
        for (long fd : { a, b, c, d })
            CHECK(sys::close(static_cast<int>(fd)) == 0);

        long uname = sys::open("sys:uname", redox::O_RDONLY);
        CHECK(uname >= 0);
        CHECK(read_text(static_cast<int>(uname)).rfind("Redox\n", 0) == 0);
        sys::close(static_cast<int>(uname));

        long zero = sys::open("zero:", redox::O_RDONLY);
        CHECK(zero >= 0);
        char bytes[4] = { 1, 1, 1, 1 };
        CHECK(sys::read(static_cast<int>(zero), bytes, 4) == 4);
        CHECK((bytes[0] == 0 && bytes[3] == 0));
        sys::close(static_cast<int>(zero));
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("/scheme lists the scheme names visible to the caller")
{
    std::vector<std::string> names;
    auto run = boot([&] {
        long fd = sys::open("/scheme", redox::O_DIRECTORY | redox::O_RDONLY);
        CHECK(fd >= 0);
        if (fd < 0)
            return 1;
        io::DirReader reader(static_cast<int>(fd));
        io::DirReader::Entry entry;
        long r;
        while ((r = reader.next(entry)) == 1)
            names.emplace_back(entry.name.chars(), entry.name.length());
        CHECK(r == 0);
        CHECK(fpath_of(static_cast<int>(fd)) == "/scheme");
        // A listing is not a channel: nothing to write to.
        CHECK(sys::write(static_cast<int>(fd), "x", 1) < 0);
        sys::close(static_cast<int>(fd));
        // A too small buffer for one record is an error, not an endless empty read.
        long again = sys::open("/scheme", redox::O_DIRECTORY | redox::O_RDONLY);
        char tiny[8];
        CHECK(sys::getdents(static_cast<int>(again), tiny, sizeof tiny, 0) == -redox::EINVAL);
        CHECK(sys::getdents(static_cast<int>(again), nullptr, 64, 0) == -redox::EFAULT);
        // An unaligned buffer is fine: records are copied out byte-wise.
        alignas(8) char raw[256] = {};
        long n = sys::getdents(static_cast<int>(again), raw + 3, 200, 0);
        CHECK(n > 0);
        redox::DirentHeader first {};
        std::memcpy(&first, raw + 3, sizeof first);
        CHECK(first.record_length % 8 == 0);
        CHECK(first.record_length <= n);
        CHECK(std::string(raw + 3 + offsetof(redox::DirentHeader, name)) == "debug");
        sys::close(static_cast<int>(again));
        return 0;
    });
    CHECK(run.status == 0);
    auto has = [&](const char* name) {
        for (auto& n : names)
            if (n == name)
                return true;
        return false;
    };
    for (const char* name : { "debug", "event", "null", "zero", "rand", "pipe", "time", "sys", "initfs" })
        CHECK_MESSAGE(has(name), name);
    CHECK_FALSE(has(""));
    CHECK_FALSE(has("file"));
}

TEST_CASE("fpath gives the canonical display path of an opened file")
{
    auto run = boot(
        [&] {
            long fd = sys::open("/scheme/sys/./x/../context", redox::O_RDONLY);
            CHECK(fd >= 0);
            CHECK(fpath_of(static_cast<int>(fd)) == "/scheme/sys/context");
            // A short buffer gets a prefix.
            char small[8];
            CHECK(sys::fpath(static_cast<int>(fd), small, sizeof small) == 8);
            CHECK(std::string(small, 8) == "/scheme/");
            CHECK(sys::fpath(static_cast<int>(fd), nullptr, 8) == -redox::EFAULT);
            CHECK(sys::fpath(99, small, sizeof small) == -redox::EBADF);
            sys::close(static_cast<int>(fd));

            CHECK(sys::mkdir("/tmp/dir", 0755) == 0);
            long file = sys::open("//tmp/./dir/../dir/f.txt/", redox::O_CREAT | redox::O_RDWR | 0644);
            CHECK(file >= 0);
            CHECK(fpath_of(static_cast<int>(file)) == "/tmp/dir/f.txt");
            sys::close(static_cast<int>(file));

            // Relative to the cwd.
            CHECK(sys::chdir("/tmp/dir") == 0);
            long rel = sys::open("f.txt", redox::O_RDONLY);
            CHECK(rel >= 0);
            CHECK(fpath_of(static_cast<int>(rel)) == "/tmp/dir/f.txt");
            sys::close(static_cast<int>(rel));
            long up = sys::open("../../tmp/dir/./f.txt", redox::O_RDONLY);
            CHECK(up >= 0);
            CHECK(fpath_of(static_cast<int>(up)) == "/tmp/dir/f.txt");
            sys::close(static_cast<int>(up));
            char cwd[64];
            CHECK(sys::getcwd(cwd, sizeof cwd) == 8);
            CHECK(std::string(cwd) == "/tmp/dir");
            CHECK(sys::getcwd(cwd, 8) == -redox::ERANGE);
            // chdir to a file or a missing directory fails and keeps the cwd.
            CHECK(sys::chdir("f.txt") == -redox::ENOTDIR);
            CHECK(sys::chdir("/nope") == -redox::ENOENT);
            CHECK(sys::getcwd(cwd, sizeof cwd) == 8);
            // chdir into a scheme, then relative paths go there.
            CHECK(sys::chdir("/scheme/sys") == 0);
            CHECK(sys::getcwd(cwd, sizeof cwd) > 0);
            CHECK(std::string(cwd) == "/scheme/sys");
            long uname = sys::open("uname", redox::O_RDONLY);
            CHECK(uname >= 0);
            CHECK(read_text(static_cast<int>(uname)).rfind("Redox", 0) == 0);
            sys::close(static_cast<int>(uname));
            return 0;
        },
        { .console_input = {}, .start_file_system = true });
    CHECK(run.status == 0);
}

TEST_CASE("openat resolves relative paths against a directory fd")
{
    auto run = boot(
        [&] {
            long sysdir = sys::open("/scheme/sys", redox::O_DIRECTORY | redox::O_RDONLY);
            CHECK(sysdir >= 0);
            long uname = sys::openat(static_cast<int>(sysdir), "uname", redox::O_RDONLY);
            CHECK(uname >= 0);
            CHECK(read_text(static_cast<int>(uname)).rfind("Redox", 0) == 0);
            CHECK(fpath_of(static_cast<int>(uname)) == "/scheme/sys/uname");
            sys::close(static_cast<int>(uname));

            CHECK(sys::mkdir("/tmp/d", 0755) == 0);
            long file = sys::open("/tmp/d/a", redox::O_CREAT | redox::O_WRONLY | 0644);
            CHECK(file >= 0);
            CHECK(sys::write(static_cast<int>(file), "abc", 3) == 3);
            sys::close(static_cast<int>(file));

            long dir = sys::open("/tmp/d", redox::O_DIRECTORY | redox::O_RDONLY);
            CHECK(dir >= 0);
            long a = sys::openat(static_cast<int>(dir), "a", redox::O_RDONLY);
            CHECK(a >= 0);
            CHECK(read_text(static_cast<int>(a)) == "abc");
            CHECK(fpath_of(static_cast<int>(a)) == "/tmp/d/a");
            sys::close(static_cast<int>(a));
            long via_dots = sys::openat(static_cast<int>(dir), "../d/./a", redox::O_RDONLY);
            CHECK(via_dots >= 0);
            sys::close(static_cast<int>(via_dots));
            // An absolute path ignores the directory fd (even a bad one).
            long abs = sys::openat(77, "/scheme/null", redox::O_RDONLY);
            CHECK(abs >= 0);
            sys::close(static_cast<int>(abs));
            CHECK(sys::openat(77, "a", redox::O_RDONLY) == -redox::EBADF);
            CHECK(sys::openat(static_cast<int>(dir), "missing", redox::O_RDONLY) == -redox::ENOENT);
            // Creating through openat.
            long b = sys::openat(static_cast<int>(dir), "b", redox::O_CREAT | redox::O_WRONLY | 0644);
            CHECK(b >= 0);
            CHECK(fpath_of(static_cast<int>(b)) == "/tmp/d/b");
            // A relative path needs a directory.
            CHECK(sys::openat(static_cast<int>(b), "x", redox::O_RDONLY) == -redox::ENOTDIR);
            sys::close(static_cast<int>(b));
            CHECK(
                sys::call(redox::SYS_openat, static_cast<unsigned long>(dir), 0, 4, redox::O_RDONLY) == -redox::EFAULT);
            sys::close(static_cast<int>(dir));
            sys::close(static_cast<int>(sysdir));
            return 0;
        },
        { .console_input = {}, .start_file_system = true });
    CHECK(run.status == 0);
}
