// spin: burns CPU without making a single syscall, for N iterations (default: forever).
// It exists to check preemption: on hardware the timer interrupt must still let the shell
// and everything else run, and `kill` must still stop it. (The simulator preempts only at
// syscalls, so there a spinning program holds the CPU until it finishes.)
#include "common.h"

#include <redox/program.h>

static int spin_main(int argc, char** argv, char**)
{
    u64 iterations = ~0ull;
    if (argc > 2 || (argc == 2 && !ktl::parse_u64(argv[1], iterations))) {
        io::print(2, "usage: spin [ITERATIONS]\n");
        return 2;
    }
    volatile u64 counter = 0;
    for (u64 i = 0; i < iterations; ++i)
        counter = counter + 1;
    return 0;
}

REDOX_PROGRAM("spin", spin_main)
