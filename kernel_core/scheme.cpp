// Helpers every scheme may use (scheme.h).
#include "scheme.h"

#include "abi/redox/flags.h"

namespace kernel {

ErrorOr<void> check_device_open(bool known_path, unsigned long flags, const Caller& caller)
{
    if (!known_path)
        return errno_error(redox::ENOENT);
    if (caller.uid != 0)
        return errno_error(redox::EACCES);
    if (flags & redox::O_DIRECTORY)
        return errno_error(redox::ENOTDIR);
    return {};
}

} // namespace kernel
