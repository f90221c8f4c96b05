// Unit tests for the RedoxFS library (schemes/redoxfs): the in-memory block device, the
// copy-on-write file system, crash safety, corruption detection and fsck.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "../../schemes/redoxfs/filesystem.h"
#include "../../schemes/redoxfs/fsck.h"

using namespace redoxfs;
using redox::MODE_DIR;
using redox::MODE_FILE;
using redox::MODE_SYMLINK;

namespace {

template<typename T>
int error_of(ErrorOr<T>&& result)
{
    return result.is_error() ? result.error().code : 0;
}

template<typename T>
T must(ErrorOr<T>&& result)
{
    REQUIRE_MESSAGE(!result.is_error(), "errno ", result.is_error() ? result.error().code : 0);
    return result.release_value();
}

void must(ErrorOr<void>&& result)
{
    REQUIRE_MESSAGE(!result.is_error(), "errno ", result.is_error() ? result.error().code : 0);
}

void format(BlockDevice& device)
{
    MkfsOptions options;
    options.uuid[0] = 0x42;
    options.now = { 1000, 5 };
    must(FileSystem::mkfs(device, options));
}

void check_clean(BlockDevice& device)
{
    FsckResult result = fsck(device);
    INFO(result.report.c_str());
    CHECK(result.clean);
}

std::vector<u8> pattern(usize size, u32 seed)
{
    std::vector<u8> bytes(size);
    u32 x = seed * 2654435761u + 1;
    for (auto& b : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<u8>(x);
    }
    return bytes;
}

// Rewrites the version of every header in the ring (and their checksums, so they stay valid).
void relabel_version(MemoryBlockDevice& device, u64 version)
{
    for (u64 slot = 0; slot < HEADER_RING; ++slot) {
        auto* h = reinterpret_cast<Header*>(device.raw(slot));
        if (std::memcmp(h->signature, SIGNATURE, 8) != 0)
            continue;
        h->version = version;
        h->hash = fnv1a64(h, HEADER_HASHED_BYTES);
    }
}

std::vector<u8> read_all(FileSystem& fs, u32 id)
{
    NodeStat st = must(fs.stat(id));
    std::vector<u8> bytes(st.size);
    usize n = must(fs.read(id, 0, bytes.data(), bytes.size()));
    CHECK(n == st.size);
    return bytes;
}

StringView sv(const std::string& s) { return { s.c_str(), s.size() }; }

} // namespace

TEST_CASE("redoxfs: memory block device drops unflushed writes and injects failures")
{
    MemoryBlockDevice device(16);
    u8 block[BLOCK_SIZE];
    std::memset(block, 0xAB, sizeof(block));
    must(device.write_block(3, block));
    must(device.flush());
    std::memset(block, 0xCD, sizeof(block));
    must(device.write_block(3, block));
    must(device.write_block(4, block));
    device.crash();
    u8 back[BLOCK_SIZE];
    must(device.read_block(3, back));
    CHECK(back[0] == 0xAB);
    must(device.read_block(4, back));
    CHECK(back[100] == 0);
    CHECK(error_of(device.read_block(16, back)) == redox::EIO);
    device.fail_writes_after(1);
    must(device.write_block(5, block));
    CHECK(error_of(device.write_block(6, block)) == redox::EIO);
    CHECK(error_of(device.flush()) == redox::EIO);
    device.stop_failing();
    must(device.flush());
    device.truncate(8);
    CHECK(device.block_count() == 8);
}

TEST_CASE("redoxfs: mkfs, files with holes, truncate, remount")
{
    MemoryBlockDevice device(8192);
    format(device);
    check_clean(device);
    auto big = pattern(3 * 1024 * 1024 + 123, 7);
    {
        FileSystem fs(device);
        must(fs.mount());
        fs.set_time({ 2000, 42 });
        u32 root = fs.root_id();
        NodeStat rs = must(fs.stat(root));
        CHECK((rs.mode & redox::MODE_TYPE) == MODE_DIR);
        CHECK(rs.links == 2);

        u32 small = must(fs.create(root, "small.txt", 0644, 1000, 100));
        CHECK(must(fs.write(small, 0, "hello", 5)) == 5);
        CHECK(must(fs.write(small, 10, "world", 5)) == 5);
        char buffer[32] = {};
        CHECK(must(fs.read(small, 0, buffer, sizeof(buffer))) == 15);
        CHECK(std::memcmp(buffer, "hello\0\0\0\0\0world", 15) == 0);
        NodeStat ss = must(fs.stat(small));
        CHECK(ss.uid == 1000);
        CHECK(ss.gid == 100);
        CHECK(ss.mtime.sec == 2000);
        CHECK(ss.mtime.nsec == 42);
        CHECK(ss.blocks == 0); // inline

        u32 file = must(fs.create(root, "big", 0600, 0, 0));
        must(fs.write(file, 0, big.data(), big.size()));
        // A hole: write 1 MiB far past the end, then a few bytes in the middle of the hole.
        u64 far = 5ull << 30;
        auto tail = pattern(1 << 20, 9);
        must(fs.write(file, far, tail.data(), tail.size()));
        must(fs.write(file, 1ull << 30, "x", 1));
        NodeStat bs = must(fs.stat(file));
        CHECK(bs.size == far + tail.size());
        CHECK(bs.blocks < 2000); // sparse: about 1024 + 256 + 1 data blocks plus tables
        std::vector<u8> chunk(8192, 0xFF);
        CHECK(must(fs.read(file, 4ull << 30, chunk.data(), chunk.size())) == chunk.size());
        CHECK(std::all_of(chunk.begin(), chunk.end(), [](u8 b) { return b == 0; }));
        must(fs.commit());
        check_clean(device);

        // Truncate down into the middle of a block, then up again: the tail reads zeros.
        must(fs.truncate(file, 10000));
        must(fs.truncate(file, 20000));
        std::vector<u8> back(20000);
        CHECK(must(fs.read(file, 0, back.data(), back.size())) == 20000);
        CHECK(std::memcmp(back.data(), big.data(), 10000) == 0);
        CHECK(std::all_of(back.begin() + 10000, back.end(), [](u8 b) { return b == 0; }));
        // Inline files grow into blocks and shrink again.
        auto mid = pattern(10000, 3);
        must(fs.write(small, 0, mid.data(), mid.size()));
        CHECK(read_all(fs, small) == mid);
        must(fs.truncate(small, 100));
        CHECK(read_all(fs, small) == std::vector<u8>(mid.begin(), mid.begin() + 100));
        must(fs.truncate(file, 0));
        must(fs.write(file, 0, big.data(), big.size()));
        must(fs.commit());
    }
    check_clean(device);
    FileSystem fs(device);
    must(fs.mount());
    u32 file = must(fs.lookup(fs.root_id(), "big"));
    CHECK(read_all(fs, file) == big);
    u32 small = must(fs.lookup(fs.root_id(), "small.txt"));
    CHECK(must(fs.stat(small)).size == 100);
    CHECK(fs.generation() >= 3);
}

