#pragma once
// Freestanding replacements for <cstring> and <utility> pieces the core needs.
#include "types.h"

#include <new>
#include <type_traits>
#include <utility>

namespace ktl {

// Zero lengths are fine with null pointers here (the C functions do not allow that).
inline void copy_bytes(void* dst, const void* src, usize n)
{
    if (n)
        __builtin_memcpy(dst, src, n);
}
inline void move_bytes(void* dst, const void* src, usize n)
{
    if (n)
        __builtin_memmove(dst, src, n);
}
inline void fill_bytes(void* dst, u8 value, usize n)
{
    if (n)
        __builtin_memset(dst, value, n);
}
inline int compare_bytes(const void* a, const void* b, usize n) { return n ? __builtin_memcmp(a, b, n) : 0; }
inline usize cstring_length(const char* s) { return __builtin_strlen(s); }

template<typename T>
constexpr const T& min(const T& a, const T& b)
{
    return b < a ? b : a;
}
template<typename T>
constexpr const T& max(const T& a, const T& b)
{
    return a < b ? b : a;
}

} // namespace ktl
