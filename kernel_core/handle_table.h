#pragma once
// The numbers a scheme hands out for its open files: a slot table that reuses the lowest
// free number and owns what it stores (one object per open handle).
#include "abi/redox/errno.h"
#include "ktl/result.h"
#include "ktl/vector.h"

namespace kernel {

template<typename T>
class HandleTable {
public:
    HandleTable() = default;
    HandleTable(const HandleTable&) = delete;
    HandleTable& operator=(const HandleTable&) = delete;
    ~HandleTable()
    {
        for (T* item : m_slots)
            delete item;
    }

    // Stores `item` (owned from now on) under the lowest free handle.
    usize insert(T* item)
    {
        for (usize i = 0; i < m_slots.size(); ++i) {
            if (!m_slots[i]) {
                m_slots[i] = item;
                return i;
            }
        }
        m_slots.append(item);
        return m_slots.size() - 1;
    }
    T* find(usize handle) const { return handle < m_slots.size() ? m_slots[handle] : nullptr; }
    ktl::ErrorOr<T*> get(usize handle) const
    {
        if (T* item = find(handle))
            return item;
        return ktl::Error::from_errno(redox::EBADF);
    }
    // Removes the handle and gives its object back to the caller (null if there was none).
    T* take(usize handle)
    {
        T* item = find(handle);
        if (item)
            m_slots[handle] = nullptr;
        while (!m_slots.is_empty() && !m_slots.last())
            m_slots.take_last();
        return item;
    }

private:
    ktl::Vector<T*> m_slots;
};

} // namespace kernel
