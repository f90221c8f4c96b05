// hal/platform.h and hal/entropy.h on bare metal: panics and the log go to the serial
// console; entropy comes from RDRAND when the CPU has it, else from TSC jitter.
#include "../kernel_core/hal/block_device.h"
#include "../kernel_core/hal/entropy.h"
#include "../kernel_core/hal/platform.h"
#include "../kernel_core/abi/redox/errno.h"
#include "../kernel_core/ktl/format.h"
#include "arch.h"
#include "heap.h"

#include <cpuid.h>

namespace baremetal {
bool g_verbose_log = false;
}

namespace hal {

// No disk driver yet: no boot disk.
u64 disk_block_count() { return 0; }
int disk_read_blocks(u64, u64, void*) { return redox::ENODEV; }
int disk_write_blocks(u64, u64, const void*) { return redox::ENODEV; }
int disk_flush() { return redox::ENODEV; }

void panic(const char* message)
{
    arch::interrupts_disable();
    char line[256];
    usize n = ktl::format_buffer(line, sizeof line, "\nKERNEL PANIC: %s\nbacktrace:\n", message);
    arch::serial_write(line, n < sizeof line ? n : sizeof line - 1);
    // Walk the frame-pointer chain (the kernel is built with -fno-omit-frame-pointer).
    auto* frame = static_cast<u64*>(__builtin_frame_address(0));
    for (int depth = 0; frame && depth < 32; ++depth) {
        u64 return_address = frame[1];
        if (!return_address)
            break;
        n = ktl::format_buffer(line, sizeof line, "  #%d %p\n", depth, reinterpret_cast<void*>(return_address));
        arch::serial_write(line, n);
        auto* next = reinterpret_cast<u64*>(frame[0]);
        if (next <= frame)
            break;
        frame = next;
    }
    arch::power_off(0x31);
}

void log(LogLevel level, const char* subsystem, const char* message)
{
    if (level < LogLevel::Warn && !baremetal::g_verbose_log)
        return;
    char line[600];
    usize n = ktl::format_buffer(line, sizeof line, "[%s] %s\n", subsystem, message);
    arch::serial_write(line, n < sizeof line ? n : sizeof line - 1);
}

const char* platform_arch() { return "x86_64"; }

u64 memory_resident_bytes() { return baremetal::heap_used_bytes(); }

void entropy_fill(void* buffer, usize length)
{
    unsigned eax, ebx, ecx, edx;
    bool has_rdrand = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_RDRND);
    auto* out = static_cast<u8*>(buffer);
    for (usize i = 0; i < length; ++i) {
        u64 value = 0;
        if (has_rdrand) {
            unsigned char ok = 0;
            for (int tries = 0; tries < 10 && !ok; ++tries)
                asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
        }
        value ^= arch::read_tsc() * 0x9E3779B97F4A7C15ull;
        out[i] = static_cast<u8>(value >> 29);
    }
}

} // namespace hal
