#pragma once
#include "memory.h"

namespace ktl {

// A non-owning view of bytes that are text. Not NUL-terminated.
class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(const char* chars, usize length) : m_chars(chars), m_length(length) {}
    constexpr StringView(const char* cstring) : m_chars(cstring), m_length(cstring ? __builtin_strlen(cstring) : 0) {}

    constexpr const char* chars() const { return m_chars; }
    constexpr usize length() const { return m_length; }
    constexpr bool is_empty() const { return m_length == 0; }
    constexpr char operator[](usize i) const { return m_chars[i]; }
    constexpr const char* begin() const { return m_chars; }
    constexpr const char* end() const { return m_chars + m_length; }

    bool operator==(StringView other) const
    {
        return m_length == other.m_length && (m_length == 0 || compare_bytes(m_chars, other.m_chars, m_length) == 0);
    }
    // Byte order, as `LC_ALL=C ls` sorts: a proper prefix comes first. <0, 0 or >0.
    int compare(StringView other) const
    {
        usize n = m_length < other.m_length ? m_length : other.m_length;
        int c = n ? compare_bytes(m_chars, other.m_chars, n) : 0;
        if (c)
            return c;
        return m_length < other.m_length ? -1 : m_length > other.m_length ? 1 : 0;
    }
    bool operator<(StringView other) const { return compare(other) < 0; }
    bool starts_with(StringView prefix) const
    {
        return prefix.m_length <= m_length && StringView(m_chars, prefix.m_length) == prefix;
    }
    bool ends_with(StringView suffix) const
    {
        return suffix.m_length <= m_length
            && StringView(m_chars + m_length - suffix.m_length, suffix.m_length) == suffix;
    }
    StringView substring(usize start, usize length) const
    {
        if (start > m_length)
            return {};
        return { m_chars + start, min(length, m_length - start) };
    }
    StringView substring(usize start) const { return substring(start, m_length); }
    // Index of the first occurrence of c, or -1.
    isize find(char c, usize from = 0) const
    {
        for (usize i = from; i < m_length; ++i)
            if (m_chars[i] == c)
                return static_cast<isize>(i);
        return -1;
    }
    isize find(StringView needle) const
    {
        if (needle.m_length > m_length)
            return -1;
        for (usize i = 0; i + needle.m_length <= m_length; ++i)
            if (substring(i, needle.m_length) == needle)
                return static_cast<isize>(i);
        return -1;
    }
    bool contains(char c) const { return find(c) >= 0; }
    bool contains(StringView needle) const { return find(needle) >= 0; }

private:
    const char* m_chars { nullptr };
    usize m_length { 0 };
};

// Parses a decimal number (optionally negative); false when the text is not one.
bool parse_i64(StringView text, i64& out);
bool parse_u64(StringView text, u64& out);

} // namespace ktl
