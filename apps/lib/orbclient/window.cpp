#include "window.h"

#include "../../../kernel_core/ktl/format.h"
#include "../redox/sys.h"

namespace orbclient {

using ktl::StringView;

static long parse_fields(StringView text, i64* out, usize count, usize& end)
{
    usize start = 0;
    for (usize i = 0; i < count; ++i) {
        isize slash = text.find('/', start);
        usize stop = slash < 0 ? text.length() : static_cast<usize>(slash);
        if (!ktl::parse_i64(text.substring(start, stop - start), out[i]))
            return -redox::EINVAL;
        start = stop + 1;
    }
    end = start;
    return 0;
}

// What follows the scheme in an fpath: /scheme/orbital/REF (or legacy orbital:REF).
static StringView reference_of(StringView path)
{
    isize at = path.find("orbital/");
    if (at < 0)
        at = path.find("orbital:");
    return at < 0 ? path : path.substring(static_cast<usize>(at) + 8);
}

long Window::open(i32 x, i32 y, i32 w, i32 h, StringView title, StringView flags)
{
    close();
    ktl::String path("/scheme/orbital/a");
    path.append(flags);
    char numbers[64];
    usize n = ktl::format_buffer(numbers, sizeof numbers, "/%d/%d/%d/%d/", x, y, w, h);
    path.append(StringView(numbers, n));
    path.append(title);
    long fd = sys::open(path, redox::O_RDWR);
    if (fd < 0)
        return fd;
    m_fd = static_cast<int>(fd);
    long r = map(w, h);
    if (r >= 0) {
        long queue = sys::open("/scheme/event", redox::O_RDWR);
        r = queue;
        if (queue >= 0) {
            m_queue = static_cast<int>(queue);
            r = watch(m_fd);
        }
    }
    if (r < 0) {
        close();
        return r;
    }
    return 0;
}

void Window::close()
{
    // The mapping holds the window open: unmap first so the close reaches the server.
    unmap();
    if (m_fd >= 0)
        sys::close(m_fd);
    if (m_queue >= 0)
        sys::close(m_queue);
    m_fd = m_queue = -1;
}

long Window::map(i32 w, i32 h)
{
    unmap();
    usize bytes = static_cast<usize>(w) * static_cast<usize>(h) * sizeof(u32);
    long address = sys::fmap(m_fd, 0, bytes, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED);
    if (address < 0)
        return address;
    m_mapped_bytes = bytes;
    m_canvas = Canvas(reinterpret_cast<u32*>(address), w, h);
    return 0;
}

void Window::unmap()
{
    if (m_canvas.pixels())
        sys::funmap(m_canvas.pixels(), m_mapped_bytes);
    m_canvas = Canvas();
    m_mapped_bytes = 0;
}

long Window::geometry(Rect& out)
{
    char path[512];
    long n = sys::fpath(m_fd, path, sizeof path);
    if (n < 0)
        return n;
    // [FLAGS/]X/Y/W/H/TITLE: FLAGS, when there are any, are letters.
    StringView text = reference_of(StringView(path, static_cast<usize>(n)));
    if (!text.is_empty() && text[0] != '-' && (text[0] < '0' || text[0] > '9')) {
        isize slash = text.find('/');
        if (slash < 0)
            return -redox::EINVAL;
        text = text.substring(static_cast<usize>(slash) + 1);
    }
    i64 fields[4];
    usize end = 0;
    if (long r = parse_fields(text, fields, 4, end); r < 0)
        return r;
    out = { static_cast<i32>(fields[0]), static_cast<i32>(fields[1]), static_cast<i32>(fields[2]),
        static_cast<i32>(fields[3]) };
    return 0;
}

long Window::sync() { return sys::fsync(m_fd); }

long Window::damage(const Rect* rects, usize count)
{
    ktl::String text("Y");
    for (usize i = 0; i < count; ++i) {
        char numbers[64];
        usize n = ktl::format_buffer(
            numbers, sizeof numbers, ",%d,%d,%d,%d", rects[i].x, rects[i].y, rects[i].w, rects[i].h);
        text.append(StringView(numbers, n));
    }
    return command(text);
}

long Window::command(StringView text)
{
    long r = sys::write(m_fd, text.chars(), text.length());
    return r < 0 ? r : 0;
}

long Window::set_title(StringView title)
{
    ktl::String text("T,");
    text.append(title);
    return command(text);
}

long Window::set_position(i32 x, i32 y)
{
    char text[48];
    usize n = ktl::format_buffer(text, sizeof text, "P,%d,%d", x, y);
    return command(StringView(text, n));
}

long Window::set_size(i32 w, i32 h)
{
    char text[48];
    usize n = ktl::format_buffer(text, sizeof text, "S,%d,%d", w, h);
    if (long r = command(StringView(text, n)); r < 0)
        return r;
    return map(w, h);
}

long Window::set_flag(char flag, bool on)
{
    char text[8];
    usize n = ktl::format_buffer(text, sizeof text, "F,%c,%d", flag, on ? 1 : 0);
    return command(StringView(text, n));
}

long Window::poll_events(Event* out, usize max)
{
    long n = sys::read(m_fd, out, max * sizeof(Event));
    if (n < 0)
        return n;
    usize count = static_cast<usize>(n) / sizeof(Event);
    for (usize i = 0; i < count; ++i) {
        if (out[i].code == orbital::ORB_EVENT_RESIZE) {
            if (long r = map(static_cast<i32>(out[i].a), static_cast<i32>(out[i].b)); r < 0)
                return r;
        }
    }
    return static_cast<long>(count);
}

long Window::watch(int fd)
{
    redox::Event event { static_cast<u64>(fd), redox::EVENT_READ, static_cast<u64>(fd) };
    long r = sys::write(m_queue, &event, sizeof event);
    return r < 0 ? r : 0;
}

long Window::wait(u64 milliseconds)
{
    if (milliseconds) {
        redox::Event timeout { redox::EVENT_TIMEOUT_ID, 0, milliseconds };
        if (long r = sys::write(m_queue, &timeout, sizeof timeout); r < 0)
            return r;
    }
    redox::Event ready[8];
    long r = sys::read(m_queue, ready, sizeof ready);
    return r < 0 ? r : 0;
}

long Window::wait_events(Event* out, usize max)
{
    for (;;) {
        long n = poll_events(out, max);
        if (n != 0)
            return n;
        if (long r = wait(); r < 0 && r != -redox::EINTR)
            return r;
    }
}

long Window::display_size(i32& w, i32& h)
{
    long fd = sys::open("/scheme/orbital/", redox::O_RDONLY);
    if (fd < 0)
        return fd;
    char path[128];
    long n = sys::fpath(static_cast<int>(fd), path, sizeof path);
    sys::close(static_cast<int>(fd));
    if (n < 0)
        return n;
    // 99.N/W/H/SCALE
    StringView text = reference_of(StringView(path, static_cast<usize>(n)));
    isize slash = text.find('/');
    if (slash < 0)
        return -redox::EINVAL;
    i64 fields[2];
    usize end = 0;
    if (long r = parse_fields(text.substring(static_cast<usize>(slash) + 1), fields, 2, end); r < 0)
        return r;
    w = static_cast<i32>(fields[0]);
    h = static_cast<i32>(fields[1]);
    return 0;
}

} // namespace orbclient
