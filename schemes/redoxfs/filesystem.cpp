// RedoxFS: the copy-on-write file system (see filesystem.h, docs/redoxfs-format.md).
#include "filesystem.h"

#include "ktl/format.h"

#include <stdarg.h>

namespace redoxfs {

using namespace redox;

namespace {

constexpr u64 NONE = ~0ull;
constexpr u64 META_RESERVE = 128;      // blocks a metadata operation may need at most
constexpr u64 MAX_FILE_SIZE = 1ull << 46; // 64 TiB
constexpr usize CLEAN_CACHE_LIMIT = 8192; // clean metadata blocks kept between operations
// Committed blocks a transaction may free (a big file removed or truncated) before the next
// operation commits, so that the space is reusable at once: new data then goes where the old
// did instead of growing a sparse image (16384 blocks: 64 MiB).
constexpr u64 RESERVED_COMMIT_BLOCKS = 16384;
constexpr u64 WORDS_PER_BITMAP_BLOCK = BITS_PER_BITMAP_BLOCK / 64;

enum Kind { KIND_NODES, KIND_DATA, KIND_BITMAP };

u64 span_of(u8 level) { return 1ull << (8 * level); }
u8 digit(u64 index, u8 level) { return static_cast<u8>(index >> (8 * (level - 1))); }
u8 levels_for(u64 index)
{
    u8 levels = 0;
    while (levels < 8 && (index >> (8 * levels)) != 0)
        ++levels;
    return levels;
}
bool fits(u64 index, u8 levels) { return levels >= 8 || (index >> (8 * levels)) == 0; }
u32 depth_of(u64 trie_index) { return 63 - static_cast<u32>(__builtin_clzll(trie_index)); }
// Without __builtin_popcountll: on bare metal that is a libgcc call (__popcountdi2).
u64 popcount(u64 x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (x * 0x0101010101010101ull) >> 56;
}
bool is_dir(u32 mode) { return (mode & MODE_TYPE) == MODE_DIR; }

// Whole data blocks moved per device transfer (and checksummed per batch) by read and write:
// 1 MiB. Big transfers matter beyond the call count: the host page cache keeps a run written
// in one pwrite as large folios, which it later copies out about three times faster than
// 4 KiB pages. A read run also stays within one leaf pointer table (256 pointers).
constexpr u64 RUN_BLOCKS = PTRS_PER_TABLE;

template<typename T> T load(const u8* p)
{
    T value;
    ktl::copy_bytes(&value, p, sizeof(T));
    return value;
}
template<typename T> void store(u8* p, T value) { ktl::copy_bytes(p, &value, sizeof(T)); }

// A bucket's header matches its place and its entries fill exactly `used` bytes.
bool bucket_ok(const BucketHeader* b, u64 index)
{
    if (b->magic != BUCKET_MAGIC || b->used > BUCKET_SPACE || b->index != index || b->depth != depth_of(index))
        return false;
    auto* bytes = reinterpret_cast<const u8*>(b);
    usize offset = sizeof(BucketHeader), end = sizeof(BucketHeader) + b->used;
    for (u32 i = 0; i < b->count; ++i) {
        if (offset + ENTRY_FIXED > end || bytes[offset + 13] == 0 || offset + ENTRY_FIXED + bytes[offset + 13] > end)
            return false;
        offset += ENTRY_FIXED + bytes[offset + 13];
    }
    return offset == end;
}

} // namespace

ErrorOr<void> validate_name(StringView name)
{
    if (name.is_empty())
        return Error::from_errno(ENOENT);
    if (name.length() > MAX_NAME)
        return Error::from_errno(ENAMETOOLONG);
    if (name.contains('/') || name.contains('\0'))
        return Error::from_errno(EINVAL);
    if (name == "." || name == "..")
        return Error::from_errno(EEXIST);
    return {};
}

// Per-run arrays, on the heap: kernel stacks on bare metal are 64 KiB.
struct FileSystem::RunScratch {
    BlockPtr* slots[RUN_BLOCKS];
    u64 addrs[RUN_BLOCKS];
    u64 hashes[RUN_BLOCKS];
    bool fresh[RUN_BLOCKS];
};

// The metadata block cache: open addressing (linear probing) from address to block.
struct FileSystem::Cached {
    u64 addr;
    bool dirty;
    alignas(16) u8 data[BLOCK_SIZE];
};

struct FileSystem::Cache {
    Vector<Cached*> slots;
    usize count { 0 };
    usize dirty { 0 };

    Cache() { slots.resize(1024); }
    ~Cache()
    {
        for (Cached* c : slots)
            delete c;
    }
    usize mask() const { return slots.size() - 1; }
    static usize home(u64 addr) { return static_cast<usize>((addr * 0x9E3779B97F4A7C15ull) >> 17); }
    usize position(u64 addr) const
    {
        for (usize i = home(addr) & mask(); slots[i]; i = (i + 1) & mask())
            if (slots[i]->addr == addr)
                return i;
        return NONE;
    }
    Cached* find(u64 addr) const
    {
        usize i = position(addr);
        return i == NONE ? nullptr : slots[i];
    }
    void place(Cached* c)
    {
        usize i = home(c->addr) & mask();
        while (slots[i])
            i = (i + 1) & mask();
        slots[i] = c;
    }
    void insert(Cached* c)
    {
        if ((count + 1) * 2 > slots.size()) {
            Vector<Cached*> old = std::move(slots);
            slots = Vector<Cached*>();
            slots.resize(old.size() * 2);
            for (Cached* o : old)
                if (o)
                    place(o);
        }
        place(c);
        ++count;
        if (c->dirty)
            ++dirty;
    }
    void erase(u64 addr)
    {
        usize i = position(addr);
        if (i == NONE)
            return;
        if (slots[i]->dirty)
            --dirty;
        delete slots[i];
        slots[i] = nullptr;
        --count;
        // Backward-shift deletion keeps every probe chain unbroken.
        for (usize j = (i + 1) & mask(); slots[j]; j = (j + 1) & mask()) {
            usize k = home(slots[j]->addr) & mask();
            bool between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!between) {
                slots[i] = slots[j];
                slots[j] = nullptr;
                i = j;
            }
        }
    }
    void drop_clean()
    {
        Vector<Cached*> old = std::move(slots);
        slots = Vector<Cached*>();
        slots.resize(old.size());
        count = 0;
        for (Cached* c : old) {
            if (!c)
                continue;
            if (c->dirty) {
                place(c);
                ++count;
            } else {
                delete c;
            }
        }
    }
};

FileSystem::FileSystem(BlockDevice& device)
    : m_device(device), m_scratch(new u8[BLOCK_SIZE]), m_run(new RunScratch), m_cache(new Cache)
{
}

FileSystem::~FileSystem()
{
    delete m_cache;
    delete m_run;
    delete[] m_scratch;
}

Error FileSystem::fail(int code, const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ktl::vformat_buffer(m_error, sizeof(m_error), fmt, args);
    va_end(args);
    return Error::from_errno(code);
}

// Every public operation starts here, holding no pointers into the cache yet.
void FileSystem::begin_op()
{
    m_error[0] = 0;
    if (m_mounted && (m_cache->dirty > m_dirty_limit || m_reserved >= RESERVED_COMMIT_BLOCKS)) {
        // Bound the memory of a long transaction, or make freed space reusable; a failure
        // shows again at the next commit.
        auto committed = commit_now();
        (void)committed;
    }
    if (m_cache->count - m_cache->dirty > CLEAN_CACHE_LIMIT)
        m_cache->drop_clean();
}

// ---------------------------------------------------------------------------------------
// Blocks and the allocator

ErrorOr<void> FileSystem::check_ptr(const BlockPtr& ptr)
{
    if (ptr.addr < HEADER_RING || ptr.addr >= m_header.size)
        return fail(EIO, "block pointer to %llu is out of range (file system has %llu blocks)",
            static_cast<unsigned long long>(ptr.addr), static_cast<unsigned long long>(m_header.size));
    return {};
}

ErrorOr<const u8*> FileSystem::read_meta(const BlockPtr& ptr)
{
    if (Cached* c = m_cache->find(ptr.addr))
        return static_cast<const u8*>(c->data);
    TRY(check_ptr(ptr));
    Cached* c = new Cached;
    c->addr = ptr.addr;
    c->dirty = false;
    auto read = m_device.read_block(ptr.addr, c->data);
    if (read.is_error()) {
        delete c;
        return fail(EIO, "read error at block %llu", static_cast<unsigned long long>(ptr.addr));
    }
    u64 hash = checksum(c->data);
    if (hash != ptr.hash) {
        delete c;
        return fail(EIO, "checksum mismatch in block %llu: expected %016llx, found %016llx",
            static_cast<unsigned long long>(ptr.addr), static_cast<unsigned long long>(ptr.hash),
            static_cast<unsigned long long>(hash));
    }
    m_cache->insert(c);
    return static_cast<const u8*>(c->data);
}

