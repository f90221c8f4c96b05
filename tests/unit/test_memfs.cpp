// Unit tests for the in-memory `file` scheme (schemes/memfs): the Memfs class and the
// SchemeRequest decoder.
#include <doctest/doctest.h>

#include "../../schemes/memfs/memfs.h"
#include "../../schemes/memfs/request_handler.h"
#include "special_nodes.h"
#include "ktl/format.h"

#include <string.h>

#include <string>

using namespace memfs;
using namespace redox;

namespace {

constexpr Cred ROOT { 0, 0 };
constexpr Cred USER { 1000, 1000 };
constexpr Cred OTHER { 1001, 1001 };

template<typename T>
int error_of(ErrorOr<T>&& result)
{
    return result.is_error() ? result.error().code : 0;
}

u64 must_open(Memfs& fs, StringView path, u64 flags, Cred cred = ROOT)
{
    auto result = fs.open(path, flags, cred);
    INFO("open ", path.chars(), " errno ", result.is_error() ? result.error().code : 0);
    REQUIRE(!result.is_error());
    return result.value();
}

void write_file(Memfs& fs, StringView path, StringView text, Cred cred = ROOT, u32 mode = 0644)
{
    u64 h = must_open(fs, path, O_CREAT | O_TRUNC | O_WRONLY | mode, cred);
    auto n = fs.write(h, text.chars(), text.length(), 0);
    REQUIRE(!n.is_error());
    REQUIRE(n.value() == text.length());
    REQUIRE(!fs.close(h).is_error());
}

String read_file(Memfs& fs, StringView path, Cred cred = ROOT)
{
    u64 h = must_open(fs, path, O_RDONLY, cred);
    String out;
    char buffer[7]; // small on purpose: exercises offsets
    u64 offset = 0;
    for (;;) {
        auto n = fs.read(h, buffer, sizeof buffer, offset);
        REQUIRE(!n.is_error());
        if (n.value() == 0)
            break;
        out.append(StringView(buffer, n.value()));
        offset += n.value();
    }
    REQUIRE(!fs.close(h).is_error());
    return out;
}

Stat stat_of(Memfs& fs, StringView path, u64 extra = 0)
{
    u64 h = must_open(fs, path, O_STAT | extra);
    Stat st {};
    REQUIRE(!fs.fstat(h, st).is_error());
    REQUIRE(!fs.close(h).is_error());
    return st;
}

String path_of(Memfs& fs, u64 handle)
{
    char buffer[256];
    auto n = fs.fpath(handle, buffer, sizeof buffer);
    REQUIRE(!n.is_error());
    return String(buffer, n.value());
}

struct Listed {
    Vector<String> names;
    Vector<u8> kinds;
};

// Reads a whole directory with getdents through a buffer of `buffer_size` bytes.
Listed list_dir(Memfs& fs, StringView path, usize buffer_size = 512)
{
    u64 h = must_open(fs, path, O_DIRECTORY | O_RDONLY);
    Listed listed;
    alignas(8) u8 buffer[4096];
    REQUIRE(buffer_size <= sizeof buffer);
    u64 position = 0;
    for (;;) {
        auto n = fs.getdents(h, buffer, buffer_size, position);
        REQUIRE(!n.is_error());
        if (n.value() == 0)
            break;
        usize used = 0;
        while (used < n.value()) {
            auto* header = reinterpret_cast<DirentHeader*>(buffer + used);
            REQUIRE(header->record_length >= sizeof(DirentHeader));
            REQUIRE(header->record_length % 8 == 0);
            REQUIRE(used + header->record_length <= n.value());
            listed.names.append(String(header->name));
            listed.kinds.append(header->kind);
            position = header->next_offset;
            used += header->record_length;
        }
    }
    REQUIRE(!fs.close(h).is_error());
    return listed;
}

struct Fixture {
    Memfs fs;
    explicit Fixture(u64 capacity = DEFAULT_CAPACITY) : fs(capacity)
    {
        fs.set_time(Time { 1700000000, 123456789 });
        fs.populate_base_tree();
    }
};

} // namespace

TEST_CASE("memfs: base tree")
{
    Fixture f;
    Stat root = stat_of(f.fs, "");
    CHECK((root.st_mode & MODE_TYPE) == MODE_DIR);
    CHECK((root.st_mode & MODE_PERM) == 0755);
    CHECK(root.st_ino == 1);
    CHECK(root.st_nlink == 2 + 8); // bin etc home tmp root usr dev var
    Stat tmp = stat_of(f.fs, "tmp");
    CHECK((tmp.st_mode & MODE_PERM) == 01777);
    Stat user = stat_of(f.fs, "home/user");
    CHECK(user.st_uid == 1000);
    CHECK(user.st_gid == 1000);
    CHECK(user.st_mtime == 1700000000);
    CHECK(user.st_mtime_nsec == 123456789);
    CHECK((stat_of(f.fs, "root").st_mode & MODE_PERM) == 0700);
    CHECK((stat_of(f.fs, "var/log").st_mode & MODE_TYPE) == MODE_DIR);

    Listed listed = list_dir(f.fs, "");
    const char* expected[] = { "bin", "dev", "etc", "home", "root", "tmp", "usr", "var" };
    REQUIRE(listed.names.size() == 8);
    for (usize i = 0; i < 8; ++i) {
        CHECK(listed.names[i] == expected[i]);
        CHECK(listed.kinds[i] == DT_DIR);
    }
    // populate twice is harmless
    f.fs.populate_base_tree();
    CHECK(list_dir(f.fs, "").names.size() == 8);
}

TEST_CASE("memfs: create, write, read at offsets")
{
    Fixture f;
    u64 h = must_open(f.fs, "tmp/a.txt", O_CREAT | O_RDWR | 0644);
    CHECK(f.fs.write(h, "hello world", 11, 0).value() == 11);
    CHECK(f.fs.fsize(h).value() == 11);
    CHECK(f.fs.write(h, "W", 1, 6).value() == 1);
    char buffer[32] {};
    CHECK(f.fs.read(h, buffer, 5, 6).value() == 5);
    CHECK(StringView(buffer, 5) == "World");
    CHECK(f.fs.read(h, buffer, sizeof buffer, 11).value() == 0);
    CHECK(f.fs.read(h, buffer, sizeof buffer, 1000).value() == 0);
    // a write past the end leaves a zero-filled hole
    CHECK(f.fs.write(h, "!", 1, 15).value() == 1);
    CHECK(f.fs.fsize(h).value() == 16);
    CHECK(f.fs.read(h, buffer, sizeof buffer, 0).value() == 16);
    CHECK(memcmp(buffer, "hello World\0\0\0\0!", 16) == 0);
    CHECK(!f.fs.close(h).is_error());
    CHECK(error_of(f.fs.close(h)) == EBADF);

    Stat st = stat_of(f.fs, "tmp/a.txt");
    CHECK((st.st_mode & MODE_TYPE) == MODE_FILE);
    CHECK((st.st_mode & MODE_PERM) == 0644);
    CHECK(st.st_size == 16);
    CHECK(st.st_blocks == 1);
    CHECK(st.st_blksize == 4096);
    CHECK(st.st_nlink == 1);

    // O_APPEND writes at the end whatever offset is passed
    u64 a = must_open(f.fs, "tmp/a.txt", O_WRONLY | O_APPEND);
    CHECK(f.fs.write(a, "++", 2, 0).value() == 2);
    CHECK(f.fs.fsize(a).value() == 18);
    CHECK(!f.fs.close(a).is_error());

    // O_TRUNC empties
    u64 t = must_open(f.fs, "tmp/a.txt", O_WRONLY | O_TRUNC);
    CHECK(f.fs.fsize(t).value() == 0);
    // access modes: no read on a write-only handle, no write on a read-only one
    CHECK(error_of(f.fs.read(t, buffer, 1, 0)) == EBADF);
    CHECK(!f.fs.close(t).is_error());
    u64 r = must_open(f.fs, "tmp/a.txt", O_RDONLY);
    CHECK(error_of(f.fs.write(r, "x", 1, 0)) == EBADF);
    CHECK(!f.fs.close(r).is_error());
    CHECK(f.fs.open_handle_count() == 0);
    CHECK(f.fs.used_bytes() == 0);
}

