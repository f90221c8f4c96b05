#pragma once
// `irq`: the device interrupt lines (hal/interrupts.h) for drivers, root only, with Redox's
// semantics. `/scheme/irq` lists the available lines; `/scheme/irq/N` has one owner at a
// time (EBUSY). Opening enables the line, closing the owner's last handle disables it.
// Each delivery counts and masks the line; read (8 bytes) gives the count when it differs
// from the acknowledged one (else 0 bytes: nothing new), and writing that count back
// acknowledges and unmasks the line. Event queues get EVENT_READ on each new interrupt.
// A line raising more than 10,000 interrupts a second is masked for 100 ms (a stuck
// device must not starve the system).
#include "../handle_table.h"
#include "../hal/interrupts.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

class IrqScheme final : public Scheme {
public:
    static constexpr u64 flood_limit_per_second = 10000;
    static constexpr u64 flood_mask_ns = 100'000'000;

    IrqScheme();
    ~IrqScheme() override;

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<usize> dup(usize handle, StringView, const Caller&) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> getdents(usize handle, void* buffer, usize length, u64 position) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

    void deliver(u8 line);
    // For tests and diagnostics.
    u64 count(u8 line) const { return m_lines[line].count; }
    bool flood_masked(u8 line) const { return m_lines[line].flood_masked; }

private:
    struct Line {
        ktl::Vector<usize> handles;  // the owner's open handles (dup shares ownership)
        u64 count { 0 };             // interrupts delivered since the line was opened
        u64 acknowledged { 0 };      // the count the owner last wrote back
        u64 window_start_ns { 0 };   // flood detection: deliveries in the current second
        u64 window_count { 0 };
        bool flood_masked { false }; // masked by flood protection until its timer runs
        Timer flood_timer;
    };
    struct Open {
        int line; // -1: the scheme root (a directory of the lines)
        bool owns; // false for O_STAT opens (ls, stat): they neither own nor enable the line
    };

    ErrorOr<Open*> owned_line(usize handle);
    void enable_if_acknowledged(u8 line);
    static void flood_timer_expired(Timer& timer);

    HandleTable<Open> m_handles;
    Line m_lines[hal::IRQ_LINES];
};

// Counts an interrupt on `line`, masks the line until the owning driver acknowledges it, and
// wakes the driver's event queues. Call on the core's thread (sim device models; bare
// metal's hal::run_host_work). A line nobody owns is masked and the interrupt dropped.
void deliver_irq(u8 line);

} // namespace kernel
