#pragma once
// `pipe`: open gives the read end of a new pipe; dup(fd, "write") gives its write end.
// A 64 KiB ring buffer; readers see end of file when every write end is closed, writers
// get EPIPE (and SIGPIPE) when every read end is closed.
#include "../handle_table.h"
#include "../ktl/vector.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

class PipeScheme final : public Scheme {
public:
    static constexpr usize capacity = 64 * 1024;

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(
        usize handle, const void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> dup(usize handle, StringView what, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

private:
    struct Pipe {
        u8* buffer { nullptr };
        usize head { 0 }; // next byte to read
        usize size { 0 }; // bytes buffered
        u32 readers { 0 };
        u32 writers { 0 };
        // Every open handle of each end: event queues watch handles, so all are notified.
        ktl::Vector<usize> read_handles;
        ktl::Vector<usize> write_handles;
        WaitQueue readable;
        WaitQueue writable;
    };
    struct End {
        Pipe* pipe { nullptr };
        bool is_write { false };
    };
    usize allocate_handle(Pipe* pipe, bool is_write);
    void notify_end(Pipe& pipe, bool write_end, usize flags);

    HandleTable<End> m_ends;
};

} // namespace kernel
