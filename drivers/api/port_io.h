#pragma once
// Port I/O for drivers: the role of Redox's Pio<T>. A driver names a register once
// (`driver::Pio<u8> status { base + 7 };`) and reads or writes it with the width its type
// gives. Root only, as in Redox: a driver calls sys::iopl(3) before its first access.
//
// Which code performs the access is chosen by the build, never by the driver:
// - bare metal: the in/out instructions (port_io_x86.cpp);
// - the simulator: the driver is a Linux process and each access is a message to the
//   simulator's device models (drivers/remote/); writes are pipelined, reads wait.
#include "ktl/types.h"

namespace driver {

u8 port_in8(u16 port);
u16 port_in16(u16 port);
u32 port_in32(u16 port);
void port_out8(u16 port, u8 value);
void port_out16(u16 port, u16 value);
void port_out32(u16 port, u32 value);
// `rep insw` / `rep outsw`: `count` 16-bit words through one port (ATA's data register).
void port_in16_string(u16 port, u16* buffer, usize count);
void port_out16_string(u16 port, const u16* buffer, usize count);

template<typename T>
class Pio {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4, "ports are 8, 16 or 32 bits wide");

public:
    constexpr explicit Pio(u16 port) : m_port(port) {}

    T read() const
    {
        if constexpr (sizeof(T) == 1)
            return static_cast<T>(port_in8(m_port));
        else if constexpr (sizeof(T) == 2)
            return static_cast<T>(port_in16(m_port));
        else
            return static_cast<T>(port_in32(m_port));
    }
    void write(T value) const
    {
        if constexpr (sizeof(T) == 1)
            port_out8(m_port, static_cast<u8>(value));
        else if constexpr (sizeof(T) == 2)
            port_out16(m_port, static_cast<u16>(value));
        else
            port_out32(m_port, static_cast<u32>(value));
    }
    bool test(T mask) const { return (read() & mask) == mask; }
    void set(T mask, bool on) const { write(on ? static_cast<T>(read() | mask) : static_cast<T>(read() & ~mask)); }
    u16 port() const { return m_port; }

private:
    u16 m_port;
};

} // namespace driver