TEST_CASE("redoxfs: a directory with 100,000 entries")
{
    MemoryBlockDevice device(32768);
    format(device);
    FileSystem fs(device);
    must(fs.mount());
    u32 dir = must(fs.mkdir(fs.root_id(), "many", 0755, 0, 0));
    u32 target = must(fs.create(dir, "target", 0644, 0, 0));
    constexpr int COUNT = 100000;
    auto start = std::chrono::steady_clock::now();
    char name[64];
    for (int i = 0; i < COUNT - 1; ++i) {
        std::snprintf(name, sizeof(name), "entry-%06d-with-a-longer-name", i);
        auto linked = fs.link(dir, name, target);
        REQUIRE_MESSAGE(!linked.is_error(), name);
    }
    for (int i = 0; i < COUNT - 1; ++i) {
        std::snprintf(name, sizeof(name), "entry-%06d-with-a-longer-name", i);
        REQUIRE(must(fs.lookup(dir, name)) == target);
    }
    CHECK(error_of(fs.lookup(dir, "entry-missing")) == redox::ENOENT);
    must(fs.commit());
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    MESSAGE("100,000 entries: created, looked up and committed in ", seconds, " s");
    CHECK(seconds < 10.0);
    CHECK(must(fs.stat(target)).links == COUNT);

    usize seen = 0;
    u64 cookie = 0;
    for (;;) {
        ReadDirResult page = must(fs.readdir(dir, cookie, 1000));
        seen += page.entries.size();
        if (page.end)
            break;
        REQUIRE(page.entries.size() == 1000);
        cookie = page.next_cookie;
    }
    CHECK(seen == COUNT);
    for (int i = 0; i < COUNT - 1; i += 2) {
        std::snprintf(name, sizeof(name), "entry-%06d-with-a-longer-name", i);
        must(fs.unlink(dir, name));
    }
    must(fs.commit());
    CHECK(must(fs.stat(target)).links == COUNT / 2);
    check_clean(device);
}

TEST_CASE("redoxfs: names, links, rename and removal semantics")
{
    MemoryBlockDevice device(2048);
    format(device);
    FileSystem fs(device);
    must(fs.mount());
    u32 root = fs.root_id();
    u32 a = must(fs.mkdir(root, "a", 0755, 0, 0));
    u32 b = must(fs.mkdir(root, "b", 0755, 0, 0));
    u32 f = must(fs.create(a, "f", 0644, 0, 0));
    must(fs.write(f, 0, "data", 4));

    CHECK(error_of(fs.create(a, "f", 0644, 0, 0)) == redox::EEXIST);
    CHECK(error_of(fs.mkdir(a, "f", 0755, 0, 0)) == redox::EEXIST);
    CHECK(error_of(fs.create(f, "x", 0644, 0, 0)) == redox::ENOTDIR);
    CHECK(error_of(fs.lookup(a, "nothing")) == redox::ENOENT);
    std::string longest(MAX_NAME, 'n');
    must(fs.create(a, sv(longest), 0644, 0, 0));
    CHECK(must(fs.lookup(a, sv(longest))) > 0);
    std::string too_long(MAX_NAME + 1, 'n');
    CHECK(error_of(fs.create(a, sv(too_long), 0644, 0, 0)) == redox::ENAMETOOLONG);
    CHECK(error_of(fs.lookup(a, sv(too_long))) == redox::ENAMETOOLONG);
    CHECK(error_of(fs.unlink(root, "a")) == redox::EISDIR);
    CHECK(error_of(fs.rmdir(a, "f")) == redox::ENOTDIR);
    CHECK(error_of(fs.rmdir(root, "a")) == redox::ENOTEMPTY);
    CHECK(error_of(fs.write(a, 0, "x", 1)) == redox::EISDIR);
    CHECK(error_of(fs.link(root, "alias", a)) == redox::EPERM);
    CHECK(must(fs.stat(root)).links == 4);

    // Hard links.
    must(fs.link(b, "g", f));
    CHECK(must(fs.stat(f)).links == 2);
    must(fs.unlink(a, "f"));
    CHECK(must(fs.stat(f)).links == 1);
    char buffer[8] = {};
    CHECK(must(fs.read(must(fs.lookup(b, "g")), 0, buffer, 8)) == 4);

    // Symlinks.
    u32 s = must(fs.symlink(root, "s", "/b/g", 0, 0));
    CHECK((must(fs.stat(s)).mode & redox::MODE_TYPE) == MODE_SYMLINK);
    CHECK(must(fs.readlink(s)) == "/b/g");
    CHECK(error_of(fs.readlink(f)) == redox::EINVAL);

    // rename: replace a file atomically; the replaced node goes away.
    u32 h = must(fs.create(b, "h", 0644, 0, 0));
    must(fs.rename(b, "g", b, "h"));
    CHECK(must(fs.lookup(b, "h")) == f);
    CHECK(error_of(fs.lookup(b, "g")) == redox::ENOENT);
    CHECK(error_of(fs.stat(h)) == redox::ENOENT);
    // Same node under both names: nothing happens.
    must(fs.link(b, "h2", f));
    must(fs.rename(b, "h", b, "h2"));
    CHECK(must(fs.lookup(b, "h")) == f);
    must(fs.unlink(b, "h2"));
    // Directories: moving updates link counts; into itself is EINVAL; kinds must match.
    u32 c = must(fs.mkdir(a, "c", 0755, 0, 0));
    CHECK(error_of(fs.rename(root, "a", c, "x")) == redox::EINVAL);
    CHECK(error_of(fs.rename(root, "a", a, "x")) == redox::EINVAL);
    CHECK(error_of(fs.rename(b, "h", root, "a")) == redox::EISDIR);
    CHECK(error_of(fs.rename(a, "c", b, "h")) == redox::ENOTDIR);
    CHECK(must(fs.parent(c)) == a);
    must(fs.rename(a, "c", b, "c"));
    CHECK(must(fs.parent(c)) == b);
    CHECK(must(fs.parent(root)) == root);
    CHECK(error_of(fs.parent(f)) == redox::ENOTDIR);
    CHECK(error_of(fs.readdir(root, 0, 0)) == redox::EINVAL);
    CHECK(must(fs.stat(a)).links == 2);
    CHECK(must(fs.stat(b)).links == 3);
    // Replacing an empty directory works, a non-empty one does not.
    u32 d = must(fs.mkdir(root, "d", 0755, 0, 0));
    must(fs.create(d, "inside", 0644, 0, 0));
    CHECK(error_of(fs.rename(b, "c", root, "d")) == redox::ENOTEMPTY);
    must(fs.unlink(d, "inside"));
    must(fs.rename(b, "c", root, "d"));
    CHECK(must(fs.lookup(root, "d")) == c);
    CHECK(error_of(fs.stat(d)) == redox::ENOENT);
    CHECK(must(fs.stat(root)).links == 5); // a, b, d(=c)

    // Attributes.
    must(fs.chmod(f, 0600));
    must(fs.chown(f, 5, 6));
    must(fs.utimens(f, { 11, 12 }, { 13, 14 }));
    NodeStat st = must(fs.stat(f));
    CHECK((st.mode & 07777) == 0600);
    CHECK((st.mode & redox::MODE_TYPE) == MODE_FILE);
    CHECK(st.uid == 5);
    CHECK(st.atime.sec == 11);
    CHECK(st.mtime.nsec == 14);

    must(fs.rmdir(root, "d"));
    CHECK(must(fs.stat(root)).links == 4);
    FsStat vfs = fs.statvfs();
    CHECK(vfs.block_size == BLOCK_SIZE);
    CHECK(vfs.blocks == 2048);
    CHECK(vfs.free_blocks < vfs.blocks);
    must(fs.commit());
    check_clean(device);
}

