// serial-driver: the PC's 16550 UARTs as the scheme `uart` (/scheme/uart/com1 ...).
//
// Probes COM1-COM4 at their usual ports and lines; a port whose interrupt line is not
// available (bare metal's kernel console owns COM1 and IRQ 4) is left alone, and a port
// that fails the scratch-register test is absent. Each port runs at 115200 8N1 with FIFOs;
// received bytes are taken in the interrupt handler into a ring, reads block until there is
// data (EAGAIN with O_NONBLOCK), writes queue bytes that the transmit-empty interrupt feeds
// to the FIFO. Exits with status 19 (ENODEV) when no port is found.
//
// Usage: serial-driver [--port HEX --irq N --name NAME]   (one port instead of probing)
#include "irq.h"
#include "port_io.h"
#include "scheme_daemon.h"

#include "ktl/format.h"
#include "ktl/memory.h"
#include "ktl/string.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using driver::Pio;
using ktl::StringView;

constexpr usize RING_SIZE = 4096;
constexpr usize FIFO_DEPTH = 16;
constexpr u64 ROOT = 0; // handle of the scheme's root directory
constexpr int EXIT_NO_DEVICE = 19;

// Register offsets and bits (PC16550D data sheet).
enum : u16 { DATA = 0, INTERRUPT_ENABLE = 1, INTERRUPT_ID = 2, FIFO_CONTROL = 2, LINE_CONTROL = 3,
    MODEM_CONTROL = 4, LINE_STATUS = 5, SCRATCH = 7 };
constexpr u8 IER_RX_AVAILABLE = 0x01, IER_TX_EMPTY = 0x02, IER_LINE_STATUS = 0x04;
constexpr u8 LSR_DATA_READY = 0x01, LSR_TX_EMPTY = 0x20;
constexpr u8 IIR_NONE_PENDING = 0x01;

// A byte ring with a fixed capacity: the driver's memory does not grow with traffic.
class Ring {
public:
    usize size() const { return m_count; }
    usize space() const { return RING_SIZE - m_count; }
    bool push(u8 byte)
    {
        if (m_count == RING_SIZE)
            return false;
        m_bytes[(m_head + m_count++) % RING_SIZE] = byte;
        return true;
    }
    u8 pop()
    {
        u8 byte = m_bytes[m_head];
        m_head = (m_head + 1) % RING_SIZE;
        --m_count;
        return byte;
    }

private:
    u8 m_bytes[RING_SIZE];
    usize m_head { 0 };
    usize m_count { 0 };
};

// A read waiting for input, or a write waiting for room in the transmit ring.
struct PendingTransfer {
    u32 tag;
    u8* buffer;
    usize length;
};

struct Port {
    const char* name;
    u16 base;
    u8 line;
    driver::Irq* irq { nullptr };
    Ring received;
    Ring to_send;
    ktl::Vector<PendingTransfer> readers;
    ktl::Vector<PendingTransfer> writers;
    u64 overruns { 0 };

    Pio<u8> reg(u16 offset) const { return Pio<u8>(static_cast<u16>(base + offset)); }
};

bool uart_present(u16 base)
{
    for (u8 pattern : { u8(0x5A), u8(0xA5) }) {
        Pio<u8>(static_cast<u16>(base + SCRATCH)).write(pattern);
        if (Pio<u8>(static_cast<u16>(base + SCRATCH)).read() != pattern)
            return false;
    }
    return true;
}

void uart_init(Port& port)
{
    port.reg(INTERRUPT_ENABLE).write(0);
    port.reg(LINE_CONTROL).write(0x80); // divisor latch
    port.reg(DATA).write(1); // 115200 baud
    port.reg(INTERRUPT_ENABLE).write(0);
    port.reg(LINE_CONTROL).write(0x03); // 8N1
    port.reg(FIFO_CONTROL).write(0xC7); // FIFOs on and cleared, receive trigger at 14 bytes
    port.reg(MODEM_CONTROL).write(0x0B); // DTR, RTS, OUT2 (which gates the IRQ on a PC)
    while (port.reg(LINE_STATUS).read() & LSR_DATA_READY)
        port.reg(DATA).read(); // stale input
    port.reg(INTERRUPT_ENABLE).write(IER_RX_AVAILABLE | IER_LINE_STATUS);
}

