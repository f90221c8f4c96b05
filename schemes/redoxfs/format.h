#pragma once
// The RedoxFS-style on-disk format (docs/redoxfs-format.md describes it for readers).
//
// All integers are little-endian (the structures below are the bytes as they sit in a
// block on x86_64). Platform-free: only ktl.
#include "ktl/memory.h"
#include "ktl/types.h"

namespace redoxfs {

constexpr u32 BLOCK_SIZE = 4096;
constexpr u64 HEADER_RING = 256;         // blocks 0..255 hold the header ring
constexpr u64 FORMAT_VERSION = 2;        // this project's format, written by mkfs (upstream RedoxFS is 8)
constexpr u64 OLDEST_FORMAT_VERSION = 1; // still mounted and written in its own version
inline bool is_known_version(u64 version) { return version >= OLDEST_FORMAT_VERSION && version <= FORMAT_VERSION; }
constexpr char SIGNATURE[8] = { 'R', 'e', 'd', 'o', 'x', 'F', 'S', 0 };
constexpr usize MAX_NAME = 252;          // longest directory entry name in bytes
constexpr u32 PTRS_PER_TABLE = 256;      // BlockPtr entries in a pointer table
constexpr u32 ROOT_ID = 1;               // the root directory's node id
constexpr u32 INLINE_OFFSET = 256;       // where inline file data starts in a node block
constexpr u32 INLINE_MAX = BLOCK_SIZE - INLINE_OFFSET; // 3840 bytes inline
constexpr u32 MAX_LEVELS = 6;            // pointer-table depth limit (256^6 leaves)
constexpr u32 MAX_DIR_DEPTH = 30;        // deepest bucket of a directory hash trie
constexpr u64 BITS_PER_BITMAP_BLOCK = BLOCK_SIZE * 8ull;
constexpr u32 NODE_MAGIC = 0x4e534652;   // "RFSN"
constexpr u32 BUCKET_MAGIC = 0x44534652; // "RFSD"
constexpr u16 NODE_FLAG_INLINE = 1;      // file/symlink data lives in Node::inline_data
constexpr u32 ORPHAN_MAX = 255;          // open-but-removed files the header can list

// A pointer to a block: its address (block index) and the checksum of its 4096 bytes
// (checksum.h: XXH3-64 in version 2, FNV-1a-64 in version 1). addr 0 is the null pointer
// (a hole in a sparse table).
struct BlockPtr {
    u64 addr;
    u64 hash;
    bool is_null() const { return addr == 0; }
};
static_assert(sizeof(BlockPtr) == 16);

// One header block of the ring. Generation g is written to block g % 256; `hash` is
// FNV-1a-64 of bytes [0, 4088).
struct Header {
    char signature[8];  // "RedoxFS\0"
    u64 version;        // FORMAT_VERSION
    u8 uuid[16];
    u64 size;           // size of the file system in blocks
    u64 generation;     // counts commits, the newest valid header wins
    BlockPtr tree;      // node table root (a pointer-table tree indexed by node id)
    BlockPtr alloc;     // free-space bitmap root (a pointer-table tree of bitmap blocks)
    u8 tree_levels;
    u8 alloc_levels;
    u8 padding[6];
    u64 next_node_id;   // node ids below this may be in use; ids are never reused
    u64 used_blocks;    // set bits in the bitmap
    u64 node_count;     // nodes in the node table
    // Files removed while still open (link count 0, in no directory): freed when the last
    // handle closes, or by the next mount after a crash. Unused slots are zero.
    u32 orphan_count;
    u32 orphans[ORPHAN_MAX];
    u8 reserved[BLOCK_SIZE - 112 - 4 - 4 * ORPHAN_MAX - 8];
    u64 hash;
};
static_assert(sizeof(Header) == BLOCK_SIZE);
constexpr usize HEADER_HASHED_BYTES = BLOCK_SIZE - 8;

// A node (inode): one block.
struct Node {
    u32 magic;          // NODE_MAGIC
    u16 mode;           // type bits (0xF000) | permissions (0x0FFF), as st_mode
    u16 flags;          // NODE_FLAG_INLINE
    u32 uid;
    u32 gid;
    u32 links;
    u32 parent;         // directories: the containing directory (the root: itself)
    u64 size;           // bytes (directories: 0)
    u64 blocks;         // blocks owned by the data tree (tables + leaves)
    i64 atime;
    u32 atime_nsec;
    u32 padding0;
    i64 mtime;
    u32 mtime_nsec;
    u32 padding1;
    i64 ctime;
    u32 ctime_nsec;
    u32 padding2;
    BlockPtr data;      // files, symlinks: data blocks by block number; directories: buckets by trie index
    u8 data_levels;
    u8 dir_depth;       // directories: the deepest trie level that holds a bucket
    u8 padding3[6];
    u64 entries;        // directories: number of entries
    u64 id;             // this node's id
    u8 reserved[INLINE_OFFSET - 128];
    u8 inline_data[INLINE_MAX];
};
static_assert(sizeof(Node) == BLOCK_SIZE);
static_assert(__builtin_offsetof(Node, data) == 88);

// A directory bucket: a leaf of the directory's hash trie.
struct BucketHeader {
    u32 magic;          // BUCKET_MAGIC
    u16 count;          // entries
    u16 used;           // bytes of entries after the header
    u32 depth;          // trie level of this bucket
    u32 index;          // trie index: (1 << depth) | (hash & ((1 << depth) - 1))
};
static_assert(sizeof(BucketHeader) == 16);
// Entries follow, packed: u64 hash, u32 node id, u8 type (mode >> 12), u8 name length, name.
constexpr usize ENTRY_FIXED = 14;
constexpr usize BUCKET_SPACE = BLOCK_SIZE - sizeof(BucketHeader);

// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over bytes.
inline u64 fnv1a64(const void* data, usize length, u64 hash = 0xcbf29ce484222325ull)
{
    auto* bytes = static_cast<const u8*>(data);
    for (usize i = 0; i < length; ++i) {
        hash ^= bytes[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

// A name's directory hash: FNV-1a-64 of the name, then MurmurHash3's fmix64 finalizer so
// the low bits (which pick the bucket) depend on every input bit.
inline u64 name_hash(const char* name, usize length)
{
    u64 h = fnv1a64(name, length);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

inline u64 trie_index(u64 hash, u32 depth) { return (1ull << depth) | (hash & ((1ull << depth) - 1)); }

} // namespace redoxfs
