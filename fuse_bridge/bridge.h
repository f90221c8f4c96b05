#pragma once
// The FUSE bridge: the running system's whole namespace at a Linux mount point (issue 4).
//
//   MOUNT/...              -> the Redox path /...            (the `file` scheme)
//   MOUNT/scheme           -> /scheme                        (the list of schemes)
//   MOUNT/scheme/NAME/...  -> /scheme/NAME/...               (served like Linux pseudo-files)
//
// Requests flow: the core's thread reads /dev/fuse itself (a host source, sim/hal/host_work.h:
// when idle it sleeps on the fd, when busy it looks every 50 µs), libfuse's low-level API
// turns each request into a Request, which is posted as host work and queued on a kernel
// HostRequestQueue (kernel_core/host_bridge.h), where a pool of proxy contexts (the
// `fuse-proxy` process and its threads, started at boot) take it, act as the Linux caller's
// uid/gid, perform it with the project's syscalls (apps/lib/redox/sys.h) and answer with
// fuse_reply_*. A proxy blocked in a slow call blocks only itself.
#include <string>

namespace fuse_bridge {

class Bridge;

// Mounts at `mountpoint` (creating the directory if needed, cleaning up a stale mount left by
// a crashed run) and makes /dev/fuse a host source of the core's thread; queues the start of
// the proxy contexts, which happens as soon as the kernel runs. On failure prints one
// warning and returns null: the simulator runs without the mount.
Bridge* start(const std::string& mountpoint);

// From any thread, when the simulator must end at once (sim/host_signals.h): unmounts.
void unmount_for_exit();

// After the kernel stopped: answers waiting requests EIO, unmounts and frees the bridge.
void stop(Bridge* bridge);

} // namespace fuse_bridge
