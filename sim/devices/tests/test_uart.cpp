// The 16550 UART driven through the bus as a driver would (uart16550.h), and its host ends
// (serial_host.h).
#include "../../../kernel_core/hal/host.h"
#include "../../hal/host_work.h"
#include "../serial_host.h"
#include "../uart16550.h"
#include "irq_recorder.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using sim::Uart16550;

namespace {

constexpr uint16_t COM1 = 0x3F8;

struct TransmitRecorder final : sim::SerialHostEnd {
    void transmit(uint8_t byte) override { sent.push_back(byte); }
    void receive_room_changed(size_t room) override { rooms.push_back(room); }
    std::vector<uint8_t> sent;
    std::vector<size_t> rooms;
};

struct Com1 {
    Com1() : uart(bus, COM1, 4, "com1")
    {
        irq_recorder::clear();
        uart.attach(&host);
    }
    ~Com1() { uart.attach(nullptr); }
    uint8_t in(uint16_t reg) { return static_cast<uint8_t>(bus.port_in(COM1 + reg, 1)); }
    void out(uint16_t reg, uint8_t value) { bus.port_out(COM1 + reg, 1, value); }
    void receive(const std::string& text) { uart.receive(reinterpret_cast<const uint8_t*>(text.data()), text.size()); }
    uint8_t iir() { return in(Uart16550::IIR)&0x0F; }

    sim::DeviceBus bus;
    TransmitRecorder host;
    Uart16550 uart;
};

// Runs host work until `done` or a 5 s timeout; true when done.
bool run_host_work_until(const std::function<bool()>& done)
{
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        timespec wait { 0, 10'000'000 };
        sim::host_work_wait(&wait);
        hal::run_host_work();
    }
    return true;
}

std::string temp_path(const char* name) { return "/tmp/sim-device-tests-" + std::to_string(getpid()) + "-" + name; }

} // namespace

// The first `count` bytes the host end gets (empty on a 5 s timeout). The UART sends each
// byte on its own, so they may arrive in several reads.
static std::string read_bytes(int fd, size_t count)
{
    std::string got;
    while (got.size() < count) {
        pollfd readable { fd, POLLIN, 0 };
        char chunk[64];
        ssize_t n = poll(&readable, 1, 5000) == 1 ? read(fd, chunk, std::min(sizeof chunk, count - got.size())) : -1;
        if (n <= 0)
            return {};
        got.append(chunk, static_cast<size_t>(n));
    }
    return got;
}

TEST_CASE("uart: reset state, scratch register and divisor latch")
{
    Com1 com;
    CHECK(com.in(Uart16550::LSR) == (Uart16550::LSR_THR_EMPTY | Uart16550::LSR_TX_EMPTY));
    CHECK(com.in(Uart16550::IIR) == Uart16550::IIR_NONE);
    CHECK(com.in(Uart16550::IER) == 0);
    com.out(Uart16550::SCR, 0x5A);
    CHECK(com.in(Uart16550::SCR) == 0x5A);
    com.out(Uart16550::LCR, Uart16550::LCR_DLAB);
    com.out(Uart16550::DLL, 0x01); // 115200 baud
    com.out(Uart16550::DLM, 0x02);
    CHECK(com.in(Uart16550::DLL) == 0x01);
    CHECK(com.in(Uart16550::DLM) == 0x02);
    com.out(Uart16550::LCR, 0x03); // 8N1, latch closed: offsets 0 and 1 are RBR/THR and IER again
    CHECK(com.in(Uart16550::IER) == 0);
    CHECK(com.in(Uart16550::LCR) == 0x03);
    CHECK(com.host.sent.empty()); // the divisor writes did not transmit anything
    com.out(Uart16550::IER, 0xFF);
    CHECK(com.in(Uart16550::IER) == 0x0F);
    com.out(Uart16550::LCR, 0x83);
    CHECK(com.in(Uart16550::DLL) == 0x01); // the latch kept its value
    // Ports beyond the eight registers float; wide accesses are not decoded.
    CHECK(com.bus.port_in(COM1 + 8, 1) == 0xFF);
    CHECK(com.bus.port_in(COM1, 2) == 0xFFFF);
}

TEST_CASE("uart: transmitting sends to the host end and leaves THR empty")
{
    Com1 com;
    for (char c : std::string("hi!"))
        com.out(Uart16550::THR, static_cast<uint8_t>(c));
    CHECK(std::string(com.host.sent.begin(), com.host.sent.end()) == "hi!");
    CHECK((com.in(Uart16550::LSR)&Uart16550::LSR_THR_EMPTY));
    CHECK((com.in(Uart16550::LSR)&Uart16550::LSR_TX_EMPTY));
}

