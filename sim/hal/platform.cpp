// hal/platform.h, hal/entropy.h for the simulator: spdlog loggers per subsystem,
// panics with a host backtrace, getrandom for entropy.
#include "../../kernel_core/hal/platform.h"
#include "../../kernel_core/hal/entropy.h"

#include "sim_state.h"

#include <execinfo.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace sim {
HalSettings& hal_settings()
{
    static HalSettings settings;
    return settings;
}
} // namespace sim

namespace hal {

void panic(const char* message)
{
    sim::console_restore();
    std::fprintf(stderr, "\nKERNEL PANIC: %s\nbacktrace:\n", message);
    void* frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    spdlog::critical("panic: {}", message);
    spdlog::shutdown();
    std::_Exit(134);
}

void log(LogLevel level, const char* subsystem, const char* message)
{
    auto logger = spdlog::get(subsystem);
    if (!logger) {
        logger = spdlog::default_logger()->clone(subsystem);
        spdlog::register_logger(logger);
    }
    switch (level) {
    case LogLevel::Trace:
        logger->trace("{}", message);
        break;
    case LogLevel::Debug:
        logger->debug("{}", message);
        break;
    case LogLevel::Info:
        logger->info("{}", message);
        break;
    case LogLevel::Warn:
        logger->warn("{}", message);
        break;
    case LogLevel::Error:
        logger->error("{}", message);
        break;
    }
}

const char* platform_arch() { return "x86_64"; }

u64 memory_resident_bytes()
{
    std::ifstream statm("/proc/self/statm");
    unsigned long long size = 0, resident = 0;
    if (!(statm >> size >> resident))
        return 0;
    return resident * static_cast<u64>(sysconf(_SC_PAGESIZE));
}

void entropy_fill(void* buffer, usize length)
{
    auto* out = static_cast<unsigned char*>(buffer);
    while (length) {
        ssize_t n = getrandom(out, length, 0);
        if (n <= 0)
            hal::panic("getrandom failed");
        out += n;
        length -= static_cast<usize>(n);
    }
}

} // namespace hal