TEST_CASE("redoxfs: ENOSPC leaves a consistent file system")
{
    MemoryBlockDevice device(1024);
    format(device);
    FileSystem fs(device);
    must(fs.mount());
    u32 root = fs.root_id();
    auto chunk = pattern(64 * 1024, 5);
    u32 file = must(fs.create(root, "fill", 0644, 0, 0));
    u64 offset = 0;
    int error = 0;
    for (int i = 0; i < 1000 && !error; ++i) {
        auto written = fs.write(file, offset, chunk.data(), chunk.size());
        if (written.is_error())
            error = written.error().code;
        else
            offset += chunk.size();
    }
    CHECK(error == redox::ENOSPC);
    int files = 0;
    for (error = 0; files < 10000 && !error; ++files) {
        auto created = fs.create(root, sv("f" + std::to_string(files)), 0644, 0, 0);
        if (created.is_error())
            error = created.error().code;
    }
    CHECK(error == redox::ENOSPC);
    must(fs.commit());
    check_clean(device);
    // Removal still works on a full file system, and the space comes back.
    must(fs.unlink(root, "fill"));
    must(fs.commit());
    check_clean(device);
    // Freed blocks are reusable only after a commit: when space runs out, the file
    // system commits by itself to get them back.
    u32 refill = must(fs.create(root, "refill", 0644, 0, 0));
    offset = 0;
    for (int i = 0; i < 1000; ++i) {
        auto written = fs.write(refill, offset, chunk.data(), chunk.size());
        if (written.is_error())
            break;
        offset += chunk.size();
    }
    REQUIRE(offset >= 4 * chunk.size());
    u64 generation = fs.generation();
    must(fs.unlink(root, "refill"));
    CHECK(fs.has_changes());
    u32 again = must(fs.create(root, "again", 0644, 0, 0));
    must(fs.write(again, 0, chunk.data(), chunk.size()));
    u32 big = must(fs.create(root, "big", 0644, 0, 0));
    for (u64 at = 0; at + 2 * chunk.size() < offset; at += chunk.size())
        must(fs.write(big, at, chunk.data(), chunk.size()));
    CHECK(fs.generation() > generation); // committed on its own to reuse the blocks
    must(fs.unlink(root, "big"));
    must(fs.write(again, 0, chunk.data(), chunk.size()));
    must(fs.commit());
    check_clean(device);
    FileSystem remounted(device);
    must(remounted.mount());
    CHECK(read_all(remounted, must(remounted.lookup(root, "again"))) == chunk);
}

TEST_CASE("redoxfs: a crash before the header write keeps the previous commit")
{
    MemoryBlockDevice device(4096);
    format(device);
    auto first = pattern(200000, 1);
    auto second = pattern(300000, 2);
    {
        FileSystem fs(device);
        must(fs.mount());
        u32 f = must(fs.create(fs.root_id(), "kept", 0644, 0, 0));
        must(fs.write(f, 0, first.data(), first.size()));
        must(fs.commit());
        // Uncommitted: overwrite, create, remove; data blocks reach the device at once.
        must(fs.write(f, 0, second.data(), second.size()));
        must(fs.create(fs.root_id(), "lost", 0644, 0, 0));
        must(fs.mkdir(fs.root_id(), "lostdir", 0755, 0, 0));
        device.crash();
    }
    check_clean(device);
    {
        FileSystem fs(device);
        must(fs.mount());
        CHECK(read_all(fs, must(fs.lookup(fs.root_id(), "kept"))) == first);
        CHECK(error_of(fs.lookup(fs.root_id(), "lost")) == redox::ENOENT);
    }
    // Failures at every point of a commit, then a crash: either the old or the new state.
    for (i64 fail_after = 0; fail_after < 40; fail_after += 3) {
        u64 before;
        {
            FileSystem fs(device);
            must(fs.mount());
            before = fs.generation();
            u32 f = must(fs.lookup(fs.root_id(), "kept"));
            must(fs.write(f, 0, second.data(), 8192));
            device.fail_writes_after(fail_after);
            auto committed = fs.commit();
            if (committed.is_error()) {
                // The device still fails: so does the next commit (it is tried again).
                CHECK(error_of(fs.commit()) == redox::EIO);
            }
            device.crash();
        }
        check_clean(device);
        FileSystem fs(device);
        must(fs.mount());
        u32 f = must(fs.lookup(fs.root_id(), "kept"));
        auto now = read_all(fs, f);
        if (fs.generation() == before) {
            CHECK(now == first);
        } else {
            CHECK(fs.generation() == before + 1);
            CHECK(std::memcmp(now.data(), second.data(), 8192) == 0);
            // Back to the first content for the next round.
            must(fs.write(f, 0, first.data(), first.size()));
            must(fs.commit());
        }
    }
}

TEST_CASE("redoxfs: a flipped byte in any used block is detected")
{
    MemoryBlockDevice device(1024);
    format(device);
    std::vector<u64> used;
    {
        FileSystem fs(device);
        must(fs.mount());
        u32 d = must(fs.mkdir(fs.root_id(), "dir", 0755, 0, 0));
        u32 f = must(fs.create(d, "file", 0644, 0, 0));
        auto data = pattern(3 * BLOCK_SIZE, 4);
        must(fs.write(f, 0, data.data(), data.size()));
        must(fs.create(d, "inline", 0644, 0, 0));
        must(fs.symlink(d, "link", "file", 0, 0));
        must(fs.commit());
        for (u64 b = 0; b < device.block_count(); ++b)
            if (fs.block_in_use(b))
                used.push_back(b);
    }
    check_clean(device);
    REQUIRE(used.size() > HEADER_RING);
    usize detected = 0;
    for (usize i = 0; i < used.size(); ++i) {
        u64 block = used[i];
        usize offset = (i * 977 + 13) % BLOCK_SIZE;
        device.raw(block)[offset] ^= 0x20;
        FsckResult result = fsck(device);
        if (!result.clean)
            ++detected;
        else
            MESSAGE("not detected: block ", block, " offset ", offset);
        device.raw(block)[offset] ^= 0x20;
    }
    CHECK(detected == used.size());
    check_clean(device);

    // A read through the file system reports the corruption as EIO with a reason.
    FileSystem fs(device);
    must(fs.mount());
    u32 d = must(fs.lookup(fs.root_id(), "dir"));
    u32 f = must(fs.lookup(d, "file"));
    std::vector<u64> data_blocks;
    for (u64 b : used)
        if (b >= HEADER_RING)
            data_blocks.push_back(b);
    // Corrupt every non-header block: the read must fail, never return wrong data.
    for (u64 b : data_blocks)
        device.raw(b)[100] ^= 1;
    FileSystem broken(device);
    auto mounted = broken.mount();
    CHECK(mounted.is_error());
    CHECK(error_of(std::move(mounted)) == redox::EIO);
    CHECK(std::string(broken.last_error().chars(), broken.last_error().length()).find("checksum") != std::string::npos);
    std::vector<u8> buffer(BLOCK_SIZE);
    CHECK(error_of(fs.read(f, 0, buffer.data(), buffer.size())) == redox::EIO);
}