ErrorOr<void> FileSystem::read_data(const BlockPtr& ptr, u8* buffer)
{
    TRY(check_ptr(ptr));
    if (m_device.read_block(ptr.addr, buffer).is_error())
        return fail(EIO, "read error at block %llu", static_cast<unsigned long long>(ptr.addr));
    u64 hash = checksum(buffer);
    if (hash != ptr.hash)
        return fail(EIO, "checksum mismatch in data block %llu: expected %016llx, found %016llx",
            static_cast<unsigned long long>(ptr.addr), static_cast<unsigned long long>(ptr.hash),
            static_cast<unsigned long long>(hash));
    return {};
}

ErrorOr<u8*> FileSystem::modify(BlockPtr& ptr)
{
    if (!ptr.is_null()) {
        Cached* c = m_cache->find(ptr.addr);
        if (c && c->dirty)
            return static_cast<u8*>(c->data);
    }
    const u8* old = nullptr;
    if (!ptr.is_null())
        old = TRY(read_meta(ptr));
    u64 addr = TRY(allocate());
    Cached* fresh = new Cached;
    fresh->addr = addr;
    fresh->dirty = true;
    if (old)
        ktl::copy_bytes(fresh->data, old, BLOCK_SIZE);
    else
        ktl::fill_bytes(fresh->data, 0, BLOCK_SIZE);
    release(ptr.addr);
    m_cache->insert(fresh);
    ptr.addr = addr;
    ptr.hash = 0; // computed at commit
    m_changed = true;
    return static_cast<u8*>(fresh->data);
}

ErrorOr<void> FileSystem::write_data(BlockPtr& ptr, const u8* buffer)
{
    m_changed = true;
    if (!ptr.is_null() && is_owned(ptr.addr)) {
        if (m_device.write_block(ptr.addr, buffer).is_error())
            return fail(EIO, "write error at block %llu", static_cast<unsigned long long>(ptr.addr));
        ptr.hash = checksum(buffer);
        return {};
    }
    u64 addr = TRY(allocate());
    if (m_device.write_block(addr, buffer).is_error()) {
        release(addr);
        return fail(EIO, "write error at block %llu", static_cast<unsigned long long>(addr));
    }
    release(ptr.addr);
    ptr.addr = addr;
    ptr.hash = checksum(buffer);
    return {};
}

ErrorOr<const BlockPtr*> FileSystem::leaf_ptrs(const BlockPtr& root, u8 levels, u64 index, u64& available)
{
    available = ~0ull; // past the tree: holes to the end
    if (!fits(index, levels))
        return static_cast<const BlockPtr*>(nullptr);
    if (levels == 0) {
        available = 1;
        return root.is_null() ? nullptr : &root;
    }
    BlockPtr p = root;
    for (u8 l = levels; l > 1; --l) {
        if (p.is_null()) {
            available = span_of(l) - index % span_of(l);
            return static_cast<const BlockPtr*>(nullptr);
        }
        auto* table = reinterpret_cast<const BlockPtr*>(TRY(read_meta(p)));
        p = table[digit(index, l)];
    }
    available = PTRS_PER_TABLE - digit(index, 1);
    if (p.is_null())
        return static_cast<const BlockPtr*>(nullptr);
    return reinterpret_cast<const BlockPtr*>(TRY(read_meta(p))) + digit(index, 1);
}

ErrorOr<u64> FileSystem::read_run(const Node* node, u64 first, u64 count, u8* buffer)
{
    if (count == 0)
        return static_cast<u64>(0);
    u64 available = 0;
    const BlockPtr* ptrs = TRY(leaf_ptrs(node->data, node->data_levels, first, available));
    count = ktl::min(ktl::min(count, available), RUN_BLOCKS);
    if (!ptrs) {
        ktl::fill_bytes(buffer, 0, count * BLOCK_SIZE);
        return count;
    }
    // The run: all holes, or blocks that follow each other on disk.
    u64 n = 1;
    while (n < count && ptrs[n].is_null() == ptrs[0].is_null() && (ptrs[0].is_null() || ptrs[n].addr == ptrs[n - 1].addr + 1))
        ++n;
    if (ptrs[0].is_null()) {
        ktl::fill_bytes(buffer, 0, n * BLOCK_SIZE);
        return n;
    }
    TRY(check_ptr(ptrs[0]));
    TRY(check_ptr(ptrs[n - 1]));
    if (m_device.read_blocks(ptrs[0].addr, n, buffer).is_error())
        return fail(EIO, "read error at blocks %llu..%llu", static_cast<unsigned long long>(ptrs[0].addr),
            static_cast<unsigned long long>(ptrs[n - 1].addr));
    u64* hashes = m_run->hashes;
    checksums(buffer, n, hashes);
    for (u64 i = 0; i < n; ++i) {
        if (hashes[i] != ptrs[i].hash)
            return fail(EIO, "checksum mismatch in data block %llu: expected %016llx, found %016llx",
                static_cast<unsigned long long>(ptrs[i].addr), static_cast<unsigned long long>(ptrs[i].hash),
                static_cast<unsigned long long>(hashes[i]));
    }
    return n;
}

ErrorOr<void> FileSystem::write_run(Node* node, u64 first, u64 count, const u8* buffer, u64& done)
{
    done = 0;
    count = ktl::min(count, RUN_BLOCKS);
    m_changed = true;
    // Grow the table tree for the last block first: the slots below then stay where they are.
    TRY(tree_slot(node->data, node->data_levels, first + count - 1));
    // One walk per leaf table: the slots of the blocks after it in the same table follow it
    // (the table is the transaction's own now, so it stays where it is).
    BlockPtr** slots = m_run->slots;
    for (u64 i = 0; i < count; ++i) {
        if (i > 0 && node->data_levels > 0 && (first + i) % PTRS_PER_TABLE != 0)
            slots[i] = slots[i - 1] + 1;
        else
            slots[i] = TRY(tree_slot(node->data, node->data_levels, first + i));
    }
    // Blocks of the running transaction are overwritten in place; the others go to new blocks.
    u64* addrs = m_run->addrs;
    bool* fresh = m_run->fresh;
    bool all_fresh = true;
    for (u64 i = 0; i < count; ++i) {
        fresh[i] = slots[i]->is_null() || !is_owned(slots[i]->addr);
        all_fresh = all_fresh && fresh[i];
    }
    // A run of new blocks goes to one extent when there is one (see allocate_extent).
    if (u64 extent = all_fresh ? allocate_extent(count) : 0) {
        for (u64 i = 0; i < count; ++i)
            addrs[i] = extent + i;
    } else {
        for (u64 i = 0; i < count; ++i) {
            if (!fresh[i]) {
                addrs[i] = slots[i]->addr;
                continue;
            }
            auto allocated = allocate();
            if (allocated.is_error()) {
                for (u64 j = 0; j < i; ++j)
                    if (fresh[j])
                        release(addrs[j]);
                return allocated.error();
            }
            addrs[i] = allocated.value();
        }
    }
    u64* hashes = m_run->hashes;
    checksums(buffer, count, hashes);
    ErrorOr<void> result;
    u64 written = 0;
    while (written < count) {
        u64 run = 1;
        while (written + run < count && addrs[written + run] == addrs[written + run - 1] + 1)
            ++run;
        if (auto wrote = m_device.write_blocks(addrs[written], run, buffer + written * BLOCK_SIZE); wrote.is_error()) {
            // A device that is full (a sparse image on a full host disk) says so; the rest is EIO.
            int code = wrote.error().code == ENOSPC ? ENOSPC : EIO;
            result = fail(code, "write error at blocks %llu..%llu%s", static_cast<unsigned long long>(addrs[written]),
                static_cast<unsigned long long>(addrs[written] + run - 1), code == ENOSPC ? ": the device is full" : "");
            break;
        }
        written += run;
    }
    for (u64 i = 0; i < count; ++i) {
        if (i >= written) {
            if (fresh[i])
                release(addrs[i]);
            continue;
        }
        if (fresh[i]) {
            release(slots[i]->addr);
            slots[i]->addr = addrs[i];
        }
        slots[i]->hash = hashes[i];
    }
    done = written;
    return result;
}

