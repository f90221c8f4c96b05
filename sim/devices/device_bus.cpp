// The simulated machine's port bus and interrupt lines (device_bus.h).
#include "device_bus.h"

#include "../../kernel_core/ktl/types.h"
#include "device_log.h"

#include <cstring>

namespace kernel {
// kernel_core/schemes/irq_scheme.h, declared here so the device models (and their tests, which
// record deliveries instead) need none of the core's headers.
void deliver_irq(u8 line);
}

namespace sim {

namespace {

    uint32_t all_ones(unsigned width) { return width >= 4 ? 0xFFFF'FFFFu : (1u << (width * 8)) - 1; }

    // --log-level trace shows every port access, as `inb 0x1f7 -> 0x58`: what a driver did.
    bool tracing() { return device_log().should_log(spdlog::level::trace); }
    char suffix(unsigned width) { return width == 1 ? 'b' : width == 2 ? 'w' : 'l'; }

} // namespace

void PortDevice::read_string(uint16_t offset, unsigned width, void* buffer, size_t count)
{
    auto* out = static_cast<unsigned char*>(buffer);
    for (size_t i = 0; i < count; ++i) {
        uint32_t value = read(offset, width);
        std::memcpy(out + i * width, &value, width); // x86 is little-endian, as is the host
    }
}

void PortDevice::write_string(uint16_t offset, unsigned width, const void* buffer, size_t count)
{
    auto* in = static_cast<const unsigned char*>(buffer);
    for (size_t i = 0; i < count; ++i) {
        uint32_t value = 0;
        std::memcpy(&value, in + i * width, width);
        write(offset, width, value);
    }
}

void DeviceBus::claim(uint16_t base, uint16_t count, PortDevice& device)
{
    for (size_t i = 0; i < m_range_count; ++i) {
        const Range& range = m_ranges[i];
        if (base < range.base + range.count && range.base < base + count) {
            device_log().error("ports {:#x}-{:#x} already claimed", base, base + count - 1);
            return;
        }
    }
    if (m_range_count == sizeof m_ranges / sizeof m_ranges[0]) {
        device_log().error("too many port ranges, {:#x} not claimed", base);
        return;
    }
    m_ranges[m_range_count++] = { base, count, &device };
}

void DeviceBus::release(PortDevice& device)
{
    size_t kept = 0;
    for (size_t i = 0; i < m_range_count; ++i) {
        if (m_ranges[i].device != &device)
            m_ranges[kept++] = m_ranges[i];
    }
    m_range_count = kept;
}

DeviceBus::Range* DeviceBus::find(uint16_t port)
{
    for (size_t i = 0; i < m_range_count; ++i) {
        Range& range = m_ranges[i];
        if (port >= range.base && port - range.base < range.count)
            return &range;
    }
    return nullptr;
}

static bool valid_width(unsigned width) { return width == 1 || width == 2 || width == 4; }

uint32_t DeviceBus::port_in(uint16_t port, unsigned width)
{
    if (!valid_width(width))
        return 0xFFFF'FFFFu;
    Range* range = find(port);
    uint32_t value = range ? range->device->read(port - range->base, width) & all_ones(width) : all_ones(width);
    if (tracing())
        device_log().trace("in{} {:#x} -> {:#x}", suffix(width), port, value);
    return value;
}

void DeviceBus::port_out(uint16_t port, unsigned width, uint32_t value)
{
    if (!valid_width(width))
        return;
    if (tracing())
        device_log().trace("out{} {:#x} <- {:#x}", suffix(width), port, value & all_ones(width));
    if (Range* range = find(port))
        range->device->write(port - range->base, width, value & all_ones(width));
}

void DeviceBus::port_in_string(uint16_t port, unsigned width, void* buffer, size_t count)
{
    if (!valid_width(width))
        return;
    if (tracing())
        device_log().trace("ins{} {:#x} x{}", suffix(width), port, count);
    Range* range = find(port);
    if (!range) {
        std::memset(buffer, 0xFF, count * width);
        return;
    }
    range->device->read_string(port - range->base, width, buffer, count);
}

void DeviceBus::port_out_string(uint16_t port, unsigned width, const void* buffer, size_t count)
{
    if (!valid_width(width))
        return;
    if (tracing())
        device_log().trace("outs{} {:#x} x{}", suffix(width), port, count);
    if (Range* range = find(port))
        range->device->write_string(port - range->base, width, buffer, count);
}

void DeviceBus::set_line(uint8_t line, bool asserted)
{
    if (line >= LINES)
        return;
    bool rising = asserted && !m_level[line];
    m_level[line] = asserted;
    if (rising && m_enabled[line])
        kernel::deliver_irq(line);
}

void DeviceBus::enable_line(uint8_t line)
{
    if (line >= LINES)
        return;
    m_enabled[line] = true;
    // Level-triggered, like a line behind the PIC: a device still asserting it (the driver
    // acknowledged before the device was satisfied) interrupts again at once.
    if (m_level[line])
        kernel::deliver_irq(line);
}

void DeviceBus::disable_line(uint8_t line)
{
    if (line < LINES)
        m_enabled[line] = false;
}

bool DeviceBus::line_claimed(uint8_t line) const { return line < LINES && m_claimed[line]; }

void DeviceBus::claim_line(uint8_t line)
{
    if (line < LINES)
        m_claimed[line] = true;
}

bool DeviceBus::line_level(uint8_t line) const { return line < LINES && m_level[line]; }

bool DeviceBus::line_enabled(uint8_t line) const { return line < LINES && m_enabled[line]; }

void DeviceBus::reset()
{
    m_range_count = 0;
    for (uint8_t line = 0; line < LINES; ++line)
        m_level[line] = m_enabled[line] = m_claimed[line] = false;
}

DeviceBus& device_bus()
{
    static DeviceBus bus;
    return bus;
}

} // namespace sim
