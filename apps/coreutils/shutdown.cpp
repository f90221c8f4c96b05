// shutdown: power off (or with -r reboot) by writing to /scheme/sys/kstop.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "shutdown [-r | -h]\nPower off the machine.\n"
                                "  -r, --reboot    reboot instead of powering off\n"
                                "  -h, --poweroff  power off (the default)";

static constexpr LongOption long_options[] = {
    { "reboot", 'r' },
    { "poweroff", 'h' },
};
static constexpr CommandSyntax syntax { "shutdown", usage, "rhP", long_options };

static int shutdown_main(int argc, char** argv, char**)
{
    bool reboot = false;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        case 'r':
            reboot = true;
            break;
        case 'h':
        case 'P':
            reboot = false;
            break;
        default:
            return options.stop(c);
        }
    }
    // "now" and time arguments are accepted: the stop is always immediate.
    for (char* operand : options.operands()) {
        if (!equals(operand, "now") && operand[0] != '+') {
            errf("shutdown: invalid time '%s' (only 'now' is supported)\n", operand);
            return 1;
        }
    }
    constexpr StringView path { "/scheme/sys/kstop", 17 };
    long fd = sys::open(path, redox::O_WRONLY);
    if (fd < 0) {
        io::report_error("shutdown", path, fd);
        return 1;
    }
    StringView command = reboot ? StringView("reset") : StringView("shutdown");
    long r = io::write_all(static_cast<int>(fd), command);
    sys::close(static_cast<int>(fd));
    if (r < 0) {
        io::report_error("shutdown", path, r);
        return 1;
    }
    return 0;
}

REDOX_PROGRAM("shutdown", shutdown_main)