TEST_CASE("redoxfs: truncated images, other versions and foreign data are refused")
{
    {
        MemoryBlockDevice device(1024);
        format(device);
        device.truncate(700);
        FileSystem fs(device);
        CHECK(error_of(fs.mount()) == redox::EIO);
        std::string reason(fs.last_error().chars(), fs.last_error().length());
        CHECK(reason.find("truncated") != std::string::npos);
        CHECK(!fsck(device).clean);
    }
    {
        MemoryBlockDevice device(1024);
        format(device);
        relabel_version(device, 8);
        FileSystem fs(device);
        CHECK(error_of(fs.mount()) == redox::EINVAL);
        std::string reason(fs.last_error().chars(), fs.last_error().length());
        CHECK(reason.find("version 8") != std::string::npos);
        FsckResult result = fsck(device);
        CHECK(!result.clean);
        CHECK(std::string(result.report.c_str()).find("version") != std::string::npos);
    }
    {
        MemoryBlockDevice device(1024);
        FileSystem fs(device);
        CHECK(error_of(fs.mount()) == redox::EINVAL);
        CHECK(std::string(fs.last_error().chars()).find("not a RedoxFS image") != std::string::npos);
    }
    {
        MemoryBlockDevice device(100);
        CHECK(error_of(FileSystem::mkfs(device, {})) == redox::EINVAL);
    }
}

namespace {

// A model of the tree for the randomized test.
struct ModelNode {
    bool dir;
    std::vector<u8> data;
    std::map<std::string, u32> children;
    u32 links;
};

void compare(FileSystem& fs, std::map<u32, ModelNode>& model, u32 dir)
{
    ModelNode& m = model[dir];
    std::map<std::string, u32> listed;
    u64 cookie = 0;
    for (;;) {
        ReadDirResult page = must(fs.readdir(dir, cookie, 7));
        for (const DirEntry& e : page.entries)
            listed[e.name.c_str()] = e.id;
        if (page.end)
            break;
        cookie = page.next_cookie;
    }
    REQUIRE(listed == m.children);
    for (auto& [name, id] : m.children) {
        ModelNode& child = model[id];
        NodeStat st = must(fs.stat(id));
        CHECK(st.links == child.links);
        if (child.dir)
            compare(fs, model, id);
        else
            REQUIRE(read_all(fs, id) == child.data);
    }
}

} // namespace

TEST_CASE("redoxfs: random operations match a model across commits, remounts and crashes")
{
    MemoryBlockDevice device(16384);
    format(device);
    std::mt19937 random(1234);
    auto pick = [&](u32 n) { return static_cast<u32>(random() % n); };
    std::map<u32, ModelNode> model;       // the committed state is `durable`
    model[ROOT_ID] = { true, {}, {}, 2 };
    std::map<u32, ModelNode> durable = model;
    auto fs = std::make_unique<FileSystem>(device);
    must(fs->mount());
    auto dirs = [&] {
        std::vector<u32> out;
        for (auto& [id, n] : model)
            if (n.dir)
                out.push_back(id);
        return out;
    };
    auto files = [&] {
        std::vector<u32> out;
        for (auto& [id, n] : model)
            if (!n.dir)
                out.push_back(id);
        return out;
    };
    for (int step = 0; step < 3000; ++step) {
        auto ds = dirs();
        u32 dir = ds[pick(static_cast<u32>(ds.size()))];
        // Long and short names: long ones fill buckets, so directories split.
        auto random_name = [&] { return std::string(pick(2) ? 180 : 1, 'n') + std::to_string(pick(40)); };
        std::string name = random_name();
        bool exists = model[dir].children.count(name) > 0;
        switch (pick(10)) {
        case 0:
        case 1: {
            auto id = fs->create(dir, sv(name), 0644, 0, 0);
            REQUIRE((id.is_error() ? id.error().code : 0) == (exists ? redox::EEXIST : 0));
            if (!exists) {
                model[id.value()] = { false, {}, {}, 1 };
                model[dir].children[name] = id.value();
            }
            break;
        }
        case 2: {
            auto id = fs->mkdir(dir, sv(name), 0755, 0, 0);
            REQUIRE((id.is_error() ? id.error().code : 0) == (exists ? redox::EEXIST : 0));
            if (!exists) {
                model[id.value()] = { true, {}, {}, 2 };
                model[dir].children[name] = id.value();
                ++model[dir].links;
            }
            break;
        }
        case 3:
        case 4: {
            auto fl = files();
            if (fl.empty())
                break;
            u32 id = fl[pick(static_cast<u32>(fl.size()))];
            u64 offset = pick(3) == 0 ? pick(200000) : pick(5000);
            auto bytes = pattern(1 + pick(pick(2) ? 300 : 40000), static_cast<u32>(step));
            must(fs->write(id, offset, bytes.data(), bytes.size()));
            auto& data = model[id].data;
            if (data.size() < offset + bytes.size())
                data.resize(offset + bytes.size());
            std::copy(bytes.begin(), bytes.end(), data.begin() + static_cast<long>(offset));
            break;
        }
        case 5: {
            auto fl = files();
            if (fl.empty())
                break;
            u32 id = fl[pick(static_cast<u32>(fl.size()))];
            u64 size = pick(2) ? pick(6000) : pick(100000);
            must(fs->truncate(id, size));
            model[id].data.resize(size);
            break;
        }
        case 6: {
            if (!exists)
                break;
            u32 id = model[dir].children[name];
            if (model[id].dir) {
                bool empty = model[id].children.empty();
                REQUIRE(error_of(fs->rmdir(dir, sv(name))) == (empty ? 0 : redox::ENOTEMPTY));
                if (empty) {
                    model.erase(id);
                    model[dir].children.erase(name);
                    --model[dir].links;
                }
            } else {
                must(fs->unlink(dir, sv(name)));
                model[dir].children.erase(name);
                if (--model[id].links == 0)
                    model.erase(id);
            }
            break;
        }
        case 7: {
            auto fl = files();
            if (fl.empty() || exists)
                break;
            u32 id = fl[pick(static_cast<u32>(fl.size()))];
            must(fs->link(dir, sv(name), id));
            model[dir].children[name] = id;
            ++model[id].links;
            break;
        }
        case 8: {
            // Rename a file (possibly replacing another file) between any two directories.
            if (!exists || model[model[dir].children[name]].dir)
                break;
            u32 id = model[dir].children[name];
            u32 to = ds[pick(static_cast<u32>(ds.size()))];
            std::string new_name = random_name();
            auto& target = model[to].children;
            bool replacing = target.count(new_name) > 0;
            if (replacing && model[target[new_name]].dir) {
                REQUIRE(error_of(fs->rename(dir, sv(name), to, sv(new_name))) == redox::EISDIR);
                break;
            }
            must(fs->rename(dir, sv(name), to, sv(new_name)));
            if (replacing && target[new_name] == id)
                break;
            if (replacing) {
                u32 old = target[new_name];
                if (--model[old].links == 0)
                    model.erase(old);
            }
            model[dir].children.erase(name);
            model[to].children[new_name] = id;
            break;
        }
        case 9: {
            u32 what = pick(10);
            if (what < 6) {
                must(fs->commit());
                durable = model;
            } else if (what < 8) {
                must(fs->commit());
                durable = model;
                fs = std::make_unique<FileSystem>(device);
                must(fs->mount());
                check_clean(device);
                compare(*fs, model, ROOT_ID);
            } else {
                // Crash: everything since the last commit is gone.
                device.crash();
                model = durable;
                fs = std::make_unique<FileSystem>(device);
                must(fs->mount());
                check_clean(device);
                compare(*fs, model, ROOT_ID);
            }
            break;
        }
        }
    }
    must(fs->commit());
    check_clean(device);
    compare(*fs, model, ROOT_ID);
}

