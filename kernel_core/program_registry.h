#pragma once
// The program registry: the programs linked into this image, found by name. It plays the
// role of Redox's initfs. An executable file in the file system refers to an entry by name
// (see exec in syscalls/process.cpp), so /bin/ls on disk is a small file naming "ls".
#include "ktl/string_view.h"

namespace kernel {

using ProgramMain = int (*)(int argc, char** argv, char** envp);

struct Program {
    const char* name;
    ProgramMain main;
    Program* next;
};

// Static registration: an app's REDOX_PROGRAM creates one of these at start-up.
struct ProgramRegistrar {
    explicit ProgramRegistrar(Program& program);
};

Program* find_program(ktl::StringView name);
Program* first_program();

// Executable files start with this magic, followed by the program name and a newline.
inline constexpr ktl::StringView PROGRAM_MAGIC { "#!redox-program ", 16 };

} // namespace kernel
