#pragma once
// Writing getdents records (DirentHeader, structs.h): one definition for the kernel's
// schemes and for userspace daemons (drivers, driverd).
#include "../../ktl/memory.h"
#include "../../ktl/string_view.h"
#include "structs.h"

namespace redox {

// Appends one record to `buffer`; returns its length, or 0 when it does not fit. The
// buffer need not be aligned: the header is built here and copied out.
inline usize write_dirent(void* buffer, usize capacity, ktl::StringView name, u64 inode, u8 kind, u64 next_offset)
{
    constexpr usize name_at = __builtin_offsetof(DirentHeader, name);
    usize length = (name_at + name.length() + 1 + 7) & ~usize(7);
    if (length > capacity)
        return 0;
    DirentHeader header {};
    header.inode = inode;
    header.next_offset = next_offset;
    header.record_length = static_cast<u16>(length);
    header.kind = kind;
    auto* out = static_cast<char*>(buffer);
    ktl::copy_bytes(out, &header, name_at);
    ktl::copy_bytes(out + name_at, name.chars(), name.length());
    ktl::fill_bytes(out + name_at + name.length(), 0, length - name_at - name.length());
    return length;
}

} // namespace redox
