// redoxfs-ls IMAGE [PATH]: lists a directory (or shows a file) inside an image.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "tool_support.h"

using namespace redoxfs;
using namespace redoxfs::tools;

namespace {

void print(FileSystem& fs, u32 id, const std::string& name, bool longer)
{
    if (!longer) {
        std::cout << name << "\n";
        return;
    }
    auto st = fs.stat(id);
    if (st.is_error()) {
        std::cout << "?????????? " << name << " (" << describe(fs, st.error()) << ")\n";
        return;
    }
    NodeStat s = st.value();
    std::cout << mode_string(s.mode) << " " << std::setw(3) << s.links << " " << std::setw(5) << s.uid << " " << std::setw(5)
              << s.gid << " " << std::setw(10) << s.size << " " << name;
    if ((s.mode & redox::MODE_TYPE) == redox::MODE_SYMLINK) {
        auto target = fs.readlink(id);
        if (!target.is_error())
            std::cout << " -> " << target.value().c_str();
    }
    std::cout << "\n";
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "List a directory inside a RedoxFS image (or show one file)." };
    std::string image, path = "/";
    bool longer = false;
    app.add_option("IMAGE", image, "image file")->required();
    app.add_option("PATH", path, "path inside the image (default /)");
    app.add_flag("-l,--long", longer, "mode, links, uid, gid, size and symlink targets");
    CLI11_PARSE(app, argc, argv);

    Image img;
    if (!open_image(image, false, img))
        return 1;
    FileSystem& fs = *img.fs;
    auto id = resolve(fs, path, !longer); // -l shows a symlink itself
    if (id.is_error()) {
        std::cerr << "redoxfs-ls: " << path << ": " << describe(fs, id.error()) << "\n";
        return 1;
    }
    NodeStat st = fs.stat(id.value()).release_value();
    if ((st.mode & redox::MODE_TYPE) != redox::MODE_DIR) {
        print(fs, id.value(), path, longer);
        return 0;
    }
    std::vector<std::pair<std::string, u32>> entries;
    u64 cookie = 0;
    for (;;) {
        auto page = fs.readdir(id.value(), cookie, 256);
        if (page.is_error()) {
            std::cerr << "redoxfs-ls: " << path << ": " << describe(fs, page.error()) << "\n";
            return 1;
        }
        for (const DirEntry& e : page.value().entries)
            entries.emplace_back(e.name.c_str(), e.id);
        if (page.value().end)
            break;
        cookie = page.value().next_cookie;
    }
    std::sort(entries.begin(), entries.end());
    for (auto& [name, entry_id] : entries)
        print(fs, entry_id, name, longer);
    return 0;
}
