// screenshot [FILE]: writes the composited screen as a PNG (default $HOME/screenshot.png).
// The pixels come from orbitald's root-only `/scheme/orbital/screen` (a copy taken at
// open, fpath /scheme/orbital/screen/W/H); stb_image_write (Debian's libstb-dev) encodes them in
// memory with the project's allocator, and the file is written with the syscall library.
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "png_writer.h"

static int screenshot_main(int argc, char** argv, char** envp)
{
    ktl::String path;
    if (argc > 1) {
        path = argv[1];
    } else {
        path = io::env_get(envp, "HOME");
        if (path.is_empty())
            path = "/tmp";
        path.append("/screenshot.png");
    }
    long fd = sys::open("/scheme/orbital/screen", redox::O_RDONLY);
    if (fd < 0) {
        io::report_error("screenshot", "/scheme/orbital/screen", fd);
        return 1;
    }
    char name[64];
    long n = sys::fpath(static_cast<int>(fd), name, sizeof name - 1);
    i64 w = 0;
    i64 h = 0;
    // .../screen/W/H
    ktl::StringView text(name, n > 0 ? static_cast<usize>(n) : 0);
    isize first = text.find("screen/");
    if (first >= 0)
        first += 6;
    isize second = first < 0 ? -1 : text.find('/', static_cast<usize>(first) + 1);
    if (second < 0
        || !ktl::parse_i64(text.substring(static_cast<usize>(first) + 1, static_cast<usize>(second - first - 1)), w)
        || !ktl::parse_i64(text.substring(static_cast<usize>(second) + 1), h) || w <= 0 || h <= 0) {
        io::print(
            2, "screenshot: unexpected screen description '%.*s'\n", static_cast<int>(text.length()), text.chars());
        return 1;
    }
    ktl::Vector<u32> pixels;
    pixels.resize(static_cast<usize>(w * h));
    usize want = pixels.size() * sizeof(u32);
    usize got = 0;
    while (got < want) {
        long r = sys::read(static_cast<int>(fd), reinterpret_cast<u8*>(pixels.data()) + got, want - got);
        if (r <= 0) {
            io::report_error("screenshot", "/scheme/orbital/screen", r < 0 ? r : -redox::EIO);
            return 1;
        }
        got += static_cast<usize>(r);
    }
    sys::close(static_cast<int>(fd));

    ktl::Vector<u8> png;
    if (!png::encode(pixels.data(), static_cast<i32>(w), static_cast<i32>(h), png)) {
        io::print(2, "screenshot: PNG encoding failed\n");
        return 1;
    }
    long out = sys::open(path, redox::O_WRONLY | redox::O_CREAT | redox::O_TRUNC | 0644);
    if (out < 0) {
        io::report_error("screenshot", path, out);
        return 1;
    }
    long r = io::write_all(static_cast<int>(out), png.data(), png.size());
    sys::close(static_cast<int>(out));
    if (r < 0) {
        io::report_error("screenshot", path, r);
        return 1;
    }
    io::print(1, "screenshot: %s (%ldx%ld, %zu bytes)\n", path.c_str(), static_cast<long>(w), static_cast<long>(h),
        png.size());
    return 0;
}

REDOX_PROGRAM("screenshot", screenshot_main)