TEST_CASE("uart: loopback returns transmitted bytes and loops the modem lines")
{
    Com1 com;
    com.out(Uart16550::FCR, Uart16550::FCR_ENABLE);
    com.out(Uart16550::MCR, Uart16550::MCR_LOOP);
    CHECK((com.in(Uart16550::MSR)&0xF0) == 0);
    com.out(Uart16550::THR, 'A');
    com.out(Uart16550::THR, 'B');
    CHECK(com.host.sent.empty()); // the wire is disconnected in loopback
    CHECK((com.in(Uart16550::LSR)&Uart16550::LSR_DATA_READY));
    CHECK(com.in(Uart16550::RBR) == 'A');
    CHECK(com.in(Uart16550::RBR) == 'B');
    CHECK_FALSE((com.in(Uart16550::LSR)&Uart16550::LSR_DATA_READY));
    // Bytes from the far end do not arrive in loopback.
    com.receive("x");
    CHECK_FALSE((com.in(Uart16550::LSR)&Uart16550::LSR_DATA_READY));

    com.out(Uart16550::MCR, Uart16550::MCR_LOOP | Uart16550::MCR_RTS | Uart16550::MCR_DTR);
    CHECK(com.in(Uart16550::MSR)
        == (Uart16550::MSR_CTS | Uart16550::MSR_DSR | Uart16550::MSR_DELTA_CTS | Uart16550::MSR_DELTA_DSR));
    CHECK(com.in(Uart16550::MSR) == (Uart16550::MSR_CTS | Uart16550::MSR_DSR)); // reading cleared the deltas
    com.out(Uart16550::MCR, Uart16550::MCR_LOOP | Uart16550::MCR_OUT1 | Uart16550::MCR_OUT2);
    uint8_t msr = com.in(Uart16550::MSR);
    CHECK((msr & 0xF0) == (Uart16550::MSR_RI | Uart16550::MSR_DCD));
    CHECK((msr & Uart16550::MSR_DELTA_DCD));
    CHECK_FALSE((msr & Uart16550::MSR_TRAILING_RI)); // RI rose: no trailing edge yet
    com.out(Uart16550::MCR, Uart16550::MCR_LOOP | Uart16550::MCR_OUT2);
    CHECK((com.in(Uart16550::MSR)&Uart16550::MSR_TRAILING_RI));

    // OUT2 is set but loopback holds the PC's interrupt gate closed.
    com.bus.enable_line(4);
    com.out(Uart16550::IER, Uart16550::IER_RX_DATA);
    com.out(Uart16550::THR, 'C');
    CHECK(com.iir() == Uart16550::IIR_RX_DATA); // trigger level 1
    CHECK_FALSE(com.bus.line_level(4));
    CHECK(irq_recorder::delivered().empty());
    // Leaving loopback with OUT2 set opens it.
    com.out(Uart16550::MCR, Uart16550::MCR_OUT2);
    CHECK(com.bus.line_level(4));
    CHECK(irq_recorder::count(4) == 1);
}

TEST_CASE("uart: interrupt identification follows the 16550's priorities")
{
    Com1 com;
    com.out(Uart16550::FCR, Uart16550::FCR_ENABLE | 0xC0); // trigger level 14
    com.out(Uart16550::MCR, Uart16550::MCR_OUT2);
    com.out(Uart16550::IER, 0x0F);
    // The THR-empty interrupt comes as soon as it is enabled (THR is empty).
    CHECK(com.in(Uart16550::IIR) == (Uart16550::IIR_THR_EMPTY | Uart16550::IIR_FIFOS_ENABLED));
    CHECK(com.iir() == Uart16550::IIR_NONE); // reading IIR acknowledged it

    com.uart.set_modem_inputs(Uart16550::MSR_CTS);
    CHECK(com.iir() == Uart16550::IIR_MODEM_STATUS);
    com.out(Uart16550::THR, 'x'); // THR empty again: outranks modem status
    CHECK(com.iir() == Uart16550::IIR_THR_EMPTY);
    com.receive("0123456789ABCDEFGH"); // 18 bytes into 16: overrun
    CHECK(com.iir() == Uart16550::IIR_LINE_STATUS);
    uint8_t lsr = com.in(Uart16550::LSR);
    CHECK((lsr & Uart16550::LSR_OVERRUN));
    CHECK((lsr & Uart16550::LSR_DATA_READY));
    CHECK_FALSE((com.in(Uart16550::LSR)&Uart16550::LSR_OVERRUN)); // cleared by reading
    CHECK(com.iir() == Uart16550::IIR_RX_DATA); // 16 >= 14
    for (int i = 0; i < 3; ++i)
        com.in(Uart16550::RBR);
    CHECK(com.iir() == Uart16550::IIR_RX_TIMEOUT); // 13 below the trigger level
    std::string rest;
    while (com.in(Uart16550::LSR)&Uart16550::LSR_DATA_READY)
        rest += static_cast<char>(com.in(Uart16550::RBR));
    CHECK(rest == "3456789ABCDEF"); // the FIFO kept the first 16, the overrun bytes were lost
    CHECK(com.iir() == Uart16550::IIR_MODEM_STATUS); // the THR-empty one was reported above
    CHECK((com.in(Uart16550::MSR)&Uart16550::MSR_DELTA_CTS));
    CHECK(com.iir() == Uart16550::IIR_NONE);
    CHECK_FALSE(com.bus.line_level(4));
}

