// libFuzzer target for the RedoxFS library: hostile images fed to mount, fsck and a bounded
// set of common operations. Every call must return an error or a value: never crash, hang
// or touch memory out of bounds (the build adds ASan + UBSan). Input layout: fuzz_images.h.
// Build and run: tests/fuzz/run-fuzz.sh.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_images.h"

#include "../../schemes/redoxfs/fsck.h"

using namespace redoxfs;
using namespace fuzzimg;

namespace {

// --- structured mode: reachable blocks and hash fix-up ------------------------------------

enum class Kind { NodeTable, Alloc, FileData, DirBuckets };

struct Image {
    u8* bytes;
    u64 blocks;
    u8* block(u64 i) { return bytes + i * BLOCK_SIZE; }
};

u64 newest_header(Image& image)
{
    u64 best = ~0ull, best_generation = 0;
    for (u64 i = 0; i < HEADER_RING && i < image.blocks; ++i) {
        Header header;
        memcpy(&header, image.block(i), sizeof header);
        if (memcmp(header.signature, SIGNATURE, 8) != 0)
            continue;
        if (best == ~0ull || header.generation > best_generation) {
            best = i;
            best_generation = header.generation;
        }
    }
    return best;
}

// Walks the tree under ptr (post-order, each block once, bounded), collecting block indices
// and, when fix is set, storing each block's new hash into the pointer that reaches it.
struct Walker {
    Image& image;
    u64 version; // the header's, for the checksums
    bool fix;
    std::vector<u64> order;
    std::vector<bool> seen;
    usize budget { 4096 };

    void walk(BlockPtr& ptr, u32 level, Kind kind)
    {
        if (ptr.addr == 0 || ptr.addr >= image.blocks || budget == 0)
            return;
        --budget;
        u8* block = image.block(ptr.addr);
        if (!seen[ptr.addr]) {
            seen[ptr.addr] = true;
            order.push_back(ptr.addr);
            if (level > 0) {
                u32 child_level = std::min<u32>(level - 1, MAX_LEVELS + 1);
                for (u32 i = 0; i < PTRS_PER_TABLE; ++i) {
                    BlockPtr child;
                    memcpy(&child, block + i * sizeof child, sizeof child);
                    walk(child, child_level, kind);
                    memcpy(block + i * sizeof child, &child, sizeof child);
                }
            } else if (kind == Kind::NodeTable) {
                Node node;
                memcpy(&node, block, sizeof node);
                Kind data_kind = (node.mode & 0xF000) == 0x4000 ? Kind::DirBuckets : Kind::FileData;
                walk(node.data, std::min<u32>(node.data_levels, MAX_LEVELS + 1), data_kind);
                memcpy(block, &node, sizeof node);
            }
        }
        if (fix)
            ptr.hash = block_checksum(version, block);
    }
};

void walk_image(Image& image, u64 header_block, bool fix, std::vector<u64>* blocks)
{
    Header header;
    memcpy(&header, image.block(header_block), sizeof header);
    Walker walker { image, is_known_version(header.version) ? header.version : FORMAT_VERSION, fix, {},
        std::vector<bool>(image.blocks) };
    walker.walk(header.tree, std::min<u32>(header.tree_levels, MAX_LEVELS + 1), Kind::NodeTable);
    walker.walk(header.alloc, std::min<u32>(header.alloc_levels, MAX_LEVELS + 1), Kind::Alloc);
    if (fix)
        header.hash = fnv1a64(&header, HEADER_HASHED_BYTES);
    memcpy(image.block(header_block), &header, sizeof header);
    if (blocks)
        *blocks = std::move(walker.order);
}

const std::vector<u8>& base_image(int kind)
{
    static std::vector<u8> bases[BASE_COUNT];
    static bool built[BASE_COUNT];
    if (!built[kind]) {
        bases[kind] = build_base(kind);
        built[kind] = true;
        if (bases[kind].empty())
            __builtin_trap(); // the library cannot build its own fresh image
    }
    return bases[kind];
}

// Applies the edits; returns whether hashes should be recomputed afterwards.
bool apply_edits(Image& image, u64 header_block, const u8* edits, usize size)
{
    std::vector<u64> targets;
    walk_image(image, header_block, false, &targets);
    targets.insert(targets.begin(), header_block);
    bool rehash = true;
    for (usize at = 0; at + EDIT_SIZE <= size && at < 64 * EDIT_SIZE; at += EDIT_SIZE) {
        const u8* e = edits + at;
        u64 block = targets[e[0] % targets.size()];
        u16 offset = static_cast<u16>((e[1] | e[2] << 8) % BLOCK_SIZE);
        u8 op = e[3];
        u32 value;
        memcpy(&value, e + 4, 4);
        u8* p = image.block(block);
        switch (op % 8) {
        case 0: p[offset] = static_cast<u8>(value); break;
        case 1: p[offset] ^= static_cast<u8>(value | 1); break;
        case 2: { // a u32 field (aligned)
            offset &= ~3u;
            memcpy(p + offset, &value, 4);
            break;
        }
        case 3: { // a u64 field: a small value, a huge one, or near the device size
            offset &= ~7u;
            u64 v = value & 0x8000'0000u ? ~0ull - (value & 0xff) : (value & 0x4000'0000u ? image.blocks - 2 + (value & 3) : value & 0x3ff);
            memcpy(p + offset, &v, 8);
            break;
        }
        case 4: { // add a delta to a u64 field
            offset &= ~7u;
            u64 v;
            memcpy(&v, p + offset, 8);
            v += static_cast<i64>(static_cast<i8>(value));
            memcpy(p + offset, &v, 8);
            break;
        }
        case 5: { // copy a 16-byte window (e.g. a block pointer) from another reachable block
            offset &= ~15u;
            u64 other = targets[(value >> 8) % targets.size()];
            u16 from = static_cast<u16>(((value >> 20) * 16) % BLOCK_SIZE);
            memmove(p + offset, image.block(other) + from, 16);
            break;
        }
        case 6: // swap two whole blocks' contents
            if (u64 other = targets[value % targets.size()]; other != block) {
                u8 tmp[BLOCK_SIZE];
                memcpy(tmp, p, BLOCK_SIZE);
                memcpy(p, image.block(other), BLOCK_SIZE);
                memcpy(image.block(other), tmp, BLOCK_SIZE);
            }
            break;
        case 7:
            if (value % 16 == 0)
                rehash = false; // keep stale hashes now and then
            else
                p[offset] = static_cast<u8>(value >> 8);
            break;
        }
    }
    return rehash;
}

