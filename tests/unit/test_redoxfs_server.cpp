// Unit tests for redoxfs::Server (schemes/redoxfs/server.h): the `file` scheme over RedoxFS,
// driven through memfs's request decoding like redoxfsd does, on an in-memory device.
#include <doctest/doctest.h>

#include "../../schemes/memfs/request_handler.h"
#include "../../schemes/redoxfs/fsck.h"
#include "../../schemes/redoxfs/server.h"
#include "special_nodes.h"

#include <cstring>
#include <string>
#include <vector>

using namespace redox;

namespace {

struct Disk {
    redoxfs::MemoryBlockDevice device { 4096 };
    redoxfs::FileSystem* fs { nullptr };
    redoxfs::Server* server { nullptr };

    Disk()
    {
        REQUIRE_FALSE(redoxfs::FileSystem::mkfs(device, {}).is_error());
        mount();
        server->populate_base_tree();
    }
    ~Disk() { unmount(); }
    void mount()
    {
        fs = new redoxfs::FileSystem(device);
        REQUIRE_FALSE(fs->mount().is_error());
        server = new redoxfs::Server(*fs);
    }
    void unmount()
    {
        delete server;
        delete fs;
        server = nullptr;
        fs = nullptr;
    }
    void remount()
    {
        REQUIRE_FALSE(server->commit_if_changed().is_error());
        unmount();
        mount();
    }
};

const memfs::Cred root {};
const memfs::Cred user { 1000, 1000 };

std::string read_all(redoxfs::Server& server, u64 handle)
{
    char buffer[256];
    auto n = server.read(handle, buffer, sizeof buffer, 0);
    REQUIRE_FALSE(n.is_error());
    return std::string(buffer, n.value());
}

} // namespace

TEST_CASE("redoxfs server: files survive a remount, with their paths and permissions")
{
    Disk disk;
    auto h = disk.server->open("home/user/notes", O_CREAT | O_WRONLY | 0640, user);
    REQUIRE_FALSE(h.is_error());
    CHECK(disk.server->write(h.value(), "hello", 5, 0).value() == 5);
    CHECK(disk.server->close(h.value()).is_error() == false);
    // Not the owner, not the group: no access. Root may.
    CHECK(disk.server->open("home/user/notes", O_RDONLY, memfs::Cred { 1001, 1001 }).error().code == EACCES);
    CHECK(disk.server->open("root/x", O_CREAT | O_WRONLY | 0644, user).error().code == EACCES);
    disk.remount();

    auto r = disk.server->open("/home/./user/../user/notes", O_RDONLY, user);
    REQUIRE_FALSE(r.is_error());
    CHECK(read_all(*disk.server, r.value()) == "hello");
    Stat st;
    REQUIRE_FALSE(disk.server->fstat(r.value(), st).is_error());
    CHECK(st.st_mode == (MODE_FILE | 0640));
    CHECK(st.st_uid == 1000);
    char path[64];
    auto n = disk.server->fpath(r.value(), path, sizeof path);
    CHECK(std::string(path, n.value()) == "/home/user/notes");
}

