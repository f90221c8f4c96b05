#pragma once
// An interrupt line through the kernel's `irq` scheme (Redox semantics): reading gives the
// interrupt count when an interrupt arrived since the last acknowledgement, writing that
// count back acknowledges it and unmasks the line. The fd is readable in an event queue
// when an interrupt arrives, so a driver waits for its device and its clients in one place.
#include "ktl/types.h"

namespace driver {

class Irq {
public:
    Irq() = default;
    Irq(const Irq&) = delete;
    Irq& operator=(const Irq&) = delete;
    ~Irq() { close(); }

    // Opens /scheme/irq/LINE (root only; EBUSY when another driver owns it). 0 or -errno.
    long open(u8 line);
    void close();
    // 1 and the count when an interrupt is waiting to be acknowledged, 0 when none, -errno.
    long pending(u64& count);
    // Acknowledges `count` (what pending() gave): the line is unmasked again.
    long acknowledge(u64 count);
    // pending() and, when there was one, acknowledge(): 1 if an interrupt had arrived.
    long take();

    int fd() const { return m_fd; }
    u8 line() const { return m_line; }

private:
    int m_fd { -1 };
    u8 m_line { 0 };
};

} // namespace driver