class Uarts final : public driver::SchemeHandler {
public:
    ktl::Vector<Port*> ports;
    driver::SchemeDaemon daemon;
    // Open handles: handle - 1 indexes this; the value is the port index, or ROOT_OPEN.
    ktl::Vector<long> handles;
    static constexpr long ROOT_OPEN = -1;
    static constexpr long CLOSED = -2;

    Port* port_of(u64 handle)
    {
        if (handle == ROOT || handle > handles.size() || handles[handle - 1] < 0)
            return nullptr;
        return ports[static_cast<usize>(handles[handle - 1])];
    }

    long open(StringView path, u64 flags, const driver::Request& request) override
    {
        if (request.uid != 0)
            return -redox::EACCES;
        long index = path.is_empty() ? ROOT_OPEN : CLOSED;
        for (usize i = 0; i < ports.size() && index == CLOSED; ++i) {
            if (path == StringView(ports[i]->name))
                index = static_cast<long>(i);
        }
        if (index == CLOSED)
            return -redox::ENOENT;
        if (index == ROOT_OPEN && (flags & redox::O_ACCMODE) != redox::O_RDONLY && (flags & redox::O_ACCMODE) != 0)
            return -redox::EISDIR;
        if (index != ROOT_OPEN && (flags & redox::O_DIRECTORY))
            return -redox::ENOTDIR;
        for (usize i = 0; i < handles.size(); ++i) {
            if (handles[i] == CLOSED) {
                handles[i] = index;
                return static_cast<long>(i + 1);
            }
        }
        handles.append(index);
        return static_cast<long>(handles.size());
    }

    long read(u64 handle, u8* buffer, usize length, u64, const driver::Request& request) override
    {
        Port* port = port_of(handle);
        if (!port)
            return handle == ROOT || (handle <= handles.size() && handles[handle - 1] == ROOT_OPEN) ? -redox::EISDIR
                                                                                                 : -redox::EBADF;
        if (length == 0)
            return 0;
        if (port->received.size() > 0)
            return take(*port, buffer, length);
        if (request.flags & redox::O_NONBLOCK)
            return -redox::EAGAIN;
        port->readers.append({ request.tag, buffer, length });
        return driver::PENDING;
    }

    long write(u64 handle, const u8* buffer, usize length, u64, const driver::Request& request) override
    {
        Port* port = port_of(handle);
        if (!port)
            return -redox::EBADF;
        if (length == 0)
            return 0;
        if (port->to_send.space() == 0 || !port->writers.is_empty()) {
            if (request.flags & redox::O_NONBLOCK)
                return -redox::EAGAIN;
            port->writers.append({ request.tag, const_cast<u8*>(buffer), length });
            return driver::PENDING;
        }
        usize accepted = queue(*port, buffer, length);
        transmit(*port);
        return static_cast<long>(accepted);
    }

    long fstat(u64 handle, redox::Stat& stat) override
    {
        if (handle == 0 || handle > handles.size() || handles[handle - 1] == CLOSED)
            return -redox::EBADF;
        stat.st_mode = static_cast<u16>(handles[handle - 1] == ROOT_OPEN ? (redox::MODE_DIR | 0500) : (redox::MODE_CHR | 0600));
        stat.st_nlink = 1;
        return 0;
    }

    long fpath(u64 handle, char* buffer, usize length) override
    {
        if (handle == 0 || handle > handles.size() || handles[handle - 1] == CLOSED)
            return -redox::EBADF;
        const char* name = handles[handle - 1] == ROOT_OPEN ? "" : ports[static_cast<usize>(handles[handle - 1])]->name;
        char path[32];
        usize n = ktl::format_buffer(path, sizeof path, "uart/%s", name);
        n = n < length ? n : length;
        ktl::copy_bytes(buffer, path, n);
        return static_cast<long>(n);
    }

