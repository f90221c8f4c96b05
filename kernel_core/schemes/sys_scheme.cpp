#include "sys_scheme.h"

#include "../syscalls/common.h"

#include "../abi/redox/flags.h"
#include "../abi/redox/syscall_numbers.h"
#include "../context.h"
#include "../file_table.h"
#include "../hal/clock.h"
#include "../hal/context.h"
#include "../hal/platform.h"
#include "../kernel.h"
#include "../klog.h"
#include "../ktl/format.h"
#include "../namespace.h"
#include "../program_registry.h"
#include "../scheduler.h"

namespace kernel {

static void appendf(ktl::String& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(ktl::String& out, const char* fmt, ...)
{
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    usize n = ktl::vformat_buffer(buffer, sizeof buffer, fmt, args);
    va_end(args);
    out.append(StringView(buffer, ktl::min(n, sizeof buffer - 1)));
}

ktl::Vector<GeneratedFileScheme::Entry> SysScheme::list(StringView directory)
{
    ktl::Vector<Entry> entries;
    if (!directory.is_empty())
        return entries;
    const u16 file = redox::MODE_FILE | 0444;
    for (const char* name : { "context", "cpu", "env", "exe", "log", "scheme", "stat", "syscall", "uname" })
        entries.append({ name, file });
    entries.append({ "kstop", static_cast<u16>(redox::MODE_FILE | 0200) });
    return entries;
}

static void format_context_table(ktl::String& out)
{
    appendf(out, "%-6s%-6s%-6s%-6s%-6s%-6s%-6s%-6s%-6s%-6s%-6s%-6s%-9s%-12s%-9s%s\n", "PID", "PGID", "PPID", "SID",
        "RUID", "RGID", "RNS", "EUID", "EGID", "ENS", "STAT", "CPU", "AFFINITY", "TIME", "MEM", "NAME");
    Context* running = &current();
    the_kernel().contexts().for_each([&](Context& c) {
        char stat[4] = { 'R', 0, 0, 0 };
        if (c.state == ContextState::Blocked)
            stat[0] = c.interruptible ? 'S' : 'D';
        else if (c.state == ContextState::Zombie)
            stat[0] = 'Z';
        if (&c == running)
            stat[1] = '+';
        u64 cpu = c.cpu_ns / 10'000'000; // centiseconds
        char time[16];
        ktl::format_buffer(time, sizeof time, "%02lu:%02lu:%02lu.%02lu", static_cast<unsigned long>(cpu / 360000),
            static_cast<unsigned long>(cpu / 6000 % 60), static_cast<unsigned long>(cpu / 100 % 60),
            static_cast<unsigned long>(cpu % 100));
        usize mem = c.hal_context ? hal::context_stack_used(c.hal_context) : 0;
        char memory[16];
        ktl::format_buffer(memory, sizeof memory, "%zu KB", (mem + 1023) / 1024);
        appendf(out, "%-6u%-6u%-6u%-6u%-6u%-6u%-6u%-6u%-6u%-6u%-6s%-6s%-9s%-12s%-9s%s\n", c.pid, c.pgid, c.ppid, c.sid,
            c.credentials.ruid, c.credentials.rgid, c.rns, c.credentials.euid, c.credentials.egid, c.ens, stat, "#0",
            "all", time, memory, c.name.c_str());
    });
}

bool SysScheme::generate(StringView path, ktl::String& out)
{
    Kernel& k = the_kernel();
    Context& self = current();
    if (path == "uname") {
        appendf(out, "Redox\n\n%s\n\n%s\n", k.config().version.c_str(), hal::platform_arch());
    } else if (path == "context") {
        format_context_table(out);
    } else if (path == "scheme") {
        if (Namespace* ns = k.namespaces().get(self.ens))
            ns->for_each([&](StringView name, Scheme&) {
                if (name.is_empty())
                    return; // the root scheme has no name to list
                out.append(name);
                out.append('\n');
            });
    } else if (path == "exe") {
        out = self.args.is_empty() ? StringView() : self.args[0].view();
    } else if (path == "cpu") {
        appendf(out, "CPUs: 1\nArch: %s\nContext switches: %lu\n", hal::platform_arch(),
            static_cast<unsigned long>(k.scheduler().context_switches()));
    } else if (path == "log") {
        out = k.log().text();
    } else if (path == "stat") {
        u64 uptime = hal::monotonic_ns() - k.boot_time_ns();
        appendf(out, "uptime_ns %lu\ncontexts %zu\ncontext_switches %lu\nsyscalls %lu\nresident_bytes %lu\n",
            static_cast<unsigned long>(uptime), k.contexts().count(),
            static_cast<unsigned long>(k.scheduler().context_switches()), static_cast<unsigned long>(k.syscall_count()),
            static_cast<unsigned long>(hal::memory_resident_bytes()));
    } else if (path == "syscall") {
#define REDOX_SYSCALL_LINE(name, number) appendf(out, "%#010lx %s\n", static_cast<unsigned long>(number), #name);
        REDOX_SYSCALLS(REDOX_SYSCALL_LINE)
#undef REDOX_SYSCALL_LINE
    } else if (path == "env") {
        for (const ktl::String& entry : self.env) {
            out.append(entry.view());
            out.append('\n');
        }
    } else {
        return false;
    }
    return true;
}

ErrorOr<usize> SysScheme::write_file(StringView path, const void* buffer, usize length, const Caller& caller)
{
    if (path != "kstop")
        return errno_error(redox::EBADF);
    if (caller.uid != 0)
        return errno_error(redox::EACCES);
    StringView text(static_cast<const char*>(buffer), length);
    while (!text.is_empty() && (text[text.length() - 1] == '\n' || text[text.length() - 1] == ' '))
        text = text.substring(0, text.length() - 1);
    i64 status = 0;
    if (text == "reset") {
        status = 0;
    } else if (text.starts_with("shutdown")) {
        StringView rest = text.substring(8);
        while (!rest.is_empty() && rest[0] == ' ')
            rest = rest.substring(1);
        if (!rest.is_empty() && (!ktl::parse_i64(rest, status) || status < 0 || status > 255))
            return errno_error(redox::EINVAL);
    } else {
        return errno_error(redox::EINVAL);
    }
    KLOG_INFO("sys", "kstop: %.*s", static_cast<int>(text.length()), text.chars());
    // Like `sync` before a reboot: the file system daemon commits what it holds in memory
    // (it commits periodically otherwise), then the system stops.
    if (auto root = syscalls::open_path("/", redox::O_RDONLY | redox::O_DIRECTORY); !root.is_error()) {
        if (auto synced = root.value()->scheme->fsync(root.value()->handle); synced.is_error())
            KLOG_WARN("sys", "kstop: the file system did not sync (error %d)", synced.error().code);
    }
    the_kernel().request_shutdown(static_cast<int>(status));
    return length;
}

ktl::Vector<GeneratedFileScheme::Entry> InitfsScheme::list(StringView directory)
{
    ktl::Vector<Entry> entries;
    if (directory.is_empty()) {
        entries.append({ "bin", static_cast<u16>(redox::MODE_DIR | 0555) });
    } else if (directory == "bin") {
        for (Program* p = first_program(); p; p = p->next)
            entries.append({ p->name, static_cast<u16>(redox::MODE_FILE | 0555) });
    }
    return entries;
}

bool InitfsScheme::generate(StringView path, ktl::String& out)
{
    if (!path.starts_with("bin/"))
        return false;
    Program* program = find_program(path.substring(4));
    if (!program)
        return false;
    out = PROGRAM_MAGIC;
    out.append(program->name);
    out.append('\n');
    return true;
}

} // namespace kernel
