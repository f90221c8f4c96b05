#include "sys.h"

namespace sys {

long mkdir(StringView path, ulong mode)
{
    long fd = open(path, redox::O_CREAT | redox::O_DIRECTORY | redox::O_EXCL | redox::O_RDONLY | (mode & 0777));
    if (fd < 0)
        return fd;
    close(static_cast<int>(fd));
    return 0;
}

void exit(int status)
{
    call(redox::SYS_exit, static_cast<ulong>(status));
    __builtin_unreachable();
}

} // namespace sys
