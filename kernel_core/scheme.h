#pragma once
// The Scheme interface: every resource is served by a scheme. Kernel schemes implement it
// directly; UserScheme forwards each call to a daemon. Every operation defaults to an
// error, as in Redox, so a scheme implements only what it supports.
#include "abi/redox/dirent.h"
#include "abi/redox/errno.h"
#include "abi/redox/structs.h"
#include "ktl/ref_ptr.h"
#include "ktl/result.h"
#include "ktl/string.h"

namespace kernel {

using ktl::Error;
using ktl::ErrorOr;
using ktl::StringView;

inline Error errno_error(int code) { return Error::from_errno(code); }

// Who is asking: schemes enforce their own permissions from these effective ids.
struct Caller {
    u32 pid;
    u32 uid;
    u32 gid;
};

class Scheme : public ktl::RefCounted<Scheme> {
public:
    virtual ~Scheme() = default;

    const ktl::String& name() const { return m_name; }
    void set_name(StringView name) { m_name = name; }

    // `path` is the reference inside the scheme (no scheme prefix, canonical for new-style
    // paths). Returns the scheme's handle for the new open file.
    virtual ErrorOr<usize> open(StringView, unsigned long /*flags*/, const Caller&)
    {
        return errno_error(redox::ENOENT);
    }
    virtual ErrorOr<usize> read(usize, void*, usize, u64 /*offset*/, unsigned long /*flags*/, const Caller&)
    {
        return errno_error(redox::EBADF);
    }
    virtual ErrorOr<usize> write(usize, const void*, usize, u64 /*offset*/, unsigned long /*flags*/, const Caller&)
    {
        return errno_error(redox::EBADF);
    }
    // Size for SEEK_END; ESPIPE for streams.
    virtual ErrorOr<u64> fsize(usize) { return errno_error(redox::ESPIPE); }
    virtual void close(usize) {}
    virtual ErrorOr<usize> dup(usize, StringView, const Caller&) { return errno_error(redox::EBADF); }
    virtual ErrorOr<usize> fpath(usize, char*, usize) { return errno_error(redox::EBADF); }
    virtual ErrorOr<void> fstat(usize, redox::Stat&) { return errno_error(redox::EBADF); }
    virtual ErrorOr<void> fstatvfs(usize, redox::StatVfs&) { return errno_error(redox::ENOSYS); }
    virtual ErrorOr<void> fsync(usize) { return {}; }
    virtual ErrorOr<void> ftruncate(usize, u64) { return errno_error(redox::EINVAL); }
    virtual ErrorOr<void> fchmod(usize, u16, const Caller&) { return errno_error(redox::EPERM); }
    virtual ErrorOr<void> fchown(usize, u32, u32, const Caller&) { return errno_error(redox::EPERM); }
    virtual ErrorOr<void> futimens(usize, const redox::TimeSpec*, usize, const Caller&)
    {
        return errno_error(redox::EPERM);
    }
    virtual ErrorOr<void> frename(usize, StringView, const Caller&) { return errno_error(redox::EXDEV); }
    virtual ErrorOr<void> flink(usize, StringView, const Caller&) { return errno_error(redox::EXDEV); }
    virtual ErrorOr<void> unlink(StringView, unsigned long /*flags*/, const Caller&)
    {
        return errno_error(redox::ENOENT);
    }
    // Fills DirentHeader records from the opaque position; 0 at the end.
    virtual ErrorOr<usize> getdents(usize, void*, usize, u64) { return errno_error(redox::ENOTDIR); }
    // Readiness now, for event queues (EVENT_READ / EVENT_WRITE bits).
    virtual ErrorOr<usize> fevent(usize, usize /*flags*/) { return errno_error(redox::EBADF); }
    virtual ErrorOr<usize> fcntl(usize, int, usize) { return 0; }
    // Memory backing [offset, offset + size) of the file, shared with the scheme (fmap).
    // Every context shares one address space, so the scheme returns its own address; the
    // kernel keeps the file open while the mapping exists. ENODEV: not mappable.
    virtual ErrorOr<usize> fmap(usize, u64 /*offset*/, usize /*size*/, u64 /*flags*/, const Caller&)
    {
        return errno_error(redox::ENODEV);
    }
    // A mapping fmap returned at `address` has ended (funmap, exec or exit); its file is
    // still open. Schemes that hand out memory per mapping (memory:dma) free it here.
    virtual void funmap(usize /*handle*/, usize /*address*/, usize /*size*/) {}

private:
    ktl::String m_name;
};

// The checks every device scheme (disk, display, input) makes at open: the device's one
// path, root only (drivers and display servers, as in Redox), and not a directory.
ErrorOr<void> check_device_open(bool known_path, unsigned long flags, const Caller& caller);

// Fills one getdents record; returns its length, or 0 when it does not fit.
using redox::write_dirent;

} // namespace kernel
