#include "sdl_display.h"
#include "scancodes.h"

#include "../sim/hal/host_work.h"
#include "../sim/hal/sim_state.h"

#include <SDL2/SDL.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

// The core's headers use errno names the host's headers define as macros.
#include "../kernel_core/abi/redox/undef_host_macros.h"

#include "../kernel_core/kernel.h"
#include "../kernel_core/schemes/input_scheme.h"

namespace orbital_sdl {

namespace {

    struct Screen {
        Options options;
        std::vector<std::uint32_t> framebuffer; // the core's: written only on its thread
        std::vector<std::uint32_t> retired;     // the one before a resize (still mapped)
        std::mutex mutex;
        std::uint32_t width = 0, height = 0; // guarded by mutex (written on the core's thread)
        std::vector<std::uint32_t> staging; // guarded by mutex: what the SDL thread shows
        SDL_Rect dirty {};                  // guarded by mutex: union of presented rects
        bool has_dirty = false;             // guarded by mutex
        std::atomic<bool> wake_pending { false };
        std::atomic<bool> stopping { false };
        Uint32 wake_event = 0;
        std::thread thread;
        int buttons = 0; // SDL thread only
    };
    Screen* s_screen = nullptr;

    void post_input(std::int64_t code, std::int64_t a, std::int64_t b)
    {
        redox::OrbitalEvent event { code, a, b };
        sim::host_work_post([event] { kernel::deliver_input(event); });
    }

    // Called on the core's thread (hal::display_present): copies the presented rectangles
    // to the staging buffer and wakes the SDL thread once.
    void present(const redox::DisplayRect* rects, std::size_t count)
    {
        Screen& s = *s_screen;
        {
            std::lock_guard lock(s.mutex);
            std::uint32_t width = s.width;
            for (std::size_t i = 0; i < count; ++i) {
                const redox::DisplayRect& r = rects[i];
                for (std::int32_t y = r.y; y < r.y + r.h; ++y) {
                    std::size_t row = static_cast<std::size_t>(y) * width + static_cast<std::size_t>(r.x);
                    std::copy_n(s.framebuffer.data() + row, r.w, s.staging.data() + row);
                }
                SDL_Rect rect { r.x, r.y, r.w, r.h };
                if (s.has_dirty)
                    SDL_UnionRect(&s.dirty, &rect, &s.dirty);
                else
                    s.dirty = rect;
                s.has_dirty = true;
            }
        }
        if (!s.wake_pending.exchange(true)) {
            SDL_Event wake {};
            wake.type = s.wake_event;
            SDL_PushEvent(&wake);
        }
    }

    // On the core's thread: the host window changed size, so the screen does. The display
    // server hears SCREEN and maps the new framebuffer; the old one stays valid until the
    // next resize, so nothing it still draws into disappears under it.
    void resize_screen(std::uint32_t width, std::uint32_t height)
    {
        Screen& s = *s_screen;
        if (width == s.width && height == s.height)
            return;
        s.retired.swap(s.framebuffer);
        s.framebuffer.assign(static_cast<std::size_t>(width) * height, 0);
        {
            std::lock_guard lock(s.mutex);
            s.width = width;
            s.height = height;
            s.staging.assign(s.framebuffer.size(), 0);
            s.dirty = { 0, 0, static_cast<int>(width), static_cast<int>(height) };
            s.has_dirty = true;
        }
        auto& hal = sim::hal_settings();
        hal.screen_width = width;
        hal.screen_height = height;
        hal.screen_pixels = s.framebuffer.data();
        kernel::deliver_input({ redox::ORB_EVENT_SCREEN, width, height });
    }

    // The character a key types without modifiers (KEY events' `a`), or 0.
    std::int64_t key_character(SDL_Keycode sym)
    {
        if (sym >= 0x20 && sym < 0x7f)
            return sym;
        switch (sym) {
        case SDLK_RETURN: case SDLK_KP_ENTER: return '\n';
        case SDLK_BACKSPACE: return '\b';
        case SDLK_TAB: return '\t';
        case SDLK_ESCAPE: return 0x1b;
        default: return 0;
        }
    }

    // Each UTF-8 code point of SDL's text input becomes a TEXT_INPUT event.
    void post_text(const char* text)
    {
        auto* p = reinterpret_cast<const unsigned char*>(text);
        while (*p) {
            std::uint32_t c = *p++;
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            c &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : extra == 1 ? 0x1F : 0x7F;
            for (; extra > 0 && (*p & 0xC0) == 0x80; --extra)
                c = c << 6 | (*p++ & 0x3F);
            post_input(redox::ORB_EVENT_TEXT_INPUT, c, 0);
        }
    }

    int button_bit(Uint8 button)
    {
        switch (button) {
        case SDL_BUTTON_LEFT: return 1;
        case SDL_BUTTON_MIDDLE: return 2;
        case SDL_BUTTON_RIGHT: return 4;
        default: return 0;
        }
    }

