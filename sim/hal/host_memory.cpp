#include "host_memory.h"

#include <malloc.h>

#include <climits>

namespace sim {

void host_memory_configure()
{
    // Up to 2 GiB of free heap top stays mapped (glibc's default trims from 128 KiB on).
    // Setting it also pins the mmap threshold at 128 KiB: memfs chunks (64 KiB) come from the
    // heap, big one-off buffers from mmap, which go back to Linux when freed.
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    // The heap grows in 64 MiB steps: fewer brk calls while a big file is written.
    mallopt(M_TOP_PAD, 64 << 20);
}

} // namespace sim
