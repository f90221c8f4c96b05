// iopl (Redox 110): a root process asks for port I/O, as Redox drivers do before touching
// their devices. Bare metal runs everything in ring 0, so the flag is only recorded there;
// the simulator's driver proxies check it (current_has_io_privilege) before every port access.
#include "../host_bridge.h"
#include "../kernel.h"
#include "../scheduler.h"
#include "common.h"

namespace kernel {

bool current_has_io_privilege()
{
    Scheduler& scheduler = the_kernel().scheduler();
    return scheduler.has_current() && scheduler.current().io_privilege;
}

} // namespace kernel

namespace kernel::syscalls {

// iopl(level): level 0 gives the privilege up, 1-3 grant it (x86 knows no finer grain that
// matters here). Root only.
Result sys_iopl(usize level, usize, usize, usize, usize)
{
    Context& self = current();
    if (self.credentials.euid != 0)
        return errno_error(redox::EPERM);
    if (level > 3)
        return errno_error(redox::EINVAL);
    self.io_privilege = level != 0;
    return 0u;
}

} // namespace kernel::syscalls
