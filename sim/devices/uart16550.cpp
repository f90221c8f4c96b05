// The 16550A UART model (uart16550.h).
#include "uart16550.h"

namespace sim {

Uart16550::Uart16550(DeviceBus& bus, uint16_t base, uint8_t irq, const char* name)
    : m_bus(bus),
      m_name(name),
      m_base(base),
      m_irq(irq)
{
    m_bus.claim(base, PORT_COUNT, *this);
    m_bus.claim_line(irq);
}

Uart16550::~Uart16550()
{
    m_bus.set_line(m_irq, false);
    m_bus.release(*this);
}

void Uart16550::attach(SerialHostEnd* host)
{
    m_host = host;
    m_reported_room = FIFO_SIZE + 1; // report afresh to the new host end
    update();
}

size_t Uart16550::trigger_level() const
{
    static constexpr size_t levels[4] = { 1, 4, 8, 14 };
    return levels[m_fcr >> 6];
}

size_t Uart16550::receive_room() const { return m_fifo_count < depth() ? depth() - m_fifo_count : 0; }

uint8_t Uart16550::interrupt_identification() const
{
    if ((m_ier & IER_LINE_STATUS) && (m_lsr & (LSR_OVERRUN | LSR_PARITY | LSR_FRAMING | LSR_BREAK)))
        return IIR_LINE_STATUS;
    if ((m_ier & IER_RX_DATA) && m_fifo_count > 0) {
        // Below the trigger level the chip waits four character times for more before it
        // reports a timeout. Bytes reach the model in bursts (whatever the host end had), so
        // the line is idle as soon as a burst is in: the timeout is due at once.
        if ((m_fcr & FCR_ENABLE) && m_fifo_count < trigger_level())
            return IIR_RX_TIMEOUT;
        return IIR_RX_DATA;
    }
    if ((m_ier & IER_THR_EMPTY) && m_thr_interrupt)
        return IIR_THR_EMPTY;
    if ((m_ier & IER_MODEM_STATUS) && (m_msr & 0x0F))
        return IIR_MODEM_STATUS;
    return IIR_NONE;
}

void Uart16550::update()
{
    // On a PC the UART's interrupt output reaches the PIC through a gate driven by OUT2; in
    // loopback the chip holds its OUT2 pin inactive, so the gate is closed.
    bool gate = (m_mcr & MCR_OUT2) && !(m_mcr & MCR_LOOP);
    m_bus.set_line(m_irq, gate && interrupt_identification() != IIR_NONE);
    size_t room = receive_room();
    if (m_host && room != m_reported_room) {
        m_reported_room = room;
        m_host->receive_room_changed(room);
    }
}

uint8_t Uart16550::modem_lines() const
{
    if (!(m_mcr & MCR_LOOP))
        return m_modem_inputs;
    uint8_t lines = 0;
    if (m_mcr & MCR_RTS)
        lines |= MSR_CTS;
    if (m_mcr & MCR_DTR)
        lines |= MSR_DSR;
    if (m_mcr & MCR_OUT1)
        lines |= MSR_RI;
    if (m_mcr & MCR_OUT2)
        lines |= MSR_DCD;
    return lines;
}

void Uart16550::set_modem_lines(uint8_t lines)
{
    uint8_t old = m_msr & 0xF0;
    uint8_t changed = old ^ lines;
    uint8_t deltas = 0;
    if (changed & MSR_CTS)
        deltas |= MSR_DELTA_CTS;
    if (changed & MSR_DSR)
        deltas |= MSR_DELTA_DSR;
    if ((old & MSR_RI) && !(lines & MSR_RI)) // trailing edge only
        deltas |= MSR_TRAILING_RI;
    if (changed & MSR_DCD)
        deltas |= MSR_DELTA_DCD;
    m_msr = static_cast<uint8_t>(lines | (m_msr & 0x0F) | deltas);
}

void Uart16550::set_modem_inputs(uint8_t lines)
{
    m_modem_inputs = lines & 0xF0;
    set_modem_lines(modem_lines());
    update();
}

void Uart16550::push_received(uint8_t byte)
{
    if (m_fifo_count == depth()) {
        m_lsr |= LSR_OVERRUN; // the byte in the shift register is lost, the FIFO kept
        return;
    }
    m_fifo[(m_fifo_head + m_fifo_count) % FIFO_SIZE] = byte;
    ++m_fifo_count;
    m_lsr |= LSR_DATA_READY;
}

void Uart16550::clear_receive_fifo()
{
    m_fifo_head = 0;
    m_fifo_count = 0;
    m_lsr &= ~LSR_DATA_READY;
}

void Uart16550::receive(const uint8_t* bytes, size_t count)
{
    if (m_mcr & MCR_LOOP)
        return;
    for (size_t i = 0; i < count; ++i)
        push_received(bytes[i]);
    update();
}

uint32_t Uart16550::read(uint16_t offset, unsigned width)
{
    if (width != 1)
        return 0xFFFF'FFFFu; // the chip sits on an 8-bit bus; wider reads are not decoded
    uint8_t value = 0;
    switch (offset) {
    case RBR:
        if (m_lcr & LCR_DLAB)
            return m_divisor & 0xFF;
        if (m_fifo_count > 0) {
            m_last_received = m_fifo[m_fifo_head];
            m_fifo_head = (m_fifo_head + 1) % FIFO_SIZE;
            if (--m_fifo_count == 0)
                m_lsr &= ~LSR_DATA_READY;
        }
        value = m_last_received;
        break;
    case IER:
        if (m_lcr & LCR_DLAB)
            return m_divisor >> 8;
        value = m_ier;
        break;
    case IIR:
        value = interrupt_identification();
        if (value == IIR_THR_EMPTY)
            m_thr_interrupt = false; // reading IIR acknowledges a THR-empty interrupt
        if (m_fcr & FCR_ENABLE)
            value |= IIR_FIFOS_ENABLED;
        break;
    case LCR:
        value = m_lcr;
        break;
    case MCR:
        value = m_mcr;
        break;
    case LSR:
        value = m_lsr;
        m_lsr &= ~(LSR_OVERRUN | LSR_PARITY | LSR_FRAMING | LSR_BREAK);
        break;
    case MSR:
        value = m_msr;
        m_msr &= 0xF0;
        break;
    case SCR:
        value = m_scr;
        break;
    default:
        return 0xFF;
    }
    update();
    return value;
}

void Uart16550::write(uint16_t offset, unsigned width, uint32_t value)
{
    if (width != 1)
        return;
    auto byte = static_cast<uint8_t>(value);
    switch (offset) {
    case THR:
        if (m_lcr & LCR_DLAB) {
            m_divisor = static_cast<uint16_t>((m_divisor & 0xFF00) | byte);
            return;
        }
        // Sent at once: THR and the shift register are empty again right away.
        if (m_mcr & MCR_LOOP)
            push_received(byte);
        else if (m_host)
            m_host->transmit(byte);
        m_thr_interrupt = true;
        break;
    case IER: {
        if (m_lcr & LCR_DLAB) {
            m_divisor = static_cast<uint16_t>((m_divisor & 0x00FF) | (byte << 8));
            return;
        }
        uint8_t enabled = byte & 0x0F;
        // Enabling the THR-empty interrupt while THR is empty interrupts at once.
        if ((enabled & IER_THR_EMPTY) && !(m_ier & IER_THR_EMPTY))
            m_thr_interrupt = (m_lsr & LSR_THR_EMPTY) != 0;
        m_ier = enabled;
        break;
    }
    case FCR:
        if ((byte & FCR_ENABLE) != (m_fcr & FCR_ENABLE) || (byte & FCR_CLEAR_RX))
            clear_receive_fifo(); // switching the FIFOs on or off empties them
        // The transmit FIFO is always empty (instant transmission): FCR_CLEAR_TX has nothing to do.
        m_fcr = byte & 0xC9;
        break;
    case LCR:
        m_lcr = byte;
        break;
    case MCR:
        m_mcr = byte & 0x1F;
        set_modem_lines(modem_lines());
        break;
    case SCR:
        m_scr = byte;
        break;
    default: // LSR and MSR are read-only (factory test writes are ignored)
        return;
    }
    update();
}

} // namespace sim
