#pragma once
// Helpers shared by the syscall handlers.
#include "../context.h"
#include "../file_table.h"
#include "../kernel.h"
#include "../path.h"
#include "handlers.h"
#include "user_memory.h"

namespace kernel::syscalls {

inline Caller caller_of(const Context& context)
{
    return { context.pid, context.credentials.euid, context.credentials.egid };
}

inline ErrorOr<ktl::RefPtr<FileDescription>> get_file(usize fd) { return current().files->get(fd); }

// Resolves and opens a path for the current context (applies the umask to O_CREAT modes).
ErrorOr<ktl::RefPtr<FileDescription>> open_path(StringView path, unsigned long flags);

} // namespace kernel::syscalls