ErrorOr<u64> FileSystem::allocate()
{
    u64 size = m_header.size;
    u64 words = m_bits.size();
    for (int pass = 0; pass < 2; ++pass) {
        u64 start = pass == 0 ? m_cursor / 64 : HEADER_RING / 64;
        u64 end = pass == 0 ? words : ktl::min(words, m_cursor / 64 + 1);
        for (u64 w = start; w < end; ++w) {
            u64 free = ~(m_bits[w] | m_committed[w]);
            while (free) {
                u64 addr = w * 64 + static_cast<u64>(__builtin_ctzll(free));
                if (addr >= size)
                    break;
                m_bits[w] |= 1ull << (addr % 64);
                ++m_used;
                ++m_block_delta;
                m_cursor = addr + 1;
                m_cache->erase(addr); // a stale clean copy of what the block held before
                return addr;
            }
        }
    }
    return fail(ENOSPC, "no free block");
}

bool FileSystem::range_free(u64 first, u64 count) const
{
    for (u64 a = first, end = first + count; a < end;) {
        u64 bit = a % 64;
        u64 n = ktl::min<u64>(64 - bit, end - a);
        u64 mask = (n == 64 ? ~0ull : (1ull << n) - 1) << bit;
        if ((m_bits[a / 64] | m_committed[a / 64]) & mask)
            return false;
        a += n;
    }
    return true;
}

u64 FileSystem::allocate_extent(u64 count)
{
    u64 first = 0;
    u64 within = m_data_cursor % RUN_BLOCKS;
    if (within != 0 && within + count <= RUN_BLOCKS && m_data_cursor + count <= m_header.size
        && range_free(m_data_cursor, count)) {
        first = m_data_cursor; // the rest of the group the last extent started
    } else {
        // The lowest wholly free group (group 0 never is: the header ring). Groups below
        // m_group_hint are in use; it moves back when blocks become free (release, commit).
        for (; m_group_hint < m_header.size / RUN_BLOCKS; ++m_group_hint) {
            if (range_free(m_group_hint * RUN_BLOCKS, RUN_BLOCKS)) {
                first = m_group_hint * RUN_BLOCKS;
                break;
            }
        }
    }
    if (!first)
        return 0;
    for (u64 a = first; a < first + count; ++a) {
        m_bits[a / 64] |= 1ull << (a % 64);
        m_cache->erase(a); // a stale clean copy of what the block held before
    }
    m_used += count;
    m_block_delta += static_cast<i64>(count);
    m_data_cursor = first + count;
    return first;
}

void FileSystem::release(u64 addr)
{
    if (addr == 0 || addr >= m_header.size || !is_used(addr))
        return;
    m_bits[addr / 64] &= ~(1ull << (addr % 64));
    --m_used;
    --m_block_delta;
    if (is_committed(addr)) {
        ++m_reserved; // live in the last commit: reusable after the next one (m_group_hint = 0 then)
    } else {
        m_group_hint = ktl::min(m_group_hint, addr / RUN_BLOCKS); // free again at once
        if (Cached* c = m_cache->find(addr); c && c->dirty)
            m_cache->erase(addr);
    }
}

u64 FileSystem::allocatable() const { return m_header.size - m_used - m_reserved; }

// Operations that only remove keep working after the others have run out of space: those
// leave META_RESERVE blocks for them. Every check also leaves room for the commit.
ErrorOr<void> FileSystem::ensure_space(u64 blocks, bool removal)
{
    u64 bitmap_blocks = (m_header.size + BITS_PER_BITMAP_BLOCK - 1) / BITS_PER_BITMAP_BLOCK;
    u64 needed = blocks + 2 * bitmap_blocks + 4 * MAX_LEVELS + 8 + (removal ? 0 : META_RESERVE);
    if (allocatable() >= needed)
        return {};
    if (m_reserved > 0 && m_changed) {
        // Blocks freed by this transaction become reusable once it is committed.
        TRY(commit_now());
        if (allocatable() >= needed)
            return {};
    }
    return fail(ENOSPC, "file system full (%llu blocks free, %llu needed)",
        static_cast<unsigned long long>(allocatable()), static_cast<unsigned long long>(needed));
}

// ---------------------------------------------------------------------------------------
// Pointer-table trees: level 0 is the leaf itself, a table at level L holds 256 pointers
// to level L-1, leaf index digits are base 256, most significant first.

ErrorOr<BlockPtr> FileSystem::tree_lookup(const BlockPtr& root, u8 levels, u64 index)
{
    if (!fits(index, levels))
        return BlockPtr {};
    BlockPtr p = root;
    for (u8 l = levels; l > 0; --l) {
        if (p.is_null())
            return p;
        auto* table = reinterpret_cast<const BlockPtr*>(TRY(read_meta(p)));
        p = table[digit(index, l)];
    }
    return p;
}

ErrorOr<BlockPtr*> FileSystem::tree_slot(BlockPtr& root, u8& levels, u64 index)
{
    u8 needed = levels_for(index);
    if (needed > MAX_LEVELS)
        return fail(EFBIG, "index %llu beyond the largest table tree", static_cast<unsigned long long>(index));
    while (levels < needed) {
        if (root.is_null()) {
            levels = needed;
            break;
        }
        BlockPtr table {};
        auto* t = reinterpret_cast<BlockPtr*>(TRY(modify(table)));
        t[0] = root;
        root = table;
        ++levels;
    }
    BlockPtr* slot = &root;
    for (u8 l = levels; l > 0; --l) {
        auto* t = reinterpret_cast<BlockPtr*>(TRY(modify(*slot)));
        slot = &t[digit(index, l)];
    }
    return slot;
}

ErrorOr<void> FileSystem::free_subtree(const BlockPtr& ptr, u8 level)
{
    if (ptr.is_null())
        return {};
    if (level > 0) {
        auto* t = reinterpret_cast<const BlockPtr*>(TRY(read_meta(ptr)));
        for (u32 i = 0; i < PTRS_PER_TABLE; ++i)
            TRY(free_subtree(t[i], level - 1));
    }
    release(ptr.addr);
    return {};
}

ErrorOr<void> FileSystem::clear_range(BlockPtr& ptr, u8 level, u64 base, u64 first, u64 last)
{
    if (ptr.is_null())
        return {};
    u64 end = base + (span_of(level) - 1);
    if (first <= base && end <= last) {
        TRY(free_subtree(ptr, level));
        ptr = {};
        return {};
    }
    auto* t = reinterpret_cast<BlockPtr*>(TRY(modify(ptr)));
    u64 child_span = span_of(level - 1);
    bool any = false;
    for (u32 i = 0; i < PTRS_PER_TABLE; ++i) {
        u64 child_base = base + i * child_span;
        u64 child_end = child_base + (child_span - 1);
        if (child_end >= first && child_base <= last)
            TRY(clear_range(t[i], level - 1, child_base, first, last));
        if (!t[i].is_null())
            any = true;
    }
    if (!any) {
        release(ptr.addr);
        ptr = {};
    }
    return {};
}

ErrorOr<void> FileSystem::tree_clear(BlockPtr& root, u8 levels, u64 first, u64 last)
{
    if (root.is_null() || !fits(first, levels) || first > last)
        return {};
    if (levels < 8)
        last = ktl::min(last, span_of(levels) - 1);
    return clear_range(root, levels, 0, first, last);
}

ErrorOr<u64> FileSystem::next_in(const BlockPtr& ptr, u8 level, u64 base, u64 from)
{
    if (level == 0)
        return base;
    auto* t = reinterpret_cast<const BlockPtr*>(TRY(read_meta(ptr)));
    u64 child_span = span_of(level - 1);
    for (u64 i = from > base ? (from - base) / child_span : 0; i < PTRS_PER_TABLE; ++i) {
        if (t[i].is_null())
            continue;
        u64 child_base = base + i * child_span;
        u64 found = TRY(next_in(t[i], level - 1, child_base, ktl::max(from, child_base)));
        if (found != NONE)
            return found;
    }
    return NONE;
}

ErrorOr<u64> FileSystem::tree_next(const BlockPtr& root, u8 levels, u64 from)
{
    if (root.is_null() || !fits(from, levels))
        return NONE;
    return next_in(root, levels, 0, from);
}

// Writes every dirty block under ptr (children first) and fills in the hashes.
ErrorOr<void> FileSystem::flush_tree(BlockPtr& ptr, u8 level, int kind)
{
    if (ptr.is_null())
        return {};
    Cached* c = m_cache->find(ptr.addr);
    if (!c || !c->dirty)
        return {};
    if (level > 0) {
        auto* t = reinterpret_cast<BlockPtr*>(c->data);
        for (u32 i = 0; i < PTRS_PER_TABLE; ++i)
            TRY(flush_tree(t[i], level - 1, kind));
    } else if (kind == KIND_NODES) {
        auto* n = reinterpret_cast<Node*>(c->data);
        TRY(flush_tree(n->data, n->data_levels, KIND_DATA));
    }
    if (m_device.write_block(c->addr, c->data).is_error())
        return fail(EIO, "write error at block %llu", static_cast<unsigned long long>(c->addr));
    ptr.hash = checksum(c->data);
    c->dirty = false;
    --m_cache->dirty;
    return {};
}

