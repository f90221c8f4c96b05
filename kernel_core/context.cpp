#include "context.h"

#include "file_table.h"

namespace kernel {

Context::Context() = default;
Context::~Context() = default;

Context* ContextTable::create()
{
    // Pids count up to a limit of four times the live contexts (at least 1024), then wrap to
    // 2 (pid 1 is init's forever) and reuse free numbers: recent pids are not reused at
    // once, and the table stays proportional to what is alive.
    u32 limit = static_cast<u32>(ktl::max<usize>(1024, 4 * m_count + 16));
    u32 pid = m_next_pid < limit ? m_next_pid : 2;
    while (pid < m_slots.size() && m_slots[pid]) {
        if (++pid >= limit)
            pid = 2;
    }
    if (pid >= m_slots.size())
        m_slots.resize(ktl::max<usize>(pid + 1, ktl::min<usize>(limit, m_slots.size() * 2)));
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
