// fsck: see fsck.h.
#include "fsck.h"

#include "ktl/format.h"

#include <stdarg.h>

namespace redoxfs {

using namespace redox;

namespace {
constexpr u64 MAX_REPORTED = 200;
enum LeafKind { LEAF_NODE, LEAF_FILE_DATA, LEAF_BUCKET, LEAF_BITMAP };
} // namespace

struct Checker {
    Checker(FileSystem& file_system, String& out) : fs(file_system), report(out) {}
    FileSystem& fs;
    String& report;
    u64 errors { 0 };
    u64 size { 0 };
    Vector<u64> seen;    // blocks referenced
    Vector<u64> on_disk; // the stored bitmap
    // The nodes found, in ascending id order (the node table is walked in order). The
    // tables are sized by what the node table holds, not by the header's next_node_id,
    // which a corrupt header may set to anything.
    struct NodeInfo {
        u32 id;
        u16 mode;
        u32 links;
        u32 parent;     // parent field of directories
        u32 refs;       // directory entries naming the node
        u32 subdirs;    // subdirectories of a directory
        u32 container;  // directory holding a directory's entry
    };
    Vector<NodeInfo> nodes;
    Vector<u64> buckets;   // trie indices of the directory being checked
    u64 nodes_found { 0 };
    u64 leaves { 0 };
    // The node whose data is being walked.
    u32 current { 0 };
    u64 current_size { 0 };
    u8 current_depth { 0 };
    u64 current_entries { 0 };

    void error(const char* fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        if (errors++ >= MAX_REPORTED)
            return;
        char line[512];
        va_list args;
        va_start(args, fmt);
        ktl::vformat_buffer(line, sizeof(line), fmt, args);
        va_end(args);
        report.append(line);
        report.append('\n');
    }

    static unsigned long long U(u64 v) { return static_cast<unsigned long long>(v); }
    bool test(const Vector<u64>& bits, u64 i) const { return bits[i / 64] >> (i % 64) & 1; }
    void set(Vector<u64>& bits, u64 i) { bits[i / 64] |= 1ull << (i % 64); }

    // Marks and reads a block; false (with an error) when it can not be used.
    bool load(const BlockPtr& p, u8* buffer, const char* what, u64 owner)
    {
        if (p.addr < HEADER_RING || p.addr >= size) {
            error("%s of node %llu: pointer to block %llu out of range", what, U(owner), U(p.addr));
            return false;
        }
        if (test(seen, p.addr)) {
            error("%s of node %llu: block %llu is referenced twice", what, U(owner), U(p.addr));
            return false;
        }
        set(seen, p.addr);
        if (fs.m_device.read_block(p.addr, buffer).is_error()) {
            error("%s of node %llu: block %llu can not be read", what, U(owner), U(p.addr));
            return false;
        }
        u64 hash = block_checksum(fs.m_header.version, buffer);
        if (hash != p.hash) {
            error("%s of node %llu: checksum mismatch in block %llu (expected %016llx, found %016llx)", what, U(owner),
                U(p.addr), U(p.hash), U(hash));
            return false;
        }
        return true;
    }

    // Walks a pointer-table tree; returns the blocks it holds.
    u64 walk(const BlockPtr& p, u8 level, u64 base, LeafKind kind, const char* what, u64 owner)
    {
        if (p.is_null())
            return 0;
        Vector<u8> buffer;
        buffer.resize(BLOCK_SIZE);
        if (!load(p, buffer.data(), what, owner))
            return 1;
        u64 count = 1;
        if (level > 0) {
            auto* t = reinterpret_cast<const BlockPtr*>(buffer.data());
            u64 child_span = 1ull << (8 * (level - 1));
            for (u32 i = 0; i < PTRS_PER_TABLE; ++i)
                count += walk(t[i], level - 1, base + i * child_span, kind, what, owner);
            return count;
        }
        switch (kind) {
        case LEAF_NODE:
            check_node(base, buffer.data());
            break;
        case LEAF_FILE_DATA:
            if (base * BLOCK_SIZE >= current_size)
                error("node %u: data block %llu lies past the end of the file (size %llu)", current, U(base), U(current_size));
            break;
        case LEAF_BUCKET:
            check_bucket(base, buffer.data());
            break;
        case LEAF_BITMAP: {
            u64 first = base * (BITS_PER_BITMAP_BLOCK / 64);
            auto* words = reinterpret_cast<const u64*>(buffer.data());
            for (u64 w = 0; w < BITS_PER_BITMAP_BLOCK / 64; ++w) {
                if (first + w < on_disk.size())
                    on_disk[first + w] = words[w];
                else if (words[w])
                    error("bitmap block %llu: bits set past the end of the file system", U(base));
            }
            ++leaves;
            break;
        }
        }
        return count;
    }

