#pragma once
// Registers an app in the program registry (the sim's `initfs`): exec of /bin/NAME finds it.
//
//   static int ls_main(int argc, char** argv, char** envp) { ... }
//   REDOX_PROGRAM("ls", ls_main)
#include "../../../kernel_core/program_registry.h"

#define REDOX_PROGRAM(name, function)                                                                                  \
    static ::kernel::Program s_program_##function { name, function, nullptr };                                         \
    [[maybe_unused]] static ::kernel::ProgramRegistrar s_registrar_##function { s_program_##function };
