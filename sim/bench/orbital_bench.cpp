// orbital-bench: the Orbital compositor (schemes/orbital: the real server core the desktop
// runs) against SDL2's software blitter composing the same scene, side by side in one run.
// The scene is the issue's: 16 overlapping opaque 800x600 windows on a 1920x1080 screen.
//   full redraw   every window presents all its pixels each frame (fsync)
//   damage only   one window presents a 64x64 rectangle each frame (a blinking cursor)
//   cursor        a mouse move: the pointer is redrawn where it was and where it is
// SDL's side does what a simple SDL compositor does for the same frame: clear, then blit
// every window back to front, clipped to the changed rectangle.
#include "../../schemes/orbital/server.h"
#include "../../kernel_core/abi/redox/flags.h"

#include <SDL2/SDL.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr int SCREEN_W = 1920, SCREEN_H = 1080, WIN_W = 800, WIN_H = 600, WINDOWS = 16;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Place {
    int x, y;
};
Place place(int i) { return { 40 + 64 * i, 30 + 28 * i }; }

std::uint32_t pattern(int i, int x, int y) { return 0xFF000000u | ((i * 0x0F0F0Fu) ^ ((x * 3u) << 8) ^ (y * 5u)); }

struct Results {
    double full_fps, damage_fps, cursor_ns;
};

Results orbital_side(int frames)
{
    std::vector<std::uint32_t> screen(static_cast<std::size_t>(SCREEN_W) * SCREEN_H);
    orbital::Server server;
    server.set_screen(screen.data(), SCREEN_W, SCREEN_H, SCREEN_W);
    std::vector<std::uint64_t> windows;
    for (int i = 0; i < WINDOWS; ++i) {
        Place p = place(i);
        std::string path = "/" + std::to_string(p.x) + "/" + std::to_string(p.y) + "/" + std::to_string(WIN_W) + "/"
            + std::to_string(WIN_H) + "/w" + std::to_string(i);
        auto handle = server.open(ktl::StringView(path.c_str(), path.size()), redox::O_RDWR, 0);
        if (handle.is_error()) {
            std::fprintf(stderr, "orbital-bench: open %s: error %d\n", path.c_str(), handle.error().code);
            std::exit(1);
        }
        windows.push_back(handle.value());
        auto address = server.mmap_prep(handle.value(), 0, WIN_W * WIN_H * 4, 0);
        auto* pixels = reinterpret_cast<std::uint32_t*>(address.value());
        for (int y = 0; y < WIN_H; ++y)
            for (int x = 0; x < WIN_W; ++x)
                pixels[y * WIN_W + x] = pattern(i, x, y);
        (void)server.fsync(handle.value());
    }
    server.compose();
    server.clear_presented();

    Results r {};
    auto start = Clock::now();
    for (int f = 0; f < frames; ++f) {
        for (std::uint64_t w : windows)
            (void)server.fsync(w);
        server.compose();
        server.clear_presented();
    }
    r.full_fps = frames / seconds_since(start);

    const char damage[] = "Y,100,100,64,64";
    start = Clock::now();
    for (int f = 0; f < frames * 20; ++f) {
        (void)server.write(windows[static_cast<std::size_t>(f) % windows.size()], damage, sizeof damage - 1);
        server.compose();
        server.clear_presented();
    }
    r.damage_fps = frames * 20 / seconds_since(start);

    start = Clock::now();
    int moves = frames * 20;
    for (int f = 0; f < moves; ++f) {
        server.handle_input({ redox::ORB_EVENT_MOUSE, 300 + f % 500, 300 + f % 300 });
        server.compose();
        server.clear_presented();
    }
    r.cursor_ns = seconds_since(start) * 1e9 / moves;
    for (std::uint64_t w : windows)
        server.close(w);
    return r;
}

