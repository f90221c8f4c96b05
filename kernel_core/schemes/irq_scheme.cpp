#include "irq_scheme.h"

#include "../abi/redox/flags.h"
#include "../events.h"
#include "../hal/clock.h"
#include "../kernel.h"
#include "../klog.h"
#include "../ktl/format.h"
#include "../scheduler.h"

namespace kernel {

namespace {
    // The booted kernel's irq scheme, for deliver_irq (a plain pointer: no static destructors
    // in the core).
    IrqScheme* s_irq_scheme = nullptr;

    constexpr u64 one_second_ns = 1'000'000'000;

    // "N" with N a decimal line number below IRQ_LINES; -1 otherwise.
    int parse_line(StringView path)
    {
        if (path.is_empty() || path.length() > 2)
            return -1;
        int line = 0;
        for (char c : path) {
            if (c < '0' || c > '9')
                return -1;
            line = line * 10 + (c - '0');
        }
        if (path.length() == 2 && path[0] == '0')
            return -1; // one name per line
        return line < hal::IRQ_LINES ? line : -1;
    }
} // namespace

IrqScheme::IrqScheme()
{
    for (u8 line = 0; line < hal::IRQ_LINES; ++line) {
        m_lines[line].flood_timer.owner = this;
        m_lines[line].flood_timer.callback = flood_timer_expired;
    }
    s_irq_scheme = this;
}

IrqScheme::~IrqScheme()
{
    // Teardown with drivers still running: their lines must not interrupt a kernel that is gone.
    for (u8 number = 0; number < hal::IRQ_LINES; ++number) {
        Line& line = m_lines[number];
        if (!line.handles.is_empty())
            hal::irq_disable(number);
        if (line.flood_timer.is_armed())
            the_kernel().scheduler().cancel(line.flood_timer);
    }
    if (s_irq_scheme == this)
        s_irq_scheme = nullptr;
}

ErrorOr<usize> IrqScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    if (caller.uid != 0)
        return errno_error(redox::EACCES);
    if (path.is_empty())
        return m_handles.insert(new Open { -1, false });
    if (flags & redox::O_DIRECTORY)
        return errno_error(redox::ENOTDIR);
    int number = parse_line(path);
    if (number < 0)
        return errno_error(redox::ENOENT);
    u8 line_number = static_cast<u8>(number);
    if (!hal::irq_line_available(line_number))
        return errno_error(redox::ENODEV);
    if (flags & redox::O_STAT)
        return m_handles.insert(new Open { number, false });
    Line& line = m_lines[line_number];
    if (!line.handles.is_empty())
        return errno_error(redox::EBUSY);
    // A new owner starts from a clean slate: no interrupt is pending for it.
    line.count = line.acknowledged = 0;
    usize handle = m_handles.insert(new Open { number, true });
    line.handles.append(handle);
    if (!line.flood_masked)
        hal::irq_enable(line_number);
    return handle;
}

ErrorOr<IrqScheme::Open*> IrqScheme::owned_line(usize handle)
{
    Open* open = TRY(m_handles.get(handle));
    if (open->line < 0)
        return errno_error(redox::EISDIR);
    if (!open->owns)
        return errno_error(redox::EBADF);
    return open;
}

ErrorOr<usize> IrqScheme::read(usize handle, void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Open* open = TRY(owned_line(handle));
    if (length < sizeof(u64))
        return errno_error(redox::EINVAL);
    Line& line = m_lines[open->line];
    if (line.count == line.acknowledged)
        return 0u; // nothing new (never blocks: drivers wait through event queues)
    ktl::copy_bytes(buffer, &line.count, sizeof(u64));
    return sizeof(u64);
}

ErrorOr<usize> IrqScheme::write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Open* open = TRY(owned_line(handle));
    if (length != sizeof(u64))
        return errno_error(redox::EINVAL);
    u64 value;
    ktl::copy_bytes(&value, buffer, sizeof(u64));
    u8 number = static_cast<u8>(open->line);
    Line& line = m_lines[number];
    // Only the current count acknowledges (as in Redox): a stale one would unmask a line
    // whose newest interrupt the driver has not seen yet.
    if (value != line.count)
        return 0u;
    line.acknowledged = value;
    enable_if_acknowledged(number);
    return sizeof(u64);
}