TEST_CASE("uart: THR-empty interrupts reach the IRQ line only through OUT2")
{
    Com1 com;
    com.bus.enable_line(4);
    com.out(Uart16550::IER, Uart16550::IER_THR_EMPTY);
    CHECK(com.iir() == Uart16550::IIR_THR_EMPTY);
    CHECK_FALSE(com.bus.line_level(4)); // OUT2 clear: the gate is closed
    com.out(Uart16550::THR, 'a');
    CHECK(irq_recorder::delivered().empty());
    com.out(Uart16550::MCR, Uart16550::MCR_OUT2);
    CHECK(com.bus.line_level(4));
    CHECK(irq_recorder::count(4) == 1);
    CHECK(com.iir() == Uart16550::IIR_THR_EMPTY);
    CHECK_FALSE(com.bus.line_level(4)); // acknowledged by the IIR read
    com.out(Uart16550::THR, 'b'); // transmitted at once: THR empty again
    CHECK(irq_recorder::count(4) == 2);
    com.out(Uart16550::IER, 0);
    CHECK_FALSE(com.bus.line_level(4));
    CHECK(com.host.sent.size() == 2);
}

TEST_CASE("uart: without FIFOs one byte is held, a second one overruns; FCR clears the FIFO")
{
    Com1 com;
    com.receive("ab");
    CHECK((com.in(Uart16550::LSR) & (Uart16550::LSR_OVERRUN | Uart16550::LSR_DATA_READY))
        == (Uart16550::LSR_OVERRUN | Uart16550::LSR_DATA_READY));
    CHECK(com.in(Uart16550::RBR) == 'a');
    CHECK_FALSE((com.in(Uart16550::LSR)&Uart16550::LSR_DATA_READY));
    CHECK(com.in(Uart16550::IIR) == Uart16550::IIR_NONE); // no FIFO bits
    com.out(Uart16550::FCR, Uart16550::FCR_ENABLE);
    CHECK(com.uart.receive_room() == Uart16550::FIFO_SIZE);
    com.receive("hello");
    CHECK(com.uart.receive_room() == Uart16550::FIFO_SIZE - 5);
    com.out(Uart16550::FCR, Uart16550::FCR_ENABLE | Uart16550::FCR_CLEAR_RX);
    CHECK_FALSE((com.in(Uart16550::LSR)&Uart16550::LSR_DATA_READY));
    // The host end hears of every change of room, so it reads no more than fits.
    REQUIRE(com.host.rooms.size() >= 4);
    CHECK(com.host.rooms.back() == Uart16550::FIFO_SIZE);
}

TEST_CASE("uart host end: spec parsing")
{
    sim::SerialSpec spec;
    std::string error;
    CHECK(sim::parse_serial_spec("none", spec, &error));
    CHECK(spec.kind == sim::SerialSpec::Kind::None);
    CHECK(sim::parse_serial_spec("pty:", spec, &error));
    CHECK(spec.kind == sim::SerialSpec::Kind::Pty);
    CHECK(spec.path.empty());
    CHECK(sim::parse_serial_spec("pty:/tmp/com1", spec, &error));
    CHECK(spec.path == "/tmp/com1");
    CHECK(sim::parse_serial_spec("unix:/tmp/s", spec, &error));
    CHECK(spec.kind == sim::SerialSpec::Kind::Unix);
    CHECK(spec.path == "/tmp/s");
    CHECK_FALSE(sim::parse_serial_spec("unix:", spec, &error));
    CHECK_FALSE(sim::parse_serial_spec("unix:" + std::string(200, 'x'), spec, &error));
    CHECK_FALSE(sim::parse_serial_spec("tcp:1234", spec, &error));
    CHECK(error.find("expected") != std::string::npos);
}