Results sdl_side(int frames)
{
    SDL_Surface* screen = SDL_CreateRGBSurfaceWithFormat(0, SCREEN_W, SCREEN_H, 32, SDL_PIXELFORMAT_ARGB8888);
    std::vector<SDL_Surface*> windows;
    for (int i = 0; i < WINDOWS; ++i) {
        SDL_Surface* s = SDL_CreateRGBSurfaceWithFormat(0, WIN_W, WIN_H, 32, SDL_PIXELFORMAT_ARGB8888);
        auto* pixels = static_cast<std::uint32_t*>(s->pixels);
        for (int y = 0; y < WIN_H; ++y)
            for (int x = 0; x < WIN_W; ++x)
                pixels[y * (s->pitch / 4) + x] = pattern(i, x, y);
        SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE);
        windows.push_back(s);
    }
    auto frame = [&](const SDL_Rect* clip) {
        SDL_SetClipRect(screen, clip);
        SDL_FillRect(screen, clip, 0xFF203040u);
        for (int i = 0; i < WINDOWS; ++i) {
            SDL_Rect at { place(i).x, place(i).y, WIN_W, WIN_H };
            SDL_BlitSurface(windows[static_cast<std::size_t>(i)], nullptr, screen, &at);
        }
    };
    Results r {};
    auto start = Clock::now();
    for (int f = 0; f < frames; ++f)
        frame(nullptr);
    r.full_fps = frames / seconds_since(start);
    start = Clock::now();
    for (int f = 0; f < frames * 20; ++f) {
        Place p = place(f % WINDOWS);
        SDL_Rect damage { p.x + 100, p.y + 100, 64, 64 };
        frame(&damage);
    }
    r.damage_fps = frames * 20 / seconds_since(start);
    // The pointer: the old and the new place (16x16 each), recomposited.
    start = Clock::now();
    int moves = frames * 20;
    for (int f = 0; f < moves; ++f) {
        SDL_Rect old_place { 300 + (f + 499) % 500, 300 + (f + 299) % 300, 16, 16 };
        SDL_Rect new_place { 300 + f % 500, 300 + f % 300, 16, 16 };
        frame(&old_place);
        frame(&new_place);
    }
    r.cursor_ns = seconds_since(start) * 1e9 / moves;
    for (SDL_Surface* s : windows)
        SDL_FreeSurface(s);
    SDL_FreeSurface(screen);
    return r;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "orbital-bench: the Orbital compositor vs SDL2's software blitter, one scene, one run",
        "orbital-bench" };
    int frames = 200;
    bool quick = false;
    app.add_option("--frames", frames, "Full-redraw frames (damage and cursor runs do 20x as many)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    app.add_flag("--quick", quick, "A few frames only (smoke test)");
    CLI11_PARSE(app, argc, argv);
    if (quick)
        frames = 5;
    Results orbital = orbital_side(frames);
    Results sdl = sdl_side(frames);
    std::printf("16 overlapping %dx%d windows on a %dx%d screen, %d full frames\n\n", WIN_W, WIN_H, SCREEN_W, SCREEN_H,
        frames);
    std::printf("%-44s %12s %12s %9s %10s\n", "benchmark", "orbital", "SDL2 blit", "ratio", "target");
    std::printf("%-44s %12.1f %12.1f %8.2fx %10s\n", "full redraw (fps)", orbital.full_fps, sdl.full_fps,
        orbital.full_fps / sdl.full_fps, "-");
    std::printf("%-44s %12.1f %12.1f %8.2fx %10s\n", "damage only, 64x64 per frame (fps)", orbital.damage_fps,
        sdl.damage_fps, orbital.damage_fps / sdl.damage_fps, ">=240 fps");
    std::printf("%-44s %12.1f %12.1f %8.2fx %10s\n", "mouse move: input to composited (ns)", orbital.cursor_ns,
        sdl.cursor_ns, sdl.cursor_ns / orbital.cursor_ns, "-");
    return 0;
}
