// driverctl: asks driverd (through the `driver` scheme, driver_scheme.h) about drivers.
//
//   driverctl list                      every driver and its state
//   driverctl status [NAME]             NAME's status; without NAME, every driver's
//   driverctl start|stop|restart NAME   (root only) waits until the driver has settled,
//                                       then prints its state
//   driverctl log NAME                  the last lines the driver printed
//
// Exit status: 0 when done (for start/restart: the driver runs; for stop: it does not),
// 1 otherwise, 2 for a usage error.
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using ktl::String;
using ktl::StringView;

constexpr StringView ROOT = "/scheme/driver";

int usage()
{
    io::print(2, "usage: driverctl list | status [NAME] | start NAME | stop NAME | restart NAME | log NAME\n");
    return 2;
}

// Reports a failed open of driver NAME (or of the scheme) and returns the exit status.
int report_open_error(StringView action, StringView name, long error)
{
    int n = static_cast<int>(name.length());
    if (error == -redox::ENOENT)
        io::print(2, "driverctl: no driver named %.*s\n", n, name.chars());
    else if (error == -redox::ENODEV)
        io::print(2, "driverctl: driverd is not running (no %.*s)\n", static_cast<int>(ROOT.length()), ROOT.chars());
    else if (error == -redox::EACCES)
        io::print(2, "driverctl: %.*s %.*s: %s (only root may start, stop or restart drivers)\n",
            static_cast<int>(action.length()), action.chars(), n, name.chars(), redox::error_string(redox::EACCES));
    else
        io::print(2, "driverctl: %.*s %.*s: %s\n", static_cast<int>(action.length()), action.chars(), n, name.chars(),
            redox::error_string(static_cast<int>(-error)));
    return 1;
}

String driver_path(StringView name, StringView suffix = {})
{
    String path(ROOT);
    path.append('/');
    path.append(name);
    path.append(suffix);
    return path;
}

// Reads a whole file of the scheme into `out`; 0 or -errno.
long read_text(StringView path, String& out)
{
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0)
        return fd;
    long r = io::read_all(static_cast<int>(fd), out);
    sys::close(static_cast<int>(fd));
    return r;
}

// The value of "key: value" in a status text.
StringView field(StringView status, StringView key)
{
    usize start = 0;
    while (start < status.length()) {
        isize newline = status.find('\n', start);
        usize end = newline < 0 ? status.length() : static_cast<usize>(newline);
        StringView line = status.substring(start, end - start);
        if (line.starts_with(key) && line.length() > key.length() + 1 && line[key.length()] == ':')
            return line.substring(key.length() + 2);
        start = end + 1;
    }
    return {};
}

int show(StringView action, StringView name, StringView suffix)
{
    String text;
    long r = read_text(driver_path(name, suffix), text);
    if (r < 0)
        return report_open_error(action, name, r);
    io::write_all(1, text);
    return 0;
}

int show_all_statuses()
{
    long fd = sys::open(ROOT, redox::O_RDONLY | redox::O_DIRECTORY);
    if (fd < 0)
        return report_open_error("status", "", fd);
    io::DirReader reader(static_cast<int>(fd));
    io::DirReader::Entry entry;
    int status = 0;
    bool first = true;
    while (reader.next(entry) > 0) {
        if (!first)
            io::write_all(1, "\n");
        first = false;
        status |= show("status", entry.name, {});
    }
    sys::close(static_cast<int>(fd));
    return status;
}

int command(StringView action, StringView name)
{
    long fd = sys::open(driver_path(name), redox::O_WRONLY);
    if (fd < 0)
        return report_open_error(action, name, fd);
    // driverd answers once the driver has settled: running, stopped, backing off, failed.
    long r = io::write_all(static_cast<int>(fd), action);
    sys::close(static_cast<int>(fd));
    if (r < 0)
        return report_open_error(action, name, r);
    String text;
    if (long s = read_text(driver_path(name), text); s < 0)
        return report_open_error("status", name, s);
    StringView state = field(text, "state");
    StringView last = field(text, "last exit");
    bool wanted = action == "stop" ? state != "running" && state != "starting" && state != "stopping" : state == "running";
    int n = static_cast<int>(name.length());
    if (wanted && action != "stop")
        io::print(1, "%.*s: %.*s (pid %.*s)\n", n, name.chars(), static_cast<int>(state.length()), state.chars(),
            static_cast<int>(field(text, "pid").length()), field(text, "pid").chars());
    else if (wanted)
        io::print(1, "%.*s: %.*s\n", n, name.chars(), static_cast<int>(state.length()), state.chars());
    else
        io::print(2, "driverctl: %.*s: %.*s (last exit: %.*s)\n", n, name.chars(), static_cast<int>(state.length()),
            state.chars(), static_cast<int>(last.length()), last.chars());
    return wanted ? 0 : 1;
}

} // namespace

static int driverctl_main(int argc, char** argv, char**)
{
    if (argc < 2)
        return usage();
    StringView action(argv[1]);
    if (action == "list" && argc == 2) {
        String text;
        if (long r = read_text(ROOT, text); r < 0)
            return report_open_error("list", "", r);
        io::write_all(1, text);
        return 0;
    }
    if (action == "status" && argc == 2)
        return show_all_statuses();
    if (argc != 3)
        return usage();
    StringView name(argv[2]);
    if (name.is_empty() || name.contains('/'))
        return report_open_error(action, name, -redox::ENOENT);
    if (action == "status")
        return show(action, name, {});
    if (action == "log")
        return show(action, name, "/log");
    if (action == "start" || action == "stop" || action == "restart")
        return command(action, name);
    return usage();
}

REDOX_PROGRAM("driverctl", driverctl_main)