TEST_CASE("memfs: open errors")
{
    Fixture f;
    write_file(f.fs, "etc/file", "x");
    CHECK(error_of(f.fs.open("etc/missing", O_RDONLY, ROOT)) == ENOENT);
    CHECK(error_of(f.fs.open("nodir/missing", O_CREAT | O_RDWR, ROOT)) == ENOENT);
    CHECK(error_of(f.fs.open("etc/file", O_CREAT | O_EXCL | O_RDWR, ROOT)) == EEXIST);
    CHECK(error_of(f.fs.open("etc", O_CREAT | O_EXCL | O_DIRECTORY, ROOT)) == EEXIST);
    CHECK(error_of(f.fs.open("etc/file/x", O_RDONLY, ROOT)) == ENOTDIR);
    CHECK(error_of(f.fs.open("etc/file/x", O_CREAT | O_RDWR, ROOT)) == ENOTDIR);
    CHECK(error_of(f.fs.open("etc/file", O_DIRECTORY | O_RDONLY, ROOT)) == ENOTDIR);
    CHECK(error_of(f.fs.open("etc/file/", O_RDONLY, ROOT)) == ENOTDIR);
    CHECK(error_of(f.fs.open("etc", O_WRONLY, ROOT)) == EISDIR);
    CHECK(error_of(f.fs.open("etc", O_RDWR, ROOT)) == EISDIR);
    CHECK(error_of(f.fs.open("etc/file", O_SYMLINK | O_RDONLY, ROOT)) == 0); // lstat-like open of a non-link
    CHECK(error_of(f.fs.open("etc/file", O_SYMLINK | O_WRONLY, ROOT)) == EINVAL);
    CHECK(error_of(f.fs.open("etc/x", O_CREAT | O_DIRECTORY | O_SYMLINK, ROOT)) == EINVAL);
    // malformed paths give errnos
    CHECK(error_of(f.fs.open(StringView("etc/a\0b", 7), O_CREAT | O_RDWR, ROOT)) == EINVAL);
    CHECK(error_of(f.fs.open("//etc//./file", O_RDONLY, ROOT)) == 0);

    u64 d = must_open(f.fs, "etc", O_DIRECTORY | O_RDONLY);
    char buffer[8];
    CHECK(error_of(f.fs.read(d, buffer, sizeof buffer, 0)) == EISDIR);
    CHECK(error_of(f.fs.write(d, buffer, 1, 0)) == EISDIR);
    CHECK(error_of(f.fs.ftruncate(d, 0)) == EISDIR);
    CHECK(!f.fs.close(d).is_error());
    u64 file = must_open(f.fs, "etc/file", O_RDONLY);
    CHECK(error_of(f.fs.getdents(file, buffer, sizeof buffer, 0)) == ENOTDIR);
    CHECK(!f.fs.close(file).is_error());
    CHECK(error_of(f.fs.read(12345, buffer, 1, 0)) == EBADF);
    CHECK(error_of(f.fs.fsize(ROOT_HANDLE)) == EBADF);
}

TEST_CASE("memfs: mkdir, rmdir, unlink")
{
    Fixture f;
    CHECK(!f.fs.mkdir("tmp/d", 0755, ROOT).is_error());
    CHECK(error_of(f.fs.mkdir("tmp/d", 0755, ROOT)) == EEXIST);
    CHECK(!f.fs.mkdir("tmp/d/e", 0700, ROOT).is_error());
    CHECK(stat_of(f.fs, "tmp/d").st_nlink == 3);
    write_file(f.fs, "tmp/d/f", "data");

    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "tmp/d", AT_REMOVEDIR, ROOT)) == ENOTEMPTY);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "tmp/d", 0, ROOT)) == EISDIR);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "tmp/d/f", AT_REMOVEDIR, ROOT)) == ENOTDIR);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "tmp/d/nope", 0, ROOT)) == ENOENT);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "", AT_REMOVEDIR, ROOT)) == EBUSY);

    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/d/f", 0, ROOT).is_error());
    CHECK(error_of(f.fs.open("tmp/d/f", O_RDONLY, ROOT)) == ENOENT);
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/d/e", AT_REMOVEDIR, ROOT).is_error());
    CHECK(stat_of(f.fs, "tmp/d").st_nlink == 2);
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/d", AT_REMOVEDIR, ROOT).is_error());
    CHECK(list_dir(f.fs, "tmp").names.size() == 0);

    // a removed directory that is still open: empty, and nothing can be created in it
    CHECK(!f.fs.mkdir("tmp/gone", 0755, ROOT).is_error());
    u64 d = must_open(f.fs, "tmp/gone", O_DIRECTORY | O_RDONLY);
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/gone", AT_REMOVEDIR, ROOT).is_error());
    CHECK(error_of(f.fs.open("x", O_CREAT | O_RDWR, ROOT, d)) == ENOENT);
    Stat st {};
    CHECK(!f.fs.fstat(d, st).is_error());
    CHECK(st.st_nlink == 0);
    CHECK(!f.fs.close(d).is_error());
}

