// redoxfs-mkfs IMAGE SIZE: creates an image file of SIZE bytes holding an empty RedoxFS.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <random>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "tool_support.h"

using namespace redoxfs;
using namespace redoxfs::tools;

int main(int argc, char** argv)
{
    CLI::App app { "Create an image file holding an empty RedoxFS file system (root directory only)." };
    std::string image, size_text;
    app.add_option("IMAGE", image, "image file to create (replaced if it exists)")->required();
    app.add_option("SIZE", size_text, "size in bytes, or with a K/M/G/T suffix (e.g. 64M)")->required();
    CLI11_PARSE(app, argc, argv);

    u64 bytes = parse_size(size_text);
    if (bytes / BLOCK_SIZE < HEADER_RING + 64) {
        std::cerr << "redoxfs-mkfs: size '" << size_text << "' is invalid or below " << (HEADER_RING + 64) * BLOCK_SIZE / 1024
                  << " KiB\n";
        return 2;
    }
    std::string error;
    std::unique_ptr<FileBlockDevice> device(FileBlockDevice::create(image, bytes, error));
    if (!device) {
        std::cerr << "redoxfs-mkfs: " << error << "\n";
        return 1;
    }
    MkfsOptions options;
    std::random_device random;
    for (auto& byte : options.uuid)
        byte = static_cast<u8>(random());
    options.now = now();
    auto made = FileSystem::mkfs(*device, options);
    if (made.is_error()) {
        std::cerr << "redoxfs-mkfs: " << image << ": " << redox::error_string(made.error().code) << "\n";
        return 1;
    }
    std::cout << image << ": " << device->block_count() << " blocks of " << BLOCK_SIZE << " bytes\n";
    return 0;
}
