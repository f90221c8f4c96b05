// doctest's main for sim-device-tests, and the kernel's interrupt entry replaced by a
// recorder: the device models are tested on their own, without a kernel.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "irq_recorder.h"

#include <spdlog/spdlog.h>

namespace {

std::vector<u8> s_delivered;

// The tests provoke errors on purpose; their log lines would only be noise.
struct QuietLog {
    QuietLog() { spdlog::set_level(spdlog::level::off); }
} s_quiet_log;

} // namespace

namespace kernel {
void deliver_irq(u8 line) { s_delivered.push_back(line); }
}

namespace irq_recorder {

const std::vector<u8>& delivered() { return s_delivered; }

void clear() { s_delivered.clear(); }

size_t count(u8 line)
{
    size_t n = 0;
    for (u8 each : s_delivered)
        n += each == line;
    return n;
}

} // namespace irq_recorder
