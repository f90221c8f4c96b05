// Port I/O for a driver running as a Linux process (drivers/api/port_io.h): each access is a
// message to the simulator's device bus. Writes are pipelined (no reply; a refusal arrives
// later as PORT_REFUSED and ends the driver with a message), reads wait for their value.
#include "../api/port_io.h"

#include "runtime.h"

#include <cstring>
#include <vector>

namespace driver {

namespace {

    std::uint32_t port_in(u16 port, std::uint8_t width)
    {
        wire::PortAccess access { port, width, 0, 1 };
        remote::send(wire::Type::PortIn, &access, sizeof access);
        wire::Message message = remote::receive(wire::Type::PortInReply);
        wire::PortInReply reply {};
        if (!message.fixed(reply) || message.body.size() < sizeof reply + width)
            remote::protocol_error("short PORT_IN_REPLY");
        if (reply.status < 0)
            remote::protocol_error("PORT_IN refused without PORT_REFUSED");
        std::uint32_t value = 0;
        std::memcpy(&value, message.payload(sizeof reply), width);
        return value;
    }

    void port_out(u16 port, std::uint8_t width, std::uint32_t value)
    {
        wire::PortAccess access { port, width, 0, 1 };
        remote::send(wire::Type::PortOut, &access, sizeof access, &value, width);
    }

    std::size_t items_per_message() { return remote::max_buffer() / 2; }

} // namespace

u8 port_in8(u16 port) { return static_cast<u8>(port_in(port, 1)); }
u16 port_in16(u16 port) { return static_cast<u16>(port_in(port, 2)); }
u32 port_in32(u16 port) { return port_in(port, 4); }
void port_out8(u16 port, u8 value) { port_out(port, 1, value); }
void port_out16(u16 port, u16 value) { port_out(port, 2, value); }
void port_out32(u16 port, u32 value) { port_out(port, 4, value); }

void port_in16_string(u16 port, u16* buffer, usize count)
{
    while (count) {
        std::size_t n = count < items_per_message() ? count : items_per_message();
        wire::PortAccess access { port, 2, 0, static_cast<std::uint32_t>(n) };
        remote::send(wire::Type::PortIn, &access, sizeof access);
        wire::Message message = remote::receive(wire::Type::PortInReply);
        wire::PortInReply reply {};
        if (!message.fixed(reply) || message.body.size() < sizeof reply + 2 * n)
            remote::protocol_error("short PORT_IN_REPLY");
        std::memcpy(buffer, message.payload(sizeof reply), 2 * n);
        buffer += n;
        count -= n;
    }
}

void port_out16_string(u16 port, const u16* buffer, usize count)
{
    while (count) {
        std::size_t n = count < items_per_message() ? count : items_per_message();
        wire::PortAccess access { port, 2, 0, static_cast<std::uint32_t>(n) };
        remote::send(wire::Type::PortOut, &access, sizeof access, buffer, 2 * n);
        buffer += n;
        count -= n;
    }
}

} // namespace driver
