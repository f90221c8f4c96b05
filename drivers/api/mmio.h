#pragma once
// Memory-mapped registers: the role of Redox's Mmio<T>. A driver overlays a struct of Mmio
// fields on memory it mapped with driver::physmap (physical_memory.h), so every access is a
// single volatile load or store of the register's width:
//
//   struct Registers { driver::Mmio<u32> control; driver::Mmio<u32> status; };
//   auto* regs = static_cast<Registers*>(mapping);
//   regs->control.write(1);
#include "ktl/types.h"

namespace driver {

template<typename T>
class Mmio {
public:
    T read() const { return m_value; }
    void write(T value) { m_value = value; }
    bool test(T mask) const { return (read() & mask) == mask; }
    void set(T mask, bool on) { write(on ? static_cast<T>(read() | mask) : static_cast<T>(read() & ~mask)); }

private:
    volatile T m_value;
};

} // namespace driver