TEST_CASE("memfs: permissions")
{
    Fixture f;
    write_file(f.fs, "secret", "top", ROOT, 0600);
    CHECK(error_of(f.fs.open("secret", O_RDONLY, USER)) == EACCES);
    CHECK(error_of(f.fs.open("secret", O_WRONLY, USER)) == EACCES);
    // O_STAT needs no read permission
    u64 s = must_open(f.fs, "secret", O_STAT | O_RDONLY, USER);
    Stat st {};
    CHECK(!f.fs.fstat(s, st).is_error());
    CHECK(st.st_size == 3);
    char c;
    CHECK(error_of(f.fs.read(s, &c, 1, 0)) == EBADF);
    CHECK(!f.fs.close(s).is_error());

    // /root is 0700: no search, no listing
    write_file(f.fs, "root/x", "x");
    CHECK(error_of(f.fs.open("root/x", O_RDONLY, USER)) == EACCES);
    CHECK(error_of(f.fs.open("root/x", O_STAT, USER)) == EACCES);
    CHECK(error_of(f.fs.open("root", O_DIRECTORY | O_RDONLY, USER)) == EACCES);
    CHECK(error_of(f.fs.open("root/new", O_CREAT | O_RDWR, USER)) == EACCES);
    CHECK(read_file(f.fs, "root/x") == "x"); // root passes everything

    // creating needs write permission on the parent
    CHECK(error_of(f.fs.open("etc/passwd", O_CREAT | O_RDWR | 0644, USER)) == EACCES);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "secret", 0, USER)) == EACCES);

    // new files belong to the caller, mode from the flags
    write_file(f.fs, "home/user/notes", "mine", USER, 0640);
    st = stat_of(f.fs, "home/user/notes");
    CHECK(st.st_uid == 1000);
    CHECK(st.st_gid == 1000);
    CHECK((st.st_mode & MODE_PERM) == 0640);
    CHECK(read_file(f.fs, "home/user/notes", USER) == "mine");
    // group bits: a member of group 1000 with another uid reads, others do not
    CHECK(read_file(f.fs, "home/user/notes", Cred { 1002, 1000 }) == "mine");
    CHECK(error_of(f.fs.open("home/user/notes", O_RDONLY, OTHER)) == EACCES);
    CHECK(error_of(f.fs.open("home/user/notes", O_RDWR, Cred { 1002, 1000 })) == EACCES);
    // a file created 0444 can still be written through the creating handle
    u64 h = must_open(f.fs, "home/user/ro", O_CREAT | O_RDWR | 0444, USER);
    CHECK(f.fs.write(h, "ok", 2, 0).value() == 2);
    CHECK(!f.fs.close(h).is_error());
    CHECK(error_of(f.fs.open("home/user/ro", O_WRONLY, USER)) == EACCES);

    // sticky /tmp: only the owner (or root) unlinks or renames
    write_file(f.fs, "tmp/users", "u", USER);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "tmp/users", 0, OTHER)) == EPERM);
    u64 r = must_open(f.fs, "tmp/users", O_STAT, OTHER);
    CHECK(error_of(f.fs.frename(r, "tmp/stolen", OTHER)) == EPERM);
    CHECK(!f.fs.close(r).is_error());
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/users", 0, USER).is_error());
}

TEST_CASE("memfs: a write by someone other than root drops setuid and setgid, as Linux")
{
    Fixture f;
    write_file(f.fs, "tmp/s", "x", ROOT, 06777);
    u64 h = must_open(f.fs, "tmp/s", O_WRONLY); // root keeps them
    CHECK(f.fs.write(h, "y", 1, 0).value() == 1);
    CHECK(!f.fs.close(h).is_error());
    CHECK((stat_of(f.fs, "tmp/s").st_mode & 07777) == 06777);
    h = must_open(f.fs, "tmp/s", O_WRONLY, USER);
    CHECK(f.fs.write(h, "z", 1, 0).value() == 1);
    CHECK(!f.fs.close(h).is_error());
    CHECK((stat_of(f.fs, "tmp/s").st_mode & 07777) == 0777);
    // setgid without group execute stays for a writer in the file's group.
    write_file(f.fs, "tmp/g", "x", ROOT, 02766);
    CHECK(!f.fs.close(must_open(f.fs, "tmp/g", O_STAT | O_RDONLY)).is_error());
    h = must_open(f.fs, "tmp/g", O_WRONLY, Cred { 1000, 0 });
    CHECK(f.fs.write(h, "z", 1, 0).value() == 1);
    CHECK(!f.fs.close(h).is_error());
    CHECK((stat_of(f.fs, "tmp/g").st_mode & 07777) == 02766);
}

TEST_CASE("memfs: fchmod, fchown, futimens")
{
    Fixture f;
    write_file(f.fs, "home/user/f", "x", USER, 0644);
    u64 h = must_open(f.fs, "home/user/f", O_STAT, USER);
    CHECK(!f.fs.fchmod(h, 0600, USER).is_error());
    CHECK((stat_of(f.fs, "home/user/f").st_mode & MODE_PERM) == 0600);
    CHECK((stat_of(f.fs, "home/user/f").st_mode & MODE_TYPE) == MODE_FILE);
    CHECK(error_of(f.fs.fchmod(h, 0777, OTHER)) == EPERM);
    CHECK(error_of(f.fs.fchown(h, 0, 1000, USER)) == EPERM);
    CHECK(error_of(f.fs.fchown(h, 1000, 5, USER)) == EPERM);
    CHECK(!f.fs.fchown(h, ~0ull, 1000, USER).is_error());
    CHECK(!f.fs.fchown(h, 7, 8, ROOT).is_error());
    Stat st = stat_of(f.fs, "home/user/f");
    CHECK(st.st_uid == 7);
    CHECK(st.st_gid == 8);
    CHECK(!f.fs.fchown(h, 1000, 0xFFFFFFFF, ROOT).is_error());
    CHECK(stat_of(f.fs, "home/user/f").st_gid == 8);

    TimeSpec times[2] = { { 100, 5, 0 }, { 200, 6, 0 } };
    CHECK(error_of(f.fs.futimens(h, times, 2, OTHER)) == EPERM);
    CHECK(!f.fs.futimens(h, times, 2, USER).is_error());
    st = stat_of(f.fs, "home/user/f");
    CHECK(st.st_atime == 100);
    CHECK(st.st_atime_nsec == 5);
    CHECK(st.st_mtime == 200);
    CHECK(st.st_mtime_nsec == 6);
    TimeSpec omit[2] = { { 0, UTIME_OMIT, 0 }, { 0, UTIME_NOW, 0 } };
    f.fs.set_time(Time { 300, 7 });
    CHECK(!f.fs.futimens(h, omit, 2, USER).is_error());
    st = stat_of(f.fs, "home/user/f");
    CHECK(st.st_atime == 100);
    CHECK(st.st_mtime == 300);
    CHECK(st.st_ctime == 300);
    TimeSpec bad[2] = { { 0, 1000000000, 0 }, { 0, 0, 0 } };
    CHECK(error_of(f.fs.futimens(h, bad, 2, USER)) == EINVAL);
    CHECK(!f.fs.close(h).is_error());
}

