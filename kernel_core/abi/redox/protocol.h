#pragma once
// Argument layout of each scheme request (SchemeRequest::args), shared by the kernel's
// UserScheme (which builds requests) and daemons (which decode them). "handle" is the
// daemon's own number for an open file; buffers are caller addresses the daemon may use
// directly (one address space: this is the sim's stand-in for Redox's page mapping).
//
//   OP_OPENAT    [dir handle or ROOT_HANDLE, path ptr, path len, open flags | mode, 0, uid|gid<<32]
//   OP_READ      [handle, buf, len, offset, flags]            -> bytes read
//   OP_WRITE     [handle, buf, len, offset, flags]            -> bytes written
//   OP_FSIZE     [handle]                                     -> size
//   OP_CLOSE     [handle]                                     (one-way, no completion)
//   OP_DUP       [handle, buf, len]                           -> new handle
//   OP_FPATH     [handle, buf, len]                           -> bytes written
//   OP_FSTAT     [handle, Stat*, sizeof(Stat)]                -> 0
//   OP_FSTATVFS  [handle, StatVfs*, sizeof(StatVfs)]          -> 0
//   OP_FSYNC     [handle]                                     -> 0
//   OP_FTRUNCATE [handle, length]                             -> 0
//   OP_FCHMOD    [handle, mode]                               -> 0
//   OP_FCHOWN    [handle, uid, gid]                           -> 0
//   OP_FUTIMENS  [handle, TimeSpec*, count]                   -> 0
//   OP_MMAP_PREP [handle, offset, size, PROT_*|MAP_* flags]    -> address of the memory (one shared address space)
//   OP_FRENAME   [handle, path ptr, path len]                 -> 0
//   OP_FLINK     [handle, path ptr, path len]                 -> 0
//   OP_UNLINKAT  [ROOT_HANDLE, path ptr, path len, flags]     -> 0 (AT_REMOVEDIR for rmdir)
//   OP_GETDENTS  [handle, buf, len, opaque offset]            -> bytes written (0 at the end)
//   OP_FEVENT    [handle, event flags]                        -> flags ready now
//   OP_FCNTL     [handle, cmd, arg]                           -> result
// A result in [-4095, -1] (as u64) is -errno.
#include <stdint.h>

namespace redox {
constexpr uint64_t ROOT_HANDLE = ~0ull;
}
