#pragma once
// fsck: checks a RedoxFS image end to end.
// - every header slot is empty or a valid header of its slot (signature, version, checksum);
// - every block reachable from the newest header passes its checksum (read from the device,
//   not a cache), lies inside the file system and is referenced once;
// - nodes: magic and id, inline data within bounds, no data past the end of a file, the
//   block count, directory buckets (hash of each name, bucket placement, a complete and
//   prefix-free hash trie), entries pointing at existing nodes, link counts (files: entries
//   naming them; directories: 2 + subdirectories), every node reachable from the root, and
//   each directory's parent field;
// - free space: the bitmap equals the set of reachable blocks, the header's counters agree.
#include "filesystem.h"

namespace redoxfs {

struct FsckResult {
    bool clean { false };
    u64 errors { 0 };
    String report; // readable, one finding per line, then a summary line
};

FsckResult fsck(BlockDevice& device);

} // namespace redoxfs
