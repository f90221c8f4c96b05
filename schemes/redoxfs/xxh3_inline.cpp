// XXH3-64 for the bare-metal kernel: the xxHash header's portable code compiled in (SSE2,
// which the kernel saves across interrupts), no library to link.
#include "checksum.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace redoxfs {

u64 xxh3_64(const void* data, usize length) { return XXH3_64bits(data, length); }

} // namespace redoxfs
