// redoxfs-extract IMAGE PATH DEST: copies a file or a directory tree out of an image.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "tool_support.h"

using namespace redoxfs;
using namespace redoxfs::tools;
namespace stdfs = std::filesystem;

namespace {

bool extract(FileSystem& fs, u32 id, const stdfs::path& dest)
{
    auto st = fs.stat(id);
    if (st.is_error()) {
        std::cerr << "redoxfs-extract: " << dest << ": " << describe(fs, st.error()) << "\n";
        return false;
    }
    NodeStat s = st.value();
    std::error_code ec;
    switch (s.mode & redox::MODE_TYPE) {
    case redox::MODE_DIR: {
        stdfs::create_directories(dest, ec);
        if (ec) {
            std::cerr << "redoxfs-extract: " << dest << ": " << ec.message() << "\n";
            return false;
        }
        bool ok = true;
        u64 cookie = 0;
        for (;;) {
            auto page = fs.readdir(id, cookie, 256);
            if (page.is_error()) {
                std::cerr << "redoxfs-extract: " << dest << ": " << describe(fs, page.error()) << "\n";
                return false;
            }
            for (const DirEntry& e : page.value().entries)
                ok = extract(fs, e.id, dest / e.name.c_str()) && ok;
            if (page.value().end)
                break;
            cookie = page.value().next_cookie;
        }
        ::chmod(dest.c_str(), s.mode & 07777);
        return ok;
    }
    case redox::MODE_SYMLINK: {
        auto target = fs.readlink(id);
        if (target.is_error()) {
            std::cerr << "redoxfs-extract: " << dest << ": " << describe(fs, target.error()) << "\n";
            return false;
        }
        stdfs::remove(dest, ec);
        stdfs::create_symlink(target.value().c_str(), dest, ec);
        if (ec) {
            std::cerr << "redoxfs-extract: " << dest << ": " << ec.message() << "\n";
            return false;
        }
        return true;
    }
    default: {
        std::ofstream out(dest, std::ios::binary | std::ios::trunc);
        if (!out) {
            std::cerr << "redoxfs-extract: " << dest << ": cannot create\n";
            return false;
        }
        std::vector<char> buffer(1 << 20);
        for (u64 offset = 0; offset < s.size;) {
            auto n = fs.read(id, offset, buffer.data(), buffer.size());
            if (n.is_error()) {
                std::cerr << "redoxfs-extract: " << dest << ": " << describe(fs, n.error()) << "\n";
                return false;
            }
            if (n.value() == 0)
                break;
            out.write(buffer.data(), static_cast<std::streamsize>(n.value()));
            offset += n.value();
        }
        out.close();
        ::chmod(dest.c_str(), s.mode & 07777);
        return static_cast<bool>(out);
    }
    }
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "Copy a file or a directory tree out of a RedoxFS image to the host." };
    std::string image, path, dest;
    app.add_option("IMAGE", image, "image file")->required();
    app.add_option("PATH", path, "path inside the image")->required();
    app.add_option("DEST", dest, "host path to create")->required();
    CLI11_PARSE(app, argc, argv);

    Image img;
    if (!open_image(image, false, img))
        return 1;
    auto id = resolve(*img.fs, path, false);
    if (id.is_error()) {
        std::cerr << "redoxfs-extract: " << path << ": " << describe(*img.fs, id.error()) << "\n";
        return 1;
    }
    return extract(*img.fs, id.value(), dest) ? 0 : 1;
}