TEST_CASE("redoxfs: a long transaction commits by itself when too much waits in memory")
{
    MemoryBlockDevice device(4096);
    format(device);
    FileSystem fs(device);
    must(fs.mount());
    fs.set_dirty_limit(64);
    u64 generation = fs.generation();
    u32 dir = must(fs.mkdir(fs.root_id(), "d", 0755, 0, 0));
    for (int i = 0; i < 500; ++i)
        must(fs.create(dir, sv("file" + std::to_string(i)), 0644, 0, 0));
    CHECK(fs.generation() > generation + 3);
    must(fs.commit());
    check_clean(device);
    FileSystem again(device);
    must(again.mount());
    CHECK(must(again.lookup(must(again.lookup(again.root_id(), "d")), "file499")) > 0);
}

TEST_CASE("redoxfs: fsck sizes its tables by the nodes found, not by a corrupt next_node_id")
{
    MemoryBlockDevice device(1024);
    format(device);
    {
        FileSystem fs(device);
        must(fs.mount());
        must(fs.create(ROOT_ID, "a", MODE_FILE | 0644, 0, 0));
        must(fs.commit());
    }
    // Ids are never reused, so a large next_node_id is legal: the image stays clean, and
    // the checker must not allocate per-id tables of that size (the fuzzer found 2^31).
    for (u64 slot = 0; slot < HEADER_RING; ++slot) {
        auto* h = reinterpret_cast<Header*>(device.raw(slot));
        if (std::memcmp(h->signature, SIGNATURE, 8) != 0)
            continue;
        h->next_node_id = 1ull << 31;
        h->hash = fnv1a64(h, HEADER_HASHED_BYTES);
    }
    check_clean(device);
    {
        FileSystem fs(device);
        must(fs.mount());
        u32 b = must(fs.create(ROOT_ID, "b", MODE_FILE | 0644, 0, 0));
        CHECK(b == (1u << 31));
        must(fs.commit());
    }
    check_clean(device);
}

namespace {

// Forwards to a MemoryBlockDevice and counts the multi-block transfers (the default
// read_blocks / write_blocks of BlockDevice do the per-block work underneath).
class RunCountingDevice final : public BlockDevice {
public:
    explicit RunCountingDevice(MemoryBlockDevice& inner) : m_inner(inner) {}
    ErrorOr<void> read_block(u64 index, u8* buffer) override { return m_inner.read_block(index, buffer); }
    ErrorOr<void> write_block(u64 index, const u8* buffer) override { return m_inner.write_block(index, buffer); }
    ErrorOr<void> read_blocks(u64 index, u64 count, u8* buffer) override
    {
        ++read_runs;
        return m_inner.read_blocks(index, count, buffer);
    }
    ErrorOr<void> write_blocks(u64 index, u64 count, const u8* buffer) override
    {
        ++write_runs;
        return m_inner.write_blocks(index, count, buffer);
    }
    ErrorOr<void> flush() override { return m_inner.flush(); }
    u64 block_count() const override { return m_inner.block_count(); }
    u64 read_runs = 0;
    u64 write_runs = 0;

private:
    MemoryBlockDevice& m_inner;
};

} // namespace

TEST_CASE("redoxfs: block devices move runs of blocks (per-block default)")
{
    MemoryBlockDevice device(8);
    std::vector<u8> data = pattern(3 * BLOCK_SIZE, 7);
    must(device.write_blocks(2, 3, data.data()));
    CHECK(device.writes() == 3);
    std::vector<u8> back(4 * BLOCK_SIZE, 0xff);
    must(device.read_blocks(1, 4, back.data()));
    CHECK(std::all_of(back.begin(), back.begin() + BLOCK_SIZE, [](u8 b) { return b == 0; }));
    CHECK(std::memcmp(back.data() + BLOCK_SIZE, data.data(), data.size()) == 0);
    CHECK(error_of(device.read_blocks(6, 3, back.data())) == redox::EIO);
    must(device.read_blocks(3, 0, back.data()));
}

TEST_CASE("redoxfs: block checksums are XXH3-64 in version 2 and FNV-1a-64 in version 1")
{
    // Reference values from xxhsum -H3 (Debian's xxhash package), not from this library.
    std::vector<u8> zeros(BLOCK_SIZE, 0), ramp(BLOCK_SIZE);
    for (usize i = 0; i < ramp.size(); ++i)
        ramp[i] = static_cast<u8>(i * 7 + 3);
    CHECK(xxh3_64("", 0) == 0x2d06800538d394c2ull);
    CHECK(block_checksum(2, zeros.data()) == 0x93d76fe148c689baull);
    CHECK(block_checksum(2, ramp.data()) == 0xd7428746842be37eull);
    CHECK(block_checksum(1, ramp.data()) == fnv1a64(ramp.data(), BLOCK_SIZE));
    CHECK(FORMAT_VERSION == 2);
    // The batch form gives the per-block values (20 blocks: FNV's eight-way loop and its tail).
    std::vector<u8> blocks = pattern(20 * BLOCK_SIZE, 5);
    for (u64 version : { 1ull, 2ull }) {
        u64 batch[20];
        block_checksums(version, blocks.data(), 20, batch);
        for (usize i = 0; i < 20; ++i)
            CHECK(batch[i] == block_checksum(version, blocks.data() + i * BLOCK_SIZE));
    }
}

