#include "irq.h"

#include "ktl/format.h"
#include "redox/sys.h"

namespace driver {

long Irq::open(u8 line)
{
    close();
    char path[32];
    ktl::format_buffer(path, sizeof path, "/scheme/irq/%u", static_cast<unsigned>(line));
    long fd = sys::open(path, redox::O_RDWR);
    if (fd < 0)
        return fd;
    m_fd = static_cast<int>(fd);
    m_line = line;
    return 0;
}

void Irq::close()
{
    if (m_fd >= 0)
        sys::close(m_fd);
    m_fd = -1;
}

long Irq::pending(u64& count)
{
    long r = sys::read(m_fd, &count, sizeof count);
    if (r < 0)
        return r;
    return r == static_cast<long>(sizeof count) ? 1 : 0;
}

long Irq::acknowledge(u64 count)
{
    long r = sys::write(m_fd, &count, sizeof count);
    return r < 0 ? r : 0;
}

long Irq::take()
{
    u64 count = 0;
    long r = pending(count);
    if (r <= 0)
        return r;
    r = acknowledge(count);
    return r < 0 ? r : 1;
}

} // namespace driver
