// redox-sim: boots the Redox-style kernel core as an ordinary Linux program.
#include "../fuse_bridge/bridge.h"
#include "../orbital_sdl/sdl_display.h"
#include "../kernel_core/kernel.h"
#include "devices/machine.h"
#include "disk_image.h"
#include "driver_host/driver_host.h"
#include "host_signals.h"
#include "hal/host_memory.h"
#include "hal/host_work.h"
#include "hal/sim_state.h"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace {

void configure_logging(const std::string& level_name, const std::string& log_file)
{
    auto level = spdlog::level::from_str(level_name);
    std::shared_ptr<spdlog::logger> logger;
    if (!log_file.empty())
        logger = spdlog::basic_logger_mt("kernel", log_file, true);
    else
        logger = spdlog::stderr_color_mt("kernel");
    logger->set_level(level);
    logger->set_pattern(log_file.empty() ? "[%n] %^%l%$: %v" : "[%Y-%m-%d %H:%M:%S.%e] [%n] %l: %v");
    logger->flush_on(log_file.empty() ? spdlog::level::warn : level);
    spdlog::set_default_logger(logger);
    spdlog::set_level(level);
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "redox-sim: a Redox-style microkernel OS running as a Linux program.\n"
                   "Boots the kernel, starts init and drops you at the Redox shell on this terminal.\n"
                   "Ctrl-C interrupts the foreground Redox program; Ctrl-D or `shutdown` ends the session.",
        "redox-sim" };
    std::optional<std::string> run_command;
    std::uint64_t seed = 0;
    std::string log_level = "warn";
    std::string log_file;
    unsigned time_slice_ms = 5;
    std::string mount_path = "/mnt/redox";
    bool no_mount = false;
    app.add_option("--run", run_command,
        "Boot headless, run CMD in the Redox shell (sh -c CMD), print its output and exit with its status");
    app.add_option("--seed", seed,
           "Deterministic run: seed the rand scheme with N and use a virtual clock, so the same seed gives the same "
           "scheduling decisions and output")
        ->check(CLI::Range(std::uint64_t(1), std::numeric_limits<std::uint64_t>::max()));
    app.add_option("--log-level", log_level,
           "Kernel log level: trace (also logs every syscall), debug, info, warn, error, critical, off")
        ->check(CLI::IsMember({ "trace", "debug", "info", "warn", "error", "critical", "off" }))
        ->capture_default_str();
    app.add_option("--log-file", log_file, "Write the kernel log to FILE instead of stderr");
    app.add_option("--time-slice-ms", time_slice_ms, "Scheduler time slice in milliseconds")
        ->check(CLI::Range(1u, 1000u))
        ->capture_default_str();
    auto* mount_option = app.add_option("--mount", mount_path,
                               "Mount the running system's namespace at PATH through FUSE while the simulator runs "
                               "(PATH/scheme/NAME for every scheme; unmounted at exit). Not with --seed unless given")
                             ->capture_default_str();
    app.add_flag("--no-mount", no_mount, "Do not mount the FUSE bridge")->excludes(mount_option);
    std::string image_path = sim::default_image_path();
    std::uint64_t image_size = 1ull << 30;
    bool memory = false;
    bool fresh = false;
    auto* image_option = app.add_option("--image", image_path,
                               "Serve the root `file` scheme from the RedoxFS image file PATH, so files persist across "
                               "runs (created sparse and formatted with the base tree when missing; the default is "
                               "per user). Not with --seed unless given")
                             ->capture_default_str();
    auto* memory_option
        = app.add_flag("--memory", memory, "Keep the files in memory instead of an image: nothing persists")
              ->excludes(image_option);
    app.add_flag("--fresh", fresh, "Start from a fresh image: erase the image's contents and format it again")
        ->excludes(memory_option);
    app.add_option("--image-size", image_size, "Size of a new image file (like 256M or 1G; sparse)")
        ->transform(CLI::AsSizeValue(false))
        ->excludes(memory_option)
        ->capture_default_str();
    bool headless = false;
    bool gui = false;
    std::string screen_size = "1280x800";
    auto* headless_option = app.add_flag("--headless", headless,
        "No desktop window: the shell runs on this terminal only (the default without DISPLAY / WAYLAND_DISPLAY, "
        "and with --run)");
    app.add_flag("--gui", gui, "Open the desktop window even with --run")->excludes(headless_option);
    app.add_option("--screen", screen_size, "Size of the desktop screen in pixels, WxH (the window scales)")
        ->check([](const std::string& text) {
            unsigned w = 0, h = 0;
            char extra = 0;
            if (std::sscanf(text.c_str(), "%ux%u%c", &w, &h, &extra) != 2 || w < 320 || h < 200 || w > 7680 || h > 4320)
                return std::string("expected WxH between 320x200 and 7680x4320");
            return std::string();
        })
        ->capture_default_str();
    // The simulated PC's devices, for drivers (sim/devices/machine.h).
    sim::MachineOptions machine;
    auto serial_check = [](const std::string& text) { return sim::check_serial_option(text); };
    auto* com1_option = app.add_option("--com1", machine.com1,
                               "COM1 (0x3F8, IRQ 4): unix:PATH (listen on a Unix socket), pty:[LINK] (a pseudo-terminal, "
                               "LINK a symlink to it), null (nothing plugged in) or none (no UART). Default pty: "
                               "(its path is logged at info), none with --seed")
                             ->check(serial_check);
    app.add_option("--com2", machine.com2, "COM2 (0x2F8, IRQ 3), as --com1")->check(serial_check)->capture_default_str();
    app.add_option("--ata-disk", machine.ata_disk,
        "Image file of the ATA disk on the primary IDE channel (0x1F0, IRQ 14), opened read-write; "
        "without it the channel has no drive");
    sim::DriverHostOptions drivers;
    drivers.directory = sim::default_driver_directory();
    app.add_option("--driver-dir", drivers.directory,
           "Where driver executables are (the registry programs ata-driver... and hostdriver start them from there)")
        ->capture_default_str();
    auto* driver_socket_option = app.add_option("--driver-socket", drivers.socket_path,
        "Listen at PATH for drivers started by hand (default $XDG_RUNTIME_DIR/redox-sim/drivers.sock; "
        "not with --seed unless given)");
    app.set_version_flag("--version", "redox-sim 0.1.0");
    CLI11_PARSE(app, argc, argv);

    configure_logging(log_level, log_file);
    sim::host_memory_configure();
    // Before any thread starts: Linux's SIGTERM and friends become a clean Redox shutdown.
    sim::host_work_open(false); // the signal thread can always reach the core
    sim::host_signals_start([](int status) {
        return sim::host_work_post([status] { kernel::the_kernel().request_terminate(status); });
    });
    sim::host_signals_on_emergency([] {
        fuse_bridge::unmount_for_exit();
        sim::console_restore();
    });
    // A deterministic run starts from the same files every time, unless given an image.
    bool use_image = !memory && (seed == 0 || image_option->count() > 0);
    if (use_image && image_path.empty()) {
        std::fprintf(stderr, "redox-sim: neither XDG_DATA_HOME nor HOME is set: give --image PATH or --memory\n");
        return 1;
    }
    bool created = false;
    if (use_image && !sim::open_disk_image({ image_path, image_size, fresh }, created))
        return 1;
    if (created && !run_command && isatty(STDIN_FILENO))
        std::fprintf(stderr, "redox-sim: new disk image %s (%llu MiB, sparse); --fresh starts over, --memory keeps nothing\n",
            image_path.c_str(), static_cast<unsigned long long>(image_size >> 20));
    // A deterministic run takes no input from a terminal unless asked to.
    if (seed != 0 && com1_option->count() == 0)
        machine.com1 = "none";
    machine.com1_optional = com1_option->count() == 0;
    machine.deterministic = seed != 0;
    if (use_image)
        machine.boot_image = image_path;
    if (!sim::machine_start(machine))
        return 1;
    sim::hal_settings().virtual_clock = seed != 0;
    sim::hal_settings().seed = seed;
    // The desktop opens where there is a display to open it on.
    bool has_display = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
    if (gui || (!headless && !run_command && has_display)) {
        orbital_sdl::Options screen;
        std::sscanf(screen_size.c_str(), "%ux%u", &screen.width, &screen.height);
        if (!orbital_sdl::start(screen)) {
            if (gui)
                return 1;
            std::fprintf(stderr, "redox-sim: running without the desktop window\n");
        }
    }
    if (!run_command)
        sim::console_init();

    kernel::BootConfig config;
    config.seed = seed;
    config.time_slice_ns = time_slice_ms * 1'000'000ull;
    config.trace_syscalls = log_level == "trace";
    config.init_args.append("init");
    if (run_command) {
        config.init_args.append("--run");
        config.init_args.append(ktl::StringView(run_command->c_str(), run_command->size()));
    }
    // A deterministic run takes no input from Linux processes, unless asked to.
    bool mount = !no_mount && (seed == 0 || mount_option->count() > 0);
    fuse_bridge::Bridge* bridge = mount ? fuse_bridge::start(mount_path) : nullptr;
    drivers.listen = seed == 0 || driver_socket_option->count() > 0;
    sim::driver_host_start(drivers);
    int status;
    {
        kernel::Kernel kernel(config);
        status = kernel.run();
    }
    fuse_bridge::stop(bridge);
    sim::driver_host_stop();
    sim::machine_stop();
    orbital_sdl::stop();
    sim::console_restore();
    std::fflush(stdout);
    spdlog::shutdown();
    if (sim::hal_settings().disk_fd >= 0)
        close(sim::hal_settings().disk_fd);
    // Stopped because Linux asked with a signal: end by it, as a process killed by it would.
    if (int signal = sim::host_signals_terminating())
        sim::host_signals_reraise(signal);
    return status;
}
