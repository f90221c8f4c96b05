#pragma once
// Kernel log: lines go to the HAL logger and into a ring that `sys:log` reads.
#include "hal/platform.h"
#include "ktl/string.h"

namespace kernel {

class KernelLog {
public:
    void append(hal::LogLevel level, const char* subsystem, const char* message);
    // The retained lines, oldest first, as "[subsystem] message\n".
    ktl::String text() const;

private:
    static constexpr usize capacity = 64 * 1024;
    ktl::String m_ring;
};

void klog(hal::LogLevel level, const char* subsystem, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

} // namespace kernel

#define KLOG_DEBUG(subsystem, ...) ::kernel::klog(::hal::LogLevel::Debug, subsystem, __VA_ARGS__)
#define KLOG_INFO(subsystem, ...) ::kernel::klog(::hal::LogLevel::Info, subsystem, __VA_ARGS__)
#define KLOG_WARN(subsystem, ...) ::kernel::klog(::hal::LogLevel::Warn, subsystem, __VA_ARGS__)
