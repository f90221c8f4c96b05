// The two 8259 PICs (IRQ 0-15 -> vectors 32-47) and the 8254 PIT channel 0.
#include "arch_internal.h"

namespace {

constexpr u16 master_command = 0x20, master_data = 0x21;
constexpr u16 slave_command = 0xA0, slave_data = 0xA1;
constexpr u8 end_of_interrupt = 0x20;

// Bit n set = IRQ n masked. IRQ 2 (the cascade) stays open; slave IRQs are still masked
// individually.
u16 s_mask = 0xFFFF & ~(1u << 2);

void io_wait() { arch::out8(0x80, 0); }

void write_mask()
{
    arch::out8(master_data, static_cast<u8>(s_mask));
    arch::out8(slave_data, static_cast<u8>(s_mask >> 8));
}

} // namespace

namespace arch {

void pic_init()
{
    u64 flags = detail::save_flags_and_disable();
    out8(master_command, 0x11); // ICW1: init, edge, cascade, ICW4 follows
    io_wait();
    out8(slave_command, 0x11);
    io_wait();
    out8(master_data, 32); // ICW2: vector offsets
    io_wait();
    out8(slave_data, 40);
    io_wait();
    out8(master_data, 0x04); // ICW3: slave on IRQ 2
    io_wait();
    out8(slave_data, 0x02); //        slave identity 2
    io_wait();
    out8(master_data, 0x01); // ICW4: 8086 mode, normal EOI
    io_wait();
    out8(slave_data, 0x01);
    io_wait();
    write_mask();
    detail::restore_flags(flags);
}

void pic_unmask(u8 irq)
{
    if (irq >= 16)
        return;
    u64 flags = detail::save_flags_and_disable();
    s_mask &= static_cast<u16>(~(1u << irq));
    write_mask();
    detail::restore_flags(flags);
}

void pic_mask(u8 irq)
{
    if (irq >= 16 || irq == 2)
        return;
    u64 flags = detail::save_flags_and_disable();
    s_mask |= static_cast<u16>(1u << irq);
    write_mask();
    detail::restore_flags(flags);
}

void pic_end_of_interrupt(u8 irq)
{
    if (irq >= 8)
        out8(slave_command, end_of_interrupt);
    out8(master_command, end_of_interrupt);
}

void pit_init(u32 hz)
{
    constexpr u32 pit_base_hz = 1'193'182;
    if (hz == 0)
        hz = 100;
    u32 divisor = (pit_base_hz + hz / 2) / hz;
    if (divisor < 1)
        divisor = 1;
    if (divisor > 65535)
        divisor = 0; // 0 means 65536 (18.2 Hz)
    u64 flags = detail::save_flags_and_disable();
    out8(0x43, 0x34); // channel 0, lobyte/hibyte, mode 2 (rate generator), binary
    out8(0x40, static_cast<u8>(divisor));
    out8(0x40, static_cast<u8>(divisor >> 8));
    detail::restore_flags(flags);
    pic_unmask(0);
}

namespace detail {

    bool pic_is_spurious(u8 irq)
    {
        if (irq == 7) {
            out8(master_command, 0x0B); // OCW3: read ISR
            return !(in8(master_command) & 0x80);
        }
        if (irq == 15) {
            out8(slave_command, 0x0B);
            if (!(in8(slave_command) & 0x80)) {
                out8(master_command, end_of_interrupt); // the master did see IRQ 2
                return true;
            }
        }
        return false;
    }

} // namespace detail
} // namespace arch