TEST_CASE("memfs: hard links")
{
    Fixture f;
    write_file(f.fs, "tmp/a", "shared");
    u64 h = must_open(f.fs, "tmp/a", O_RDONLY);
    CHECK(!f.fs.flink(h, "home/b", ROOT).is_error());
    CHECK(error_of(f.fs.flink(h, "home/b", ROOT)) == EEXIST);
    CHECK(error_of(f.fs.flink(h, "nodir/b", ROOT)) == ENOENT);
    CHECK(error_of(f.fs.flink(h, "home/user/c", USER)) == 0);
    CHECK(stat_of(f.fs, "tmp/a").st_nlink == 3);
    CHECK(stat_of(f.fs, "home/b").st_ino == stat_of(f.fs, "tmp/a").st_ino);
    CHECK(read_file(f.fs, "home/b") == "shared");

    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/a", 0, ROOT).is_error());
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "home/user/c", 0, ROOT).is_error());
    CHECK(stat_of(f.fs, "home/b").st_nlink == 1);
    u64 nodes = f.fs.node_count();
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "home/b", 0, ROOT).is_error());
    // still open: the data lives until the last handle goes
    CHECK(f.fs.node_count() == nodes);
    char buffer[16];
    CHECK(f.fs.read(h, buffer, sizeof buffer, 0).value() == 6);
    Stat st {};
    CHECK(!f.fs.fstat(h, st).is_error());
    CHECK(st.st_nlink == 0);
    CHECK(error_of(f.fs.flink(h, "tmp/again", ROOT)) == ENOENT);
    CHECK(!f.fs.close(h).is_error());
    CHECK(f.fs.node_count() == nodes - 1);
    CHECK(f.fs.used_bytes() == 0);

    u64 d = must_open(f.fs, "tmp", O_DIRECTORY | O_RDONLY);
    CHECK(error_of(f.fs.flink(d, "tmp2", ROOT)) == EPERM);
    CHECK(!f.fs.close(d).is_error());
}

TEST_CASE("memfs: symlinks")
{
    Fixture f;
    CHECK(!f.fs.mkdir("usr/lib", 0755, ROOT).is_error());
    write_file(f.fs, "usr/lib/real", "target data");

    auto make_link = [&](StringView path, StringView target) {
        u64 l = must_open(f.fs, path, O_SYMLINK | O_CREAT | O_EXCL | O_WRONLY | 0777);
        REQUIRE(f.fs.write(l, target.chars(), target.length(), 0).value() == target.length());
        REQUIRE(!f.fs.close(l).is_error());
    };
    make_link("usr/lib/rel", "real"); // relative to the link's directory
    make_link("abs", "/usr/lib/real"); // absolute: from the scheme root
    make_link("lib", "usr/lib"); // a directory link
    make_link("up", "../usr/./lib/real"); // ".." in a target
    make_link("dangling", "tmp/newfile");

    CHECK(read_file(f.fs, "usr/lib/rel") == "target data");
    CHECK(read_file(f.fs, "abs") == "target data");
    CHECK(read_file(f.fs, "lib/real") == "target data");
    CHECK(read_file(f.fs, "lib/rel") == "target data");
    CHECK(read_file(f.fs, "up") == "target data");
    CHECK(list_dir(f.fs, "lib").names.size() == 2);

    // the link itself: O_SYMLINK reads the target text, O_NOFOLLOW stats the link
    u64 l = must_open(f.fs, "abs", O_SYMLINK | O_RDONLY);
    char buffer[64];
    auto n = f.fs.read(l, buffer, sizeof buffer, 0);
    CHECK(StringView(buffer, n.value()) == "/usr/lib/real");
    CHECK(!f.fs.close(l).is_error());
    Stat st = stat_of(f.fs, "abs", O_NOFOLLOW);
    CHECK((st.st_mode & MODE_TYPE) == MODE_SYMLINK);
    CHECK(st.st_size == 13);
    CHECK((stat_of(f.fs, "abs").st_mode & MODE_TYPE) == MODE_FILE);
    // fpath of a followed path is the resolved one
    u64 r = must_open(f.fs, "lib/rel", O_RDONLY);
    CHECK(path_of(f.fs, r) == "/usr/lib/real");
    CHECK(!f.fs.close(r).is_error());

    Listed listed = list_dir(f.fs, "");
    for (usize i = 0; i < listed.names.size(); ++i) {
        if (listed.names[i] == "abs")
            CHECK(listed.kinds[i] == DT_LNK);
    }

    // O_CREAT through a dangling link creates the target; O_EXCL does not follow
    CHECK(error_of(f.fs.open("dangling", O_RDONLY, ROOT)) == ENOENT);
    CHECK(error_of(f.fs.open("dangling", O_CREAT | O_EXCL | O_WRONLY, ROOT)) == EEXIST);
    write_file(f.fs, "dangling", "made");
    CHECK(read_file(f.fs, "tmp/newfile") == "made");

    // loops
    make_link("loop1", "loop2");
    make_link("loop2", "loop1");
    make_link("self", "self/x");
    CHECK(error_of(f.fs.open("loop1", O_RDONLY, ROOT)) == ELOOP);
    CHECK(error_of(f.fs.open("loop1/x", O_RDONLY, ROOT)) == ELOOP);
    CHECK(error_of(f.fs.open("self", O_RDONLY, ROOT)) == ELOOP);
    // 40 hops are fine, 41 are not (cN reaches the file through N + 1 links)
    make_link("c0", "usr/lib/real");
    for (int i = 1; i <= 40; ++i) {
        char name[8], target[8];
        ktl::format_buffer(name, sizeof name, "c%d", i);
        ktl::format_buffer(target, sizeof target, "c%d", i - 1);
        make_link(name, target);
    }
    CHECK(read_file(f.fs, "c39") == "target data");
    CHECK(error_of(f.fs.open("c40", O_RDONLY, ROOT)) == ELOOP);

    // unlink removes the link, not the target
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "abs", 0, ROOT).is_error());
    CHECK(read_file(f.fs, "usr/lib/real") == "target data");
    // a link into /root is still subject to search permission
    write_file(f.fs, "root/hidden", "h");
    make_link("tmp/peek", "/root/hidden");
    CHECK(error_of(f.fs.open("tmp/peek", O_RDONLY, USER)) == EACCES);
}

TEST_CASE("memfs: FIFO and socket nodes hold no data; no device nodes")
{
    Fixture f;
    special_nodes::check(f.fs, ROOT, USER);
}

