#include "memory_scheme.h"

#include "../abi/redox/flags.h"
#include "../hal/physical_memory.h"
#include "../ktl/memory.h"

namespace kernel {

namespace {
    // The files, in listing order (index + 1 = Kind).
    constexpr const char* file_names[] = { "physical", "dma", "translation" };
} // namespace

MemoryScheme::~MemoryScheme()
{
    while (!m_dma_buffers.is_empty())
        free_dma(m_dma_buffers.size() - 1);
}

ErrorOr<usize> MemoryScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    if (caller.uid != 0)
        return errno_error(redox::EACCES);
    if (path.is_empty())
        return m_handles.insert(new Open { Kind::Root });
    if (flags & redox::O_DIRECTORY)
        return errno_error(redox::ENOTDIR);
    for (usize i = 0; i < sizeof file_names / sizeof file_names[0]; ++i)
        if (path == StringView(file_names[i]))
            return m_handles.insert(new Open { static_cast<Kind>(i + 1) });
    return errno_error(redox::ENOENT);
}

ErrorOr<usize> MemoryScheme::read(usize handle, void* buffer, usize length, u64 offset, unsigned long, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if (open->kind == Kind::Root)
        return errno_error(redox::EISDIR);
    if (open->kind != Kind::Translation)
        return errno_error(redox::EBADF);
    if (length != sizeof(u64))
        return errno_error(redox::EINVAL);
    u64 physical = hal::physical_address_of(reinterpret_cast<const void*>(static_cast<usize>(offset)));
    if (!physical)
        return errno_error(redox::EFAULT);
    ktl::copy_bytes(buffer, &physical, sizeof physical);
    // The position stays at the address: reading again gives the same answer.
    return sizeof physical;
}

ErrorOr<u64> MemoryScheme::fsize(usize handle)
{
    Open* open = TRY(m_handles.get(handle));
    if (open->kind != Kind::Translation)
        return errno_error(redox::ESPIPE);
    return 0u; // seekable (SEEK_SET to an address); it has no contents of its own
}

void MemoryScheme::close(usize handle)
{
    delete m_handles.take(handle);
    // Mappings keep their file open, so a buffer left here lost its mapping without funmap
    // reaching us (a handle closed by teardown): free it all the same.
    for (usize i = m_dma_buffers.size(); i-- > 0;)
        if (m_dma_buffers[i].handle == handle)
            free_dma(i);
}

ErrorOr<usize> MemoryScheme::fpath(usize handle, char* buffer, usize length)
{
    Open* open = TRY(m_handles.get(handle));
    StringView name = open->kind == Kind::Root ? StringView() : StringView(file_names[static_cast<u8>(open->kind) - 1]);
    usize n = ktl::min(name.length(), length);
    ktl::copy_bytes(buffer, name.chars(), n);
    return n;
}

ErrorOr<void> MemoryScheme::fstat(usize handle, redox::Stat& st)
{
    Open* open = TRY(m_handles.get(handle));
    st = {};
    st.st_mode = open->kind == Kind::Root ? (redox::MODE_DIR | 0500) : (redox::MODE_CHR | 0600);
    st.st_ino = static_cast<u64>(open->kind) + 1;
    return {};
}

ErrorOr<usize> MemoryScheme::getdents(usize handle, void* buffer, usize length, u64 position)
{
    Open* open = TRY(m_handles.get(handle));
    if (open->kind != Kind::Root)
        return errno_error(redox::ENOTDIR);
    usize written = 0;
    constexpr u64 count = sizeof file_names / sizeof file_names[0];
    for (u64 i = position; i < count; ++i) {
        usize record = write_dirent(static_cast<char*>(buffer) + written, length - written,
            StringView(file_names[i]), i + 2, redox::DT_CHR, i + 1);
        if (!record) {
            if (!written)
                return errno_error(redox::EINVAL);
            break;
        }
        written += record;
    }
    return written;
}

ErrorOr<usize> MemoryScheme::fmap(usize handle, u64 offset, usize size, u64, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if (size == 0)
        return errno_error(redox::EINVAL);
    switch (open->kind) {
    case Kind::Physical: {
        if (offset % page_size)
            return errno_error(redox::EINVAL);
        void* address = hal::physical_map(offset, size);
        if (!address)
            return errno_error(redox::EFAULT);
        return reinterpret_cast<usize>(address);
    }
    case Kind::Dma: {
        if (offset != 0)
            return errno_error(redox::EINVAL);
        usize rounded = (size + page_size - 1) / page_size * page_size;
        if (rounded < size)
            return errno_error(redox::EINVAL);
        u64 physical = 0;
        void* address = hal::dma_allocate(rounded, &physical);
        if (!address)
            return errno_error(redox::ENOMEM);
        m_dma_buffers.append({ handle, reinterpret_cast<usize>(address), rounded });
        return reinterpret_cast<usize>(address);
    }
    default:
        return errno_error(redox::ENODEV);
    }
}

void MemoryScheme::funmap(usize handle, usize address, usize)
{
    for (usize i = 0; i < m_dma_buffers.size(); ++i) {
        if (m_dma_buffers[i].handle == handle && m_dma_buffers[i].address == address) {
            free_dma(i);
            return;
        }
    }
}

void MemoryScheme::free_dma(usize index)
{
    DmaBuffer buffer = m_dma_buffers[index];
    m_dma_buffers.remove(index);
    hal::dma_free(reinterpret_cast<void*>(buffer.address), buffer.size);
}

} // namespace kernel
