// fsync-writer: the load for the crash tests (tests/e2e/test_crash.py). `fsync-writer DIR N`
// creates DIR and runs a fixed schedule of N file writes plus some appends and atomic
// replacements (write a temporary file, fsync, rename it over the old one); each operation
// is fsynced and only then acknowledged on stdout, one line each, so a test that kills the
// system at any moment knows which contents must have survived:
//
//   ack K            DIR/file-K holds v1(K)
//   ack J append     DIR/file-J holds v1(J) followed by tail(J)    (after file K = J+1, K%4 == 3)
//   ack J replace    DIR/file-J holds v2(J), DIR/.tmp-J is gone     (after file K = J+2, K%3 == 2)
//
// Contents (the test computes the same bytes): a header "file-K TAG\n" then, at offset i, a
// '\n' when i%64 == 63 and otherwise ALPHABET[(i*mul + K*add) % 36]; the size and the
// multipliers depend on the kind (v1: 2048 + K*4099 % 18432 bytes, mul 1, add 5; tail:
// 1000 + K*37 % 3000 bytes, mul 3, add 1; v2: 4096 + K*911 % 8192 bytes, mul 1, add 11).
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

constexpr char ALPHABET[] = "abcdefghijklmnopqrstuvwxyz0123456789";

struct Content {
    const char* tag;
    usize size;
    u64 mul;
    u64 add;
};

Content v1(u64 k) { return { "v1", 2048 + (k * 4099) % 18432, 1, 5 }; }
Content tail(u64 k) { return { "tail", 1000 + (k * 37) % 3000, 3, 1 }; }
Content v2(u64 k) { return { "v2", 4096 + (k * 911) % 8192, 1, 11 }; }

// Writes `content` for file K to fd in chunks; returns 0 or -errno.
long write_content(int fd, u64 k, const Content& content)
{
    char header[64];
    usize header_length
        = ktl::format_buffer(header, sizeof header, "file-%lu %s\n", static_cast<unsigned long>(k), content.tag);
    char chunk[4096];
    usize offset = 0;
    while (offset < content.size) {
        usize n = 0;
        for (; n < sizeof chunk && offset + n < content.size; ++n) {
            usize i = offset + n;
            if (i < header_length)
                chunk[n] = header[i];
            else if (i % 64 == 63)
                chunk[n] = '\n';
            else
                chunk[n] = ALPHABET[(i * content.mul + k * content.add) % 36];
        }
        if (long r = io::write_all(fd, chunk, n); r < 0)
            return r;
        offset += n;
    }
    return 0;
}

void path_of(char* out, usize size, ktl::StringView dir, const char* prefix, u64 k)
{
    ktl::format_buffer(
        out, size, "%.*s/%s%lu", static_cast<int>(dir.length()), dir.chars(), prefix, static_cast<unsigned long>(k));
}

bool fail(const char* what, const char* path, long error)
{
    io::print(2, "fsync-writer: %s %s: %s\n", what, path, redox::error_string(static_cast<int>(-error)));
    return false;
}

// Opens PATH with FLAGS, writes CONTENT of file K, fsyncs; with RENAME_TO renames the file
// there and fsyncs again (the daemon commits on fsync, so the rename is durable then).
bool write_file(const char* path, unsigned long flags, u64 k, const Content& content, const char* rename_to)
{
    long fd = sys::open(path, flags);
    if (fd < 0)
        return fail("cannot open", path, fd);
    int f = static_cast<int>(fd);
    bool ok = true;
    if (long r = write_content(f, k, content); r < 0)
        ok = fail("write", path, r);
    else if (long r = sys::fsync(f); r < 0)
        ok = fail("fsync", path, r);
    else if (rename_to) {
        if (long r = sys::frename(f, rename_to); r < 0)
            ok = fail("rename", path, r);
        else if (long r = sys::fsync(f); r < 0)
            ok = fail("fsync", rename_to, r);
    }
    sys::close(f);
    return ok;
}

int fsync_writer_main(int argc, char** argv, char**)
{
    u64 count = 0;
    if (argc != 3 || !ktl::parse_u64(argv[2], count)) {
        io::print(2, "usage: fsync-writer DIR N\n");
        return 2;
    }
    ktl::StringView dir(argv[1]);
    if (long r = sys::mkdir(dir, 0755); r < 0 && r != -redox::EEXIST) {
        fail("cannot create", argv[1], r);
        return 1;
    }
    char path[256];
    char other[256];
    constexpr unsigned long create = redox::O_WRONLY | redox::O_CREAT | redox::O_TRUNC | 0644;
    for (u64 k = 0; k < count; ++k) {
        path_of(path, sizeof path, dir, "file-", k);
        if (!write_file(path, create, k, v1(k), nullptr))
            return 1;
        io::print(1, "ack %lu\n", static_cast<unsigned long>(k));
        if (k % 4 == 3) {
            u64 j = k - 1;
            path_of(path, sizeof path, dir, "file-", j);
            if (!write_file(path, redox::O_WRONLY | redox::O_APPEND, j, tail(j), nullptr))
                return 1;
            io::print(1, "ack %lu append\n", static_cast<unsigned long>(j));
        }
        if (k % 3 == 2) {
            u64 j = k - 2;
            path_of(path, sizeof path, dir, ".tmp-", j);
            path_of(other, sizeof other, dir, "file-", j);
            if (!write_file(path, create, j, v2(j), other))
                return 1;
            io::print(1, "ack %lu replace\n", static_cast<unsigned long>(j));
        }
    }
    return 0;
}

} // namespace

REDOX_PROGRAM("fsync-writer", fsync_writer_main)