    long getdents(u64 handle, u8* buffer, usize length, u64 offset) override
    {
        if (handle == 0 || handle > handles.size() || handles[handle - 1] != ROOT_OPEN)
            return -redox::ENOTDIR;
        usize used = 0;
        for (u64 i = offset; i < ports.size(); ++i) {
            usize n = driver::write_dirent(buffer + used, length - used, ports[i]->name, i + 1, redox::DT_CHR, i + 1);
            if (n == 0)
                return used == 0 ? -redox::EINVAL : static_cast<long>(used);
            used += n;
        }
        return static_cast<long>(used);
    }

    long fevent(u64 handle, u64 flags) override
    {
        Port* port = port_of(handle);
        if (!port)
            return 0;
        u64 ready = 0;
        if (port->received.size() > 0)
            ready |= redox::EVENT_READ;
        if (port->to_send.space() > 0)
            ready |= redox::EVENT_WRITE;
        return static_cast<long>(ready & flags);
    }

    void close(u64 handle) override
    {
        if (handle > 0 && handle <= handles.size())
            handles[handle - 1] = CLOSED;
    }

    static usize queue(Port& port, const u8* buffer, usize length)
    {
        usize accepted = 0;
        while (accepted < length && port.to_send.push(buffer[accepted]))
            ++accepted;
        return accepted;
    }

    static long take(Port& port, u8* buffer, usize length)
    {
        usize n = 0;
        while (n < length && port.received.size() > 0)
            buffer[n++] = port.received.pop();
        return static_cast<long>(n);
    }

    // Fills the transmit FIFO while it is empty and keeps the transmit-empty interrupt on
    // exactly while bytes wait.
    void transmit(Port& port)
    {
        if (port.to_send.size() > 0 && (port.reg(LINE_STATUS).read() & LSR_TX_EMPTY)) {
            for (usize i = 0; i < FIFO_DEPTH && port.to_send.size() > 0; ++i)
                port.reg(DATA).write(port.to_send.pop());
        }
        while (!port.writers.is_empty() && port.to_send.space() > 0) {
            PendingTransfer writer = port.writers[0];
            port.writers.remove(0);
            daemon.complete(writer.tag, static_cast<long>(queue(port, writer.buffer, writer.length)));
        }
        u8 enable = IER_RX_AVAILABLE | IER_LINE_STATUS | (port.to_send.size() > 0 ? IER_TX_EMPTY : 0);
        port.reg(INTERRUPT_ENABLE).write(enable);
    }

    void receive(Port& port)
    {
        bool got = false;
        for (usize guard = 0; guard < 4 * RING_SIZE && (port.reg(LINE_STATUS).read() & LSR_DATA_READY); ++guard) {
            u8 byte = port.reg(DATA).read();
            if (!port.received.push(byte))
                ++port.overruns; // nobody reads: drop rather than grow
            got = true;
        }
        if (!got)
            return;
        while (!port.readers.is_empty() && port.received.size() > 0) {
            PendingTransfer reader = port.readers[0];
            port.readers.remove(0);
            daemon.complete(reader.tag, take(port, reader.buffer, reader.length));
        }
        if (port.received.size() > 0) {
            for (usize h = 0; h < handles.size(); ++h) {
                if (handles[h] >= 0 && ports[static_cast<usize>(handles[h])] == &port)
                    daemon.notify(h + 1, redox::EVENT_READ);
            }
        }
    }

    // One interrupt line fired: service every port on it until none has anything pending.
    void service(driver::Irq& irq)
    {
        u64 count = 0;
        if (irq.pending(count) <= 0)
            return;
        for (Port* port : ports) {
            if (port->irq != &irq)
                continue;
            for (usize guard = 0; guard < 64 && !(port->reg(INTERRUPT_ID).read() & IIR_NONE_PENDING); ++guard) {
                port->reg(LINE_STATUS).read(); // clears a line-status interrupt
                receive(*port);
                transmit(*port);
            }
        }
        irq.acknowledge(count);
    }
};