// ---------------------------------------------------------------------------------------
// Nodes

ErrorOr<const Node*> FileSystem::node(u32 id)
{
    if (id == 0 || id >= m_header.next_node_id)
        return Error::from_errno(ENOENT);
    BlockPtr p = TRY(tree_lookup(m_header.tree, m_header.tree_levels, id));
    if (p.is_null())
        return Error::from_errno(ENOENT);
    auto* n = reinterpret_cast<const Node*>(TRY(read_meta(p)));
    if (n->magic != NODE_MAGIC || n->id != id)
        return fail(EIO, "node %u: bad magic or id in block %llu", id, static_cast<unsigned long long>(p.addr));
    if (n->data_levels > MAX_LEVELS || n->dir_depth > MAX_DIR_DEPTH || (n->mode & MODE_TYPE) == 0)
        return fail(EIO, "node %u: bad mode, table depth or directory depth", id);
    return n;
}

ErrorOr<Node*> FileSystem::node_mut(u32 id)
{
    TRY(node(id));
    BlockPtr* slot = TRY(tree_slot(m_header.tree, m_header.tree_levels, id));
    return reinterpret_cast<Node*>(TRY(modify(*slot)));
}

ErrorOr<Node*> FileSystem::new_node(u32& id, u32 mode, u32 uid, u32 gid)
{
    if (m_header.next_node_id > 0xFFFFFFFFull)
        return fail(ENOSPC, "node ids exhausted");
    id = static_cast<u32>(m_header.next_node_id);
    BlockPtr* slot = TRY(tree_slot(m_header.tree, m_header.tree_levels, id));
    auto* n = reinterpret_cast<Node*>(TRY(modify(*slot)));
    ++m_header.next_node_id;
    ++m_header.node_count;
    n->magic = NODE_MAGIC;
    n->mode = static_cast<u16>(mode);
    n->flags = is_dir(mode) ? 0 : NODE_FLAG_INLINE;
    n->uid = uid;
    n->gid = gid;
    n->links = 1;
    n->id = id;
    n->atime = n->mtime = n->ctime = m_now.sec;
    n->atime_nsec = n->mtime_nsec = n->ctime_nsec = m_now.nsec;
    return n;
}

ErrorOr<void> FileSystem::free_node(u32 id)
{
    const Node* n = TRY(node(id));
    TRY(free_subtree(n->data, n->data_levels));
    TRY(tree_clear(m_header.tree, m_header.tree_levels, id, id));
    --m_header.node_count;
    return {};
}

ErrorOr<void> FileSystem::drop_link(u32 id)
{
    Node* n = TRY(node_mut(id));
    if (!is_dir(n->mode) && n->links <= 1 && find_hold(id) && m_header.orphan_count < ORPHAN_MAX) {
        // Still open: it lives on, nameless, until the last close.
        n->links = 0;
        stamp_ctime(n);
        m_header.orphans[m_header.orphan_count++] = id;
        return {};
    }
    if (is_dir(n->mode) || n->links <= 1)
        return free_node(id);
    --n->links;
    stamp_ctime(n);
    return {};
}

void FileSystem::stamp_ctime(Node* node) const
{
    node->ctime = m_now.sec;
    node->ctime_nsec = m_now.nsec;
}

FileSystem::Hold* FileSystem::find_hold(u32 id)
{
    for (Hold& hold : m_holds) {
        if (hold.id == id)
            return &hold;
    }
    return nullptr;
}

void FileSystem::hold(u32 id)
{
    if (Hold* hold = find_hold(id))
        ++hold->count;
    else
        m_holds.append({ id, 1 });
}

bool FileSystem::drop_orphan(u32 id)
{
    for (u32 i = 0; i < m_header.orphan_count; ++i) {
        if (m_header.orphans[i] == id) {
            m_header.orphans[i] = m_header.orphans[--m_header.orphan_count];
            m_header.orphans[m_header.orphan_count] = 0;
            return true;
        }
    }
    return false;
}

ErrorOr<void> FileSystem::release(u32 id)
{
    Hold* hold = find_hold(id);
    if (!hold)
        return Error::from_errno(EBADF);
    if (--hold->count > 0)
        return {};
    *hold = m_holds.last();
    m_holds.take_last();
    bool orphan = false;
    for (u32 i = 0; i < m_header.orphan_count; ++i)
        orphan = orphan || m_header.orphans[i] == id;
    if (!orphan)
        return {};
    begin_op();
    TRY(ensure_space(META_RESERVE, true));
    TRY(free_node(id));
    drop_orphan(id);
    m_changed = true;
    return {};
}

ErrorOr<void> FileSystem::reclaim_orphans()
{
    begin_op();
    for (u32 i = m_header.orphan_count; i-- > 0;) {
        u32 id = m_header.orphans[i];
        if (find_hold(id))
            continue;
        const Node* n = TRY(node(id));
        if (n->links != 0 || is_dir(n->mode))
            return fail(EIO, "orphan list names node %u, which still has a name", id);
        TRY(ensure_space(META_RESERVE, true));
        TRY(free_node(id));
        drop_orphan(id);
        m_changed = true;
    }
    return {};
}

ErrorOr<void> FileSystem::uninline(Node* n)
{
    if (!(n->flags & NODE_FLAG_INLINE))
        return {};
    ktl::fill_bytes(m_scratch, 0, BLOCK_SIZE);
    u64 size = ktl::min<u64>(n->size, INLINE_MAX);
    ktl::copy_bytes(m_scratch, n->inline_data, size);
    i64 before = m_block_delta;
    if (size > 0) {
        BlockPtr* slot = TRY(tree_slot(n->data, n->data_levels, 0));
        TRY(write_data(*slot, m_scratch));
    }
    n->flags &= static_cast<u16>(~NODE_FLAG_INLINE);
    ktl::fill_bytes(n->inline_data, 0, INLINE_MAX);
    n->blocks += static_cast<u64>(m_block_delta - before);
    return {};
}

ErrorOr<void> FileSystem::set_size(Node* n, u64 size)
{
    if (n->flags & NODE_FLAG_INLINE) {
        if (size <= INLINE_MAX) {
            if (size < n->size)
                ktl::fill_bytes(n->inline_data + size, 0, n->size - size);
            n->size = size;
            return {};
        }
        TRY(uninline(n));
    }
    i64 before = m_block_delta;
    ErrorOr<void> result;
    if (size < n->size) {
        u64 keep = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
        result = tree_clear(n->data, n->data_levels, keep, NONE);
        if (!result.is_error() && size % BLOCK_SIZE) {
            // Zero the tail of the last block so growing again reads zeros.
            auto tail = tree_lookup(n->data, n->data_levels, size / BLOCK_SIZE);
            if (tail.is_error()) {
                result = tail.error();
            } else if (!tail.value().is_null()) {
                result = read_data(tail.value(), m_scratch);
                if (!result.is_error()) {
                    ktl::fill_bytes(m_scratch + size % BLOCK_SIZE, 0, BLOCK_SIZE - size % BLOCK_SIZE);
                    auto slot = tree_slot(n->data, n->data_levels, size / BLOCK_SIZE);
                    result = slot.is_error() ? ErrorOr<void>(slot.error()) : write_data(*slot.value(), m_scratch);
                }
            }
        }
    }
    n->blocks += static_cast<u64>(m_block_delta - before);
    if (result.is_error())
        return result.error();
    n->size = size;
    return {};
}

// ---------------------------------------------------------------------------------------
// Directories: a hash trie of buckets. A bucket at depth d holds the names whose hash has
// the low d bits of its index; the buckets of a directory cover every hash exactly once.

ErrorOr<u64> FileSystem::find_bucket(const Node* dir, u64 hash)
{
    for (u32 depth = 0; depth <= dir->dir_depth && depth <= MAX_DIR_DEPTH; ++depth) {
        u64 index = trie_index(hash, depth);
        BlockPtr p = TRY(tree_lookup(dir->data, dir->data_levels, index));
        if (!p.is_null())
            return index;
    }
    return 0;
}

ErrorOr<const Node*> FileSystem::dir_node(u32 dir)
{
    const Node* n = TRY(node(dir));
    if (!is_dir(n->mode))
        return Error::from_errno(ENOTDIR);
    return n;
}