TEST_CASE("redoxfs: a version 1 image (FNV-1a checksums) is still mounted, written and checked")
{
    MemoryBlockDevice device(2048);
    MkfsOptions options;
    options.version = 1;
    must(FileSystem::mkfs(device, options));
    std::vector<u8> data = pattern(300 * BLOCK_SIZE + 10, 3);
    u32 id;
    {
        FileSystem fs(device);
        must(fs.mount());
        CHECK(fs.version() == 1);
        id = must(fs.create(ROOT_ID, "old", MODE_FILE | 0644, 0, 0));
        must(fs.write(id, 0, data.data(), data.size()));
        must(fs.mkdir(ROOT_ID, "dir", 0755, 0, 0));
        must(fs.commit());
    }
    check_clean(device);
    {
        FileSystem fs(device);
        must(fs.mount());
        CHECK(fs.version() == 1); // commits keep the image's version
        CHECK(read_all(fs, id) == data);
    }
    // The version picks the checksum: the same image called version 2 fails every block.
    relabel_version(device, 2);
    FileSystem fs(device);
    CHECK(error_of(fs.mount()) == redox::EIO);
    CHECK(std::string(fs.last_error().chars(), fs.last_error().length()).find("checksum mismatch") != std::string::npos);
    MkfsOptions future;
    future.version = FORMAT_VERSION + 1;
    CHECK(error_of(FileSystem::mkfs(device, future)) == redox::EINVAL);
}

TEST_CASE("redoxfs: whole blocks are written and read in runs, checksummed per block, checked on read")
{
    MemoryBlockDevice memory(4096);
    format(memory);
    RunCountingDevice device(memory);
    // 300 whole blocks between a partial head and a partial tail.
    std::vector<u8> data = pattern(300 * BLOCK_SIZE + 100, 11);
    u32 id;
    {
        FileSystem fs(device);
        must(fs.mount());
        id = must(fs.create(ROOT_ID, "big", MODE_FILE | 0644, 0, 0));
        CHECK(must(fs.write(id, 1000, data.data(), data.size())) == data.size());
        // Runs, not blocks: 300 blocks in runs of at most 256 (1 MiB).
        CHECK(device.write_runs >= 2);
        CHECK(device.write_runs <= 6);
        // Rewriting blocks of the running transaction reuses them (no new blocks).
        u64 free_before = fs.statvfs().free_blocks;
        std::vector<u8> second = pattern(data.size(), 12);
        must(fs.write(id, 1000, second.data(), second.size()));
        CHECK(fs.statvfs().free_blocks == free_before);
        data = second;
        // Holes: a whole block far past the end, the gap reads as zeros.
        std::vector<u8> far = pattern(BLOCK_SIZE, 13);
        must(fs.write(id, 400 * BLOCK_SIZE, far.data(), far.size()));
        must(fs.commit());
    }
    check_clean(memory); // fsck recomputes every data block's hash
    std::vector<u8> expected(401 * BLOCK_SIZE, 0);
    std::memcpy(expected.data() + 1000, data.data(), data.size());
    std::memcpy(expected.data() + 400 * BLOCK_SIZE, pattern(BLOCK_SIZE, 13).data(), BLOCK_SIZE);
    {
        FileSystem fs(device);
        must(fs.mount());
        device.read_runs = 0;
        CHECK(read_all(fs, id) == expected);
        CHECK(device.read_runs <= 12);
        // Unaligned reads across runs.
        std::vector<u8> part(70 * BLOCK_SIZE + 3);
        CHECK(must(fs.read(id, 5 * BLOCK_SIZE - 7, part.data(), part.size())) == part.size());
        CHECK(std::memcmp(part.data(), expected.data() + 5 * BLOCK_SIZE - 7, part.size()) == 0);
    }
    // A flipped byte in the 100th block of the file fails a read that covers it (in the
    // middle of a run), not one that does not.
    u64 victim = 0;
    for (u64 b = HEADER_RING; b < memory.block_count() && !victim; ++b) {
        if (memory.is_written(b) && std::memcmp(memory.raw(b), expected.data() + 100 * BLOCK_SIZE, BLOCK_SIZE) == 0)
            victim = b;
    }
    REQUIRE(victim != 0);
    memory.raw(victim)[123] ^= 1;
    {
        FileSystem fs(device);
        must(fs.mount());
        std::vector<u8> bytes(expected.size());
        CHECK(error_of(fs.read(id, 0, bytes.data(), bytes.size())) == redox::EIO);
        CHECK(std::string(fs.last_error().chars(), fs.last_error().length()).find("checksum") != std::string::npos);
        CHECK(must(fs.read(id, 0, bytes.data(), 64 * BLOCK_SIZE)) == 64 * BLOCK_SIZE);
        CHECK(std::memcmp(bytes.data(), expected.data(), 64 * BLOCK_SIZE) == 0);
    }
}

TEST_CASE("redoxfs: a file written in 1 MiB writes goes to 1 MiB-aligned extents, one transfer each")
{
    MemoryBlockDevice memory(16384);
    format(memory);
    RunCountingDevice device(memory);
    FileSystem fs(device);
    must(fs.mount());
    u32 id = must(fs.create(ROOT_ID, "seq", MODE_FILE | 0644, 0, 0));
    std::vector<u8> chunk = pattern(256 * BLOCK_SIZE, 4);
    device.write_runs = 0;
    for (u64 i = 0; i < 20; ++i)
        must(fs.write(id, i * chunk.size(), chunk.data(), chunk.size()));
    CHECK(device.write_runs == 20);
    must(fs.commit());
    // Overwritten after the commit: new extents again, not block by block.
    device.write_runs = 0;
    for (u64 i = 0; i < 20; ++i)
        must(fs.write(id, i * chunk.size(), chunk.data(), chunk.size()));
    CHECK(device.write_runs == 20);
    must(fs.commit());
    check_clean(memory);
    // Each 1 MiB of the file starts a 1 MiB-aligned extent.
    u64 aligned = 0;
    for (u64 b = HEADER_RING; b < memory.block_count(); b += 256)
        if (memory.is_written(b) && std::memcmp(memory.raw(b), chunk.data(), BLOCK_SIZE) == 0)
            ++aligned;
    CHECK(aligned >= 20);
}

TEST_CASE("redoxfs: space freed by a commit is reused before space never written (a sparse image stays small)")
{
    MemoryBlockDevice device(65536);
    format(device);
    FileSystem fs(device);
    must(fs.mount());
    std::vector<u8> chunk = pattern(256 * BLOCK_SIZE, 6);
    auto written_blocks = [&] {
        u64 n = 0;
        for (u64 b = 0; b < device.block_count(); ++b)
            n += device.is_written(b);
        return n;
    };
    for (int round = 0; round < 5; ++round) {
        u32 id = must(fs.create(ROOT_ID, "big", MODE_FILE | 0644, 0, 0));
        for (u64 i = 0; i < 8; ++i)
            must(fs.write(id, i * chunk.size(), chunk.data(), chunk.size()));
        must(fs.commit());
        must(fs.unlink(ROOT_ID, "big"));
        must(fs.commit());
    }
    // Five 8 MiB files one after another: about one file's worth of the device was written
    // (plus metadata), not five.
    CHECK(written_blocks() < 256 + 2 * 8 * 256);
    check_clean(device);
    // A big file truncated and written again without an explicit commit: the truncate frees
    // 80 MiB of committed blocks, the next operation commits, the new data reuses them.
    u32 id = must(fs.create(ROOT_ID, "big", MODE_FILE | 0644, 0, 0));
    for (u64 i = 0; i < 80; ++i)
        must(fs.write(id, i * chunk.size(), chunk.data(), chunk.size()));
    must(fs.commit());
    u64 before = written_blocks();
    u64 generation = fs.generation();
    must(fs.truncate(id, 0));
    for (u64 i = 0; i < 80; ++i)
        must(fs.write(id, i * chunk.size(), chunk.data(), chunk.size()));
    CHECK(fs.generation() == generation + 1);
    CHECK(written_blocks() < before + 1024);
    must(fs.commit());
    check_clean(device);
}

