#pragma once
// FIFO and socket nodes, checked the same way on both `file` servers (memfs::Memfs and
// redoxfs::Server have the same interface). Include after doctest and the server's header.
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/abi/redox/structs.h"

#include <string>

namespace special_nodes {

template<typename Server, typename Cred>
void check(Server& fs, Cred root, Cred user)
{
    using namespace redox;
    auto error_of = [](auto&& result) { return result.is_error() ? result.error().code : 0; };
    auto stat_of = [&](const char* path) {
        auto h = fs.open(path, O_STAT | O_RDONLY | O_NOFOLLOW, root);
        REQUIRE_FALSE(h.is_error());
        Stat st {};
        REQUIRE_FALSE(fs.fstat(h.value(), st).is_error());
        REQUIRE_FALSE(fs.close(h.value()).is_error());
        return st;
    };

    // Made by an open whose mode carries the type (relibc's mkfifo); the creator gets the node,
    // even when it asked to write.
    auto fifo = fs.open("tmp/fifo", O_CREAT | O_EXCL | O_WRONLY | MODE_FIFO | 0640, user);
    REQUIRE_FALSE(fifo.is_error());
    CHECK(error_of(fs.write(fifo.value(), "x", 1, 0)) == EBADF);
    REQUIRE_FALSE(fs.close(fifo.value()).is_error());
    auto sock = fs.open("tmp/sock", O_CREAT | O_EXCL | O_RDONLY | O_STAT | MODE_SOCK | 0755, root);
    REQUIRE_FALSE(sock.is_error());
    REQUIRE_FALSE(fs.close(sock.value()).is_error());

    Stat st = stat_of("tmp/fifo");
    CHECK(st.st_mode == (MODE_FIFO | 0640));
    CHECK(st.st_size == 0);
    CHECK(st.st_uid == 1000);
    CHECK(stat_of("tmp/sock").st_mode == (MODE_SOCK | 0755));

    // Nothing to read or write on this side: ENXIO, as Linux's open of a socket.
    CHECK(error_of(fs.open("tmp/fifo", O_RDONLY, root)) == ENXIO);
    CHECK(error_of(fs.open("tmp/sock", O_WRONLY, root)) == ENXIO);
    CHECK(error_of(fs.open("tmp/fifo", O_CREAT | O_EXCL | O_WRONLY | MODE_FIFO | 0600, root)) == EEXIST);
    // O_SYMLINK opens the node itself (mv does): it reads as empty and takes no data.
    auto node = fs.open("tmp/fifo", O_SYMLINK | O_RDONLY | O_NOFOLLOW, root);
    REQUIRE_FALSE(node.is_error());
    char buffer[8];
    CHECK(fs.read(node.value(), buffer, sizeof buffer, 0).value() == 0);
    CHECK(error_of(fs.write(node.value(), "x", 1, 0)) == EBADF);
    CHECK(error_of(fs.open("tmp/fifo", O_SYMLINK | O_RDWR | O_NOFOLLOW, root)) == EINVAL);
    // Metadata changes, rename and links work as on any node.
    CHECK_FALSE(fs.fchmod(node.value(), 0600, user).is_error());
    CHECK_FALSE(fs.frename(node.value(), "tmp/fifo2", user).is_error());
    CHECK_FALSE(fs.flink(node.value(), "tmp/fifo3", root).is_error());
    REQUIRE_FALSE(fs.close(node.value()).is_error());
    CHECK(stat_of("tmp/fifo3").st_mode == (MODE_FIFO | 0600));
    CHECK(stat_of("tmp/fifo3").st_nlink == 2);

    auto dir = fs.open("tmp", O_DIRECTORY | O_RDONLY, root);
    REQUIRE_FALSE(dir.is_error());
    alignas(8) unsigned char listing[1024];
    auto n = fs.getdents(dir.value(), listing, sizeof listing, 0);
    REQUIRE_FALSE(n.is_error());
    int fifos = 0, sockets = 0;
    for (usize used = 0; used < n.value();) {
        auto* header = reinterpret_cast<DirentHeader*>(listing + used);
        std::string name(header->name);
        if (name.rfind("fifo", 0) == 0)
            fifos += header->kind == DT_FIFO;
        if (name == "sock")
            sockets += header->kind == DT_SOCK;
        used += header->record_length;
    }
    CHECK(fifos == 2);
    CHECK(sockets == 1);
    REQUIRE_FALSE(fs.close(dir.value()).is_error());

    // No device nodes: devices are schemes.
    CHECK(error_of(fs.open("tmp/chr", O_CREAT | O_EXCL | O_WRONLY | MODE_CHR | 0600, root)) == EPERM);
    CHECK(error_of(fs.open("tmp/blk", O_CREAT | O_EXCL | O_WRONLY | MODE_BLK | 0600, root)) == EPERM);
    CHECK(error_of(fs.open("tmp/chr", O_STAT | O_RDONLY, root)) == ENOENT);

    CHECK_FALSE(fs.unlinkat(ROOT_HANDLE, "tmp/fifo2", 0, root).is_error());
    CHECK_FALSE(fs.unlinkat(ROOT_HANDLE, "tmp/fifo3", 0, root).is_error());
    CHECK_FALSE(fs.unlinkat(ROOT_HANDLE, "tmp/sock", 0, root).is_error());
}

} // namespace special_nodes
