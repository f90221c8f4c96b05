#include "disk_image.h"
#include "hal/sim_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sim {

namespace {

    constexpr std::uint64_t BLOCK = 4096;

    bool fail(const std::string& path, const char* what)
    {
        std::fprintf(stderr, "redox-sim: %s: %s\n", path.c_str(), what);
        return false;
    }

    // mkdir -p for the directory holding PATH.
    bool make_parent_directories(const std::string& path)
    {
        for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
            std::string prefix = path.substr(0, slash);
            if (mkdir(prefix.c_str(), 0755) < 0 && errno != EEXIST)
                return fail(prefix, std::strerror(errno));
        }
        return true;
    }

} // namespace

std::string default_image_path()
{
    const char* data_home = std::getenv("XDG_DATA_HOME");
    if (data_home && data_home[0] == '/')
        return std::string(data_home) + "/redox-sim/disk.img";
    const char* home = std::getenv("HOME");
    if (home && home[0] == '/')
        return std::string(home) + "/.local/share/redox-sim/disk.img";
    return {};
}

bool open_disk_image(const ImageRequest& request, bool& created)
{
    created = false;
    const std::string& path = request.path;
    if (!make_parent_directories(path))
        return false;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(path, std::strerror(errno));
    // Two simulators writing one image would corrupt it: the second one is refused.
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        if (errno == EWOULDBLOCK)
            return fail(path, "in use by another redox-sim (give it another --image, or run with --memory)");
        return fail(path, std::strerror(errno));
    }
    struct stat st {};
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(path, S_ISREG(st.st_mode) ? std::strerror(errno) : "not a regular file");
    }
    if (request.fresh && st.st_size > 0) {
        // Truncating (not unlinking) keeps the lock on the same file.
        if (ftruncate(fd, 0) < 0) {
            close(fd);
            return fail(path, std::strerror(errno));
        }
        std::fprintf(stderr, "redox-sim: %s: starting from a fresh image (the old contents are gone)\n", path.c_str());
        st.st_size = 0;
    }
    if (st.st_size == 0) {
        std::uint64_t size = request.new_size & ~(BLOCK - 1);
        if (size < (1u << 20)) {
            close(fd);
            return fail(path, "--image-size must be at least 1M");
        }
        if (ftruncate(fd, static_cast<off_t>(size)) < 0) {
            close(fd);
            return fail(path, std::strerror(errno));
        }
        st.st_size = static_cast<off_t>(size);
        created = true;
    }
    if (static_cast<std::uint64_t>(st.st_size) < BLOCK) {
        close(fd);
        return fail(path, "too small for a disk image");
    }
    hal_settings().disk_fd = fd;
    hal_settings().disk_blocks = static_cast<std::uint64_t>(st.st_size) / BLOCK;
    return true;
}

} // namespace sim