struct LineWatch {
    Uarts* uarts;
    driver::Irq irq;
};

void on_interrupt(void* argument)
{
    auto* watch = static_cast<LineWatch*>(argument);
    watch->uarts->service(watch->irq);
}

struct Candidate {
    const char* name;
    u16 base;
    u8 line;
};

long parse_number(StringView text)
{
    long value = 0;
    unsigned base = 10;
    usize i = 0;
    if (text.length() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == text.length())
        return -1;
    for (; i < text.length(); ++i) {
        char c = text[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
        if (digit >= static_cast<int>(base) || value > 0xFFFFFF)
            return -1;
        value = value * base + digit;
    }
    return value;
}

int serial_driver_main(int argc, char** argv, char**)
{
    Candidate candidates[4] = { { "com1", 0x3F8, 4 }, { "com2", 0x2F8, 3 }, { "com3", 0x3E8, 4 }, { "com4", 0x2E8, 3 } };
    usize candidate_count = 4;
    Candidate chosen { "com1", 0, 0 };
    for (int i = 1; i < argc; ++i) {
        StringView arg(argv[i]);
        if (i + 1 < argc && (arg == "--port" || arg == "--irq" || arg == "--name")) {
            StringView value(argv[++i]);
            if (arg == "--name") {
                chosen.name = argv[i];
                continue;
            }
            long number = parse_number(value);
            if (number < 0 || (arg == "--irq" && number > 15) || number > 0xFFFF) {
                errf("serial-driver: bad %s value '%s'\n", argv[i - 1], argv[i]);
                return 2;
            }
            if (arg == "--port")
                chosen.base = static_cast<u16>(number);
            else
                chosen.line = static_cast<u8>(number);
            continue;
        }
        errf("usage: serial-driver [--port HEX --irq N --name NAME]\n");
        return 2;
    }
    if (chosen.base != 0) {
        candidates[0] = chosen;
        candidate_count = 1;
    }
    if (long r = sys::iopl(3); r < 0) {
        io::report_error("serial-driver", "iopl", r);
        return 1;
    }

    auto* uarts = new Uarts;
    ktl::Vector<LineWatch*> lines;
    for (usize i = 0; i < candidate_count; ++i) {
        Candidate& c = candidates[i];
        if (!uart_present(c.base))
            continue;
        LineWatch* watch = nullptr;
        for (LineWatch* existing : lines) {
            if (existing->irq.line() == c.line)
                watch = existing;
        }
        if (!watch) {
            auto* fresh = new LineWatch { uarts, {} };
            if (long r = fresh->irq.open(c.line); r < 0) {
                // Not ours to touch: the platform (or another driver) owns the line.
                errf("serial-driver: %s (0x%x): irq %u is not ours (%s), port left alone\n", c.name, c.base,
                    static_cast<unsigned>(c.line), r == -redox::EBUSY ? "another driver owns it" : "the system keeps it");
                delete fresh;
                continue;
            }
            watch = fresh;
            lines.append(watch);
        }
        auto* port = new Port;
        port->name = c.name;
        port->base = c.base;
        port->line = c.line;
        port->irq = &watch->irq;
        uart_init(*port);
        uarts->ports.append(port);
        errf("serial-driver: %s at 0x%x, irq %u\n", c.name, c.base, static_cast<unsigned>(c.line));
    }
    if (uarts->ports.is_empty()) {
        errf("serial-driver: no serial port found\n");
        return EXIT_NO_DEVICE;
    }
    if (long r = uarts->daemon.start("uart", *uarts); r < 0) {
        io::report_error("serial-driver", ":uart", r);
        return 1;
    }
    for (LineWatch* watch : lines)
        uarts->daemon.watch(watch->irq.fd(), on_interrupt, watch);
    long r = uarts->daemon.run();
    if (r < 0) {
        io::report_error("serial-driver", "serving", r);
        return 1;
    }
    return 0;
}

} // namespace

REDOX_PROGRAM("serial-driver", serial_driver_main)
