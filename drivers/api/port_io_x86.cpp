// Port I/O on x86 hardware: the instructions themselves. Bare-metal drivers run in ring 0,
// so no I/O permission bitmap is involved (docs/drivers.md: what isolates what).
#include "port_io.h"

namespace driver {

u8 port_in8(u16 port)
{
    u8 value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
u16 port_in16(u16 port)
{
    u16 value;
    asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
u32 port_in32(u16 port)
{
    u32 value;
    asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
void port_out8(u16 port, u8 value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
void port_out16(u16 port, u16 value) { asm volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
void port_out32(u16 port, u32 value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }

void port_in16_string(u16 port, u16* buffer, usize count)
{
    asm volatile("rep insw" : "+D"(buffer), "+c"(count) : "d"(port) : "memory");
}
void port_out16_string(u16 port, const u16* buffer, usize count)
{
    asm volatile("rep outsw" : "+S"(buffer), "+c"(count) : "d"(port) : "memory");
}

} // namespace driver