TEST_CASE("redoxfs server: requests through memfs's decoder, getdents, rename, symlinks, unlink")
{
    Disk disk;
    memfs::BasicRequestHandler<redoxfs::Server> handler(*disk.server);
    auto request = [&](u16 opcode, std::initializer_list<u64> args) {
        SchemeRequest req {};
        req.opcode = opcode;
        usize i = 0;
        for (u64 a : args)
            req.args[i++] = a;
        return handler.execute(req);
    };
    const char* name = "tmp/a";
    u64 a = request(OP_OPENAT, { ROOT_HANDLE, reinterpret_cast<u64>(name), 5, O_CREAT | O_RDWR | 0644, 0, 0 });
    REQUIRE(static_cast<i64>(a) >= 0);
    CHECK(request(OP_WRITE, { a, reinterpret_cast<u64>("data"), 4, 0 }) == 4);
    const char* to = "tmp/b";
    CHECK(request(OP_FRENAME, { a, reinterpret_cast<u64>(to), 5, 0, 0, 0 }) == 0);
    char path[32];
    u64 n = request(OP_FPATH, { a, reinterpret_cast<u64>(path), sizeof path });
    CHECK(std::string(path, n) == "/tmp/b");

    auto link = disk.server->open("tmp/l", O_CREAT | O_WRONLY | O_SYMLINK, root);
    REQUIRE_FALSE(link.is_error());
    CHECK(disk.server->write(link.value(), "b", 1, 0).value() == 1);
    auto through = disk.server->open("tmp/l", O_RDONLY, root);
    REQUIRE_FALSE(through.is_error());
    CHECK(read_all(*disk.server, through.value()) == "data");

    auto dir = disk.server->open("tmp", O_RDONLY | O_DIRECTORY, root);
    REQUIRE_FALSE(dir.is_error());
    std::string names;
    u64 offset = 0;
    for (;;) {
        alignas(8) u8 buffer[48]; // room for one entry at a time
        auto got = disk.server->getdents(dir.value(), buffer, sizeof buffer, offset);
        REQUIRE_FALSE(got.is_error());
        if (got.value() == 0)
            break;
        DirentHeader header;
        std::memcpy(&header, buffer, sizeof header);
        names += reinterpret_cast<const char*>(buffer + __builtin_offsetof(DirentHeader, name));
        names += ' ';
        offset = header.next_offset;
    }
    CHECK((names == "b l " || names == "l b "));

    // A removed file stays usable through its open handles (see the orphan tests below).
    CHECK_FALSE(disk.server->unlinkat(ROOT_HANDLE, "tmp/b", 0, root).is_error());
    char byte;
    CHECK_FALSE(disk.server->read(a, &byte, 1, 0).is_error());
    CHECK(disk.server->open("tmp/l", O_RDONLY, root).error().code == ENOENT);
    // The sticky /tmp: a user can not remove root's link.
    CHECK(disk.server->unlinkat(ROOT_HANDLE, "tmp/l", 0, user).error().code == EPERM);
    disk.remount();
    ktl::String report;
    CHECK(disk.fs->check(report) == 0);
}

TEST_CASE("redoxfs server: FIFO and socket nodes hold no data, survive a remount; no device nodes")
{
    Disk disk;
    special_nodes::check(*disk.server, root, user);
    auto fifo = disk.server->open("tmp/kept", O_CREAT | O_EXCL | O_RDONLY | O_STAT | MODE_FIFO | 0600, user);
    REQUIRE_FALSE(fifo.is_error());
    REQUIRE_FALSE(disk.server->close(fifo.value()).is_error());
    disk.remount();
    auto kept = disk.server->open("tmp/kept", O_STAT | O_RDONLY, root);
    REQUIRE_FALSE(kept.is_error());
    Stat st {};
    REQUIRE_FALSE(disk.server->fstat(kept.value(), st).is_error());
    CHECK(st.st_mode == (MODE_FIFO | 0600));
    REQUIRE_FALSE(disk.server->close(kept.value()).is_error());
    CHECK(redoxfs::fsck(disk.device).clean);
}

TEST_CASE("redoxfs server: a file removed while open stays usable until its last close")
{
    Disk disk;
    auto& server = *disk.server;
    u64 fd = server.open("/tmp/victim", O_CREAT | O_RDWR | 0644, root).value();
    REQUIRE(server.write(fd, "before", 6, 0).value() == 6);
    u64 second = server.dup(fd, "").value();
    u64 before = disk.fs->statvfs().free_blocks;
    u64 tmp = server.open("/tmp", O_RDONLY | O_DIRECTORY, root).value();
    REQUIRE_FALSE(server.unlinkat(tmp, "victim", 0, root).is_error());
    CHECK(server.open("/tmp/victim", O_RDONLY, root).error().code == ENOENT);
    // Both handles still read and write it; it has no links and no name.
    CHECK(read_all(server, second) == "before");
    std::string big(20000, 'x');
    REQUIRE(server.write(fd, big.data(), big.size(), 6).value() == big.size());
    redox::Stat st {};
    REQUIRE_FALSE(server.fstat(second, st).is_error());
    CHECK(st.st_nlink == 0);
    CHECK(st.st_size == 20006);
    REQUIRE_FALSE(server.commit_if_changed().is_error());
    CHECK(disk.fs->orphan_count() == 1);
    {
        auto report = redoxfs::fsck(disk.device);
        INFO(report.report.c_str());
        CHECK(report.clean); // a listed orphan is legal
    }
    // The last close frees it: the space comes back.
    REQUIRE_FALSE(server.close(fd).is_error());
    CHECK(disk.fs->orphan_count() == 1);
    REQUIRE_FALSE(server.close(second).is_error());
    CHECK(disk.fs->orphan_count() == 0);
    REQUIRE_FALSE(server.commit_if_changed().is_error());
    CHECK(disk.fs->statvfs().free_blocks >= before);
    CHECK(redoxfs::fsck(disk.device).clean);
    CHECK(server.close(fd).error().code == EBADF);
    REQUIRE_FALSE(server.close(tmp).is_error());
}