    void check_node(u64 id, const u8* block)
    {
        Node n;
        ktl::copy_bytes(&n, block, sizeof(Node));
        if (id >= fs.m_header.next_node_id || id > 0xFFFFFFFFull) {
            error("node table: node %llu is past next_node_id", U(id));
            return;
        }
        if (n.magic != NODE_MAGIC || n.id != id) {
            error("node %llu: bad magic or id", U(id));
            return;
        }
        u32 type = n.mode & MODE_TYPE;
        if (type == 0 || n.data_levels > MAX_LEVELS || n.dir_depth > MAX_DIR_DEPTH) {
            error("node %llu: bad mode %o, table depth %u or directory depth %u", U(id), n.mode, n.data_levels, n.dir_depth);
            return;
        }
        ++nodes_found;
        nodes.append({ static_cast<u32>(id), n.mode, n.links, n.parent, 0, 0, 0 });
        current = static_cast<u32>(id);
        current_size = n.size;
        if (type == MODE_DIR) {
            if (n.flags & NODE_FLAG_INLINE)
                error("node %llu: a directory with inline data", U(id));
            current_depth = n.dir_depth;
            current_entries = 0;
            buckets.clear();
            u64 blocks = walk(n.data, n.data_levels, 0, LEAF_BUCKET, "directory", id);
            if (blocks != n.blocks)
                error("directory %llu: %llu blocks recorded, %llu found", U(id), U(n.blocks), U(blocks));
            if (current_entries != n.entries)
                error("directory %llu: %llu entries recorded, %llu found", U(id), U(n.entries), U(current_entries));
            check_trie(id);
            return;
        }
        if ((type == MODE_FIFO || type == MODE_SOCK) && (n.size != 0 || !n.data.is_null()))
            error("node %llu: a FIFO or socket with data", U(id));
        if (n.flags & NODE_FLAG_INLINE) {
            if (n.size > INLINE_MAX)
                error("node %llu: inline size %llu is too large", U(id), U(n.size));
            if (!n.data.is_null() || n.blocks != 0)
                error("node %llu: inline data and data blocks", U(id));
            return;
        }
        u64 blocks = walk(n.data, n.data_levels, 0, LEAF_FILE_DATA, "data", id);
        if (blocks != n.blocks)
            error("node %llu: %llu blocks recorded, %llu found", U(id), U(n.blocks), U(blocks));
    }

    void check_bucket(u64 index, const u8* b)
    {
        buckets.append(index);
        auto* h = reinterpret_cast<const BucketHeader*>(b);
        u32 depth = 63 - static_cast<u32>(__builtin_clzll(index));
        if (h->magic != BUCKET_MAGIC || h->index != index || h->depth != depth || h->used > BUCKET_SPACE) {
            error("directory %u: bad bucket header at trie index %llu", current, U(index));
            return;
        }
        if (depth > current_depth)
            error("directory %u: bucket %llu deeper than the recorded depth %u", current, U(index), current_depth);
        usize offset = sizeof(BucketHeader), end = sizeof(BucketHeader) + h->used;
        for (u32 i = 0; i < h->count; ++i) {
            if (offset + ENTRY_FIXED > end || offset + ENTRY_FIXED + b[offset + 13] > end) {
                error("directory %u: bucket %llu overruns", current, U(index));
                return;
            }
            u64 hash;
            u32 target;
            ktl::copy_bytes(&hash, b + offset, 8);
            ktl::copy_bytes(&target, b + offset + 8, 4);
            u32 type = static_cast<u32>(b[offset + 12]) << 12;
            usize length = b[offset + 13];
            const char* name = reinterpret_cast<const char*>(b + offset + ENTRY_FIXED);
            StringView view(name, length);
            if (length == 0 || view.contains('/') || view.contains('\0') || view == "." || view == "..")
                error("directory %u: invalid entry name '%.*s'", current, static_cast<int>(length), name);
            if (hash != name_hash(name, length))
                error("directory %u: entry '%.*s' has a wrong hash", current, static_cast<int>(length), name);
            else if (trie_index(hash, depth) != index)
                error("directory %u: entry '%.*s' is in the wrong bucket", current, static_cast<int>(length), name);
            if (target == 0 || target >= fs.m_header.next_node_id)
                error("directory %u: entry '%.*s' names node %u past next_node_id", current, static_cast<int>(length), name, target);
            else // checked once every node is known
                entries.append({ target, type, current });
            ++current_entries;
            offset += ENTRY_FIXED + length;
        }
    }

