#pragma once
// Readiness notifications for event queues. A scheme calls notify() when one of its
// handles becomes readable or writable; every queue watching that handle gets an Event.
#include "ktl/types.h"

namespace kernel {

class Scheme;

void notify_event(Scheme& scheme, usize handle, usize flags);

} // namespace kernel
