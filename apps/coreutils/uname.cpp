// uname: print system information from /scheme/sys/uname.
#include "common.h"
#include <redox/program.h>

using namespace coreutils;

static constexpr char usage[] = "uname [-asnrvmo]\nPrint certain system information (the kernel name with no option).\n"
                                "  -a  all information below except -v\n"
                                "  -s  the kernel name\n"
                                "  -n  the network node hostname\n"
                                "  -r  the kernel release\n"
                                "  -v  the kernel version\n"
                                "  -m  the machine hardware name\n"
                                "  -o  the operating system";

static constexpr LongOption long_options[] = {
    { "all", 'a' },
    { "kernel-name", 's' },
    { "nodename", 'n' },
    { "kernel-release", 'r' },
    { "kernel-version", 'v' },
    { "machine", 'm' },
    { "operating-system", 'o' },
};
static constexpr CommandSyntax syntax { "uname", usage, "asnrvmo", long_options };

enum Field : unsigned {
    KernelName = 1,
    NodeName = 2,
    Release = 4,
    Version = 8,
    Machine = 16,
    OperatingSystem = 32,
};

static long read_file(StringView path, String& out)
{
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0)
        return fd;
    long r = io::read_all(static_cast<int>(fd), out);
    sys::close(static_cast<int>(fd));
    return r;
}

static StringView first_line(StringView text)
{
    isize nl = text.find('\n');
    return nl < 0 ? text : text.substring(0, static_cast<usize>(nl));
}

static int uname_main(int argc, char** argv, char**)
{
    unsigned fields = 0;
    OptionParser options(syntax, argc, argv);
    for (int c; (c = options.next());) {
        switch (c) {
        // The kernel has one version string, shown by -r; -a does not repeat it as -v.
        case 'a':
            fields |= KernelName | NodeName | Release | Machine | OperatingSystem;
            break;
        case 's':
            fields |= KernelName;
            break;
        case 'n':
            fields |= NodeName;
            break;
        case 'r':
            fields |= Release;
            break;
        case 'v':
            fields |= Version;
            break;
        case 'm':
            fields |= Machine;
            break;
        case 'o':
            fields |= OperatingSystem;
            break;
        default:
            return options.stop(c);
        }
    }
    if (!options.operands().is_empty()) {
        errf("uname: extra operand '%s'\n", options.operands()[0]);
        return options.usage_error();
    }
    if (!fields)
        fields = KernelName;

    String text;
    if (long r = read_file("/scheme/sys/uname", text); r < 0) {
        io::report_error("uname", "/scheme/sys/uname", r);
        return 1;
    }
    // The kernel's text is "sysname\n\nrelease\n\nmachine\n": take the non-empty lines in order.
    StringView parts[3];
    usize found = 0;
    StringView rest = text.view();
    while (!rest.is_empty() && found < 3) {
        StringView line = first_line(rest);
        rest = rest.substring(line.length() + 1);
        if (!line.is_empty())
            parts[found++] = line;
    }
    StringView sysname = found > 0 ? parts[0] : StringView("Redox");
    StringView release = found > 1 ? parts[1] : StringView("unknown");
    StringView machine = found > 2 ? parts[2] : StringView("unknown");

    String hostname_text;
    StringView hostname = "redox";
    if (read_file("/etc/hostname", hostname_text) >= 0 && !first_line(hostname_text).is_empty())
        hostname = first_line(hostname_text);

    io::BufferedWriter out(1);
    bool first = true;
    auto field = [&](unsigned bit, StringView value) {
        if (!(fields & bit))
            return;
        if (!first)
            out.write(" ");
        out.write(value);
        first = false;
    };
    field(KernelName, sysname);
    field(NodeName, hostname);
    field(Release, release);
    field(Version, release);
    field(Machine, machine);
    field(OperatingSystem, "Redox");
    out.write("\n");
    return finish_output(out, "uname", 0);
}

REDOX_PROGRAM("uname", uname_main)