TEST_CASE("redoxfs: a failed run write leaves the file system usable after a remount")
{
    MemoryBlockDevice device(2048);
    format(device);
    std::vector<u8> data = pattern(200 * BLOCK_SIZE, 21);
    {
        FileSystem fs(device);
        must(fs.mount());
        u32 id = must(fs.create(ROOT_ID, "f", MODE_FILE | 0644, 0, 0));
        must(fs.commit());
        device.fail_writes_after(90);
        CHECK(error_of(fs.write(id, 0, data.data(), data.size())) == redox::EIO);
        CHECK(fs.commit().is_error());
    }
    device.crash();
    check_clean(device);
    FileSystem fs(device);
    must(fs.mount());
    u32 id = must(fs.lookup(ROOT_ID, "f"));
    CHECK(must(fs.stat(id)).size == 0);
}

namespace {

// A device whose Nth flush from now fails once (the others go to the memory device): a
// disk driver that dies between the header write and the flush after it.
class FlushFailingDevice final : public BlockDevice {
public:
    explicit FlushFailingDevice(MemoryBlockDevice& inner) : m_inner(inner) {}
    ErrorOr<void> read_block(u64 index, u8* buffer) override { return m_inner.read_block(index, buffer); }
    ErrorOr<void> write_block(u64 index, const u8* buffer) override { return m_inner.write_block(index, buffer); }
    ErrorOr<void> flush() override
    {
        if (m_countdown >= 0 && m_countdown-- == 0)
            return ktl::Error::from_errno(redox::EIO);
        return m_inner.flush();
    }
    u64 block_count() const override { return m_inner.block_count(); }
    void fail_flush_after(int flushes) { m_countdown = flushes; }

private:
    MemoryBlockDevice& m_inner;
    int m_countdown { -1 };
};

} // namespace

TEST_CASE("redoxfs: a failed commit keeps the last one on disk; the next commit writes the whole transaction")
{
    auto a_before = pattern(3 * BLOCK_SIZE + 100, 41);
    auto a_after = pattern(2 * BLOCK_SIZE + 7, 42);
    auto c_data = pattern(10 * BLOCK_SIZE, 43);
    auto c_more = pattern(BLOCK_SIZE + 5, 44);
    int failed = 0;
    int header_failures = 0;
    int succeeded_in_a_row = 0;
    for (i64 fail_after = 0; succeeded_in_a_row < 3 && fail_after < 400; ++fail_after) {
        CAPTURE(fail_after);
        MemoryBlockDevice device(4096);
        format(device);
        u64 last_good;
        {
            FileSystem fs(device);
            must(fs.mount());
            u32 d = must(fs.mkdir(ROOT_ID, "d", 0755, 0, 0));
            u32 a = must(fs.create(d, "a", 0644, 0, 0));
            must(fs.write(a, 0, a_before.data(), a_before.size()));
            u32 b = must(fs.create(ROOT_ID, "b", 0644, 0, 0));
            must(fs.write(b, 0, "bee", 3));
            must(fs.commit());
            last_good = fs.generation();

            // The transaction: data rewritten, a file and a directory made, a rename.
            must(fs.truncate(a, 0));
            must(fs.write(a, 0, a_after.data(), a_after.size()));
            u32 c = must(fs.create(ROOT_ID, "c", 0644, 0, 0));
            must(fs.write(c, 0, c_data.data(), c_data.size()));
            u32 e = must(fs.mkdir(ROOT_ID, "e", 0755, 0, 0));
            must(fs.rename(ROOT_ID, "b", e, "b"));
            device.fail_writes_after(fail_after);
            auto committed = fs.commit();
            if (committed.is_error()) {
                ++failed;
                succeeded_in_a_row = 0;
                std::string why(fs.last_error().chars(), fs.last_error().length());
                header_failures += why.find("header") != std::string::npos;
                // What is on the disk now is the last commit, whole.
                INFO("commit failed: ", why);
                check_clean(device);
                {
                    FileSystem look(device);
                    must(look.mount());
                    CHECK(look.generation() == last_good);
                    CHECK(read_all(look, must(look.lookup(must(look.lookup(ROOT_ID, "d")), "a"))) == a_before);
                    CHECK(error_of(look.lookup(ROOT_ID, "c")) == redox::ENOENT);
                }
                // The disk is back; more changes, then a commit that works.
                device.stop_failing();
                INFO("after the failure: ", std::string(fs.last_error().chars(), fs.last_error().length()));
                must(fs.write(c, c_data.size(), c_more.data(), c_more.size()));
                must(fs.create(ROOT_ID, "f", 0644, 0, 0));
                auto retried = fs.commit();
                INFO(std::string(fs.last_error().chars(), fs.last_error().length()));
                must(std::move(retried));
            } else {
                ++succeeded_in_a_row;
                device.stop_failing();
                must(fs.write(c, c_data.size(), c_more.data(), c_more.size()));
                must(fs.create(ROOT_ID, "f", 0644, 0, 0));
                must(fs.commit());
            }
        }
        device.crash(); // nothing unflushed may matter
        check_clean(device);
        FileSystem fs(device);
        must(fs.mount());
        CHECK(fs.generation() > last_good);
        CHECK(read_all(fs, must(fs.lookup(must(fs.lookup(ROOT_ID, "d")), "a"))) == a_after);
        auto c_expected = c_data;
        c_expected.insert(c_expected.end(), c_more.begin(), c_more.end());
        CHECK(read_all(fs, must(fs.lookup(ROOT_ID, "c"))) == c_expected);
        u32 e = must(fs.lookup(ROOT_ID, "e"));
        CHECK(read_all(fs, must(fs.lookup(e, "b"))) == std::vector<u8> { 'b', 'e', 'e' });
        CHECK(error_of(fs.lookup(ROOT_ID, "b")) == redox::ENOENT);
        CHECK(must(fs.lookup(ROOT_ID, "f")) > 0);
    }
    CHECK(failed > 5);
    CHECK(header_failures >= 1); // the header write itself failed in one round
}

