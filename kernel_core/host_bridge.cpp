#include "host_bridge.h"

#include "context.h"
#include "file_table.h"
#include "hal/clock.h"
#include "kernel.h"
#include "klog.h"
#include "process.h"
#include "scheduler.h"
#include "scheme.h"
#include "signals.h"

namespace kernel {

void HostRequestQueue::post(HostRequest& request)
{
    m_requests.append(request);
    m_waiters.wake_one();
}

HostRequest& HostRequestQueue::take()
{
    Scheduler& scheduler = the_kernel().scheduler();
    for (;;) {
        if (HostRequest* request = m_requests.take_first())
            return *request;
        scheduler.block(&m_waiters, 0, false);
    }
}

void ContextLock::lock()
{
    while (m_held)
        the_kernel().scheduler().block(&m_waiters, 0, false);
    m_held = true;
}

void ContextLock::unlock()
{
    m_held = false;
    m_waiters.wake_one();
}

ErrorOr<u32> spawn_host_context(ktl::StringView name, HostContextEntry entry, void* argument)
{
    if (!entry)
        return errno_error(redox::EFAULT);
    if (name.is_empty() || name.length() > 255)
        return errno_error(redox::EINVAL);
    Context* init = the_kernel().contexts().find(1);
    if (!init)
        return errno_error(redox::ESRCH);
    ktl::Vector<ktl::String> args;
    args.append(name);
    u32 pid = TRY(start_context(*init, entry, argument, static_cast<ktl::Vector<ktl::String>&&>(args)));
    KLOG_INFO(
        "proc", "host bridge context '%.*s' started as pid %u", static_cast<int>(name.length()), name.chars(), pid);
    return pid;
}

bool signal_host_context(u32 pid, int signal)
{
    Context* context = the_kernel().contexts().find(pid);
    if (!context || context->state == ContextState::Zombie)
        return false;
    raise_signal(*context, signal);
    return true;
}

void set_current_identity(u32 uid, u32 gid)
{
    Credentials& credentials = current().credentials;
    credentials.ruid = credentials.euid = uid;
    credentials.rgid = credentials.egid = gid;
}

} // namespace kernel