    struct Entry {
        u32 target;
        u32 type;
        u32 dir;
    };
    Vector<Entry> entries;

    // The node with this id, or null.
    NodeInfo* find(u32 id)
    {
        usize lo = 0, hi = nodes.size();
        while (lo < hi) {
            usize mid = (lo + hi) / 2;
            if (nodes[mid].id < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < nodes.size() && nodes[lo].id == id ? &nodes[lo] : nullptr;
    }

    bool has_bucket(u64 index) const
    {
        usize lo = 0, hi = buckets.size();
        while (lo < hi) {
            usize mid = (lo + hi) / 2;
            if (buckets[mid] < index)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < buckets.size() && buckets[lo] == index;
    }

    // The buckets must cover every hash exactly once: no bucket below another, and the
    // covered fractions (2^-depth each) sum to one.
    void check_trie(u64 id)
    {
        if (buckets.is_empty())
            return;
        u64 covered = 0;
        for (u64 index : buckets) {
            u32 depth = 63 - static_cast<u32>(__builtin_clzll(index));
            covered += 1ull << (MAX_DIR_DEPTH + 1 - ktl::min<u32>(depth, MAX_DIR_DEPTH + 1));
            for (u32 d = 0; d < depth; ++d)
                if (has_bucket(trie_index(index, d))) {
                    error("directory %llu: bucket %llu lies below bucket %llu", U(id), U(index), U(trie_index(index, d)));
                    break;
                }
        }
        if (covered != 1ull << (MAX_DIR_DEPTH + 1))
            error("directory %llu: the buckets do not cover every name hash", U(id));
    }

    void headers()
    {
        Vector<u8> buffer;
        buffer.resize(BLOCK_SIZE);
        for (u64 slot = 0; slot < HEADER_RING; ++slot) {
            if (fs.m_device.read_block(slot, buffer.data()).is_error()) {
                error("header slot %llu can not be read", U(slot));
                continue;
            }
            bool zero = true;
            for (u8 byte : buffer)
                zero = zero && byte == 0;
            if (zero)
                continue;
            auto* h = reinterpret_cast<const Header*>(buffer.data());
            if (ktl::compare_bytes(h->signature, SIGNATURE, sizeof(SIGNATURE)) != 0 || h->version != fs.m_header.version)
                error("header slot %llu holds neither an empty block nor a RedoxFS header", U(slot));
            else if (fnv1a64(h, HEADER_HASHED_BYTES) != h->hash)
                error("header slot %llu: checksum mismatch", U(slot));
            else if (h->generation % HEADER_RING != slot || h->generation > fs.m_header.generation)
                error("header slot %llu: generation %llu does not belong there", U(slot), U(h->generation));
        }
    }

    void run()
    {
        const Header& h = fs.m_header;
        size = h.size;
        u64 words = (size + 63) / 64;
        seen.resize(words);
        on_disk.resize(words);
        for (u64 i = 0; i < HEADER_RING; ++i)
            set(seen, i);
        headers();
        walk(h.tree, h.tree_levels, 0, LEAF_NODE, "node table", 0);
        u64 bitmap_blocks = (size + BITS_PER_BITMAP_BLOCK - 1) / BITS_PER_BITMAP_BLOCK;
        walk(h.alloc, h.alloc_levels, 0, LEAF_BITMAP, "free-space bitmap", 0);
        if (leaves != bitmap_blocks)
            error("free-space bitmap: %llu blocks found, %llu expected", U(leaves), U(bitmap_blocks));

        NodeInfo* root = find(ROOT_ID);
        if (!root || (root->mode & MODE_TYPE) != MODE_DIR)
            error("the root directory is missing");
        for (const Entry& e : entries) {
            NodeInfo* target = find(e.target);
            if (!target) {
                error("directory %u: an entry names missing node %u", e.dir, e.target);
                continue;
            }
            if ((target->mode & MODE_TYPE) != e.type)
                error("directory %u: the entry for node %u has the wrong type", e.dir, e.target);
            ++target->refs;
            if (e.type != MODE_DIR)
                continue;
            if (NodeInfo* dir = find(e.dir))
                ++dir->subdirs;
            if (target->container)
                error("directory %u: a second name of directory %u", e.dir, e.target);
            target->container = e.dir;
        }
        // Files removed while open: nameless, link count 0, until closed or reclaimed.
        for (u32 i = 0; i < h.orphan_count && i < ORPHAN_MAX; ++i) {
            NodeInfo* orphan = find(h.orphans[i]);
            if (!orphan) {
                error("orphan list: node %u does not exist", h.orphans[i]);
                continue;
            }
            if (orphan->container == ~0u)
                error("orphan list: node %u is listed twice", orphan->id);
            else if ((orphan->mode & MODE_TYPE) == MODE_DIR || orphan->links != 0 || orphan->refs != 0)
                error("orphan list: node %u still has a name or links", orphan->id);
            orphan->container = ~0u; // marks it listed
        }
        for (const NodeInfo& node : nodes) {
            if (node.container == ~0u)
                continue;
            bool dir = (node.mode & MODE_TYPE) == MODE_DIR;
            u64 expected = dir ? 2ull + node.subdirs : node.refs;
            if (node.links != expected)
                error("node %u: link count %u, expected %llu", node.id, node.links, U(expected));
            if (node.id != ROOT_ID && node.refs == 0)
                error("node %u is not in any directory (orphan)", node.id);
            if (!dir)
                continue;
            if (node.id == ROOT_ID) {
                if (node.parent != ROOT_ID || node.refs != 0)
                    error("the root directory has a parent or a name");
                continue;
            }
            if (node.container && node.parent != node.container)
                error("directory %u: parent field %u, but its entry is in directory %u", node.id, node.parent, node.container);
            // Follow the containing directories up to the root.
            const NodeInfo* at = &node;
            u64 steps = 0;
            while (at && at->id != ROOT_ID && steps++ <= nodes_found && at->container)
                at = find(at->container);
            if (!at || at->id != ROOT_ID)
                error("directory %u is not reachable from the root", node.id);
        }
        if (nodes_found != h.node_count)
            error("header: node count %llu, found %llu", U(h.node_count), U(nodes_found));

        u64 used = 0, leaked = 0, missing = 0;
        for (u64 b = 0; b < size; ++b) {
            bool in_use = test(seen, b), marked = test(on_disk, b);
            used += marked;
            if (in_use && !marked && missing++ < 20)
                error("block %llu is in use but marked free", U(b));
            if (!in_use && marked && leaked++ < 20)
                error("block %llu is marked used but not referenced (leaked)", U(b));
        }
        if (missing > 20 || leaked > 20)
            error("%llu blocks in use but marked free, %llu leaked in all", U(missing), U(leaked));
        if (used != h.used_blocks)
            error("header: %llu used blocks recorded, the bitmap has %llu", U(h.used_blocks), U(used));
    }
};

u64 FileSystem::check(String& report)
{
    if (m_changed) {
        report.append("uncommitted changes: commit before checking\n");
        return 1;
    }
    Checker checker { *this, report };
    checker.run();
    char line[256];
    ktl::format_buffer(line, sizeof(line), "generation %llu: %llu blocks (%llu used), %llu nodes; %llu error%s\n",
        static_cast<unsigned long long>(m_header.generation), static_cast<unsigned long long>(m_header.size),
        static_cast<unsigned long long>(m_header.used_blocks), static_cast<unsigned long long>(checker.nodes_found),
        static_cast<unsigned long long>(checker.errors), checker.errors == 1 ? "" : "s");
    if (checker.errors > MAX_REPORTED) {
        char more[64];
        ktl::format_buffer(more, sizeof(more), "... %llu more\n", static_cast<unsigned long long>(checker.errors - MAX_REPORTED));
        report.append(more);
    }
    report.append(line);
    return checker.errors;
}

FsckResult fsck(BlockDevice& device)
{
    FsckResult result;
    FileSystem fs(device);
    auto mounted = fs.mount();
    if (mounted.is_error()) {
        result.errors = 1;
        result.report.append("mount failed: ");
        result.report.append(fs.last_error().is_empty() ? StringView(error_string(mounted.error().code)) : fs.last_error());
        result.report.append('\n');
        return result;
    }
    result.errors = fs.check(result.report);
    result.clean = result.errors == 0;
    return result;
}

} // namespace redoxfs