    void handle(Screen& s, const SDL_Event& e)
    {
        switch (e.type) {
        case SDL_KEYDOWN:
        case SDL_KEYUP: {
            std::uint8_t code = ps2_scancode(e.key.keysym.scancode);
            if (code)
                post_input(redox::ORB_EVENT_KEY, key_character(e.key.keysym.sym),
                    code | (e.type == SDL_KEYDOWN ? 0x100 : 0));
            break;
        }
        case SDL_TEXTINPUT:
            post_text(e.text.text);
            break;
        case SDL_MOUSEMOTION:
            post_input(redox::ORB_EVENT_MOUSE, e.motion.x, e.motion.y);
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            post_input(redox::ORB_EVENT_MOUSE, e.button.x, e.button.y);
            if (e.type == SDL_MOUSEBUTTONDOWN)
                s.buttons |= button_bit(e.button.button);
            else
                s.buttons &= ~button_bit(e.button.button);
            post_input(redox::ORB_EVENT_BUTTON, s.buttons, 0);
            break;
        case SDL_MOUSEWHEEL:
            post_input(redox::ORB_EVENT_SCROLL, e.wheel.x, e.wheel.y);
            break;
        case SDL_QUIT:
            // Closing the window shuts the system down: the display server hears QUIT and
            // shuts down through sys:kstop (which syncs the file system first); with no
            // display server running, the kernel stops at once.
            post_input(redox::ORB_EVENT_QUIT, 0, 0);
            sim::host_work_post([] {
                if (!kernel::the_kernel().input().has_readers())
                    kernel::the_kernel().request_shutdown(0);
            });
            break;
        default:
            break;
        }
    }

    void run(Screen& s, std::promise<bool>& started)
    {
        SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1"); // Ctrl-C stays the simulator's
        if (SDL_Init(SDL_INIT_VIDEO) != 0) {
            std::fprintf(stderr, "redox-sim: no display window: %s\n", SDL_GetError());
            started.set_value(false);
            return;
        }
        std::uint32_t w = s.options.width, h = s.options.height;
        SDL_Window* window = SDL_CreateWindow(s.options.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
            static_cast<int>(w), static_cast<int>(h), SDL_WINDOW_RESIZABLE);
        SDL_Renderer* renderer = window ? SDL_CreateRenderer(window, -1, 0) : nullptr;
        SDL_Texture* texture = renderer ? SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888,
                                              SDL_TEXTUREACCESS_STREAMING, static_cast<int>(w), static_cast<int>(h))
                                        : nullptr;
        if (!texture) {
            std::fprintf(stderr, "redox-sim: no display window: %s\n", SDL_GetError());
            if (renderer)
                SDL_DestroyRenderer(renderer);
            if (window)
                SDL_DestroyWindow(window);
            SDL_Quit();
            started.set_value(false);
            return;
        }
        // Resizing the host window resizes the screen (SCREEN to the display server); until
        // the new frame arrives SDL scales the old one and maps mouse positions back.
        SDL_RenderSetLogicalSize(renderer, static_cast<int>(w), static_cast<int>(h));
        SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_NONE);
        SDL_ShowCursor(SDL_DISABLE); // Orbital draws its own
        s.wake_event = SDL_RegisterEvents(1);
        started.set_value(true);

        bool redraw = true;
        SDL_Event e;
        while (!s.stopping.load()) {
            if (!SDL_WaitEvent(&e)) // blocks: an idle desktop costs no CPU here
                continue;
            do {
                if (e.type == s.wake_event) {
                    s.wake_pending.store(false);
                } else if (e.type == SDL_WINDOWEVENT) {
                    redraw = true;
                    if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                        auto width = static_cast<std::uint32_t>(std::max(e.window.data1, 320));
                        auto height = static_cast<std::uint32_t>(std::max(e.window.data2, 200));
                        sim::host_work_post([width, height] { resize_screen(width, height); });
                    }
                } else {
                    handle(s, e);
                }
            } while (SDL_PollEvent(&e));
            {
                std::lock_guard lock(s.mutex);
                if (s.width != w || s.height != h) { // the screen was resized: a texture to match
                    w = s.width;
                    h = s.height;
                    SDL_DestroyTexture(texture);
                    texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                        static_cast<int>(w), static_cast<int>(h));
                    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_NONE);
                    SDL_RenderSetLogicalSize(renderer, static_cast<int>(w), static_cast<int>(h));
                }
                if (s.has_dirty && texture) {
                    const std::uint32_t* first = s.staging.data() + static_cast<std::size_t>(s.dirty.y) * w + s.dirty.x;
                    SDL_UpdateTexture(texture, &s.dirty, first, static_cast<int>(w * 4));
                    s.has_dirty = false;
                    redraw = true;
                }
            }
            if (redraw) {
                SDL_RenderClear(renderer);
                SDL_RenderCopy(renderer, texture, nullptr, nullptr);
                SDL_RenderPresent(renderer);
                redraw = false;
            }
        }
        SDL_DestroyTexture(texture);
        SDL_DestroyRenderer(renderer);
        SDL_DestroyWindow(window);
        SDL_Quit();
    }

} // namespace

bool start(const Options& options)
{
    if (s_screen || options.width == 0 || options.height == 0)
        return false;
    auto* s = new Screen;
    s->options = options;
    std::size_t pixels = static_cast<std::size_t>(options.width) * options.height;
    s->framebuffer.assign(pixels, 0);
    s->staging.assign(pixels, 0);
    s->width = options.width;
    s->height = options.height;
    s_screen = s;
    std::promise<bool> started;
    auto result = started.get_future();
    s->thread = std::thread([s, &started] { run(*s, started); });
    if (!result.get()) {
        s->thread.join();
        delete s;
        s_screen = nullptr;
        return false;
    }
    sim::host_work_open();
    auto& hal = sim::hal_settings();
    hal.screen_width = options.width;
    hal.screen_height = options.height;
    hal.screen_pixels = s->framebuffer.data();
    hal.screen_present = present;
    return true;
}

void stop()
{
    Screen* s = s_screen;
    if (!s)
        return;
    sim::hal_settings().screen_width = 0;
    sim::hal_settings().screen_present = nullptr;
    s->stopping.store(true);
    SDL_Event wake {};
    wake.type = s->wake_event;
    SDL_PushEvent(&wake);
    s->thread.join();
    sim::host_work_close();
    delete s;
    s_screen = nullptr;
}

} // namespace orbital_sdl
