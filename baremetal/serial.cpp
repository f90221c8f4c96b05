// The 16550 UART on COM1: 115200 8N1, FIFO on, receive interrupt (IRQ 4) into a 4 KiB ring.
//
// Who drains the UART: both sides, always with interrupts disabled. The IRQ 4 path in
// interrupt_dispatch calls serial_drain_receiver() (UART -> ring) before the EOI and before
// arch::on_serial_input(); serial_read() drains the UART as well (so polling works with
// interrupts off, early in boot or in a panic) and then copies from the ring. Bytes that
// arrive while the ring is full are dropped (counted in s_dropped).
#include "arch_internal.h"

namespace {

constexpr u16 com1 = 0x3F8;
constexpr u16 reg_data = 0; // RBR / THR (DLAB=0), divisor low (DLAB=1)
constexpr u16 reg_interrupt = 1; // IER (DLAB=0), divisor high (DLAB=1)
constexpr u16 reg_fifo = 2; // FCR (write) / IIR (read)
constexpr u16 reg_line_control = 3;
constexpr u16 reg_modem_control = 4;
constexpr u16 reg_line_status = 5;
constexpr u8 lsr_data_ready = 0x01;
constexpr u8 lsr_transmit_empty = 0x20;

constexpr u32 ring_size = 4096; // power of two
char s_ring[ring_size];
u32 s_head = 0; // next write (producer: serial_drain_receiver)
u32 s_tail = 0; // next read (consumer: serial_read)
u64 s_dropped = 0;

void put_raw(char c)
{
    // A missing UART reads 0xFF (THRE set), so this cannot spin forever there.
    for (u32 spins = 0; !(arch::in8(com1 + reg_line_status) & lsr_transmit_empty) && spins < 1'000'000; ++spins)
        asm volatile("pause");
    arch::out8(com1 + reg_data, static_cast<u8>(c));
}

} // namespace

namespace arch {

void serial_init()
{
    // Keep what was typed ahead (the loader's UART holds it; enabling the FIFO clears it).
    detail::serial_drain_receiver();
    out8(com1 + reg_interrupt, 0x00); // no interrupts while programming
    out8(com1 + reg_fifo, 0x07); // FIFO on, clear both, interrupt at 1 byte (latency)
    out8(com1 + reg_line_control, 0x80); // DLAB
    out8(com1 + reg_data, 0x01); // divisor 1: 115200 baud
    out8(com1 + reg_interrupt, 0x00);
    out8(com1 + reg_line_control, 0x03); // 8N1, DLAB off
    out8(com1 + reg_modem_control, 0x0B); // DTR, RTS, OUT2 (OUT2 gates the IRQ line)
    (void)in8(com1 + reg_fifo); // acknowledge pending status
    out8(com1 + reg_interrupt, 0x01); // interrupt when received data is available
    pic_unmask(4);
}

void serial_write(const char* bytes, usize length)
{
    for (usize i = 0; i < length; ++i) {
        if (bytes[i] == '\n')
            put_raw('\r');
        put_raw(bytes[i]);
    }
}

usize serial_read(char* buffer, usize capacity)
{
    u64 flags = detail::save_flags_and_disable();
    detail::serial_drain_receiver();
    usize count = 0;
    while (count < capacity && s_tail != s_head) {
        buffer[count++] = s_ring[s_tail % ring_size];
        ++s_tail;
    }
    detail::restore_flags(flags);
    return count;
}

namespace detail {

    void serial_drain_receiver()
    {
        // Bounded: a stuck or absent UART (LSR = 0xFF) must not hang the interrupt path.
        for (int i = 0; i < 256; ++i) {
            u8 status = in8(com1 + reg_line_status);
            if (status == 0xFF || !(status & lsr_data_ready))
                break;
            char c = static_cast<char>(in8(com1 + reg_data));
            if (s_head - s_tail < ring_size) {
                s_ring[s_head % ring_size] = c;
                ++s_head;
            } else {
                ++s_dropped;
            }
        }
    }

    void print(const char* text)
    {
        usize length = 0;
        while (text[length])
            ++length;
        serial_write(text, length);
    }

    void print_hex(u64 value, int digits)
    {
        char text[19];
        text[0] = '0';
        text[1] = 'x';
        for (int i = 0; i < digits; ++i)
            text[2 + i] = "0123456789abcdef"[(value >> (4 * (digits - 1 - i))) & 0xF];
        serial_write(text, static_cast<usize>(2 + digits));
    }

    void print_decimal(u64 value)
    {
        char text[21];
        int n = 0;
        do {
            text[20 - n++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value);
        serial_write(text + 21 - n, static_cast<usize>(n));
    }

} // namespace detail
} // namespace arch
