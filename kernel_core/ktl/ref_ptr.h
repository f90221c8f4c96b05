#pragma once
#include "memory.h"

namespace ktl {

// Intrusive reference counting. The core is single-threaded (one host thread, or one CPU),
// so the count is a plain integer.
template<typename T>
class RefCounted {
public:
    void ref() const { ++m_ref_count; }
    void unref() const
    {
        if (--m_ref_count == 0)
            delete static_cast<const T*>(this);
    }
    u32 ref_count() const { return m_ref_count; }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable u32 m_ref_count { 0 };
};

template<typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(decltype(nullptr)) {}
    RefPtr(T* ptr) : m_ptr(ptr)
    {
        if (m_ptr)
            m_ptr->ref();
    }
    RefPtr(const RefPtr& other) : RefPtr(other.m_ptr) {}
    template<typename U>
    RefPtr(const RefPtr<U>& other) : RefPtr(other.ptr())
    {
    }
    RefPtr(RefPtr&& other) noexcept : m_ptr(other.m_ptr) { other.m_ptr = nullptr; }
    ~RefPtr() { clear(); }
    RefPtr& operator=(const RefPtr& other)
    {
        RefPtr copy(other);
        swap(copy);
        return *this;
    }
    RefPtr& operator=(RefPtr&& other) noexcept
    {
        RefPtr moved(std::move(other));
        swap(moved);
        return *this;
    }
    void clear()
    {
        if (m_ptr)
            m_ptr->unref();
        m_ptr = nullptr;
    }
    void swap(RefPtr& other)
    {
        T* t = m_ptr;
        m_ptr = other.m_ptr;
        other.m_ptr = t;
    }
    T* ptr() const { return m_ptr; }
    T* operator->() const { return m_ptr; }
    T& operator*() const { return *m_ptr; }
    explicit operator bool() const { return m_ptr != nullptr; }
    bool operator==(const RefPtr& other) const { return m_ptr == other.m_ptr; }

private:
    T* m_ptr { nullptr };
};

template<typename T, typename... Args>
RefPtr<T> make_ref(Args&&... args)
{
    return RefPtr<T>(new T(std::forward<Args>(args)...));
}

} // namespace ktl