TEST_CASE("redoxfs: after a flush fails behind the header write, both headers stay valid until the next commit")
{
    MemoryBlockDevice memory(2048);
    format(memory);
    FlushFailingDevice device(memory);
    auto first = pattern(8 * BLOCK_SIZE, 51);
    auto second = pattern(8 * BLOCK_SIZE, 52);
    auto third = pattern(8 * BLOCK_SIZE, 53);
    FileSystem fs(device);
    must(fs.mount());
    u32 f = must(fs.create(ROOT_ID, "f", 0644, 0, 0));
    must(fs.write(f, 0, first.data(), first.size()));
    must(fs.commit());
    u64 before = fs.generation();
    must(fs.write(f, 0, second.data(), second.size()));
    device.fail_flush_after(1); // the flush before the header works, the one after fails
    CHECK(error_of(fs.commit()) == redox::EIO);
    CHECK(std::string(fs.last_error().chars()).find("after the header") != std::string::npos);
    // The new header did reach the disk. Writing on must not touch what it references.
    must(fs.write(f, 0, third.data(), third.size()));
    u32 g = must(fs.create(ROOT_ID, "g", 0644, 0, 0));
    must(fs.write(g, 0, third.data(), third.size()));
    check_clean(memory);
    {
        FileSystem look(memory);
        must(look.mount());
        CHECK(look.generation() == before + 1);
        CHECK(read_all(look, must(look.lookup(ROOT_ID, "f"))) == second);
        CHECK(error_of(look.lookup(ROOT_ID, "g")) == redox::ENOENT);
    }
    // The next commit writes a header past both.
    must(fs.commit());
    memory.crash();
    check_clean(memory);
    FileSystem again(memory);
    must(again.mount());
    CHECK(again.generation() == before + 1);
    CHECK(read_all(again, must(again.lookup(ROOT_ID, "f"))) == third);
    CHECK(read_all(again, must(again.lookup(ROOT_ID, "g"))) == third);
    // Blocks held back for the failed header are reusable again after that commit.
    must(again.unlink(ROOT_ID, "g"));
    must(again.commit());
    check_clean(memory);
}

TEST_CASE("redoxfs: after a failed flush loses the commit's writes, the next commit writes them again")
{
    MemoryBlockDevice memory(2048);
    format(memory);
    FlushFailingDevice device(memory);
    FileSystem fs(device);
    must(fs.mount());
    must(fs.commit());
    // Metadata only (inline data): every block of this transaction is written by the commit.
    for (int i = 0; i < 40; ++i) {
        std::string name = "file" + std::to_string(i);
        u32 id = must(fs.create(ROOT_ID, sv(name), 0644, 0, 0));
        must(fs.write(id, 0, name.data(), name.size()));
    }
    must(fs.mkdir(ROOT_ID, "dir", 0755, 0, 0));
    device.fail_flush_after(0); // the flush before the header fails ...
    CHECK(error_of(fs.commit()) == redox::EIO);
    memory.crash(); // ... and the disk lost what the commit had written
    check_clean(memory);
    must(fs.commit());
    memory.crash();
    check_clean(memory);
    FileSystem again(memory);
    must(again.mount());
    for (int i = 0; i < 40; ++i) {
        std::string name = "file" + std::to_string(i);
        std::vector<u8> expected(name.begin(), name.end());
        CHECK(read_all(again, must(again.lookup(ROOT_ID, sv(name)))) == expected);
    }
    CHECK(must(again.lookup(ROOT_ID, "dir")) > 0);
}

// The `disk` scheme over the fake HAL's in-memory disk (tests/fake_hal/fake_hal.cpp).
#include "../../kernel_core/hal/block_device.h"
#include "../../kernel_core/schemes/disk_scheme.h"

namespace fake_hal {
void set_disk(std::uint64_t blocks); // 0: no disk
std::uint64_t disk_calls();
unsigned char* disk_bytes();
}

TEST_CASE("disk scheme: a request moves its whole run of blocks in one HAL call")
{
    fake_hal::set_disk(16);
    kernel::DiskScheme disk;
    kernel::Caller root { 1, 0, 0 };
    usize h = disk.open("0", redox::O_RDWR, root).value();
    std::vector<u8> data = pattern(3 * BLOCK_SIZE, 31);
    CHECK(disk.write(h, data.data(), data.size(), BLOCK_SIZE, 0, root).value() == data.size());
    CHECK(fake_hal::disk_calls() == 1);
    CHECK(std::memcmp(fake_hal::disk_bytes() + BLOCK_SIZE, data.data(), data.size()) == 0);
    std::vector<u8> back(4 * BLOCK_SIZE, 0xff);
    CHECK(disk.read(h, back.data(), back.size(), 0, 0, root).value() == back.size());
    CHECK(fake_hal::disk_calls() == 2);
    CHECK(std::all_of(back.begin(), back.begin() + BLOCK_SIZE, [](u8 b) { return b == 0; }));
    CHECK(std::memcmp(back.data() + BLOCK_SIZE, data.data(), data.size()) == 0);
    // A run past the end is cut at the end; at the end: 0 bytes (read) or ENOSPC (write).
    CHECK(disk.write(h, data.data(), 2 * BLOCK_SIZE, 15 * BLOCK_SIZE, 0, root).value() == BLOCK_SIZE);
    CHECK(disk.read(h, back.data(), 4 * BLOCK_SIZE, 14 * BLOCK_SIZE, 0, root).value() == 2 * BLOCK_SIZE);
    CHECK(disk.read(h, back.data(), BLOCK_SIZE, 16 * BLOCK_SIZE, 0, root).value() == 0);
    CHECK(disk.write(h, data.data(), BLOCK_SIZE, 16 * BLOCK_SIZE, 0, root).error().code == redox::ENOSPC);
    // Whole, aligned blocks only.
    CHECK(disk.read(h, back.data(), 100, 0, 0, root).error().code == redox::EINVAL);
    CHECK(disk.write(h, data.data(), BLOCK_SIZE, 10, 0, root).error().code == redox::EINVAL);
    CHECK(!disk.fsync(h).is_error());
    char path[16] = {};
    CHECK(disk.fpath(h, path, sizeof path).value() == 1); // a reference: /scheme/disk/0
    CHECK(path[0] == '0');
    disk.close(h);
    // Only root opens the disk, by its one name, and never as a directory.
    kernel::Caller user { 2, 1000, 1000 };
    CHECK(disk.open("0", redox::O_RDWR, user).error().code == redox::EACCES);
    CHECK(disk.open("1", redox::O_RDWR, root).error().code == redox::ENOENT);
    CHECK(disk.open("0", redox::O_RDONLY | redox::O_DIRECTORY, root).error().code == redox::ENOTDIR);
    // The HAL checks its own ranges.
    CHECK(hal::disk_read_blocks(15, 2, back.data()) == redox::EINVAL);
    CHECK(hal::disk_write_blocks(17, 1, data.data()) == redox::EINVAL);
    fake_hal::set_disk(0);
    CHECK(hal::disk_block_count() == 0);
    CHECK(hal::disk_read_blocks(0, 1, back.data()) == redox::ENODEV);
}