TEST_CASE("memfs: rename")
{
    Fixture f;
    write_file(f.fs, "tmp/a", "A");
    write_file(f.fs, "tmp/b", "B");
    CHECK(!f.fs.mkdir("tmp/d", 0755, ROOT).is_error());
    CHECK(!f.fs.mkdir("tmp/d/sub", 0755, ROOT).is_error());
    CHECK(!f.fs.mkdir("tmp/empty", 0755, ROOT).is_error());
    CHECK(!f.fs.mkdir("tmp/full", 0755, ROOT).is_error());
    write_file(f.fs, "tmp/full/x", "x");

    // simple move, across directories, the handle follows
    u64 a = must_open(f.fs, "tmp/a", O_RDONLY);
    CHECK(!f.fs.frename(a, "home/a2", ROOT).is_error());
    CHECK(path_of(f.fs, a) == "/home/a2");
    CHECK(error_of(f.fs.open("tmp/a", O_RDONLY, ROOT)) == ENOENT);
    CHECK(read_file(f.fs, "home/a2") == "A");

    // replace a file
    CHECK(!f.fs.frename(a, "tmp/b", ROOT).is_error());
    CHECK(read_file(f.fs, "tmp/b") == "A");
    CHECK(error_of(f.fs.open("home/a2", O_RDONLY, ROOT)) == ENOENT);
    // file over a directory, directory over a file
    CHECK(error_of(f.fs.frename(a, "tmp/empty", ROOT)) == EISDIR);
    u64 d = must_open(f.fs, "tmp/d", O_DIRECTORY | O_RDONLY);
    CHECK(error_of(f.fs.frename(d, "tmp/b", ROOT)) == ENOTDIR);
    // dir over a non-empty dir, into itself
    CHECK(error_of(f.fs.frename(d, "tmp/full", ROOT)) == ENOTEMPTY);
    CHECK(error_of(f.fs.frename(d, "tmp/d/sub/inner", ROOT)) == EINVAL);
    CHECK(error_of(f.fs.frename(d, "tmp/d/x", ROOT)) == EINVAL);
    // a handle below the directory, then the move over an empty dir
    u64 sub = must_open(f.fs, "tmp/d/sub", O_DIRECTORY | O_RDONLY);
    u64 nodes = f.fs.node_count();
    CHECK(!f.fs.frename(d, "tmp/empty", ROOT).is_error());
    CHECK(f.fs.node_count() == nodes - 1);
    CHECK(path_of(f.fs, d) == "/tmp/empty");
    CHECK(path_of(f.fs, sub) == "/tmp/empty/sub");
    CHECK(error_of(f.fs.open("tmp/d", O_RDONLY, ROOT)) == ENOENT);
    CHECK(stat_of(f.fs, "tmp/empty/sub").st_ino != 0);
    // the moved directory's ".." is its new parent
    CHECK(!f.fs.mkdir("home/newparent", 0755, ROOT).is_error());
    CHECK(!f.fs.frename(d, "home/newparent/moved", ROOT).is_error());
    CHECK(read_file(f.fs, "home/newparent/moved/../../../tmp/b") == "A");
    CHECK(stat_of(f.fs, "home/newparent").st_nlink == 3);
    // same name: nothing happens
    CHECK(!f.fs.frename(d, "home/newparent/moved", ROOT).is_error());
    // the root cannot move
    u64 root = must_open(f.fs, "", O_DIRECTORY | O_RDONLY);
    CHECK(error_of(f.fs.frename(root, "tmp/root", ROOT)) == EBUSY);
    // a user cannot rename out of a directory it cannot write
    u64 e = must_open(f.fs, "etc", O_STAT, USER);
    CHECK(error_of(f.fs.frename(e, "home/user/etc", USER)) == EACCES);
    for (u64 h : { a, d, sub, root, e })
        CHECK(!f.fs.close(h).is_error());
    // a handle whose name was removed meanwhile
    write_file(f.fs, "tmp/c", "c");
    u64 c = must_open(f.fs, "tmp/c", O_RDONLY);
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/c", 0, ROOT).is_error());
    CHECK(error_of(f.fs.frename(c, "tmp/c2", ROOT)) == ENOENT);
    CHECK(!f.fs.close(c).is_error());
}

TEST_CASE("memfs: truncate")
{
    Fixture f;
    u64 h = must_open(f.fs, "tmp/t", O_CREAT | O_RDWR | 0644);
    CHECK(f.fs.write(h, "abcdefgh", 8, 0).value() == 8);
    CHECK(!f.fs.ftruncate(h, 3).is_error());
    CHECK(f.fs.fsize(h).value() == 3);
    CHECK(f.fs.used_bytes() == 3);
    CHECK(!f.fs.ftruncate(h, 6).is_error());
    char buffer[16];
    CHECK(f.fs.read(h, buffer, sizeof buffer, 0).value() == 6);
    CHECK(memcmp(buffer, "abc\0\0\0", 6) == 0); // grown bytes are zero, not the old data
    CHECK(!f.fs.ftruncate(h, 100000).is_error());
    CHECK(stat_of(f.fs, "tmp/t").st_blocks == (100000 + 511) / 512);
    CHECK(!f.fs.ftruncate(h, 0).is_error());
    CHECK(f.fs.used_bytes() == 0);
    CHECK(!f.fs.close(h).is_error());
    u64 r = must_open(f.fs, "tmp/t", O_RDONLY);
    CHECK(error_of(f.fs.ftruncate(r, 1)) == EBADF);
    CHECK(!f.fs.close(r).is_error());
    // O_TRUNC truncates whatever the access mode (as Linux), and needs write permission.
    write_file(f.fs, "tmp/t", "data");
    CHECK(error_of(f.fs.open("tmp/t", O_RDONLY | O_TRUNC, USER)) == EACCES);
    CHECK(read_file(f.fs, "tmp/t") == "data");
    CHECK(!f.fs.close(must_open(f.fs, "tmp/t", O_RDONLY | O_TRUNC)).is_error());
    CHECK(read_file(f.fs, "tmp/t") == "");
    CHECK(!f.fs.close(must_open(f.fs, "tmp", O_STAT | O_RDONLY | O_TRUNC)).is_error()); // not a file: nothing
}

TEST_CASE("memfs: getdents paging")
{
    Fixture f;
    CHECK(!f.fs.mkdir("tmp/list", 0755, ROOT).is_error());
    const char* names[] = { "zeta", "alpha", "a-much-longer-file-name-for-padding", "m", "beta" };
    for (const char* name : names) {
        char path[128];
        ktl::format_buffer(path, sizeof path, "tmp/list/%s", name);
        write_file(f.fs, path, name);
    }
    CHECK(!f.fs.mkdir("tmp/list/dir", 0755, ROOT).is_error());
    const char* sorted[] = { "a-much-longer-file-name-for-padding", "alpha", "beta", "dir", "m", "zeta" };

    for (usize size : { usize(64), usize(80), usize(100), usize(512) }) {
        Listed listed = list_dir(f.fs, "tmp/list", size);
        REQUIRE(listed.names.size() == 6);
        for (usize i = 0; i < 6; ++i)
            CHECK(listed.names[i] == sorted[i]);
        CHECK(listed.kinds[3] == DT_DIR);
        CHECK(listed.kinds[0] == DT_REG);
    }

    u64 h = must_open(f.fs, "tmp/list", O_DIRECTORY | O_RDONLY);
    alignas(8) u8 buffer[256];
    // a buffer too small for the first record
    CHECK(error_of(f.fs.getdents(h, buffer, 24, 0)) == EINVAL);
    // exactly one record: "alpha" needs 19 + 6 -> 32 bytes
    auto n = f.fs.getdents(h, buffer, 32, 1);
    REQUIRE(n.value() == 32);
    auto* header = reinterpret_cast<DirentHeader*>(buffer);
    CHECK(StringView(header->name) == "alpha");
    CHECK(header->record_length == 32);
    CHECK(header->next_offset == 2);
    CHECK(header->inode == stat_of(f.fs, "tmp/list/alpha").st_ino);
    // past the end
    CHECK(f.fs.getdents(h, buffer, sizeof buffer, 6).value() == 0);
    CHECK(f.fs.getdents(h, buffer, sizeof buffer, 1000).value() == 0);
    // opened for stat only: no listing
    CHECK(!f.fs.close(h).is_error());
    u64 s = must_open(f.fs, "tmp/list", O_STAT);
    CHECK(error_of(f.fs.getdents(s, buffer, sizeof buffer, 0)) == EBADF);
    CHECK(!f.fs.close(s).is_error());
}