// --- operations on a mounted file system ------------------------------------------------

struct Budget {
    int nodes { 200 };
    int reads { 64 };
};

void read_file(FileSystem& fs, u32 id, u64 size, Budget& budget)
{
    static u8 buffer[16384];
    u64 offset = 0;
    while (offset < size && offset < 65536 && budget.reads-- > 0) {
        auto got = fs.read(id, offset, buffer, sizeof buffer);
        if (got.is_error() || got.value() == 0)
            return;
        if (got.value() > sizeof buffer)
            __builtin_trap(); // read() claims more than the buffer holds
        offset += got.value();
    }
    // A read past the end, and one at a huge offset.
    (void)fs.read(id, size + 10, buffer, 16);
    (void)fs.read(id, ~0ull - 4, buffer, 16);
}

void visit(FileSystem& fs, u32 dir, int depth, Budget& budget)
{
    (void)fs.parent(dir);
    u64 cookie = 0;
    for (int batch = 0; batch < 16; ++batch) {
        auto listing = fs.readdir(dir, cookie, 32);
        if (listing.is_error())
            return;
        for (DirEntry& entry : listing.value().entries) {
            if (budget.nodes-- <= 0)
                return;
            (void)fs.lookup(dir, entry.name.view());
            auto st = fs.stat(entry.id);
            if (st.is_error())
                continue;
            u32 type = st.value().mode & 0xF000;
            if (type == redox::MODE_DIR) {
                if (depth < 4)
                    visit(fs, entry.id, depth + 1, budget);
            } else if (type == redox::MODE_SYMLINK) {
                (void)fs.readlink(entry.id);
            } else {
                read_file(fs, entry.id, st.value().size, budget);
            }
        }
        if (listing.value().end || listing.value().next_cookie == cookie)
            return;
        cookie = listing.value().next_cookie;
    }
}

