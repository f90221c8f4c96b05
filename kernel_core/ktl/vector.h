#pragma once
#include "memory.h"

namespace ktl {

// A growable array. Allocation failure is fatal (operator new), as in the rest of the core.
template<typename T>
class Vector {
public:
    Vector() = default;
    Vector(const Vector& other) { *this = other; }
    Vector(Vector&& other) noexcept : m_data(other.m_data), m_size(other.m_size), m_capacity(other.m_capacity)
    {
        other.m_data = nullptr;
        other.m_size = other.m_capacity = 0;
    }
    ~Vector() { clear_and_free(); }

    Vector& operator=(const Vector& other)
    {
        if (this == &other)
            return *this;
        clear();
        reserve(other.m_size);
        for (usize i = 0; i < other.m_size; ++i)
            new (&m_data[i]) T(other.m_data[i]);
        m_size = other.m_size;
        return *this;
    }
    Vector& operator=(Vector&& other) noexcept
    {
        if (this == &other)
            return *this;
        clear_and_free();
        m_data = other.m_data;
        m_size = other.m_size;
        m_capacity = other.m_capacity;
        other.m_data = nullptr;
        other.m_size = other.m_capacity = 0;
        return *this;
    }

    usize size() const { return m_size; }
    bool is_empty() const { return m_size == 0; }
    T* data() { return m_data; }
    const T* data() const { return m_data; }
    T& operator[](usize i) { return m_data[i]; }
    const T& operator[](usize i) const { return m_data[i]; }
    T& last() { return m_data[m_size - 1]; }
    const T& last() const { return m_data[m_size - 1]; }
    T* begin() { return m_data; }
    T* end() { return m_data + m_size; }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }

    void reserve(usize wanted)
    {
        if (wanted <= m_capacity)
            return;
        usize capacity = max<usize>(wanted, m_capacity ? m_capacity * 2 : 4);
        T* data = static_cast<T*>(::operator new(capacity * sizeof(T)));
        for (usize i = 0; i < m_size; ++i) {
            new (&data[i]) T(std::move(m_data[i]));
            m_data[i].~T();
        }
        ::operator delete(m_data);
        m_data = data;
        m_capacity = capacity;
    }
    void append(const T& value)
    {
        if (m_size == m_capacity) {
            T copy(value); // value may live inside this vector
            reserve(m_size + 1);
            new (&m_data[m_size++]) T(std::move(copy));
            return;
        }
        new (&m_data[m_size++]) T(value);
    }
    void append(T&& value)
    {
        reserve(m_size + 1);
        new (&m_data[m_size++]) T(std::move(value));
    }
    void insert(usize index, T&& value)
    {
        reserve(m_size + 1);
        if (index >= m_size) {
            new (&m_data[m_size++]) T(std::move(value));
            return;
        }
        new (&m_data[m_size]) T(std::move(m_data[m_size - 1]));
        for (usize i = m_size - 1; i > index; --i)
            m_data[i] = std::move(m_data[i - 1]);
        m_data[index] = std::move(value);
        ++m_size;
    }
    void remove(usize index)
    {
        for (usize i = index; i + 1 < m_size; ++i)
            m_data[i] = std::move(m_data[i + 1]);
        m_data[--m_size].~T();
    }
    T take_last()
    {
        T value(std::move(m_data[m_size - 1]));
        m_data[--m_size].~T();
        return value;
    }
    void resize(usize size)
    {
        reserve(size);
        while (m_size < size)
            new (&m_data[m_size++]) T();
        while (m_size > size)
            m_data[--m_size].~T();
    }
    void clear()
    {
        for (usize i = 0; i < m_size; ++i)
            m_data[i].~T();
        m_size = 0;
    }

private:
    void clear_and_free()
    {
        clear();
        ::operator delete(m_data);
        m_data = nullptr;
        m_capacity = 0;
    }

    T* m_data { nullptr };
    usize m_size { 0 };
    usize m_capacity { 0 };
};

} // namespace ktl
