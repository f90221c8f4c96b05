// The bare-metal kernel's C++ entry, called by boot.S in 64-bit mode: brings up the
// machine (serial, CPU tables, heap, interrupts, clock), runs the static constructors that
// register the programs, then boots the same kernel core as the simulator.
//
// Kernel command line (Multiboot): `run=CMD...` runs CMD with `sh -c` instead of the
// interactive shell and powers off with its status; `verbose` prints the info-level log;
// `panic` panics at once (tests check that a panic fails fast).
#include "../kernel_core/hal/platform.h"
#include "../kernel_core/kernel.h"
#include "../kernel_core/ktl/format.h"
#include "arch.h"
#include "clock.h"
#include "heap.h"
#include "kernel_mode.h"

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];
}

namespace baremetal {
bool g_in_kernel = true;
extern bool g_verbose_log;
} // namespace baremetal

namespace {

void say(const char* text) { arch::serial_write(text, ktl::cstring_length(text)); }

void run_constructors()
{
    for (Constructor* c = __init_array_start; c < __init_array_end; ++c)
        (*c)();
}

} // namespace

extern "C" [[noreturn]] void kernel_main(u32 magic, u64 info_address)
{
    arch::serial_init();
    say("\nredox-hosted: bare-metal x86_64 kernel starting\n");
    arch::BootInfo boot {};
    arch::parse_boot_info(magic, info_address, boot);
    baremetal::heap_init(boot);
    run_constructors();
    arch::cpu_init();
    arch::pic_init();
    arch::pit_init(1000);
    arch::pic_unmask(0);
    arch::pic_unmask(4);
    baremetal::clock_init();

    char line[160];
    usize n = ktl::format_buffer(line, sizeof line,
        "memory: %lu MiB usable (frame allocator, heap grows in 4 MiB chunks); TSC %lu kHz\n",
        static_cast<unsigned long>(baremetal::heap_size_bytes() >> 20),
        static_cast<unsigned long>(baremetal::tsc_per_ms()));
    arch::serial_write(line, n);

    kernel::BootConfig config;
    config.init_args.append("init");
    ktl::StringView command_line(boot.command_line ? boot.command_line : "");
    for (usize i = 0; i < command_line.length();) {
        isize space = command_line.find(' ', i);
        usize end = space < 0 ? command_line.length() : static_cast<usize>(space);
        ktl::StringView word = command_line.substring(i, end - i);
        if (word == "verbose")
            baremetal::g_verbose_log = true;
        if (word == "panic")
            hal::panic("panic requested on the kernel command line"); // to test the failure path
        if (word.starts_with("run=")) {
            config.init_args.append("--run");
            config.init_args.append(command_line.substring(i + 4)); // the rest of the line
            break;
        }
        i = end + 1;
    }
    int status;
    {
        kernel::Kernel kernel(config);
        status = kernel.run();
    }
    n = ktl::format_buffer(line, sizeof line, "redox-hosted: system halted with status %d\n", status);
    arch::serial_write(line, n);
    arch::power_off(status);
}
