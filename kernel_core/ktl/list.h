#pragma once
#include "types.h"

namespace ktl {

// Intrusive doubly-linked list: an element embeds a ListNode per list it can be on, so
// wait queues and run queues never allocate.
struct ListNode {
    ListNode* prev { nullptr };
    ListNode* next { nullptr };
    bool is_linked() const { return next != nullptr; }
};

template<typename T, ListNode T::*Member>
class IntrusiveList {
public:
    IntrusiveList()
    {
        m_head.prev = &m_head;
        m_head.next = &m_head;
    }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return m_head.next == &m_head; }
    // Empties the list without touching its elements (they may already be gone).
    void forget_all()
    {
        m_head.prev = &m_head;
        m_head.next = &m_head;
    }
    usize size() const
    {
        usize n = 0;
        for (ListNode* node = m_head.next; node != &m_head; node = node->next)
            ++n;
        return n;
    }
    void append(T& item) { insert_before(&m_head, item); }
    void prepend(T& item) { insert_before(m_head.next, item); }
    // Inserts item before `before` (an element of this list).
    void insert_before(T& before, T& item) { insert_before(&(before.*Member), item); }
    static void remove(T& item)
    {
        ListNode& node = item.*Member;
        if (!node.is_linked())
            return;
        node.prev->next = node.next;
        node.next->prev = node.prev;
        node.prev = node.next = nullptr;
    }
    T* first() const { return is_empty() ? nullptr : from_node(m_head.next); }
    T* take_first()
    {
        T* item = first();
        if (item)
            remove(*item);
        return item;
    }
    T* next_of(T& item) const
    {
        ListNode* next = (item.*Member).next;
        return next == &m_head ? nullptr : from_node(next);
    }

private:
    void insert_before(ListNode* before, T& item)
    {
        ListNode& node = item.*Member;
        node.next = before;
        node.prev = before->prev;
        before->prev->next = &node;
        before->prev = &node;
    }
    static T* from_node(ListNode* node)
    {
        // Offset of the member inside T, computed without a null-object trick.
        alignas(T) static char probe[sizeof(T)];
        auto* fake = reinterpret_cast<T*>(probe);
        auto offset = reinterpret_cast<char*>(&(fake->*Member)) - probe;
        return reinterpret_cast<T*>(reinterpret_cast<char*>(node) - offset);
    }

    ListNode m_head;
};

} // namespace ktl
