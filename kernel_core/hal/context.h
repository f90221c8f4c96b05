#pragma once
// HAL: execution contexts. The scheduler lives in the core; the platform only creates
// stacks and switches between them.
#include "../ktl/types.h"

namespace hal {

struct Context; // defined by the platform

using ContextEntry = void (*)(void* argument);

// A new context that will run entry(argument) on its own stack when first switched to.
// entry never returns: a finished context switches away and is destroyed by another one.
Context* context_create(ContextEntry entry, void* argument);

// The context of the caller that boots the kernel (the host thread, or the boot CPU).
Context* context_boot();

// Saves the running state into `from` and continues `to`. Returns when some context
// switches back to `from`.
void context_switch(Context* from, Context* to);

// Frees a context that is not running, without running anything on its stack.
void context_destroy(Context* context);

// The core calls these around program code it runs itself (a program's entry point, a
// clone entry): program code may be preempted at any instruction on hardware, core code may
// not. The syscall entry (syscall_entry.h) brackets kernel code the same way.
void program_begins();
void program_ends();

// Bytes of stack each context gets (for accounting in sys:context).
usize context_stack_size();
// Bytes of stack this context has touched so far (high-water mark), if the platform knows.
usize context_stack_used(Context* context);

} // namespace hal
