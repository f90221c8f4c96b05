#pragma once
// The `orbital` scheme: handles and their operations, over the window manager and the
// compositor. Platform-free: the daemon (daemon.cpp) decodes requests (request_handler.h),
// feeds input events in, and presents what the compositor drew; unit tests drive it
// directly with an offscreen framebuffer.
//
// Paths (after /scheme/orbital/):
//   FLAGS/X/Y/W/H/TITLE   a window (window_protocol.h); the handle is the window
//   "" or 99.N            the display: fpath gives 99.N/W/H/1 (the size query)
//   screen                (root only) a copy of the composited screen taken at open:
//                         read returns its W*H*4 bytes (0xFFRRGGBB), fpath screen/W/H
// (fpath answers are references: callers see them after /scheme/orbital/.)
//
// Window handles: read returns whole 24-byte events (EINVAL below 24 bytes); when none is
// queued a synchronous window would block (EAGAIN: the request handler keeps the request
// pending unless the caller is non-blocking) and an async one returns 0. Write takes one
// command; fsync presents the whole window; fevent reports EVENT_READ while events are
// queued; mmap_prep returns the address of the window's pixels (one address space: the
// client uses the server's buffer directly; after a resize the client maps again and the
// buffer it had mapped is freed at that next mapping or when the window closes).
#include "../../kernel_core/ktl/result.h"
#include "compositor.h"
#include "window_protocol.h"

namespace orbital {

class Server {
public:
    Server() = default;
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The framebuffer the compositor draws into; a new size re-lays out the windows.
    void set_screen(u32* pixels, i32 width, i32 height, i32 stride);
    void handle_input(const Event& event);
    bool quit_requested() const { return m_manager.quit_requested(); }

    ErrorOr<u64> open(StringView path, u64 flags, u32 uid);
    void close(u64 handle);
    ErrorOr<usize> read(u64 handle, void* buffer, usize length, u64 offset);
    ErrorOr<usize> write(u64 handle, const void* buffer, usize length);
    ErrorOr<void> fsync(u64 handle);
    ErrorOr<usize> fpath(u64 handle, char* buffer, usize length);
    ErrorOr<u64> fevent(u64 handle, u64 flags);
    ErrorOr<u64> fsize(u64 handle);
    ErrorOr<u64> mmap_prep(u64 handle, u64 offset, u64 size, u64 flags);
    // Whether a read on this handle now would return something (or fail) rather than block.
    bool read_ready(u64 handle) const;

    // Composites the damage; the rectangles drawn since clear_presented() are in presented().
    void compose() { m_compositor.compose(m_manager); }
    const ktl::Vector<Rect>& presented() const { return m_compositor.presented(); }
    void clear_presented() { m_compositor.clear_presented(); }
    // Handles that became readable since the last call.
    void take_ready(ktl::Vector<u64>& out) { m_manager.take_ready(out); }

    WindowManager& manager() { return m_manager; }
    const Compositor& compositor() const { return m_compositor; }
    Window* window(u64 handle) const;
    usize window_count() const { return m_manager.stack().size(); }

private:
    enum class Kind { Window, Display, Screen };
    struct Handle {
        u64 id;
        Kind kind;
        Window* window { nullptr };
        ktl::String name; // Display: the path it was opened with
        ktl::Vector<u32> snapshot; // Screen: the pixels at open
        i32 width { 0 };
        i32 height { 0 };
    };

    Handle* find(u64 handle) const;
    ErrorOr<usize> run_command(Window& window, const Command& command);
    u64 add_handle(Handle* handle);

    WindowManager m_manager;
    Compositor m_compositor;
    ktl::Vector<Handle*> m_handles;
    u64 m_next_id { 1 };
};

} // namespace orbital