void exercise(FileSystem& fs, MemoryBlockDevice& device, const u8* tail, usize tail_size)
{
    fs.set_time({ 3000, 1 });
    (void)fs.statvfs();
    u32 root = fs.root_id();
    (void)fs.stat(root);
    Budget budget;
    visit(fs, root, 0, budget);
    (void)fs.lookup(root, sv("does-not-exist"));
    (void)fs.lookup(root, sv("small.txt"));
    (void)fs.stat(0);
    (void)fs.stat(12345);

    // Changes: a new file that grows past inline, a directory, a rename, removals, commit.
    static u8 data[9000];
    for (usize i = 0; i < sizeof data; ++i)
        data[i] = static_cast<u8>(i ^ tail_size);
    auto created = fs.create(root, sv("fuzz-new"), redox::MODE_FILE | 0644, 0, 0);
    if (!created.is_error()) {
        u32 id = created.value();
        (void)fs.write(id, 0, data, 100);
        (void)fs.write(id, 100, data, sizeof data);
        (void)fs.write(id, 4096 * 40, data, 10);
        (void)fs.truncate(id, 5000);
        (void)fs.chmod(id, 0600);
        (void)fs.utimens(id, { 1, 2 }, { 3, 4 });
    }
    (void)fs.mkdir(root, sv("fuzz-dir"), 0755, 0, 0);
    (void)fs.rename(root, sv("fuzz-new"), root, sv("fuzz-renamed"));
    (void)fs.symlink(root, sv("fuzz-link"), sv("fuzz-renamed"), 0, 0);
    (void)fs.unlink(root, sv("small.txt"));
    (void)fs.rmdir(root, sv("dir"));
    auto many = fs.lookup(root, sv("many"));
    if (!many.is_error()) {
        (void)fs.unlink(many.value(), sv("entry-with-a-longish-name-0001"));
        (void)fs.create(many.value(), sv("another"), redox::MODE_FILE | 0644, 0, 0);
    }
    // An edit-chosen name, so removals can hit whatever the image holds.
    if (tail_size > 0) {
        usize length = std::min<usize>(tail[0] % 32, tail_size - 1);
        StringView name { reinterpret_cast<const char*>(tail + 1), length };
        (void)fs.lookup(root, name);
        (void)fs.unlink(root, name);
        (void)fs.rmdir(root, name);
        (void)fs.create(root, name, redox::MODE_FILE | 0644, 0, 0);
    }
    String report;
    (void)fs.check(report);
    if (!fs.commit().is_error()) {
        FileSystem again(device);
        if (!again.mount().is_error()) {
            Budget second;
            second.nodes = 50;
            visit(again, again.root_id(), 2, second);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const u8 mode = data[0];
    std::vector<u8> image;
    const u8* tail = nullptr;
    usize tail_size = 0;
    if (mode % 2 == 0) {
        usize bytes = std::min<usize>(size - 1, MAX_BLOCKS * BLOCK_SIZE);
        u64 blocks = std::max<u64>((bytes + BLOCK_SIZE - 1) / BLOCK_SIZE, MIN_BLOCKS);
        image.assign(blocks * BLOCK_SIZE, 0);
        memcpy(image.data(), data + 1, bytes);
    } else {
        if (size < 2)
            return 0;
        image = base_image(data[1] % BASE_COUNT);
        Image view { image.data(), image.size() / BLOCK_SIZE };
        u64 header = newest_header(view);
        if (header == ~0ull)
            __builtin_trap();
        if (apply_edits(view, header, data + 2, size - 2))
            walk_image(view, header, true, nullptr);
        tail = data + 2;
        tail_size = size - 2;
    }

    MemoryBlockDevice device(image.size() / BLOCK_SIZE);
    for (u64 i = 0; i < device.block_count(); ++i) {
        const u8* block = image.data() + i * BLOCK_SIZE;
        bool zero = true;
        for (u32 j = 0; j < BLOCK_SIZE && zero; ++j)
            zero = block[j] == 0;
        if (!zero)
            memcpy(device.raw(i), block, BLOCK_SIZE);
    }

    FsckResult before = fsck(device);
    (void)before;
    {
        FileSystem fs(device);
        if (fs.mount().is_error()) {
            if (fs.last_error().length() == 0)
                __builtin_trap(); // mount failed without saying why
            return 0;
        }
        exercise(fs, device, tail, tail_size);
    }
    (void)fsck(device);
    return 0;
}