TEST_CASE("memfs: name length")
{
    Fixture f;
    char name[300];
    memset(name, 'n', sizeof name);
    memcpy(name, "tmp/", 4);
    CHECK(!f.fs.open(StringView(name, 4 + 255), O_CREAT | O_RDWR, ROOT).is_error());
    CHECK(error_of(f.fs.open(StringView(name, 4 + 256), O_CREAT | O_RDWR, ROOT)) == ENAMETOOLONG);
    CHECK(error_of(f.fs.mkdir(StringView(name, 4 + 256), 0755, ROOT)) == ENAMETOOLONG);
    Listed listed = list_dir(f.fs, "tmp");
    REQUIRE(listed.names.size() == 1);
    CHECK(listed.names[0].length() == 255);
    // a whole path beyond PATH_MAX
    String long_path;
    for (int i = 0; i < 500; ++i)
        long_path.append("abcdefghi/");
    CHECK(error_of(f.fs.open(long_path, O_RDONLY, ROOT)) == ENAMETOOLONG);
}

TEST_CASE("memfs: capacity and ENOSPC")
{
    Fixture f(16384);
    StatVfs vfs {};
    u64 h = must_open(f.fs, "tmp/big", O_CREAT | O_RDWR | 0644);
    CHECK(!f.fs.fstatvfs(h, vfs).is_error());
    CHECK(vfs.f_bsize == 4096);
    CHECK(vfs.f_blocks == 4);
    CHECK(vfs.f_bfree == 4);
    static char chunk[10000];
    CHECK(f.fs.write(h, chunk, sizeof chunk, 0).value() == 10000);
    // the next write is cut short at the capacity, then ENOSPC
    CHECK(f.fs.write(h, chunk, sizeof chunk, 10000).value() == 6384);
    CHECK(error_of(f.fs.write(h, chunk, 1, 16384)) == ENOSPC);
    CHECK(f.fs.used_bytes() == 16384);
    CHECK(!f.fs.fstatvfs(h, vfs).is_error());
    CHECK(vfs.f_bfree == 0);
    u64 g = must_open(f.fs, "tmp/other", O_CREAT | O_RDWR | 0644);
    CHECK(error_of(f.fs.write(g, "x", 1, 0)) == ENOSPC);
    CHECK(error_of(f.fs.ftruncate(g, 1)) == ENOSPC);
    // overwriting inside the file needs no space
    CHECK(f.fs.write(h, "abc", 3, 0).value() == 3);
    // freeing space
    CHECK(!f.fs.ftruncate(h, 4096).is_error());
    CHECK(f.fs.write(g, chunk, 5000, 0).value() == 5000);
    CHECK(!f.fs.close(h).is_error());
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/big", 0, ROOT).is_error());
    CHECK(f.fs.used_bytes() == 5000);
    CHECK(!f.fs.close(g).is_error());

    Memfs few(1 << 20, 3); // root + 2 more nodes
    CHECK(!few.mkdir("a", 0755, ROOT).is_error());
    CHECK(!few.mkdir("b", 0755, ROOT).is_error());
    CHECK(error_of(few.mkdir("c", 0755, ROOT)) == ENOSPC);
}

TEST_CASE("memfs: a directory with 10,000 entries")
{
    Fixture f;
    CHECK(!f.fs.mkdir("tmp/many", 0755, ROOT).is_error());
    char path[64];
    // insert in a scrambled order so the sorted insert is exercised
    for (u32 i = 0; i < 10000; ++i) {
        u32 k = (i * 7919) % 10000;
        ktl::format_buffer(path, sizeof path, "tmp/many/f%05u", k);
        u64 h = must_open(f.fs, path, O_CREAT | O_EXCL | O_WRONLY | 0644);
        REQUIRE(!f.fs.close(h).is_error());
    }
    Listed listed = list_dir(f.fs, "tmp/many", 4096);
    REQUIRE(listed.names.size() == 10000);
    for (u32 i = 0; i < 10000; ++i) {
        ktl::format_buffer(path, sizeof path, "f%05u", i);
        if (!(listed.names[i] == path)) {
            FAIL("entry ", i, " out of order");
        }
    }
    CHECK(error_of(f.fs.open("tmp/many/f04242", O_RDONLY, ROOT)) == 0);
    CHECK(error_of(f.fs.open("tmp/many/f10000", O_RDONLY, ROOT)) == ENOENT);
    CHECK(error_of(f.fs.unlinkat(ROOT_HANDLE, "tmp/many", AT_REMOVEDIR, ROOT)) == ENOTEMPTY);
    for (u32 i = 0; i < 10000; ++i) {
        ktl::format_buffer(path, sizeof path, "tmp/many/f%05u", i);
        REQUIRE(!f.fs.unlinkat(ROOT_HANDLE, path, 0, ROOT).is_error());
    }
    CHECK(!f.fs.unlinkat(ROOT_HANDLE, "tmp/many", AT_REMOVEDIR, ROOT).is_error());
}

TEST_CASE("memfs: dup, openat, fpath, fevent, fcntl")
{
    Fixture f;
    write_file(f.fs, "home/user/doc", "text", USER);
    u64 dir = must_open(f.fs, "home/user", O_DIRECTORY | O_RDONLY, USER);
    auto rel = f.fs.open("doc", O_RDWR, USER, dir);
    REQUIRE(!rel.is_error());
    CHECK(path_of(f.fs, rel.value()) == "/home/user/doc");
    auto up = f.fs.open("../../etc", O_DIRECTORY | O_RDONLY, USER, dir);
    REQUIRE(!up.is_error());
    CHECK(path_of(f.fs, up.value()) == "/etc");
    CHECK(path_of(f.fs, dir) == "/home/user");
    CHECK(!f.fs.close(up.value()).is_error());
    u64 root = must_open(f.fs, "", O_DIRECTORY | O_RDONLY);
    CHECK(path_of(f.fs, root) == "/");
    char small[4];
    CHECK(f.fs.fpath(dir, small, sizeof small).value() == 4);
    CHECK(StringView(small, 4) == "/hom");
    CHECK(error_of(f.fs.open("doc", O_RDONLY, USER, rel.value())) == ENOTDIR);
    CHECK(!f.fs.unlinkat(dir, "doc", 0, USER).is_error());
    CHECK(error_of(f.fs.open("home/user/doc", O_RDONLY, USER)) == ENOENT);

    u64 copy = f.fs.dup(rel.value(), "").value();
    CHECK(copy != rel.value());
    CHECK(error_of(f.fs.dup(rel.value(), "write")) == EINVAL);
    CHECK(f.fs.write(copy, "T", 1, 0).value() == 1);
    char buffer[8];
    CHECK(f.fs.read(rel.value(), buffer, sizeof buffer, 0).value() == 4);
    CHECK(buffer[0] == 'T');
    CHECK(f.fs.fevent(copy, EVENT_READ | EVENT_WRITE).value() == (EVENT_READ | EVENT_WRITE));
    CHECK((f.fs.fcntl(copy, F_GETFL, 0).value() & O_ACCMODE) == O_RDWR);
    CHECK(f.fs.fcntl(copy, F_SETFL, O_APPEND).value() == 0);
    CHECK(f.fs.write(copy, "!", 1, 0).value() == 1);
    CHECK(f.fs.fsize(copy).value() == 5);
    CHECK(!f.fs.fsync(copy).is_error());
    for (u64 h : { dir, rel.value(), copy, root })
        CHECK(!f.fs.close(h).is_error());
    CHECK(f.fs.open_handle_count() == 0);
}