ErrorOr<FileSystem::Found> FileSystem::dir_find(const Node* dir, StringView name)
{
    u64 hash = name_hash(name.chars(), name.length());
    u64 index = TRY(find_bucket(dir, hash));
    if (index == 0)
        return Error::from_errno(ENOENT);
    BlockPtr p = TRY(tree_lookup(dir->data, dir->data_levels, index));
    const u8* b = TRY(read_meta(p));
    auto* header = reinterpret_cast<const BucketHeader*>(b);
    if (!bucket_ok(header, index))
        return fail(EIO, "directory %llu: bad bucket %llu", static_cast<unsigned long long>(dir->id),
            static_cast<unsigned long long>(index));
    usize offset = sizeof(BucketHeader);
    usize end = sizeof(BucketHeader) + header->used;
    for (u32 i = 0; i < header->count; ++i) {
        if (offset + ENTRY_FIXED > end || offset + ENTRY_FIXED + b[offset + 13] > end)
            return fail(EIO, "directory %llu: bucket %llu overruns", static_cast<unsigned long long>(dir->id),
                static_cast<unsigned long long>(index));
        usize length = b[offset + 13];
        if (load<u64>(b + offset) == hash && length == name.length()
            && ktl::compare_bytes(b + offset + ENTRY_FIXED, name.chars(), length) == 0)
            return Found { index, offset, load<u32>(b + offset + 8), static_cast<u32>(b[offset + 12]) << 12 };
        offset += ENTRY_FIXED + length;
    }
    return Error::from_errno(ENOENT);
}

ErrorOr<void> FileSystem::dir_insert(u32 dir, StringView name, u32 id, u32 type)
{
    Node* d = TRY(node_mut(dir));
    i64 before = m_block_delta;
    auto result = dir_insert_into(d, name, id, type);
    d->blocks += static_cast<u64>(m_block_delta - before);
    return result;
}

ErrorOr<void> FileSystem::dir_insert_into(Node* d, StringView name, u32 id, u32 type)
{
    u32 dir = static_cast<u32>(d->id);
    u64 hash = name_hash(name.chars(), name.length());
    usize entry_length = ENTRY_FIXED + name.length();
    u64 index = TRY(find_bucket(d, hash));
    if (index == 0)
        index = 1;
    u8 copy[BLOCK_SIZE];
    for (;;) {
        u32 depth = depth_of(index);
        BlockPtr* slot = TRY(tree_slot(d->data, d->data_levels, index));
        bool fresh = slot->is_null();
        u8* b = TRY(modify(*slot));
        auto* header = reinterpret_cast<BucketHeader*>(b);
        if (fresh) {
            header->magic = BUCKET_MAGIC;
            header->depth = depth;
            header->index = static_cast<u32>(index);
        } else if (!bucket_ok(header, index)) {
            return fail(EIO, "directory %u: bad bucket %llu", dir, static_cast<unsigned long long>(index));
        }
        if (header->used + entry_length <= BUCKET_SPACE) {
            u8* e = b + sizeof(BucketHeader) + header->used;
            store<u64>(e, hash);
            store<u32>(e + 8, id);
            e[12] = static_cast<u8>(type >> 12);
            e[13] = static_cast<u8>(name.length());
            ktl::copy_bytes(e + ENTRY_FIXED, name.chars(), name.length());
            header->used = static_cast<u16>(header->used + entry_length);
            ++header->count;
            ++d->entries;
            d->mtime = d->ctime = m_now.sec;
            d->mtime_nsec = d->ctime_nsec = m_now.nsec;
            return {};
        }
        if (depth >= MAX_DIR_DEPTH)
            return fail(ENOSPC, "directory %u: hash trie too deep", dir);
        // Split: the entries move to the two buckets one level deeper, by hash bit `depth`.
        ktl::copy_bytes(copy, b, BLOCK_SIZE);
        TRY(tree_clear(d->data, d->data_levels, index, index));
        auto* old = reinterpret_cast<const BucketHeader*>(copy);
        for (u64 half = 0; half < 2; ++half) {
            u64 child = (1ull << (depth + 1)) | (index & ((1ull << depth) - 1)) | (half << depth);
            BlockPtr* child_slot = TRY(tree_slot(d->data, d->data_levels, child));
            u8* c = TRY(modify(*child_slot));
            auto* ch = reinterpret_cast<BucketHeader*>(c);
            ch->magic = BUCKET_MAGIC;
            ch->depth = depth + 1;
            ch->index = static_cast<u32>(child);
            usize offset = sizeof(BucketHeader);
            for (u32 i = 0; i < old->count; ++i) {
                usize length = ENTRY_FIXED + copy[offset + 13];
                if (((load<u64>(copy + offset) >> depth) & 1) == half) {
                    ktl::copy_bytes(c + sizeof(BucketHeader) + ch->used, copy + offset, length);
                    ch->used = static_cast<u16>(ch->used + length);
                    ++ch->count;
                }
                offset += length;
            }
        }
        if (depth + 1 > d->dir_depth)
            d->dir_depth = static_cast<u8>(depth + 1);
        index = trie_index(hash, depth + 1);
    }
}

ErrorOr<void> FileSystem::dir_remove(u32 dir, const Found& found)
{
    Node* d = TRY(node_mut(dir));
    BlockPtr* slot = TRY(tree_slot(d->data, d->data_levels, found.bucket_index));
    u8* b = TRY(modify(*slot));
    auto* header = reinterpret_cast<BucketHeader*>(b);
    usize length = ENTRY_FIXED + b[found.offset + 13];
    usize end = sizeof(BucketHeader) + header->used;
    ktl::move_bytes(b + found.offset, b + found.offset + length, end - found.offset - length);
    ktl::fill_bytes(b + end - length, 0, length);
    header->used = static_cast<u16>(header->used - length);
    --header->count;
    --d->entries;
    d->mtime = d->ctime = m_now.sec;
    d->mtime_nsec = d->ctime_nsec = m_now.nsec;
    return {};
}

ErrorOr<void> FileSystem::dir_replace(u32 dir, const Found& found, u32 id, u32 type)
{
    Node* d = TRY(node_mut(dir));
    BlockPtr* slot = TRY(tree_slot(d->data, d->data_levels, found.bucket_index));
    u8* b = TRY(modify(*slot));
    store<u32>(b + found.offset + 8, id);
    b[found.offset + 12] = static_cast<u8>(type >> 12);
    d->mtime = d->ctime = m_now.sec;
    d->mtime_nsec = d->ctime_nsec = m_now.nsec;
    return {};
}

// ---------------------------------------------------------------------------------------
// mkfs, mount, commit

ErrorOr<void> FileSystem::mkfs(BlockDevice& device, const MkfsOptions& options)
{
    u64 size = device.block_count();
    if (size < HEADER_RING + 64 || !is_known_version(options.version))
        return Error::from_errno(EINVAL);
    u8* zero = new u8[BLOCK_SIZE];
    ktl::fill_bytes(zero, 0, BLOCK_SIZE);
    ErrorOr<void> result;
    for (u64 slot = 0; slot < HEADER_RING && !result.is_error(); ++slot)
        result = device.write_block(slot, zero);
    delete[] zero;
    TRY(result);
    TRY(device.flush());

    FileSystem fs(device);
    Header& h = fs.m_header;
    ktl::copy_bytes(h.signature, SIGNATURE, sizeof(SIGNATURE));
    h.version = options.version;
    ktl::copy_bytes(h.uuid, options.uuid, sizeof(h.uuid));
    h.size = size;
    h.next_node_id = ROOT_ID;
    fs.m_bits.resize((size + 63) / 64);
    fs.m_committed.resize((size + 63) / 64);
    for (u64 i = 0; i < HEADER_RING; ++i)
        fs.m_bits[i / 64] |= 1ull << (i % 64);
    fs.m_used = HEADER_RING;
    fs.m_now = options.now;
    u32 id;
    Node* root = TRY(fs.new_node(id, MODE_DIR | (options.root_mode & MODE_PERM), options.root_uid, options.root_gid));
    root->links = 2;
    root->parent = ROOT_ID;
    fs.m_mounted = true;
    return fs.commit_now();
}

