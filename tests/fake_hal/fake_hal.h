#pragma once
// The fake HAL for unit tests: the real context switcher (sim/hal/context.cpp) with a stub
// clock that only moves when read or when the system idles, a console backed by strings,
// fixed entropy, and panics that fail the test run.
#include <cstddef>
#include <cstdint>
#include <string>

namespace fake_hal {

void reset(const std::string& console_input);
const std::string& console_output();
std::uint64_t now_ns();
// Nanoseconds each clock read advances the fake monotonic clock by.
void set_tick_ns(std::uint64_t tick);

// Interrupt lines (fake_interrupts.cpp). raise_irq calls kernel::deliver_irq at once when the
// line is enabled, else latches it until the line is enabled (call it on the core's thread:
// from a test body). reset() clears both states.
void raise_irq(std::uint8_t line);
bool irq_enabled(std::uint8_t line);
bool irq_pending(std::uint8_t line);
void reset_interrupts();

// Physical memory (fake_physical_memory.cpp): physical_pages pages of RAM at physical_base;
// DMA buffers come from them. reset() frees every page.
constexpr std::uint64_t physical_base = 0x1000'0000;
constexpr std::size_t physical_pages = 64;
std::size_t dma_pages_free();
unsigned char* physical_arena();
void reset_physical_memory();

} // namespace fake_hal
