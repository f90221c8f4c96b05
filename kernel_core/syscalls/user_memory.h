#pragma once
// Checked access to the caller's memory. In one address space (the sim, and ring-0 contexts
// on hardware) a user pointer is directly usable once its range is valid: not in the null
// page, not wrapping around. Ring-3 processes will add a page-table check here.
#include "../abi/redox/errno.h"
#include "../hal/memory.h"
#include "../ktl/result.h"
#include "../ktl/string.h"
#include "../ktl/vector.h"

namespace kernel {

// A range reaching past program memory is kernel memory or a bogus length (2^63 bytes),
// never the caller's: the platform says where program memory is (hal/memory.h).
inline ktl::ErrorOr<void> validate_user_range(usize address, usize length)
{
    if (length == 0)
        return {};
    if (address < 4096 || address + length < address || !hal::program_memory_contains(address, length))
        return ktl::Error::from_errno(redox::EFAULT);
    return {};
}

template<typename T>
ktl::ErrorOr<T*> user_object(usize address)
{
    if (address % alignof(T))
        return ktl::Error::from_errno(redox::EFAULT);
    TRY(validate_user_range(address, sizeof(T)));
    return reinterpret_cast<T*>(address);
}

// A path or name passed as (pointer, length).
inline ktl::ErrorOr<ktl::StringView> user_string(usize address, usize length, usize max_length = 4096)
{
    if (length > max_length)
        return ktl::Error::from_errno(redox::ENAMETOOLONG);
    TRY(validate_user_range(address, length));
    return ktl::StringView(reinterpret_cast<const char*>(address), length);
}

// A NULL-terminated array of C strings (argv, envp), copied into the kernel.
ktl::ErrorOr<ktl::Vector<ktl::String>> copy_user_string_array(usize address);

} // namespace kernel