ErrorOr<void> FileSystem::mount()
{
    u64 size = m_device.block_count();
    auto* h = reinterpret_cast<Header*>(m_scratch);
    bool found = false;
    u64 wrong_version = 0, bad_checksums = 0, read_errors = 0;
    for (u64 slot = 0; slot < ktl::min(size, HEADER_RING); ++slot) {
        if (m_device.read_block(slot, m_scratch).is_error()) {
            ++read_errors;
            continue;
        }
        if (ktl::compare_bytes(h->signature, SIGNATURE, sizeof(SIGNATURE)) != 0)
            continue;
        if (!is_known_version(h->version)) {
            wrong_version = h->version;
            continue;
        }
        if (fnv1a64(h, HEADER_HASHED_BYTES) != h->hash) {
            ++bad_checksums;
            continue;
        }
        if (h->generation % HEADER_RING != slot)
            continue;
        if (!found || h->generation > m_header.generation) {
            ktl::copy_bytes(&m_header, h, sizeof(Header));
            found = true;
        }
    }
    if (!found) {
        if (wrong_version)
            return fail(EINVAL, "unsupported RedoxFS version %llu (this build reads versions %llu to %llu)",
                static_cast<unsigned long long>(wrong_version), static_cast<unsigned long long>(OLDEST_FORMAT_VERSION),
                static_cast<unsigned long long>(FORMAT_VERSION));
        if (bad_checksums)
            return fail(EIO, "no valid header: %llu headers fail their checksum", static_cast<unsigned long long>(bad_checksums));
        if (read_errors)
            return fail(EIO, "no valid header: %llu header blocks could not be read", static_cast<unsigned long long>(read_errors));
        if (size < HEADER_RING + 2)
            return fail(EINVAL, "not a RedoxFS image: only %llu blocks", static_cast<unsigned long long>(size));
        return fail(EINVAL, "not a RedoxFS image (no header with the RedoxFS signature)");
    }
    if (m_header.size > size)
        return fail(EIO, "image truncated: the header says %llu blocks, the device has %llu",
            static_cast<unsigned long long>(m_header.size), static_cast<unsigned long long>(size));
    if (m_header.size < HEADER_RING + 2 || m_header.tree_levels > MAX_LEVELS || m_header.alloc_levels > MAX_LEVELS
        || m_header.next_node_id <= ROOT_ID || m_header.next_node_id > (1ull << 32)
        || m_header.orphan_count > ORPHAN_MAX)
        return fail(EIO, "corrupt header (generation %llu)", static_cast<unsigned long long>(m_header.generation));
    // Every refusal carries a reason the daemon and the tools can print.
    if (auto loaded = load_bitmap(); loaded.is_error())
        return m_error[0] == 0 ? fail(loaded.error().code, "the free-space bitmap can not be read") : loaded.error();
    auto root_node = node(ROOT_ID);
    if (root_node.is_error())
        return m_error[0] == 0 ? fail(root_node.error().code, "the root directory can not be read") : root_node.error();
    const Node* root = root_node.value();
    if (!is_dir(root->mode))
        return fail(EIO, "the root node is not a directory");
    m_mounted = true;
    m_changed = false;
    return {};
}

ErrorOr<void> FileSystem::load_bitmap()
{
    u64 words = (m_header.size + 63) / 64;
    m_bits.clear();
    m_bits.resize(words);
    u64 bitmap_blocks = (m_header.size + BITS_PER_BITMAP_BLOCK - 1) / BITS_PER_BITMAP_BLOCK;
    for (u64 b = 0; b < bitmap_blocks; ++b) {
        BlockPtr p = TRY(tree_lookup(m_header.alloc, m_header.alloc_levels, b));
        if (p.is_null())
            return fail(EIO, "free-space bitmap block %llu is missing", static_cast<unsigned long long>(b));
        auto* bits = reinterpret_cast<const u64*>(TRY(read_meta(p)));
        u64 first = b * WORDS_PER_BITMAP_BLOCK;
        for (u64 w = 0; w < WORDS_PER_BITMAP_BLOCK && first + w < words; ++w)
            m_bits[first + w] = bits[w];
    }
    if (m_header.size % 64)
        m_bits[words - 1] &= (1ull << (m_header.size % 64)) - 1;
    m_used = 0;
    for (u64 w : m_bits)
        m_used += popcount(w);
    for (u64 i = 0; i < HEADER_RING; ++i)
        if (!is_used(i))
            return fail(EIO, "free-space bitmap marks header block %llu free", static_cast<unsigned long long>(i));
    m_committed = m_bits;
    m_reserved = 0;
    m_cursor = HEADER_RING;
    m_data_cursor = HEADER_RING;
    m_group_hint = 0;
    return {};
}

// Gives every bitmap block whose bits changed a new block (which may change more bits:
// repeat until nothing moves), then fills them with the final bits.
ErrorOr<void> FileSystem::commit_bitmap()
{
    u64 words = m_bits.size();
    u64 bitmap_blocks = (m_header.size + BITS_PER_BITMAP_BLOCK - 1) / BITS_PER_BITMAP_BLOCK;
    for (bool moved = true; moved;) {
        moved = false;
        for (u64 b = 0; b < bitmap_blocks; ++b) {
            u64 first = b * WORDS_PER_BITMAP_BLOCK;
            u64 last = ktl::min(words, first + WORDS_PER_BITMAP_BLOCK);
            bool differs = false;
            for (u64 w = first; w < last && !differs; ++w)
                differs = m_bits[w] != m_committed[w];
            BlockPtr p = TRY(tree_lookup(m_header.alloc, m_header.alloc_levels, b));
            Cached* c = p.is_null() ? nullptr : m_cache->find(p.addr);
            if (!(differs || p.is_null()) || (c && c->dirty))
                continue;
            BlockPtr* slot = TRY(tree_slot(m_header.alloc, m_header.alloc_levels, b));
            TRY(modify(*slot));
            moved = true;
        }
    }
    for (u64 b = 0; b < bitmap_blocks; ++b) {
        BlockPtr p = TRY(tree_lookup(m_header.alloc, m_header.alloc_levels, b));
        Cached* c = m_cache->find(p.addr);
        if (!c || !c->dirty)
            continue;
        u64 first = b * WORDS_PER_BITMAP_BLOCK;
        u64 count = ktl::min(words - first, WORDS_PER_BITMAP_BLOCK);
        ktl::fill_bytes(c->data, 0, BLOCK_SIZE);
        ktl::copy_bytes(c->data, &m_bits[first], count * 8);
    }
    return flush_tree(m_header.alloc, m_header.alloc_levels, KIND_BITMAP);
}

ErrorOr<void> FileSystem::write_header()
{
    ktl::copy_bytes(m_scratch, &m_header, sizeof(Header));
    auto* h = reinterpret_cast<Header*>(m_scratch);
    h->hash = fnv1a64(h, HEADER_HASHED_BYTES);
    if (m_device.write_block(h->generation % HEADER_RING, m_scratch).is_error())
        return fail(EIO, "write error at header slot %llu", static_cast<unsigned long long>(h->generation % HEADER_RING));
    m_header.hash = h->hash;
    return {};
}

ErrorOr<void> FileSystem::commit()
{
    begin_op();
    return commit_now();
}

// Also called in the middle of an operation (ensure_space): keeps every cached block.
ErrorOr<void> FileSystem::commit_now()
{
    if (!m_changed)
        return {};
    return commit_steps();
}

ErrorOr<void> FileSystem::commit_steps()
{
    auto written = flush_tree(m_header.tree, m_header.tree_levels, KIND_NODES);
    if (!written.is_error())
        written = commit_bitmap();
    if (!written.is_error() && m_cache->dirty != 0)
        return fail(EIO, "internal error: %llu modified blocks are not reachable at commit",
            static_cast<unsigned long long>(m_cache->dirty));
    if (!written.is_error() && m_device.flush().is_error())
        written = fail(EIO, "flush failed before the header write");
    if (written.is_error()) {
        prepare_commit_retry(false);
        return written;
    }
    Header previous = m_header;
    ++m_header.generation;
    m_header.used_blocks = m_used;
    written = write_header();
    if (!written.is_error() && m_device.flush().is_error())
        written = fail(EIO, "flush failed after the header write");
    if (written.is_error()) {
        m_header.generation = previous.generation;
        prepare_commit_retry(true);
        return written;
    }
    m_committed = m_bits;
    m_reserved = 0;
    m_group_hint = 0; // the blocks it freed are free now
    m_changed = false;
    return {};
}

// A commit failed; the transaction stays open (m_changed) so that the next commit tries
// again, once the disk works (its driver restarted, say).
// - Before the header write, the last commit is all the disk says. What this attempt
//   wrote went to blocks that commit does not use, but a failed write or flush says
//   nothing about what reached the disk: every block of the transaction still in memory
//   (a block of the transaction is in memory, and so is every block above it: changing a
//   block changes its parent) is marked modified again, so the next commit writes all of
//   them again. File data went to the disk when it was written; the next commit's flushes
//   make it durable (a disk that lost completed writes has lost data, which the checksums
//   then report).
// - From the header write on, the new header may be on the disk: from now on its blocks
//   are as untouchable as the last commit's (copy-on-write, never overwritten or reused)
//   until a commit succeeds, whichever of the two headers the disk ends up with.
void FileSystem::prepare_commit_retry(bool header_attempted)
{
    if (header_attempted) {
        for (usize w = 0; w < m_committed.size(); ++w)
            m_committed[w] |= m_bits[w];
        return;
    }
    for (Cached* c : m_cache->slots) {
        if (c && !c->dirty && is_owned(c->addr)) {
            c->dirty = true;
            ++m_cache->dirty;
        }
    }
}

