// Host side: the redoxfs-* tools' shared helpers.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "tool_support.h"

namespace redoxfs::tools {

u64 parse_size(const std::string& text)
{
    if (text.empty())
        return 0;
    usize digits = 0;
    u64 value = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        value = value * 10 + static_cast<u64>(text[digits] - '0');
        ++digits;
    }
    if (digits == 0)
        return 0;
    std::string unit = text.substr(digits);
    if (unit.empty() || unit == "B")
        return value;
    const char* units = "KMGT";
    for (int i = 0; i < 4; ++i)
        if (unit == std::string(1, units[i]) || unit == std::string(1, units[i]) + "iB" || unit == std::string(1, units[i]) + "B")
            return value << (10 * (i + 1));
    return 0;
}

std::string describe(FileSystem& fs, ktl::Error error)
{
    std::string text = redox::error_string(error.code);
    if (!fs.last_error().is_empty())
        text += std::string(" (") + std::string(fs.last_error().chars(), fs.last_error().length()) + ")";
    return text;
}

bool open_image(const std::string& path, bool writable, Image& image)
{
    std::string error;
    image.device.reset(FileBlockDevice::open(path, writable, error));
    if (!image.device) {
        std::cerr << error << "\n";
        return false;
    }
    image.fs = std::make_unique<FileSystem>(*image.device);
    auto mounted = image.fs->mount();
    if (mounted.is_error()) {
        std::cerr << path << ": " << describe(*image.fs, mounted.error()) << "\n";
        return false;
    }
    return true;
}

ErrorOr<u32> resolve(FileSystem& fs, const std::string& path, bool follow_last)
{
    std::vector<std::string> parts;
    std::string part;
    for (char c : path + "/") {
        if (c != '/') {
            part += c;
            continue;
        }
        if (!part.empty() && part != ".")
            parts.push_back(part);
        part.clear();
    }
    std::vector<u32> stack { fs.root_id() }; // the directories walked through
    int hops = 0;
    for (usize i = 0; i < parts.size(); ++i) {
        if (parts[i] == "..") {
            if (stack.size() > 1)
                stack.pop_back();
            continue;
        }
        u32 id = TRY(fs.lookup(stack.back(), StringView(parts[i].c_str(), parts[i].size())));
        NodeStat st = TRY(fs.stat(id));
        bool last = i + 1 == parts.size();
        if ((st.mode & redox::MODE_TYPE) == redox::MODE_SYMLINK && (!last || follow_last)) {
            if (++hops > 40)
                return Error::from_errno(redox::ELOOP);
            String target = TRY(fs.readlink(id));
            // Splice the target in place of this component and go on from there.
            std::vector<std::string> rest;
            std::string piece;
            for (char c : std::string(target.c_str()) + "/") {
                if (c != '/') {
                    piece += c;
                    continue;
                }
                if (!piece.empty() && piece != ".")
                    rest.push_back(piece);
                piece.clear();
            }
            if (target.c_str()[0] == '/')
                stack.resize(1);
            rest.insert(rest.end(), parts.begin() + static_cast<long>(i) + 1, parts.end());
            parts = rest;
            i = static_cast<usize>(-1);
            continue;
        }
        if (!last && (st.mode & redox::MODE_TYPE) != redox::MODE_DIR)
            return Error::from_errno(redox::ENOTDIR);
        stack.push_back(id);
    }
    return stack.back();
}

Time now()
{
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return { ns / 1'000'000'000, static_cast<u32>(ns % 1'000'000'000) };
}

std::string mode_string(u32 mode)
{
    std::string s;
    switch (mode & redox::MODE_TYPE) {
    case redox::MODE_DIR: s = "d"; break;
    case redox::MODE_SYMLINK: s = "l"; break;
    case redox::MODE_FIFO: s = "p"; break;
    case redox::MODE_CHR: s = "c"; break;
    default: s = "-"; break;
    }
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        s += (mode >> (8 - i)) & 1 ? rwx[i] : '-';
    return s;
}

} // namespace redoxfs::tools
