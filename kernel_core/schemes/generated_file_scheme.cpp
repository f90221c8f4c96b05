#include "generated_file_scheme.h"

#include "../abi/redox/flags.h"

namespace kernel {

ErrorOr<u16> GeneratedFileScheme::mode_of(StringView path)
{
    if (path.is_empty())
        return static_cast<u16>(redox::MODE_DIR | 0555);
    isize slash = -1;
    for (usize i = 0; i < path.length(); ++i)
        if (path[i] == '/')
            slash = static_cast<isize>(i);
    StringView directory = slash < 0 ? StringView() : path.substring(0, static_cast<usize>(slash));
    StringView name = path.substring(static_cast<usize>(slash + 1));
    for (const Entry& entry : list(directory))
        if (entry.name == name)
            return entry.mode;
    return errno_error(redox::ENOENT);
}

ErrorOr<usize> GeneratedFileScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    while (path.ends_with("/"))
        path = path.substring(0, path.length() - 1);
    u16 mode = TRY(mode_of(path));
    bool is_dir = (mode & redox::MODE_TYPE) == redox::MODE_DIR;
    if ((flags & redox::O_DIRECTORY) && !is_dir)
        return errno_error(redox::ENOTDIR);
    if ((flags & (redox::O_CREAT | redox::O_EXCL)) == (redox::O_CREAT | redox::O_EXCL))
        return errno_error(redox::EEXIST);
    unsigned long access = flags & redox::O_ACCMODE;
    bool wants_write = access == redox::O_WRONLY || access == redox::O_RDWR;
    if (wants_write && is_dir)
        return errno_error(redox::EISDIR);
    if (wants_write && !(mode & 0222))
        return errno_error(redox::EACCES);
    if (wants_write && caller.uid != 0 && !(mode & 0002))
        return errno_error(redox::EACCES);
    // Kernel files without read bits (kstop) have nothing to read, for root too.
    bool wants_read = access == redox::O_RDONLY || access == redox::O_RDWR;
    if (wants_read && !is_dir && !(flags & redox::O_STAT) && !(mode & 0444))
        return errno_error(redox::EACCES);
    auto* open = new Open { ktl::String(path), {}, mode };
    if (!is_dir && (mode & 0444) && !(flags & redox::O_STAT) && !generate(path, open->content)) {
        delete open;
        return errno_error(redox::ENOENT);
    }
    return m_open.insert(open);
}

ErrorOr<usize> GeneratedFileScheme::dup(usize handle, StringView what, const Caller&)
{
    Open* o = TRY(m_open.get(handle));
    if (!what.is_empty())
        return errno_error(redox::EINVAL);
    return m_open.insert(new Open(*o));
}

ErrorOr<usize> GeneratedFileScheme::read(
    usize handle, void* buffer, usize length, u64 offset, unsigned long, const Caller&)
{
    Open* o = TRY(m_open.get(handle));
    if ((o->mode & redox::MODE_TYPE) == redox::MODE_DIR)
        return errno_error(redox::EISDIR);
    if (offset >= o->content.length())
        return 0u;
    usize n = ktl::min<usize>(length, o->content.length() - static_cast<usize>(offset));
    ktl::copy_bytes(buffer, o->content.c_str() + offset, n);
    return n;
}

ErrorOr<usize> GeneratedFileScheme::write(
    usize handle, const void* buffer, usize length, u64, unsigned long, const Caller& caller)
{
    Open* o = TRY(m_open.get(handle));
    if (!(o->mode & 0222))
        return errno_error(redox::EBADF);
    ktl::String path = o->path;
    return write_file(path.view(), buffer, length, caller);
}

ErrorOr<u64> GeneratedFileScheme::fsize(usize handle)
{
    Open* o = TRY(m_open.get(handle));
    return static_cast<u64>(o->content.length());
}

void GeneratedFileScheme::close(usize handle) { delete m_open.take(handle); }

ErrorOr<usize> GeneratedFileScheme::fpath(usize handle, char* buffer, usize length)
{
    Open* o = TRY(m_open.get(handle));
    usize n = ktl::min(length, o->path.length());
    ktl::copy_bytes(buffer, o->path.c_str(), n);
    return n;
}

ErrorOr<void> GeneratedFileScheme::fstat(usize handle, redox::Stat& st)
{
    Open* o = TRY(m_open.get(handle));
    st = {};
    st.st_mode = o->mode;
    st.st_nlink = 1;
    st.st_size = o->content.length();
    st.st_blksize = 4096;
    return {};
}

ErrorOr<usize> GeneratedFileScheme::getdents(usize handle, void* buffer, usize length, u64 offset)
{
    Open* o = TRY(m_open.get(handle));
    if ((o->mode & redox::MODE_TYPE) != redox::MODE_DIR)
        return errno_error(redox::ENOTDIR);
    ktl::String directory = o->path;
    ktl::Vector<Entry> entries = list(directory.view());
    usize written = 0;
    for (u64 i = offset; i < entries.size(); ++i) {
        u8 kind = (entries[i].mode & redox::MODE_TYPE) == redox::MODE_DIR ? redox::DT_DIR : redox::DT_REG;
        usize n
            = write_dirent(static_cast<char*>(buffer) + written, length - written, entries[i].name, i + 1, kind, i + 1);
        if (!n) {
            if (!written)
                return errno_error(redox::EINVAL);
            break;
        }
        written += n;
    }
    return written;
}

} // namespace kernel