// ---------------------------------------------------------------------------------------
// The API

ErrorOr<u32> FileSystem::lookup(u32 dir, StringView name)
{
    begin_op();
    if (name.length() > MAX_NAME)
        return Error::from_errno(ENAMETOOLONG);
    if (name.is_empty())
        return Error::from_errno(ENOENT);
    const Node* d = TRY(dir_node(dir));
    Found found = TRY(dir_find(d, name));
    return found.id;
}

ErrorOr<u32> FileSystem::parent(u32 dir)
{
    begin_op();
    const Node* d = TRY(dir_node(dir));
    return d->parent;
}

ErrorOr<u32> FileSystem::make_node(u32 dir, StringView name, u32 mode, u32 uid, u32 gid)
{
    begin_op();
    TRY(validate_name(name));
    const Node* d = TRY(dir_node(dir));
    auto existing = dir_find(d, name);
    if (!existing.is_error())
        return Error::from_errno(EEXIST);
    if (existing.error().code != ENOENT)
        return existing.error();
    if (is_dir(mode) && d->links >= 0xFFFFFFF0u)
        return Error::from_errno(EMLINK);
    TRY(ensure_space(META_RESERVE));
    u32 id;
    Node* n = TRY(new_node(id, mode, uid, gid));
    if (is_dir(mode)) {
        n->links = 2;
        n->parent = dir;
    }
    TRY(dir_insert(dir, name, id, mode));
    if (is_dir(mode)) {
        Node* parent = TRY(node_mut(dir));
        ++parent->links;
    }
    return id;
}

ErrorOr<u32> FileSystem::create(u32 dir, StringView name, u32 mode, u32 uid, u32 gid)
{
    if ((mode & MODE_TYPE) == 0)
        mode |= MODE_FILE;
    if (is_dir(mode))
        return Error::from_errno(EINVAL);
    return make_node(dir, name, mode & 0xFFFF, uid, gid);
}

ErrorOr<u32> FileSystem::mkdir(u32 dir, StringView name, u32 mode, u32 uid, u32 gid)
{
    return make_node(dir, name, MODE_DIR | (mode & MODE_PERM), uid, gid);
}

ErrorOr<u32> FileSystem::symlink(u32 dir, StringView name, StringView target, u32 uid, u32 gid)
{
    if (target.is_empty())
        return Error::from_errno(ENOENT);
    if (target.length() >= 4096)
        return Error::from_errno(ENAMETOOLONG);
    u32 id = TRY(make_node(dir, name, MODE_SYMLINK | 0777, uid, gid));
    auto written = write(id, 0, target.chars(), target.length());
    if (written.is_error()) {
        auto removed = unlink(dir, name); // no empty symlink left behind
        (void)removed;
        return written.error();
    }
    return id;
}

ErrorOr<void> FileSystem::link(u32 dir, StringView name, u32 target)
{
    begin_op();
    TRY(validate_name(name));
    const Node* t = TRY(node(target));
    if (is_dir(t->mode))
        return Error::from_errno(EPERM);
    if (t->links >= 0xFFFFFFF0u)
        return Error::from_errno(EMLINK);
    const Node* d = TRY(dir_node(dir));
    auto existing = dir_find(d, name);
    if (!existing.is_error())
        return Error::from_errno(EEXIST);
    if (existing.error().code != ENOENT)
        return existing.error();
    TRY(ensure_space(META_RESERVE));
    TRY(dir_insert(dir, name, target, t->mode));
    Node* n = TRY(node_mut(target));
    ++n->links;
    stamp_ctime(n);
    return {};
}

ErrorOr<void> FileSystem::unlink(u32 dir, StringView name)
{
    begin_op();
    if (name.length() > MAX_NAME)
        return Error::from_errno(ENAMETOOLONG);
    const Node* d = TRY(dir_node(dir));
    Found found = TRY(dir_find(d, name));
    if (is_dir(found.type))
        return Error::from_errno(EISDIR);
    TRY(ensure_space(META_RESERVE, true));
    TRY(dir_remove(dir, found));
    return drop_link(found.id);
}

ErrorOr<void> FileSystem::rmdir(u32 dir, StringView name)
{
    begin_op();
    if (name == ".")
        return Error::from_errno(EINVAL);
    if (name == "..")
        return Error::from_errno(ENOTEMPTY);
    if (name.length() > MAX_NAME)
        return Error::from_errno(ENAMETOOLONG);
    const Node* d = TRY(dir_node(dir));
    Found found = TRY(dir_find(d, name));
    if (!is_dir(found.type))
        return Error::from_errno(ENOTDIR);
    const Node* victim = TRY(node(found.id));
    if (victim->entries != 0)
        return Error::from_errno(ENOTEMPTY);
    TRY(ensure_space(META_RESERVE, true));
    TRY(dir_remove(dir, found));
    TRY(free_node(found.id));
    Node* parent = TRY(node_mut(dir));
    --parent->links;
    return {};
}

// Whether `ancestor` is `dir` or one of the directories above it.
ErrorOr<bool> FileSystem::is_ancestor(u32 ancestor, u32 dir)
{
    for (u64 steps = 0; steps <= m_header.node_count; ++steps) {
        if (dir == ancestor)
            return true;
        if (dir == ROOT_ID)
            return false;
        const Node* n = TRY(node(dir));
        dir = n->parent;
    }
    return fail(EIO, "directory parent chain loops");
}

ErrorOr<void> FileSystem::rename(u32 old_dir, StringView old_name, u32 new_dir, StringView new_name)
{
    begin_op();
    if (old_name == "." || old_name == ".." || new_name == "." || new_name == "..")
        return Error::from_errno(EINVAL);
    if (old_name.length() > MAX_NAME)
        return Error::from_errno(ENAMETOOLONG);
    TRY(validate_name(new_name));
    const Node* od = TRY(dir_node(old_dir));
    Found source = TRY(dir_find(od, old_name));
    const Node* nd = TRY(dir_node(new_dir));
    bool source_is_dir = is_dir(source.type);
    if (source_is_dir && TRY(is_ancestor(source.id, new_dir)))
        return Error::from_errno(EINVAL);
    auto target = dir_find(nd, new_name);
    if (target.is_error() && target.error().code != ENOENT)
        return target.error();
    bool replacing = !target.is_error();
    if (replacing) {
        Found t = target.value();
        if (t.id == source.id)
            return {};
        if (source_is_dir && !is_dir(t.type))
            return Error::from_errno(ENOTDIR);
        if (!source_is_dir && is_dir(t.type))
            return Error::from_errno(EISDIR);
        if (is_dir(t.type)) {
            const Node* victim = TRY(node(t.id));
            if (victim->entries != 0)
                return Error::from_errno(ENOTEMPTY);
        }
    }
    TRY(ensure_space(2 * META_RESERVE, replacing));
    if (replacing) {
        Found t = target.value();
        TRY(dir_replace(new_dir, t, source.id, source.type));
        if (is_dir(t.type)) {
            TRY(free_node(t.id));
            Node* p = TRY(node_mut(new_dir));
            --p->links;
        } else {
            TRY(drop_link(t.id));
        }
    } else {
        TRY(dir_insert(new_dir, new_name, source.id, source.type));
    }
    // The source entry may have moved if it shares the bucket with an insert: find it again.
    od = TRY(dir_node(old_dir));
    source = TRY(dir_find(od, old_name));
    TRY(dir_remove(old_dir, source));
    Node* moved = TRY(node_mut(source.id));
    stamp_ctime(moved);
    if (source_is_dir && old_dir != new_dir) {
        moved->parent = new_dir;
        Node* from = TRY(node_mut(old_dir));
        --from->links;
        Node* to = TRY(node_mut(new_dir));
        ++to->links;
    }
    return {};
}

ErrorOr<String> FileSystem::readlink(u32 id)
{
    begin_op();
    const Node* n = TRY(node(id));
    if ((n->mode & MODE_TYPE) != MODE_SYMLINK)
        return Error::from_errno(EINVAL);
    u64 size = n->size;
    if (size > 4096)
        return fail(EIO, "symlink %u is %llu bytes long", id, static_cast<unsigned long long>(size));
    char buffer[4097];
    usize length = TRY(read(id, 0, buffer, size));
    return String(buffer, length);
}

