#pragma once
// The simulator's own memory, which holds memfs files and every context's data.

namespace sim {

// Keeps memory the core frees for its next allocations, as a machine keeps its RAM. On
// virtual machines the first touch of a page costs far more than a copy into it (a hypervisor
// exit per page), so glibc's habit of returning the heap's free top to Linux made rewriting a
// large memfs file fault every page in again. Call before anything allocates much.
void host_memory_configure();

} // namespace sim