void IrqScheme::close(usize handle)
{
    Open* open = m_handles.take(handle);
    if (!open)
        return;
    if (open->owns) {
        u8 number = static_cast<u8>(open->line);
        Line& line = m_lines[number];
        for (usize i = 0; i < line.handles.size(); ++i) {
            if (line.handles[i] == handle) {
                line.handles.remove(i);
                break;
            }
        }
        if (line.handles.is_empty()) {
            hal::irq_disable(number);
            if (line.flood_timer.is_armed())
                the_kernel().scheduler().cancel(line.flood_timer);
            line.flood_masked = false;
        }
    }
    delete open;
}

ErrorOr<usize> IrqScheme::dup(usize handle, StringView what, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if (!what.is_empty())
        return errno_error(redox::EINVAL);
    usize copy = m_handles.insert(new Open(*open));
    if (open->owns)
        m_lines[open->line].handles.append(copy);
    return copy;
}

ErrorOr<usize> IrqScheme::fpath(usize handle, char* buffer, usize length)
{
    Open* open = TRY(m_handles.get(handle));
    if (open->line < 0)
        return 0u;
    char path[4];
    usize n = ktl::format_buffer(path, sizeof path, "%d", open->line);
    n = ktl::min(n, length);
    ktl::copy_bytes(buffer, path, n);
    return n;
}

ErrorOr<void> IrqScheme::fstat(usize handle, redox::Stat& st)
{
    Open* open = TRY(m_handles.get(handle));
    st = {};
    st.st_mode = open->line < 0 ? (redox::MODE_DIR | 0500) : (redox::MODE_CHR | 0600);
    st.st_ino = static_cast<u64>(open->line + 1);
    st.st_size = open->line < 0 ? 0 : sizeof(u64);
    return {};
}

ErrorOr<usize> IrqScheme::getdents(usize handle, void* buffer, usize length, u64 position)
{
    Open* open = TRY(m_handles.get(handle));
    if (open->line >= 0)
        return errno_error(redox::ENOTDIR);
    usize written = 0;
    for (u64 line = position; line < hal::IRQ_LINES; ++line) {
        if (!hal::irq_line_available(static_cast<u8>(line)))
            continue;
        char name[4];
        usize n = ktl::format_buffer(name, sizeof name, "%d", static_cast<int>(line));
        usize record = write_dirent(static_cast<char*>(buffer) + written, length - written, StringView(name, n),
            line + 1, redox::DT_CHR, line + 1);
        if (!record) {
            if (!written)
                return errno_error(redox::EINVAL);
            break;
        }
        written += record;
    }
    return written;
}

ErrorOr<usize> IrqScheme::fevent(usize handle, usize flags)
{
    Open* open = TRY(owned_line(handle));
    const Line& line = m_lines[open->line];
    return line.count != line.acknowledged ? (flags & redox::EVENT_READ) : 0;
}

void IrqScheme::deliver(u8 number)
{
    if (number >= hal::IRQ_LINES)
        return;
    Line& line = m_lines[number];
    // Masked until the driver acknowledges (or for good when nobody owns the line).
    hal::irq_disable(number);
    if (line.handles.is_empty())
        return;
    ++line.count;

    u64 now = hal::monotonic_ns();
    if (now - line.window_start_ns >= one_second_ns) {
        line.window_start_ns = now;
        line.window_count = 0;
    }
    if (++line.window_count > flood_limit_per_second && !line.flood_masked) {
        line.flood_masked = true;
        KLOG_WARN("irq", "irq %u: interrupt flood, masked for 100 ms", static_cast<unsigned>(number));
        the_kernel().scheduler().arm(line.flood_timer, now + flood_mask_ns);
    }
    for (usize handle : line.handles)
        notify_event(*this, handle, redox::EVENT_READ);
}

void IrqScheme::enable_if_acknowledged(u8 number)
{
    Line& line = m_lines[number];
    if (!line.handles.is_empty() && !line.flood_masked && line.count == line.acknowledged)
        hal::irq_enable(number);
}

void IrqScheme::flood_timer_expired(Timer& timer)
{
    auto* scheme = static_cast<IrqScheme*>(timer.owner);
    for (u8 number = 0; number < hal::IRQ_LINES; ++number) {
        Line& line = scheme->m_lines[number];
        if (&line.flood_timer != &timer)
            continue;
        line.flood_masked = false;
        // A fresh second: the flood is judged again from now on.
        line.window_start_ns = hal::monotonic_ns();
        line.window_count = 0;
        scheme->enable_if_acknowledged(number);
    }
}

void deliver_irq(u8 line)
{
    if (s_irq_scheme)
        s_irq_scheme->deliver(line);
    else if (line < hal::IRQ_LINES)
        hal::irq_disable(line);
}

} // namespace kernel