ErrorOr<usize> FileSystem::read(u32 id, u64 offset, void* buffer, usize length)
{
    begin_op();
    const Node* n = TRY(node(id));
    if (is_dir(n->mode))
        return Error::from_errno(EISDIR);
    if (offset >= n->size)
        return 0;
    length = static_cast<usize>(ktl::min<u64>(length, n->size - offset));
    auto* out = static_cast<u8*>(buffer);
    if (n->flags & NODE_FLAG_INLINE) {
        if (n->size > INLINE_MAX)
            return fail(EIO, "node %u: inline size %llu too large", id, static_cast<unsigned long long>(n->size));
        ktl::copy_bytes(out, n->inline_data + offset, length);
        return length;
    }
    for (u64 pos = offset; pos < offset + length;) {
        u64 within = pos % BLOCK_SIZE;
        u64 count = ktl::min<u64>(BLOCK_SIZE - within, offset + length - pos);
        u8* dst = out + (pos - offset);
        if (count == BLOCK_SIZE) {
            // Whole blocks: a run that is contiguous on disk (or a run of holes) at once.
            pos += TRY(read_run(n, pos / BLOCK_SIZE, (offset + length - pos) / BLOCK_SIZE, dst)) * BLOCK_SIZE;
            continue;
        }
        BlockPtr p = TRY(tree_lookup(n->data, n->data_levels, pos / BLOCK_SIZE));
        if (p.is_null()) {
            ktl::fill_bytes(dst, 0, count);
        } else {
            TRY(read_data(p, m_scratch));
            ktl::copy_bytes(dst, m_scratch + within, count);
        }
        pos += count;
    }
    return length;
}

ErrorOr<usize> FileSystem::write(u32 id, u64 offset, const void* buffer, usize length)
{
    begin_op();
    const Node* cn = TRY(node(id));
    if (is_dir(cn->mode))
        return Error::from_errno(EISDIR);
    if (length == 0)
        return 0;
    u64 end = offset + length;
    if (end < offset || end > MAX_FILE_SIZE)
        return Error::from_errno(EFBIG);
    u64 blocks = (end - 1) / BLOCK_SIZE - offset / BLOCK_SIZE + 1;
    TRY(ensure_space(blocks + blocks / 128 + 2 * MAX_LEVELS + 16));
    Node* n = TRY(node_mut(id));
    auto* in = static_cast<const u8*>(buffer);
    n->mtime = n->ctime = m_now.sec;
    n->mtime_nsec = n->ctime_nsec = m_now.nsec;
    if (n->flags & NODE_FLAG_INLINE) {
        if (end <= INLINE_MAX) {
            ktl::copy_bytes(n->inline_data + offset, in, length);
            n->size = ktl::max(n->size, end);
            return length;
        }
        TRY(uninline(n));
    }
    i64 before = m_block_delta;
    ErrorOr<void> result;
    for (u64 pos = offset; pos < end && !result.is_error();) {
        u64 within = pos % BLOCK_SIZE;
        u64 count = ktl::min<u64>(BLOCK_SIZE - within, end - pos);
        auto slot = tree_slot(n->data, n->data_levels, pos / BLOCK_SIZE);
        if (slot.is_error()) {
            result = slot.error();
            break;
        }
        BlockPtr* p = slot.value();
        if (count == BLOCK_SIZE) {
            // Whole blocks: up to RUN_BLOCKS of them hashed and written together.
            u64 done = 0;
            result = write_run(n, pos / BLOCK_SIZE, (end - pos) / BLOCK_SIZE, in + (pos - offset), done);
            pos += done * BLOCK_SIZE;
            n->size = ktl::max(n->size, pos);
            continue;
        } else {
            if (p->is_null())
                ktl::fill_bytes(m_scratch, 0, BLOCK_SIZE);
            else
                result = read_data(*p, m_scratch);
            if (result.is_error())
                break;
            ktl::copy_bytes(m_scratch + within, in + (pos - offset), count);
            result = write_data(*p, m_scratch);
        }
        if (!result.is_error()) {
            pos += count;
            n->size = ktl::max(n->size, pos);
        }
    }
    n->blocks += static_cast<u64>(m_block_delta - before);
    if (result.is_error())
        return result.error();
    return length;
}

ErrorOr<void> FileSystem::truncate(u32 id, u64 size)
{
    begin_op();
    const Node* cn = TRY(node(id));
    if (is_dir(cn->mode))
        return Error::from_errno(EISDIR);
    if (size > MAX_FILE_SIZE)
        return Error::from_errno(EFBIG);
    TRY(ensure_space(4 * MAX_LEVELS + 16, size <= cn->size));
    Node* n = TRY(node_mut(id));
    TRY(set_size(n, size));
    n->mtime = n->ctime = m_now.sec;
    n->mtime_nsec = n->ctime_nsec = m_now.nsec;
    return {};
}

ErrorOr<NodeStat> FileSystem::stat(u32 id)
{
    begin_op();
    const Node* n = TRY(node(id));
    return NodeStat { id, n->mode, n->uid, n->gid, n->links, n->size, n->blocks, { n->atime, n->atime_nsec },
        { n->mtime, n->mtime_nsec }, { n->ctime, n->ctime_nsec } };
}

ErrorOr<void> FileSystem::chmod(u32 id, u32 mode)
{
    begin_op();
    TRY(node(id));
    TRY(ensure_space(META_RESERVE));
    Node* n = TRY(node_mut(id));
    n->mode = static_cast<u16>((n->mode & MODE_TYPE) | (mode & MODE_PERM));
    stamp_ctime(n);
    return {};
}

ErrorOr<void> FileSystem::chown(u32 id, u32 uid, u32 gid)
{
    begin_op();
    TRY(node(id));
    TRY(ensure_space(META_RESERVE));
    Node* n = TRY(node_mut(id));
    if (uid != 0xFFFFFFFFu)
        n->uid = uid;
    if (gid != 0xFFFFFFFFu)
        n->gid = gid;
    stamp_ctime(n);
    return {};
}

ErrorOr<void> FileSystem::utimens(u32 id, Time atime, Time mtime)
{
    begin_op();
    TRY(node(id));
    TRY(ensure_space(META_RESERVE));
    Node* n = TRY(node_mut(id));
    n->atime = atime.sec;
    n->atime_nsec = atime.nsec;
    n->mtime = mtime.sec;
    n->mtime_nsec = mtime.nsec;
    stamp_ctime(n);
    return {};
}

ErrorOr<ReadDirResult> FileSystem::readdir(u32 dir, u64 cookie, usize max_entries)
{
    begin_op();
    if (max_entries == 0)
        return Error::from_errno(EINVAL);
    const Node* d = TRY(dir_node(dir));
    ReadDirResult result;
    u64 index = cookie >> 12;
    u32 skip = static_cast<u32>(cookie & 0xFFF);
    for (;;) {
        index = TRY(tree_next(d->data, d->data_levels, index));
        if (index == NONE) {
            result.end = true;
            result.next_cookie = cookie;
            return result;
        }
        BlockPtr p = TRY(tree_lookup(d->data, d->data_levels, index));
        const u8* b = TRY(read_meta(p));
        auto* header = reinterpret_cast<const BucketHeader*>(b);
        if (!bucket_ok(header, index))
            return fail(EIO, "directory %u: bad bucket %llu", dir, static_cast<unsigned long long>(index));
        usize offset = sizeof(BucketHeader);
        usize end = sizeof(BucketHeader) + header->used;
        for (u32 i = 0; i < header->count; ++i) {
            if (offset + ENTRY_FIXED > end || offset + ENTRY_FIXED + b[offset + 13] > end)
                return fail(EIO, "directory %u: bucket %llu overruns", dir, static_cast<unsigned long long>(index));
            usize length = b[offset + 13];
            if (i >= skip) {
                if (result.entries.size() == max_entries) {
                    result.next_cookie = index << 12 | i;
                    return result;
                }
                result.entries.append(DirEntry { String(reinterpret_cast<const char*>(b + offset + ENTRY_FIXED), length),
                    load<u32>(b + offset + 8), static_cast<u32>(b[offset + 12]) << 12 });
            }
            offset += ENTRY_FIXED + length;
        }
        ++index;
        skip = 0;
        cookie = index << 12;
    }
}

FsStat FileSystem::statvfs() const
{
    return FsStat { BLOCK_SIZE, m_header.size, m_header.size - m_used, m_header.node_count };
}

} // namespace redoxfs