// ---- the request decoder --------------------------------------------------------------

namespace {

SchemeRequest request(u8 opcode, u32 tag, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0, u64 a4 = 0, Cred cred = ROOT)
{
    SchemeRequest r {};
    r.opcode = opcode;
    r.tag = tag;
    r.args[0] = a0;
    r.args[1] = a1;
    r.args[2] = a2;
    r.args[3] = a3;
    r.args[4] = a4;
    r.args[5] = cred.uid | (u64(cred.gid) << 32);
    r.caller_pid = 42;
    return r;
}

u64 addr(const void* p) { return reinterpret_cast<u64>(p); }
u64 neg(int code) { return static_cast<u64>(-static_cast<i64>(code)); }

} // namespace

TEST_CASE("memfs: request handler")
{
    Fixture f;
    RequestHandler handler(f.fs);
    SchemeCompletion c {};

    const char* path = "home/user/req.txt";
    auto open_req = request(OP_OPENAT, 7, ROOT_HANDLE, addr(path), strlen(path), O_CREAT | O_RDWR | 0600, 0, USER);
    REQUIRE(handler.handle(open_req, c));
    CHECK(c.tag == 7);
    CHECK(c.flags == COMPLETION_RESPOND_REGULAR);
    REQUIRE(c.result < 4096);
    u64 h = c.result;

    const char text[] = "request data";
    REQUIRE(handler.handle(request(OP_WRITE, 8, h, addr(text), 12, 0), c));
    CHECK(c.tag == 8);
    CHECK(c.result == 12);
    char buffer[32] {};
    REQUIRE(handler.handle(request(OP_READ, 9, h, addr(buffer), sizeof buffer, 8), c));
    CHECK(c.result == 4);
    CHECK(StringView(buffer, 4) == "data");
    CHECK(handler.execute(request(OP_FSIZE, 1, h)) == 12);

    Stat st {};
    CHECK(handler.execute(request(OP_FSTAT, 1, h, addr(&st), sizeof st)) == 0);
    CHECK(st.st_uid == 1000);
    CHECK((st.st_mode & MODE_PERM) == 0600);
    CHECK(st.st_size == 12);
    CHECK(handler.execute(request(OP_FSTAT, 1, h, addr(&st), 8)) == neg(EINVAL));
    CHECK(handler.execute(request(OP_FSTAT, 1, h, 0, sizeof st)) == neg(EFAULT));
    StatVfs vfs {};
    CHECK(handler.execute(request(OP_FSTATVFS, 1, h, addr(&vfs), sizeof vfs)) == 0);
    CHECK(vfs.f_blocks == DEFAULT_CAPACITY / 4096);

    CHECK(handler.execute(request(OP_FPATH, 1, h, addr(buffer), sizeof buffer)) == 18);
    CHECK(StringView(buffer, 18) == "/home/user/req.txt");
    CHECK(handler.execute(request(OP_FCHMOD, 1, h, 0644, 0, 0, 0, USER)) == 0);
    CHECK(handler.execute(request(OP_FCHMOD, 1, h, 0777, 0, 0, 0, OTHER)) == neg(EPERM));
    CHECK(handler.execute(request(OP_FTRUNCATE, 1, h, 3)) == 3 - 3);
    CHECK(handler.execute(request(OP_FSIZE, 1, h)) == 3);
    TimeSpec times[2] = { { 11, 0, 0 }, { 22, 0, 0 } };
    CHECK(handler.execute(request(OP_FUTIMENS, 1, h, addr(times), sizeof times, 0, 0, USER)) == 0);
    CHECK(handler.execute(request(OP_FSTAT, 1, h, addr(&st), sizeof st)) == 0);
    CHECK(st.st_mtime == 22);
    CHECK(handler.execute(request(OP_FSYNC, 1, h)) == 0);
    CHECK(handler.execute(request(OP_FEVENT, 1, h, EVENT_READ)) == EVENT_READ);

    const char* link_path = "home/user/req.link";
    CHECK(handler.execute(request(OP_FLINK, 1, h, addr(link_path), strlen(link_path), 0, 0, USER)) == 0);
    const char* new_path = "home/user/renamed.txt";
    CHECK(handler.execute(request(OP_FRENAME, 1, h, addr(new_path), strlen(new_path), 0, 0, USER)) == 0);
    CHECK(handler.execute(request(OP_FPATH, 1, h, addr(buffer), sizeof buffer)) == 22);

    u64 dup = handler.execute(request(OP_DUP, 1, h, 0, 0));
    REQUIRE(dup < 4096);
    CHECK(dup != h);

    // close is one-way: no completion
    auto close_req = request(OP_CLOSE, 10, dup);
    close_req.flags = REQUEST_FLAG_ONEWAY;
    CHECK(!handler.handle(close_req, c));
    CHECK(handler.execute(request(OP_FSIZE, 1, dup)) == neg(EBADF));
    CHECK(!handler.handle(request(OP_CLOSE, 11, h), c));
    CHECK(f.fs.open_handle_count() == 0);

    // unlinkat, rmdir through the handler
    CHECK(handler.execute(request(OP_UNLINKAT, 1, ROOT_HANDLE, addr(link_path), strlen(link_path), 0, 0, USER)) == 0);
    const char* dir_path = "home/user";
    CHECK(handler.execute(request(OP_UNLINKAT, 1, ROOT_HANDLE, addr(dir_path), strlen(dir_path), AT_REMOVEDIR))
        == neg(ENOTEMPTY));

    // getdents through the handler
    const char* home = "home/user";
    u64 d = handler.execute(
        request(OP_OPENAT, 1, ROOT_HANDLE, addr(home), strlen(home), O_DIRECTORY | O_RDONLY, 0, USER));
    REQUIRE(d < 4096);
    alignas(8) u8 dents[128];
    u64 n = handler.execute(request(OP_GETDENTS, 1, d, addr(dents), sizeof dents, 0));
    REQUIRE(n == 32); // 19-byte header + "renamed.txt" + NUL, padded to 8
    CHECK(StringView(reinterpret_cast<DirentHeader*>(dents)->name) == "renamed.txt");
    CHECK(handler.execute(request(OP_GETDENTS, 1, d, addr(dents), sizeof dents, 1)) == 0);
    CHECK(!handler.handle(request(OP_CLOSE, 1, d), c));

    // malformed requests give errnos
    CHECK(handler.execute(request(OP_OPENAT, 1, ROOT_HANDLE, 0, 5, O_RDONLY)) == neg(EFAULT));
    CHECK(handler.execute(request(OP_OPENAT, 1, ROOT_HANDLE, addr(path), 1u << 20, O_RDONLY)) == neg(ENAMETOOLONG));
    CHECK(handler.execute(request(OP_OPENAT, 1, 999, addr(path), strlen(path), O_RDONLY)) == neg(EBADF));
    CHECK(handler.execute(request(OP_READ, 1, 999, addr(buffer), 1, 0)) == neg(EBADF));
    CHECK(handler.execute(request(200, 1, 0)) == neg(ENOSYS));
    REQUIRE(handler.handle(request(200, 77, 0), c));
    CHECK(c.tag == 77);
    CHECK(c.result == neg(ENOSYS));
    const char* secret = "root";
    CHECK(handler.execute(request(OP_OPENAT, 1, ROOT_HANDLE, addr(secret), 4, O_DIRECTORY | O_RDONLY, 0, USER))
        == neg(EACCES));
}

