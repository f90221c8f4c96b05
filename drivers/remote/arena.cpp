// Memory a remote driver maps from the `memory` scheme. Device memory and DMA buffers live
// in the simulator's DMA arena (a memfd, mapped here at START), so an fmap that the proxy
// answers with an arena address is the same memory at this process's mapping of the arena.
// Other mappings (another scheme's memory) can not be shared with a separate process: the
// proxy refuses them. Addresses given back to the simulator (funmap, the translation file's
// seek offset) are translated the other way.
#include "runtime.h"

#include <cstring>
#include <set>

#include "../../kernel_core/abi/redox/undef_host_macros.h"
// clang-format off
#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/syscall_numbers.h"
// clang-format on

namespace remote {

namespace {

    // fds open on /scheme/memory/translation: their seek offset is an address.
    std::set<int> s_translation_files;

    bool in_local_arena(std::uint64_t address)
    {
        auto base = reinterpret_cast<std::uint64_t>(runtime().arena);
        return runtime().arena && address >= base && address - base < runtime().arena_size;
    }

    std::uint64_t to_simulator(std::uint64_t address)
    {
        return address - reinterpret_cast<std::uint64_t>(runtime().arena) + runtime().arena_address;
    }

    bool ends_with(const char* text, std::size_t length, const char* suffix)
    {
        std::size_t n = std::strlen(suffix);
        return text && length >= n && std::memcmp(text + length - n, suffix, n) == 0;
    }

} // namespace

long map_memory(int fd, const void* map, std::size_t length)
{
    std::uint64_t args[5] = { static_cast<std::uint64_t>(fd), reinterpret_cast<std::uint64_t>(map), length, 0, 0 };
    long address = forward_syscall(redox::SYS_fmap, args);
    if (address < 0 && address >= -4095)
        return address;
    auto simulator = static_cast<std::uint64_t>(address);
    if (!runtime().arena || simulator < runtime().arena_address
        || simulator - runtime().arena_address >= runtime().arena_size)
        return -redox::EOPNOTSUPP; // the proxy only lets arena mappings through
    return reinterpret_cast<long>(runtime().arena + (simulator - runtime().arena_address));
}

long unmap_memory(std::uint64_t address, std::uint64_t size)
{
    if (!in_local_arena(address))
        return -redox::EINVAL;
    std::uint64_t args[5] = { to_simulator(address), size, 0, 0, 0 };
    return forward_syscall(redox::SYS_funmap, args);
}

void note_open(long fd, const char* path, std::size_t length)
{
    if (ends_with(path, length, "memory/translation") || ends_with(path, length, "memory:translation"))
        s_translation_files.insert(static_cast<int>(fd));
    else
        s_translation_files.erase(static_cast<int>(fd));
}

void note_close(int fd) { s_translation_files.erase(fd); }

long seek(int fd, std::uint64_t offset, std::uint64_t whence)
{
    if (s_translation_files.count(fd) && in_local_arena(offset))
        offset = to_simulator(offset);
    std::uint64_t args[5] = { static_cast<std::uint64_t>(fd), offset, whence, 0, 0 };
    return forward_syscall(redox::SYS_lseek, args);
}

} // namespace remote