TEST_CASE("uart host end: a unix socket client's bytes arrive as RX data with an interrupt, bounded by the FIFO")
{
    sim::host_work_open();
    sim::DeviceBus bus;
    irq_recorder::clear();
    Uart16550 uart(bus, COM1, 4, "com1");
    std::string path = temp_path("com1.sock");
    sim::SerialSpec spec { sim::SerialSpec::Kind::Unix, path };
    std::string error;
    auto host = sim::SerialHost::start(spec, uart, &error);
    REQUIRE_MESSAGE(host, error);
    uart.attach(host.get());
    bus.port_out(COM1 + Uart16550::FCR, 1, Uart16550::FCR_ENABLE);
    bus.port_out(COM1 + Uart16550::MCR, 1, Uart16550::MCR_OUT2);
    bus.port_out(COM1 + Uart16550::IER, 1, Uart16550::IER_RX_DATA | Uart16550::IER_MODEM_STATUS);
    bus.enable_line(4);

    int client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path.c_str());
    REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    // Connecting raises DCD, DSR and CTS: a modem status interrupt.
    REQUIRE(run_host_work_until([&] { return (bus.port_in(COM1 + Uart16550::MSR, 1) & Uart16550::MSR_DCD) != 0; }));
    CHECK(irq_recorder::count(4) >= 1);
    CHECK((bus.port_in(COM1 + Uart16550::IIR, 1) & 0x0F) == Uart16550::IIR_NONE);
    irq_recorder::clear();

    std::string sent;
    for (int i = 0; i < 100; ++i)
        sent += static_cast<char>('!' + i % 90);
    REQUIRE(write(client, sent.data(), sent.size()) == static_cast<ssize_t>(sent.size()));
    REQUIRE(run_host_work_until([&] { return uart.receive_room() == 0; }));
    CHECK(bus.line_level(4));
    CHECK(irq_recorder::count(4) == 1);
    // The host side stops at a full FIFO instead of overrunning it.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    hal::run_host_work();
    CHECK_FALSE((bus.port_in(COM1 + Uart16550::LSR, 1) & Uart16550::LSR_OVERRUN));
    std::string received;
    REQUIRE(run_host_work_until([&] {
        while (bus.port_in(COM1 + Uart16550::LSR, 1) & Uart16550::LSR_DATA_READY)
            received += static_cast<char>(bus.port_in(COM1 + Uart16550::RBR, 1));
        return received.size() >= sent.size();
    }));
    CHECK(received == sent);
    CHECK_FALSE((bus.port_in(COM1 + Uart16550::LSR, 1) & Uart16550::LSR_OVERRUN));

    // Transmitting writes to the client.
    for (char c : std::string("pong"))
        bus.port_out(COM1 + Uart16550::THR, 1, static_cast<uint8_t>(c));
    CHECK(read_bytes(client, 4) == "pong");

    // Hanging up drops the modem lines.
    close(client);
    REQUIRE(run_host_work_until([&] { return (bus.port_in(COM1 + Uart16550::MSR, 1) & Uart16550::MSR_DCD) == 0; }));
    bus.port_out(COM1 + Uart16550::THR, 1, 'z'); // nobody connected: dropped, no harm
    // A second simulator can not take a socket in use.
    sim::DeviceBus other_bus;
    Uart16550 other(other_bus, COM1, 4, "com1");
    CHECK_FALSE(sim::SerialHost::start(spec, other, &error));
    CHECK(error.find("in use") != std::string::npos);
    uart.attach(nullptr);
    host.reset();
    CHECK(access(path.c_str(), F_OK) != 0); // the socket is gone
}

TEST_CASE("uart host end: a pty in raw mode, linked where asked")
{
    sim::host_work_open();
    sim::DeviceBus bus;
    Uart16550 uart(bus, COM1, 4, "com1");
    std::string link = temp_path("com1.pty");
    auto host = sim::SerialHost::start({ sim::SerialSpec::Kind::Pty, link }, uart, nullptr);
    REQUIRE(host);
    uart.attach(host.get());
    CHECK(host->description().find("/dev/pts/") != std::string::npos);
    int terminal = open(link.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(terminal >= 0);
    bus.port_out(COM1 + Uart16550::FCR, 1, Uart16550::FCR_ENABLE);
    REQUIRE(write(terminal, "abc\r", 4) == 4);
    std::string received;
    REQUIRE(run_host_work_until([&] {
        while (bus.port_in(COM1 + Uart16550::LSR, 1) & Uart16550::LSR_DATA_READY)
            received += static_cast<char>(bus.port_in(COM1 + Uart16550::RBR, 1));
        return received.size() >= 4;
    }));
    CHECK(received == "abc\r"); // raw: no line editing, no CR translation
    for (char c : std::string("ok\n"))
        bus.port_out(COM1 + Uart16550::THR, 1, static_cast<uint8_t>(c));
    CHECK(read_bytes(terminal, 3) == "ok\n");
    close(terminal);
    uart.attach(nullptr);
    host.reset();
    CHECK(access(link.c_str(), F_OK) != 0); // the link is removed
}
