// Unit tests for redoxfs::Server (schemes/redoxfs/server.h): the `file` scheme over RedoxFS,
// driven through memfs's request decoding like redoxfsd does, on an in-memory device.
#include <doctest/doctest.h>

#include "../../schemes/memfs/request_handler.h"
#include "../../schemes/redoxfs/server.h"

#include <cstring>
#include <string>

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

    // A removed file's handles report ENOENT instead of reaching a reused node.
    CHECK_FALSE(disk.server->unlinkat(ROOT_HANDLE, "tmp/b", 0, root).is_error());
    char byte;
    CHECK(disk.server->read(a, &byte, 1, 0).error().code == ENOENT);
    CHECK(disk.server->open("tmp/l", O_RDONLY, root).error().code == ENOENT);
    // The sticky /tmp: a user can not remove root's link.
    CHECK(disk.server->unlinkat(ROOT_HANDLE, "tmp/l", 0, user).error().code == EPERM);
    disk.remount();
    ktl::String report;
    CHECK(disk.fs->check(report) == 0);
}
