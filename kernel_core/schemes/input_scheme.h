#pragma once
// `input`: keyboard, mouse and screen events from the platform for the display server,
// root only. The platform hands each event to deliver_input() on the core's thread (the
// sim's SDL thread through host work; bare metal from its drivers). Reads return whole
// 24-byte Orbital events (abi/redox/orbital.h), block while there are none (EAGAIN with
// O_NONBLOCK), and the handle is readable for event queues while events wait. The queue
// is bounded: when a reader falls behind, the oldest events are dropped.
#include "../abi/redox/orbital.h"
#include "../handle_table.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

class InputScheme final : public Scheme {
public:
    static constexpr usize capacity = 1024;

    InputScheme();
    ~InputScheme() override;

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

    void deliver(const redox::OrbitalEvent& event);
    u64 dropped() const { return m_dropped; }
    bool has_readers() const { return !m_open_handles.is_empty(); }

private:
    struct Open {
        unsigned long flags;
    };
    HandleTable<Open> m_handles;
    ktl::Vector<usize> m_open_handles; // every handle, for event-queue notifications
    redox::OrbitalEvent* m_ring;
    usize m_head { 0 };
    usize m_size { 0 };
    u64 m_dropped { 0 };
    WaitQueue m_readable;
};

// Queues an input event for the `input` scheme (call on the core's thread).
void deliver_input(const redox::OrbitalEvent& event);

} // namespace kernel
