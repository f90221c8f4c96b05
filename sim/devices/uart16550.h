#pragma once
// A 16550A UART as on a PC (COM1 0x3F8 IRQ 4, COM2 0x2F8 IRQ 3), close enough to the real chip
// and to QEMU's model that one driver serves all three:
// - registers RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR; DLAB (LCR bit 7) maps the
//   divisor latch over RBR/IER;
// - 16-byte receive FIFO (one byte deep with FIFOs off); a byte arriving at a full FIFO is
//   lost and sets the overrun bit, as on the chip;
// - interrupt identification by priority: line status (overrun), received data (FIFO at its
//   trigger level; below it a character timeout), transmitter empty, modem status;
// - MCR loopback: transmitted bytes come back as received ones, DTR/RTS/OUT1/OUT2 drive
//   DSR/CTS/RI/DCD, the wire is disconnected both ways;
// - the IRQ line is gated by MCR.OUT2 as on a PC (and so is off in loopback, where the chip
//   forces its OUT2 pin inactive): a driver must set OUT2 to get interrupts.
// Transmission is instant (no baud-rate timing): THR is empty again right after a write.
// The model runs on the core's thread; its host end (serial_host.h) gets transmitted bytes
// and feeds received ones in through host work.
#include "device_bus.h"

#include <cstddef>
#include <cstdint>

namespace sim {

// Where a UART's wire goes on the Linux side (serial_host.h). Called on the core's thread.
class SerialHostEnd {
public:
    virtual ~SerialHostEnd() = default;
    // A byte the driver transmitted (not in loopback). May be dropped, as on a wire nobody
    // listens to.
    virtual void transmit(uint8_t byte) = 0;
    // The receive FIFO's free space changed: the host end reads at most that much more.
    virtual void receive_room_changed(size_t room) = 0;
};

class Uart16550 final : public PortDevice {
public:
    static constexpr size_t FIFO_SIZE = 16;
    static constexpr uint16_t PORT_COUNT = 8;

    // Registers (offsets from the base).
    static constexpr uint16_t RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
                              MSR = 6, SCR = 7;
    // IER
    static constexpr uint8_t IER_RX_DATA = 0x01, IER_THR_EMPTY = 0x02, IER_LINE_STATUS = 0x04, IER_MODEM_STATUS = 0x08;
    // IIR (bits 6-7 are set with FIFOs enabled)
    static constexpr uint8_t IIR_NONE = 0x01, IIR_LINE_STATUS = 0x06, IIR_RX_DATA = 0x04, IIR_RX_TIMEOUT = 0x0C,
                             IIR_THR_EMPTY = 0x02, IIR_MODEM_STATUS = 0x00, IIR_FIFOS_ENABLED = 0xC0;
    // FCR
    static constexpr uint8_t FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04;
    // LCR
    static constexpr uint8_t LCR_DLAB = 0x80;
    // MCR
    static constexpr uint8_t MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    // LSR
    static constexpr uint8_t LSR_DATA_READY = 0x01, LSR_OVERRUN = 0x02, LSR_PARITY = 0x04, LSR_FRAMING = 0x08,
                             LSR_BREAK = 0x10, LSR_THR_EMPTY = 0x20, LSR_TX_EMPTY = 0x40;
    // MSR: deltas in bits 0-3, lines in bits 4-7
    static constexpr uint8_t MSR_DELTA_CTS = 0x01, MSR_DELTA_DSR = 0x02, MSR_TRAILING_RI = 0x04, MSR_DELTA_DCD = 0x08,
                             MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;

    // Claims base..base+7 and the line `irq` on `bus`; `name` (like "com1") is for the log.
    Uart16550(DeviceBus& bus, uint16_t base, uint8_t irq, const char* name);
    ~Uart16550() override;
    Uart16550(const Uart16550&) = delete;
    Uart16550& operator=(const Uart16550&) = delete;

    uint32_t read(uint16_t offset, unsigned width) override;
    void write(uint16_t offset, unsigned width, uint32_t value) override;

    // The host end (null: the wire is unplugged). The host end must outlive the UART or be
    // detached first.
    void attach(SerialHostEnd* host);
    // Bytes arriving on the wire (core thread, from the host end's host work). Ignored in
    // loopback (the wire is disconnected); beyond a full FIFO a byte is lost (overrun).
    void receive(const uint8_t* bytes, size_t count);
    // Free space in the receive FIFO.
    size_t receive_room() const;
    // The modem input lines the far end drives (MSR_CTS | MSR_DSR | MSR_DCD | MSR_RI).
    void set_modem_inputs(uint8_t lines);

    const char* name() const { return m_name; }
    uint16_t base() const { return m_base; }
    uint8_t irq() const { return m_irq; }

private:
    size_t depth() const { return (m_fcr & FCR_ENABLE) ? FIFO_SIZE : 1; }
    size_t trigger_level() const;
    uint8_t interrupt_identification() const;
    uint8_t modem_lines() const;
    void set_modem_lines(uint8_t lines);
    void push_received(uint8_t byte);
    void clear_receive_fifo();
    void update();

    DeviceBus& m_bus;
    const char* m_name;
    uint16_t m_base;
    uint8_t m_irq;
    SerialHostEnd* m_host { nullptr };

    uint8_t m_ier { 0 };
    uint8_t m_fcr { 0 };
    uint8_t m_lcr { 0 };
    uint8_t m_mcr { 0 };
    uint8_t m_lsr { LSR_THR_EMPTY | LSR_TX_EMPTY };
    uint8_t m_msr { 0 };
    uint8_t m_scr { 0 };
    uint16_t m_divisor { 12 }; // 9600 baud
    uint8_t m_modem_inputs { 0 };
    bool m_thr_interrupt { false }; // THR became empty and IIR has not reported it yet
    uint8_t m_last_received { 0 };

    uint8_t m_fifo[FIFO_SIZE] {};
    size_t m_fifo_head { 0 };
    size_t m_fifo_count { 0 };
    size_t m_reported_room { FIFO_SIZE + 1 };
};

} // namespace sim
