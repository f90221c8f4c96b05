// The device models' log (device_log.h).
#include "device_log.h"

namespace sim {

spdlog::logger& device_log()
{
    static std::shared_ptr<spdlog::logger> logger = [] {
        if (auto existing = spdlog::get("devices"))
            return existing;
        auto made = spdlog::default_logger()->clone("devices");
        spdlog::register_logger(made);
        return made;
    }();
    return *logger;
}

} // namespace sim
