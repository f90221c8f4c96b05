// redoxfs-fsck IMAGE: checks every checksum, reachability, link counts and free space.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "../../kernel_core/abi/redox/undef_host_macros.h"

#include "fsck.h"
#include "tool_support.h"

using namespace redoxfs;
using namespace redoxfs::tools;

int main(int argc, char** argv)
{
    CLI::App app { "Check a RedoxFS image: every block checksum, reachability, link counts and free-space "
                   "accounting. Exits 0 when clean, 1 with a report when not, 2 on usage errors." };
    std::string image;
    bool quiet = false;
    app.add_option("IMAGE", image, "image file")->required();
    app.add_flag("-q,--quiet", quiet, "print only the findings");
    CLI11_PARSE(app, argc, argv);

    std::string error;
    std::unique_ptr<FileBlockDevice> device(FileBlockDevice::open(image, false, error));
    if (!device) {
        std::cerr << "redoxfs-fsck: " << error << "\n";
        return 2;
    }
    FsckResult result = fsck(*device);
    if (!result.clean) {
        std::cout << image << ": errors found\n" << result.report.c_str();
        return 1;
    }
    if (!quiet)
        std::cout << image << ": clean, " << result.report.c_str();
    return 0;
}
