#include "physical_memory.h"

#include "redox/sys.h"

namespace driver {

long physmap(u64 physical, usize size, void** address)
{
    long fd = sys::open("/scheme/memory/physical", redox::O_RDWR);
    if (fd < 0)
        return fd;
    long mapped = sys::fmap(static_cast<int>(fd), physical, size, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
    sys::close(static_cast<int>(fd)); // the mapping keeps the file open
    if (mapped < 0 && mapped > -4096)
        return mapped;
    *address = reinterpret_cast<void*>(mapped);
    return 0;
}

long physunmap(void* address, usize size) { return sys::funmap(address, size); }

long DmaBuffer::allocate(usize size)
{
    free();
    long fd = sys::open("/scheme/memory/dma", redox::O_RDWR);
    if (fd < 0)
        return fd;
    long mapped = sys::fmap(static_cast<int>(fd), 0, size, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
    sys::close(static_cast<int>(fd));
    if (mapped < 0 && mapped > -4096)
        return mapped;
    long translation = sys::open("/scheme/memory/translation", redox::O_RDONLY);
    if (translation < 0) {
        sys::funmap(reinterpret_cast<void*>(mapped), size);
        return translation;
    }
    u64 physical = 0;
    long r = sys::lseek(static_cast<int>(translation), mapped, redox::SEEK_SET);
    if (r >= 0)
        r = sys::read(static_cast<int>(translation), &physical, sizeof physical);
    sys::close(static_cast<int>(translation));
    if (r != static_cast<long>(sizeof physical)) {
        sys::funmap(reinterpret_cast<void*>(mapped), size);
        return r < 0 ? r : -redox::EIO;
    }
    m_address = reinterpret_cast<void*>(mapped);
    m_physical = physical;
    m_size = size;
    return 0;
}

void DmaBuffer::free()
{
    if (m_address)
        sys::funmap(m_address, m_size);
    m_address = nullptr;
    m_physical = 0;
    m_size = 0;
}

} // namespace driver
