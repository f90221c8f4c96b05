// Helpers every scheme may use (scheme.h).
#include "scheme.h"

#include "abi/redox/flags.h"

namespace kernel {

usize write_dirent(void* buffer, usize capacity, StringView name, u64 inode, u8 kind, u64 next_offset)
{
    usize length = (offsetof(redox::DirentHeader, name) + name.length() + 1 + 7) & ~usize(7);
    if (length > capacity)
        return 0;
    // The caller's buffer need not be aligned: build the header here and copy it out.
    redox::DirentHeader header {};
    header.inode = inode;
    header.next_offset = next_offset;
    header.record_length = static_cast<u16>(length);
    header.kind = kind;
    ktl::copy_bytes(buffer, &header, offsetof(redox::DirentHeader, name));
    char* out = static_cast<char*>(buffer) + offsetof(redox::DirentHeader, name);
    ktl::copy_bytes(out, name.chars(), name.length());
    ktl::fill_bytes(out + name.length(), 0, length - offsetof(redox::DirentHeader, name) - name.length());
    return length;
}

ErrorOr<void> check_device_open(bool known_path, unsigned long flags, const Caller& caller)
{
    if (!known_path)
        return errno_error(redox::ENOENT);
    if (caller.uid != 0)
        return errno_error(redox::EACCES);
    if (flags & redox::O_DIRECTORY)
        return errno_error(redox::ENOTDIR);
    return {};
}

} // namespace kernel
