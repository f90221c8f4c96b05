#include "window.h"

#include "canvas.h"

namespace orbital {

PixelBuffer::PixelBuffer(i32 w, i32 h, u32 fill)
{
    usize count = static_cast<usize>(w) * static_cast<usize>(h);
    m_bytes = (count * sizeof(u32) + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    m_allocation = new u8[m_bytes + PAGE_SIZE];
    auto address = reinterpret_cast<usize>(m_allocation);
    m_pixels = reinterpret_cast<u32*>((address + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE);
    for (usize i = 0; i < m_bytes / sizeof(u32); ++i)
        m_pixels[i] = fill;
}

static u32 initial_fill(u32 flags) { return (flags & FLAG_TRANSPARENT) ? 0 : rgb(0, 0, 0); }

Window::Window(u64 id, const WindowSpec& spec)
    : m_id(id),
      m_flags(spec.flags),
      m_rect { spec.x, spec.y, spec.w, spec.h },
      m_title(spec.title),
      m_buffer(new PixelBuffer(spec.w, spec.h, initial_fill(spec.flags)))
{
}

Window::~Window()
{
    delete m_retired;
    delete m_buffer;
}

void Window::resize(i32 w, i32 h)
{
    auto* buffer = new PixelBuffer(w, h, initial_fill(m_flags));
    Canvas(buffer->pixels(), w, h).blit(0, 0, m_buffer->pixels(), m_rect.w, m_rect.h, m_rect.w, false);
    if (m_buffer == m_client_buffer) {
        delete m_retired;
        m_retired = m_buffer;
    } else {
        delete m_buffer;
    }
    m_buffer = buffer;
    m_rect.w = w;
    m_rect.h = h;
}

void Window::mapped()
{
    delete m_retired;
    m_retired = nullptr;
    m_client_buffer = m_buffer;
}

Rect Window::frame() const
{
    if (!decorated())
        return m_rect;
    return { m_rect.x - BORDER, m_rect.y - TITLE_BAR_HEIGHT - BORDER, m_rect.w + 2 * BORDER,
        m_rect.h + TITLE_BAR_HEIGHT + 2 * BORDER };
}

Rect Window::title_bar() const
{
    if (!decorated())
        return {};
    return { m_rect.x, m_rect.y - TITLE_BAR_HEIGHT, m_rect.w, TITLE_BAR_HEIGHT };
}

Rect Window::close_button() const
{
    if (!decorated() || has(FLAG_UNCLOSABLE))
        return {};
    Rect bar = title_bar();
    return { bar.right() - TITLE_BAR_HEIGHT, bar.y, TITLE_BAR_HEIGHT, TITLE_BAR_HEIGHT };
}

Rect Window::resize_handle() const
{
    if (!has(FLAG_RESIZABLE) || has(FLAG_FULLSCREEN) || has(FLAG_MAXIMIZED))
        return {};
    i32 side = ktl::min(RESIZE_HANDLE, ktl::min(m_rect.w, m_rect.h));
    return { m_rect.right() - side, m_rect.bottom() - side, side, side };
}

} // namespace orbital