TEST_CASE("memfs: random operations never crash or leak")
{
    Memfs fs(64 * 1024);
    fs.populate_base_tree();
    u64 state = 0x9E3779B97F4A7C15ull;
    auto next = [&](u64 bound) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % bound;
    };
    const char* parts[] = { "a", "b", "c", "l", "..", ".", "tmp", "" };
    auto random_path = [&](char* out, usize size) {
        usize n = 0;
        u64 depth = 1 + next(4);
        for (u64 i = 0; i < depth; ++i) {
            const char* part = parts[next(8)];
            n += ktl::format_buffer(out + n, size - n, "%s%s", i ? "/" : "", part);
            if (n >= size)
                n = size - 1;
        }
        return StringView(out, n);
    };
    const u64 flag_bits[] = { O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_SYMLINK, O_NOFOLLOW, O_STAT, O_APPEND };
    const char alphabet[] = "ab/.l";
    Vector<u64> handles;
    u64 successes[11] {};
    char path[128], path2[128];
    alignas(8) u8 buffer[600];
    for (int step = 0; step < 30000; ++step) {
        Cred cred = next(3) ? ROOT : USER;
        u64 op = next(11);
        u64 h = handles.is_empty() ? 12345 : handles[static_cast<usize>(next(handles.size()))];
        switch (op) {
        case 0:
        case 1: {
            u64 flags = (next(4) << 16) | (next(01000));
            for (u64 bit : flag_bits)
                if (next(4) == 0)
                    flags |= bit;
            auto r = fs.open(random_path(path, sizeof path), flags, cred);
            if (!r.is_error()) {
                handles.append(r.value());
                ++successes[op];
            }
            break;
        }
        case 2: {
            usize len = static_cast<usize>(next(300));
            for (usize i = 0; i < len; ++i)
                buffer[i] = static_cast<u8>(alphabet[next(5)]);
            if (!fs.write(h, buffer, len, next(3) ? next(64) : next(100000)).is_error())
                ++successes[op];
            break;
        }
        case 3:
            (void)fs.read(h, buffer, static_cast<usize>(next(sizeof buffer)), next(400)).is_error();
            break;
        case 4:
            if (!fs.getdents(h, buffer, static_cast<usize>(next(sizeof buffer)), next(5)).is_error())
                ++successes[op];
            break;
        case 5:
            (void)fs.ftruncate(h, next(3) ? next(500) : next(1 << 20)).is_error();
            break;
        case 6:
            if (!fs.frename(h, random_path(path2, sizeof path2), cred).is_error())
                ++successes[op];
            break;
        case 7:
            if (!fs.flink(h, random_path(path2, sizeof path2), cred).is_error())
                ++successes[op];
            break;
        case 8:
            if (!fs.unlinkat(
                       next(4) ? ROOT_HANDLE : h, random_path(path, sizeof path), next(2) ? AT_REMOVEDIR : 0, cred)
                     .is_error())
                ++successes[op];
            break;
        case 9: {
            Stat st;
            (void)fs.fstat(h, st).is_error();
            (void)fs.fpath(h, path, static_cast<usize>(next(sizeof path))).is_error();
            auto d = fs.dup(h, "");
            if (!d.is_error())
                handles.append(d.value());
            break;
        }
        case 10:
            if (!handles.is_empty()) {
                usize i = static_cast<usize>(next(handles.size()));
                CHECK(!fs.close(handles[i]).is_error());
                handles.remove(i);
            }
            break;
        }
        REQUIRE(fs.used_bytes() <= fs.capacity());
    }
    for (u64 op : { 0, 2, 4, 6, 7, 8 }) {
        INFO("operation ", op, " succeeded ", successes[op], " times");
        CHECK(successes[op] > 10);
    }
    CHECK(fs.open_handle_count() == handles.size());
    for (u64 h : handles)
        CHECK(!fs.close(h).is_error());
    CHECK(fs.open_handle_count() == 0);
}

TEST_CASE("memfs: file contents in chunks: holes, chunk boundaries, shrinking and growing again")
{
    memfs::Bytes bytes;
    constexpr usize C = memfs::Bytes::CHUNK;
    std::string pattern(3 * C + 100, '\0');
    for (usize i = 0; i < pattern.size(); ++i)
        pattern[i] = static_cast<char>('a' + i % 26);
    bytes.resize(10);
    bytes.write(0, "small", 5); // a small first chunk
    std::string out(10, 'x');
    bytes.read(0, out.data(), 10);
    CHECK(out == std::string("small\0\0\0\0\0", 10));

    bytes.resize(pattern.size());
    bytes.write(C - 50, pattern.data() + C - 50, 2 * C); // across two chunk boundaries
    std::string all(pattern.size(), 'x');
    bytes.read(0, all.data(), all.size());
    CHECK(all.substr(0, 5) == "small");
    CHECK(all.substr(5, C - 55) == std::string(C - 55, '\0')); // never written: zeros
    CHECK(all.substr(C - 50, 2 * C) == pattern.substr(C - 50, 2 * C));
    CHECK(all.substr(3 * C - 50) == std::string(150, '\0')); // a hole at the end

    bytes.resize(C + 10); // shrink into the second chunk, then grow: the old bytes are gone
    bytes.resize(2 * C);
    std::string again(C - 10, 'x');
    bytes.read(C + 10, again.data(), again.size());
    CHECK(again == std::string(C - 10, '\0'));
    std::string kept(10, 'x');
    bytes.read(C, kept.data(), 10);
    CHECK(kept == pattern.substr(C, 10));
    bytes.resize(0);
    CHECK(bytes.size() == 0);
    bytes.resize(100);
    std::string zeros(100, 'x');
    bytes.read(0, zeros.data(), 100);
    CHECK(zeros == std::string(100, '\0'));
}
