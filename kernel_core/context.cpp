#include "context.h"

#include "file_table.h"

namespace kernel {

Context::Context() = default;
Context::~Context() = default;

Context* ContextTable::create()
{
    // Pids grow until the table has 1/4 free slots behind the cursor, then wrap and reuse.
    constexpr u32 max_pid = 1u << 22;
    u32 pid = m_next_pid;
    for (u32 tries = 0; tries < max_pid; ++tries, ++pid) {
        if (pid >= max_pid)
            pid = 2; // pid 1 is init's forever
        if (pid >= m_slots.size() || !m_slots[pid])
            break;
    }
    if (pid >= m_slots.size())
        m_slots.resize(pid + 1 > m_slots.size() * 2 ? pid + 1 : m_slots.size() * 2);
    auto* context = new Context;
    context->pid = pid;
    m_slots[pid] = context;
    m_next_pid = pid + 1;
    ++m_count;
    return context;
}

ContextTable::~ContextTable()
{
    for (Context*& context : m_slots) {
        if (!context)
            continue;
        // Unlink first: contexts point at each other through these lists.
        while (Context* child = context->children.take_first())
            (void)child;
        ktl::IntrusiveList<Context, &Context::sibling_node>::remove(*context);
    }
    for (Context*& context : m_slots) {
        if (!context)
            continue;
        context->run_node = {};
        context->wake_timer.node = {};
        if (context->hal_context)
            hal::context_destroy(context->hal_context);
        delete context;
        context = nullptr;
    }
}

void ContextTable::destroy(Context* context)
{
    if (context->pid < m_slots.size() && m_slots[context->pid] == context)
        m_slots[context->pid] = nullptr;
    --m_count;
    delete context;
}

} // namespace kernel
