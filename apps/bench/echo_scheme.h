#pragma once
// A minimal userspace scheme daemon for measuring the IPC path: it registers `name`, then
// answers every request at once (open -> handle 1, write -> the length, anything else -> 0).
#include "redox/sys.h"

namespace bench {

struct EchoScheme {
    const char* name; // registered as ":name"
    volatile bool ready; // set once the scheme exists (or registration failed)
};

// A clone entry: `argument` is an EchoScheme. Returns when the channel closes.
int serve_echo_scheme(void* argument);

} // namespace bench
