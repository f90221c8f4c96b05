#include "display_scheme.h"

#include "../abi/redox/flags.h"
#include "../abi/redox/orbital.h"
#include "../hal/display.h"
#include "../ktl/format.h"

namespace kernel {

namespace {

    u64 screen_bytes(const hal::DisplayInfo& screen) { return u64(screen.width) * screen.height * 4; }

} // namespace

ErrorOr<usize> DisplayScheme::open(StringView path, unsigned long flags, const Caller& caller)
{
    TRY(check_device_open(path.is_empty(), flags, caller));
    if (hal::display_info().width == 0)
        return errno_error(redox::ENODEV);
    return m_handles.insert(new Open { flags });
}

ErrorOr<usize> DisplayScheme::write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&)
{
    Open* open = TRY(m_handles.get(handle));
    if (!(open->flags & redox::O_WRONLY))
        return errno_error(redox::EBADF);
    if (length % sizeof(redox::DisplayRect))
        return errno_error(redox::EINVAL);
    hal::DisplayInfo screen = hal::display_info();
    auto* rects = static_cast<const redox::DisplayRect*>(buffer);
    usize count = length / sizeof(redox::DisplayRect);
    // Clip in batches on the stack: the caller's buffer is not ours to modify.
    redox::DisplayRect clipped[32];
    usize pending = 0;
    for (usize i = 0; i < count; ++i) {
        i64 x0 = ktl::max<i64>(rects[i].x, 0), y0 = ktl::max<i64>(rects[i].y, 0);
        i64 x1 = ktl::min<i64>(i64(rects[i].x) + ktl::max<i32>(rects[i].w, 0), screen.width);
        i64 y1 = ktl::min<i64>(i64(rects[i].y) + ktl::max<i32>(rects[i].h, 0), screen.height);
        if (x1 <= x0 || y1 <= y0)
            continue;
        clipped[pending++] = { i32(x0), i32(y0), i32(x1 - x0), i32(y1 - y0) };
        if (pending == 32) {
            hal::display_present(clipped, pending);
            pending = 0;
        }
    }
    if (pending)
        hal::display_present(clipped, pending);
    return length;
}

ErrorOr<u64> DisplayScheme::fsize(usize handle)
{
    TRY(m_handles.get(handle));
    return screen_bytes(hal::display_info());
}

void DisplayScheme::close(usize handle) { delete m_handles.take(handle); }

ErrorOr<usize> DisplayScheme::fpath(usize handle, char* buffer, usize length)
{
    TRY(m_handles.get(handle));
    hal::DisplayInfo screen = hal::display_info();
    return ktl::format_buffer(buffer, length, "%u/%u", screen.width, screen.height);
}

ErrorOr<void> DisplayScheme::fstat(usize handle, redox::Stat& st)
{
    TRY(m_handles.get(handle));
    st = {};
    st.st_mode = redox::MODE_CHR | 0600;
    st.st_size = screen_bytes(hal::display_info());
    st.st_blksize = 4096;
    return {};
}

ErrorOr<void> DisplayScheme::fsync(usize handle)
{
    TRY(m_handles.get(handle));
    hal::DisplayInfo screen = hal::display_info();
    redox::DisplayRect all { 0, 0, i32(screen.width), i32(screen.height) };
    hal::display_present(&all, 1);
    return {};
}

ErrorOr<usize> DisplayScheme::fevent(usize handle, usize flags)
{
    TRY(m_handles.get(handle));
    return flags & redox::EVENT_WRITE;
}

ErrorOr<usize> DisplayScheme::fmap(usize handle, u64 offset, usize size, u64, const Caller&)
{
    TRY(m_handles.get(handle));
    hal::DisplayInfo screen = hal::display_info();
    if (offset % 4 || offset > screen_bytes(screen) || size > screen_bytes(screen) - offset)
        return errno_error(redox::EINVAL);
    return reinterpret_cast<usize>(screen.pixels) + static_cast<usize>(offset);
}

} // namespace kernel
