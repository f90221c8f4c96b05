#pragma once
// The boot disk image redox-sim serves the `file` scheme from (through redoxfsd).
// Without --image it is a per-user image: $XDG_DATA_HOME/redox-sim/disk.img, or
// ~/.local/share/redox-sim/disk.img. A new image is sparse and all zeros; redoxfsd
// formats it and init fills in the base tree on its first boot.
#include <cstdint>
#include <string>

namespace sim {

// The per-user default image path, or "" when neither XDG_DATA_HOME nor HOME is set.
std::string default_image_path();

struct ImageRequest {
    std::string path;
    std::uint64_t new_size = 0; // bytes, for an image created now
    bool fresh = false;         // throw away what the image holds and start over
};

// Opens (creating the directory and the file when missing) and locks the image, and
// hands it to the HAL (sim/hal/sim_state.h). The lock keeps a second redox-sim off an
// image in use. Prints why and returns false on failure; `created` says whether the
// image is new (blank).
bool open_disk_image(const ImageRequest& request, bool& created);

} // namespace sim