TEST_CASE("redoxfs server: rename over an open file keeps it; a crash leaves it to the next mount")
{
    Disk disk;
    auto& server = *disk.server;
    u64 old_fd = server.open("/tmp/config", O_CREAT | O_RDWR | 0644, root).value();
    REQUIRE(server.write(old_fd, "old", 3, 0).value() == 3);
    u64 new_fd = server.open("/tmp/config.new", O_CREAT | O_RDWR | 0644, root).value();
    REQUIRE(server.write(new_fd, "new", 3, 0).value() == 3);
    REQUIRE_FALSE(server.frename(new_fd, "/tmp/config", root).is_error());
    CHECK(read_all(server, old_fd) == "old"); // the replaced file lives on for its reader
    u64 reopened = server.open("/tmp/config", O_RDONLY, root).value();
    CHECK(read_all(server, reopened) == "new");
    REQUIRE_FALSE(server.commit_if_changed().is_error());
    CHECK(disk.fs->orphan_count() == 1);
    // "Crash": drop the server and file system without closing anything.
    disk.unmount();
    disk.mount();
    CHECK(disk.fs->orphan_count() == 1);
    REQUIRE_FALSE(disk.fs->reclaim_orphans().is_error());
    CHECK(disk.fs->orphan_count() == 0);
    REQUIRE_FALSE(disk.server->commit_if_changed().is_error());
    CHECK(redoxfs::fsck(disk.device).clean);
    u64 again = disk.server->open("/tmp/config", O_RDONLY, root).value();
    CHECK(read_all(*disk.server, again) == "new");
}

TEST_CASE("redoxfs server: beyond the orphan list's capacity a removed open file is freed at once")
{
    Disk disk;
    auto& server = *disk.server;
    std::vector<u64> fds;
    for (u32 i = 0; i <= redoxfs::ORPHAN_MAX; ++i) {
        std::string path = "/tmp/f" + std::to_string(i);
        fds.push_back(server.open(ktl::StringView(path.c_str(), path.size()), O_CREAT | O_RDWR | 0644, root).value());
        REQUIRE(server.write(fds.back(), "data", 4, 0).value() == 4);
    }
    u64 tmp = server.open("/tmp", O_RDONLY | O_DIRECTORY, root).value();
    for (u32 i = 0; i <= redoxfs::ORPHAN_MAX; ++i) {
        std::string name = "f" + std::to_string(i);
        REQUIRE_FALSE(server.unlinkat(tmp, ktl::StringView(name.c_str(), name.size()), 0, root).is_error());
    }
    CHECK(disk.fs->orphan_count() == redoxfs::ORPHAN_MAX);
    char byte;
    CHECK(server.read(fds.front(), &byte, 1, 0).value() == 1);
    CHECK(server.read(fds.back(), &byte, 1, 0).error().code == ENOENT); // the one that did not fit
    REQUIRE_FALSE(server.commit_if_changed().is_error());
    CHECK(redoxfs::fsck(disk.device).clean);
    for (u64 fd : fds)
        REQUIRE_FALSE(server.close(fd).is_error());
    CHECK(disk.fs->orphan_count() == 0);
    REQUIRE_FALSE(server.commit_if_changed().is_error());
    CHECK(redoxfs::fsck(disk.device).clean);
    REQUIRE_FALSE(server.close(tmp).is_error());
}
