#include "server.h"

#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/ktl/format.h"

namespace orbital {

static ktl::Error error(int code) { return ktl::Error::from_errno(code); }

Server::~Server()
{
    while (!m_handles.is_empty())
        close(m_handles.last()->id);
}

void Server::set_screen(u32* pixels, i32 width, i32 height, i32 stride)
{
    m_compositor.set_target(pixels, width, height, stride);
    m_manager.set_screen_size(width, height);
}

void Server::handle_input(const Event& event)
{
    // A new screen size needs a new framebuffer first: the daemon calls set_screen.
    if (event.code == ORB_EVENT_SCREEN)
        return;
    m_manager.handle_input(event);
}

Server::Handle* Server::find(u64 handle) const
{
    for (Handle* h : m_handles) {
        if (h->id == handle)
            return h;
    }
    return nullptr;
}

Window* Server::window(u64 handle) const
{
    Handle* h = find(handle);
    return h && h->kind == Kind::Window ? h->window : nullptr;
}

u64 Server::add_handle(Handle* handle)
{
    m_handles.append(handle);
    return handle->id;
}

static bool is_display_query(StringView path)
{
    if (path.is_empty())
        return true;
    u64 number = 0;
    return path.starts_with("99.") && ktl::parse_u64(path.substring(3), number);
}

ErrorOr<u64> Server::open(StringView path, u64 flags, u32 uid)
{
    if (flags & (redox::O_CREAT | redox::O_DIRECTORY))
        return error(redox::EINVAL);
    u64 id = m_next_id++;
    if (is_display_query(path)) {
        auto* handle = new Handle { id, Kind::Display, nullptr, {}, {}, 0, 0 };
        handle->name = path.is_empty() ? StringView("99.0") : path;
        return add_handle(handle);
    }
    if (path == "screen") {
        if (uid != 0)
            return error(redox::EACCES);
        const Canvas& screen = m_compositor.target();
        auto* handle = new Handle { id, Kind::Screen, nullptr, {}, {}, 0, 0 };
        handle->width = screen.width();
        handle->height = screen.height();
        handle->snapshot.resize(static_cast<usize>(screen.width()) * static_cast<usize>(screen.height()));
        for (i32 y = 0; y < screen.height(); ++y) {
            for (i32 x = 0; x < screen.width(); ++x)
                handle->snapshot[static_cast<usize>(y) * screen.width() + x] = screen.pixel(x, y) | 0xFF000000;
        }
        return add_handle(handle);
    }
    WindowSpec spec = TRY(parse_window_path(path));
    auto* handle = new Handle { id, Kind::Window, nullptr, {}, {}, 0, 0 };
    handle->window = new Window(id, spec);
    m_manager.add(*handle->window);
    return add_handle(handle);
}

void Server::close(u64 handle)
{
    for (usize i = 0; i < m_handles.size(); ++i) {
        Handle* h = m_handles[i];
        if (h->id != handle)
            continue;
        m_handles.remove(i);
        if (h->window) {
            m_manager.remove(*h->window);
            delete h->window;
        }
        delete h;
        return;
    }
}

bool Server::read_ready(u64 handle) const
{
    Handle* h = find(handle);
    if (!h || h->kind != Kind::Window)
        return true;
    return !h->window->events().is_empty() || h->window->has(FLAG_ASYNC);
}

ErrorOr<usize> Server::read(u64 handle, void* buffer, usize length, u64 offset)
{
    Handle* h = find(handle);
    if (!h)
        return error(redox::EBADF);
    if (h->kind == Kind::Screen) {
        usize bytes = h->snapshot.size() * sizeof(u32);
        if (offset >= bytes)
            return 0;
        usize count = ktl::min(length, static_cast<usize>(bytes - offset));
        ktl::copy_bytes(buffer, reinterpret_cast<const u8*>(h->snapshot.data()) + offset, count);
        return count;
    }
    if (h->kind == Kind::Display)
        return 0;
    if (length < sizeof(Event))
        return error(redox::EINVAL);
    Window& window = *h->window;
    if (window.events().is_empty())
        return window.has(FLAG_ASYNC) ? ErrorOr<usize>(0) : error(redox::EAGAIN);
    usize count = window.events().take(buffer, length / sizeof(Event));
    return count * sizeof(Event);
}

ErrorOr<usize> Server::write(u64 handle, const void* buffer, usize length)
{
    Handle* h = find(handle);
    if (!h)
        return error(redox::EBADF);
    if (h->kind != Kind::Window)
        return error(redox::EINVAL);
    Command command = TRY(parse_command(StringView(static_cast<const char*>(buffer), length)));
    TRY(run_command(*h->window, command));
    return length;
}

static ErrorOr<bool> parse_switch(StringView text)
{
    if (text == "0")
        return false;
    if (text == "1")
        return true;
    return error(redox::EINVAL);
}

ErrorOr<usize> Server::run_command(Window& window, const Command& command)
{
    const auto& args = command.arguments;
    switch (command.kind) {
    case 'A': {
        if (args.size() != 1)
            return error(redox::EINVAL);
        u32 flags = window.flags();
        flags = TRY(parse_switch(args[0])) ? (flags | FLAG_ASYNC) : (flags & ~FLAG_ASYNC);
        m_manager.set_flags(window, flags);
        return 0;
    }
    case 'D': {
        // D, or D,KIND with KIND R, B or BR for a resize; only while the left button is held.
        if (args.size() > 1)
            return error(redox::EINVAL);
        bool resize = !args.is_empty() && (args[0] == "R" || args[0] == "B" || args[0] == "BR");
        if (!m_manager.begin_drag(window, resize))
            return error(redox::EINVAL);
        return 0;
    }
    case 'F': {
        if (args.size() != 2)
            return error(redox::EINVAL);
        u32 flag = TRY(parse_flags(args[0]));
        if (flag == 0 || (flag & (flag - 1)))
            return error(redox::EINVAL);
        bool on = TRY(parse_switch(args[1]));
        m_manager.set_flags(window, on ? (window.flags() | flag) : (window.flags() & ~flag));
        return 0;
    }
    case 'M': {
        if (args.size() != 2 || args[0].length() != 1 || !StringView("CGR").contains(args[0][0]))
            return error(redox::EINVAL);
        bool on = TRY(parse_switch(args[1]));
        if (args[0][0] == 'C') {
            window.set_cursor_hidden(!on);
            m_manager.damage().add(m_manager.cursor_rect());
        } else if (args[0][0] == 'G') {
            window.set_mouse_grabbed(on);
        } else {
            window.set_mouse_relative(on);
        }
        return 0;
    }
    case 'P': {
        if (args.size() != 2)
            return error(redox::EINVAL);
        i32 x = TRY(parse_coordinate(args[0]));
        i32 y = TRY(parse_coordinate(args[1]));
        if (!Window::valid_position(x, y))
            return error(redox::EINVAL);
        m_manager.move(window, x, y);
        return 0;
    }
    case 'S': {
        if (args.size() != 2)
            return error(redox::EINVAL);
        i32 w = TRY(parse_coordinate(args[0]));
        i32 h = TRY(parse_coordinate(args[1]));
        if (!Window::valid_size(w, h))
            return error(redox::EINVAL);
        m_manager.resize(window, w, h, false);
        return 0;
    }
    case 'T':
        if (!args.is_empty() && args[0].length() > Window::MAX_TITLE)
            return error(redox::EINVAL);
        m_manager.set_title(window, args.is_empty() ? StringView() : args[0]);
        return 0;
    case 'Y': {
        ktl::Vector<Rect> rects = TRY(parse_damage(args));
        for (const Rect& r : rects)
            m_manager.damage_window(window, r);
        return 0;
    }
    default:
        return error(redox::EINVAL);
    }
}

ErrorOr<void> Server::fsync(u64 handle)
{
    Handle* h = find(handle);
    if (!h)
        return error(redox::EBADF);
    if (h->window)
        m_manager.damage_window(*h->window, { 0, 0, h->window->rect().w, h->window->rect().h });
    return {};
}

ErrorOr<usize> Server::fpath(u64 handle, char* buffer, usize length)
{
    Handle* h = find(handle);
    if (!h)
        return error(redox::EBADF);
    if (h->kind == Kind::Window)
        return format_window_path(*h->window, buffer, length);
    char text[96];
    usize n;
    if (h->kind == Kind::Display) {
        Rect screen = m_manager.screen();
        n = ktl::format_buffer(text, sizeof text, "%s/%d/%d/1", h->name.c_str(), screen.w, screen.h);
    } else {
        n = ktl::format_buffer(text, sizeof text, "screen/%d/%d", h->width, h->height);
    }
    n = ktl::min(ktl::min(n, sizeof text - 1), length);
    ktl::copy_bytes(buffer, text, n);
    return n;
}

ErrorOr<u64> Server::fevent(u64 handle, u64 flags)
{
    Handle* h = find(handle);
    if (!h)
        return error(redox::EBADF);
    if (h->kind != Kind::Window)
        return flags & redox::EVENT_READ;
    return h->window->events().is_empty() ? 0 : (flags & redox::EVENT_READ);
}

ErrorOr<u64> Server::fsize(u64 handle)
{
    Handle* h = find(handle);
    if (!h)
        return error(redox::EBADF);
    if (h->kind == Kind::Screen)
        return h->snapshot.size() * sizeof(u32);
    if (h->kind == Kind::Window)
        return static_cast<u64>(h->window->rect().w) * h->window->rect().h * sizeof(u32);
    return 0;
}

ErrorOr<u64> Server::mmap_prep(u64 handle, u64 offset, u64 size, u64 flags)
{
    (void)flags;
    Window* w = window(handle);
    if (!w)
        return error(find(handle) ? redox::EINVAL : redox::EBADF);
    if (offset > w->buffer_bytes() || size > w->buffer_bytes() - offset)
        return error(redox::EINVAL);
    // The client maps the current buffer, so it no longer draws into an older one.
    w->mapped();
    return reinterpret_cast<u64>(w->pixels()) + offset;
}

} // namespace orbital
