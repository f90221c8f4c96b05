// true: do nothing, successfully. Operands are ignored, as POSIX asks.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static int true_main(int argc, char** argv, char**)
{
    if (argc == 2 && equals(argv[1], "--help"))
        return print_help("true [ignored arguments]\nExit with a status code indicating success.");
    return 0;
}

REDOX_PROGRAM("true", true_main)
