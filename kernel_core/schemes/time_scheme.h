#pragma once
// `time`: open "1" (REALTIME) or "4" (MONOTONIC). Reading returns the time as a TimeSpec;
// writing a TimeSpec arms a one-shot timeout at that time, after which the fd is readable
// (for event queues).
#include "../handle_table.h"
#include "../ktl/vector.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

class TimeScheme final : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

private:
    struct Clock {
        Timer timer;
        TimeScheme* scheme;
        usize handle;
        int clock;
        bool expired { false };
    };
    HandleTable<Clock> m_clocks;
};

// Current time of a clock id (CLOCK_REALTIME / CLOCK_MONOTONIC) in nanoseconds.
ErrorOr<i64> clock_now_ns(int clock);

} // namespace kernel
