// false: do nothing, unsuccessfully. Operands are ignored, as POSIX asks.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static int false_main(int argc, char** argv, char**)
{
    if (argc == 2 && equals(argv[1], "--help"))
        print_help("false [ignored arguments]\nExit with a status code indicating failure.");
    return 1;
}

REDOX_PROGRAM("false", false_main)
