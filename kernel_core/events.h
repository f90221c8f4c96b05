#pragma once
// Readiness notifications for event queues. A scheme calls notify() when one of its
// handles becomes readable or writable; every queue watching that handle gets an Event.
#include "ktl/types.h"

namespace kernel {

class Scheme;

void notify_event(Scheme& scheme, usize handle, usize flags);
// The file behind (scheme, handle) is closed: queues stop watching it (its handle number may
// be given to another file next).
void forget_event_watches(Scheme& scheme, usize handle);

} // namespace kernel
