#pragma once
#include "string_view.h"
#include "vector.h"

namespace ktl {

// An owned, NUL-terminated string of bytes.
class String {
public:
    String() = default;
    String(StringView view) { assign(view); }
    String(const char* cstring) { assign(StringView(cstring)); }
    String(const char* chars, usize length) { assign(StringView(chars, length)); }
    String(const String& other) { assign(other.view()); }
    String(String&& other) noexcept : m_chars(std::move(other.m_chars)) {}
    String& operator=(const String& other)
    {
        if (this != &other)
            assign(other.view());
        return *this;
    }
    String& operator=(String&& other) noexcept
    {
        m_chars = std::move(other.m_chars);
        return *this;
    }
    String& operator=(StringView view)
    {
        assign(view);
        return *this;
    }
    String& operator=(const char* cstring) { return *this = StringView(cstring); }

    StringView view() const { return { c_str(), length() }; }
    operator StringView() const { return view(); }
    const char* c_str() const { return m_chars.is_empty() ? "" : m_chars.data(); }
    usize length() const { return m_chars.is_empty() ? 0 : m_chars.size() - 1; }
    bool is_empty() const { return length() == 0; }
    char operator[](usize i) const { return m_chars[i]; }
    bool operator==(StringView other) const { return view() == other; }
    bool operator==(const String& other) const { return view() == other.view(); }
    bool operator==(const char* other) const { return view() == StringView(other); }

    void append(StringView more)
    {
        if (more.is_empty())
            return;
        if (!m_chars.is_empty() && more.chars() >= m_chars.data() && more.chars() < m_chars.data() + m_chars.size()) {
            append_copy_of(more); // appending a part of itself: the buffer may move
            return;
        }
        usize old = length();
        m_chars.resize(old + more.length() + 1);
        copy_bytes(m_chars.data() + old, more.chars(), more.length());
        m_chars[old + more.length()] = 0;
    }
    void append(char c) { append(StringView(&c, 1)); }
    void clear() { m_chars.clear(); }
    void truncate(usize length)
    {
        if (length >= this->length())
            return;
        m_chars.resize(length + 1);
        m_chars[length] = 0;
    }

private:
    void append_copy_of(StringView part);
    void assign(StringView view)
    {
        if (!m_chars.is_empty() && view.chars() >= m_chars.data() && view.chars() < m_chars.data() + m_chars.size()) {
            // The view points into this string: copy it out before overwriting.
            String copy;
            copy.assign_fresh(view);
            m_chars = static_cast<Vector<char>&&>(copy.m_chars);
            return;
        }
        assign_fresh(view);
    }
    void assign_fresh(StringView view)
    {
        m_chars.clear();
        if (view.is_empty())
            return;
        m_chars.resize(view.length() + 1);
        copy_bytes(m_chars.data(), view.chars(), view.length());
        m_chars[view.length()] = 0;
    }

    Vector<char> m_chars;
};

} // namespace ktl
