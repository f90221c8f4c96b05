#include "program_registry.h"

namespace kernel {

// Filled by static constructors before the kernel boots, read-only afterwards.
static Program* s_programs = nullptr;

ProgramRegistrar::ProgramRegistrar(Program& program)
{
    // Keep the list sorted by name so listings are stable.
    Program** at = &s_programs;
    while (*at && ktl::StringView((*at)->name).length() && __builtin_strcmp((*at)->name, program.name) < 0)
        at = &(*at)->next;
    program.next = *at;
    *at = &program;
}

Program* find_program(ktl::StringView name)
{
    for (Program* p = s_programs; p; p = p->next)
        if (ktl::StringView(p->name) == name)
            return p;
    return nullptr;
}

Program* first_program() { return s_programs; }

} // namespace kernel
