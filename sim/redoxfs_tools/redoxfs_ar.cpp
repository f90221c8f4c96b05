// redoxfs-ar IMAGE DIR: builds an image holding a copy of a host directory tree.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <random>
#include <sys/stat.h>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "tool_support.h"

using namespace redoxfs;
using namespace redoxfs::tools;
namespace stdfs = std::filesystem;

namespace {

struct Archiver {
    FileSystem& fs;
    bool keep_owner;
    u64 since_commit { 0 };
    bool ok { true };

    bool check(const ErrorOr<void>& result, const stdfs::path& path)
    {
        if (!result.is_error())
            return true;
        std::cerr << "redoxfs-ar: " << path.string() << ": " << describe(fs, result.error()) << "\n";
        ok = false;
        return false;
    }
    // Commits now and then so the changes held in memory stay small.
    void maybe_commit(const stdfs::path& path, u64 bytes)
    {
        since_commit += bytes + BLOCK_SIZE;
        if (since_commit > (64u << 20)) {
            check(fs.commit(), path);
            since_commit = 0;
        }
    }
    void finish(u32 id, const struct stat& st, const stdfs::path& path)
    {
        if (keep_owner)
            check(fs.chown(id, st.st_uid, st.st_gid), path);
        check(fs.utimens(id, { st.st_atim.tv_sec, static_cast<u32>(st.st_atim.tv_nsec) },
                  { st.st_mtim.tv_sec, static_cast<u32>(st.st_mtim.tv_nsec) }),
            path);
    }
    void add_directory(u32 dir, const stdfs::path& host)
    {
        std::vector<stdfs::path> children;
        std::error_code ec;
        for (auto& entry : stdfs::directory_iterator(host, ec))
            children.push_back(entry.path());
        if (ec) {
            std::cerr << "redoxfs-ar: " << host.string() << ": " << ec.message() << "\n";
            ok = false;
            return;
        }
        std::sort(children.begin(), children.end());
        for (auto& child : children)
            add(dir, child);
    }
    void add(u32 dir, const stdfs::path& host)
    {
        struct stat st {};
        if (::lstat(host.c_str(), &st) != 0) {
            std::cerr << "redoxfs-ar: " << host.string() << ": cannot stat\n";
            ok = false;
            return;
        }
        std::string name = host.filename().string();
        StringView view(name.c_str(), name.size());
        u32 perm = st.st_mode & 07777;
        if (S_ISDIR(st.st_mode)) {
            auto id = fs.mkdir(dir, view, perm, 0, 0);
            if (!check(id.is_error() ? ErrorOr<void>(id.error()) : ErrorOr<void>(), host))
                return;
            add_directory(id.value(), host);
            finish(id.value(), st, host);
        } else if (S_ISLNK(st.st_mode)) {
            std::error_code ec;
            std::string target = stdfs::read_symlink(host, ec).string();
            auto id = fs.symlink(dir, view, StringView(target.c_str(), target.size()), 0, 0);
            if (check(id.is_error() ? ErrorOr<void>(id.error()) : ErrorOr<void>(), host))
                finish(id.value(), st, host);
        } else if (S_ISREG(st.st_mode)) {
            auto id = fs.create(dir, view, redox::MODE_FILE | perm, 0, 0);
            if (!check(id.is_error() ? ErrorOr<void>(id.error()) : ErrorOr<void>(), host))
                return;
            std::ifstream in(host, std::ios::binary);
            std::vector<char> buffer(1 << 20);
            u64 offset = 0;
            while (in) {
                in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                auto n = static_cast<usize>(in.gcount());
                if (n == 0)
                    break;
                auto written = fs.write(id.value(), offset, buffer.data(), n);
                if (!check(written.is_error() ? ErrorOr<void>(written.error()) : ErrorOr<void>(), host))
                    return;
                offset += n;
                maybe_commit(host, n);
            }
            finish(id.value(), st, host);
        } else {
            std::cerr << "redoxfs-ar: " << host.string() << ": skipped (not a file, directory or symlink)\n";
        }
        maybe_commit(host, 0);
    }
};

u64 tree_bytes(const stdfs::path& dir)
{
    u64 total = 0;
    std::error_code ec;
    for (auto it = stdfs::recursive_directory_iterator(dir, ec); it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        total += BLOCK_SIZE * 2; // a node and some table or directory space
        if (it->is_regular_file(ec) && !it->is_symlink(ec))
            total += (it->file_size(ec) + BLOCK_SIZE - 1) / BLOCK_SIZE * BLOCK_SIZE;
    }
    return total;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "Create a RedoxFS image holding a copy of a host directory tree (files, directories, "
                   "symlinks, permission bits and times)." };
    std::string image, dir, size_text;
    bool keep_owner = false;
    app.add_option("IMAGE", image, "image file to create (replaced if it exists)")->required();
    app.add_option("DIR", dir, "host directory whose contents become the root")->required()->check(CLI::ExistingDirectory);
    app.add_option("--size", size_text, "image size (e.g. 256M); default: the tree's size plus room");
    app.add_flag("--keep-owner", keep_owner, "keep host uid/gid (default: everything owned by root)");
    CLI11_PARSE(app, argc, argv);

    u64 bytes = size_text.empty() ? tree_bytes(dir) * 5 / 4 + (16u << 20) : parse_size(size_text);
    if (bytes / BLOCK_SIZE < HEADER_RING + 64) {
        std::cerr << "redoxfs-ar: size '" << size_text << "' is invalid or too small\n";
        return 2;
    }
    std::string error;
    std::unique_ptr<FileBlockDevice> device(FileBlockDevice::create(image, bytes, error));
    if (!device) {
        std::cerr << "redoxfs-ar: " << error << "\n";
        return 1;
    }
    MkfsOptions options;
    std::random_device random;
    for (auto& byte : options.uuid)
        byte = static_cast<u8>(random());
    options.now = now();
    struct stat root {};
    ::stat(dir.c_str(), &root);
    options.root_mode = root.st_mode & 07777;
    if (FileSystem::mkfs(*device, options).is_error()) {
        std::cerr << "redoxfs-ar: " << image << ": mkfs failed\n";
        return 1;
    }
    FileSystem fs(*device);
    if (auto mounted = fs.mount(); mounted.is_error()) {
        std::cerr << "redoxfs-ar: " << image << ": " << describe(fs, mounted.error()) << "\n";
        return 1;
    }
    fs.set_time(options.now);
    Archiver archiver { fs, keep_owner };
    archiver.add_directory(fs.root_id(), dir);
    archiver.finish(fs.root_id(), root, dir);
    archiver.check(fs.commit(), image);
    FsStat st = fs.statvfs();
    std::cout << image << ": " << st.nodes << " nodes, " << (st.blocks - st.free_blocks) << " of " << st.blocks
              << " blocks used\n";
    return archiver.ok ? 0 : 1;
}
