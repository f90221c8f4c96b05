// A self-test kernel for the machine layer alone (arch-selftest.elf; not part of kernel.elf):
// banner, memory map, static constructors, timer ticks with SSE used on both sides of the
// interrupt, serial echo, then either power_off(0) or the fault chosen on the command line
// (`fault=div|null|ud|gp|bp|df`), which must end in the exception panic (exit status 0x31).
// tests/baremetal/arch_selftest.py boots it in QEMU.
#include "arch_internal.h"

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];

// The compiler may emit calls to these even in freestanding code.
void* memset(void* d, int c, usize n)
{
    auto* p = static_cast<unsigned char*>(d);
    for (usize i = 0; i < n; ++i)
        p[i] = static_cast<unsigned char>(c);
    return d;
}
void* memcpy(void* d, const void* s, usize n)
{
    auto* p = static_cast<unsigned char*>(d);
    auto* q = static_cast<const unsigned char*>(s);
    for (usize i = 0; i < n; ++i)
        p[i] = q[i];
    return d;
}
}

namespace {

using arch::detail::print;
using arch::detail::print_decimal;
using arch::detail::print_hex;

volatile u64 s_ticks = 0;
volatile u64 s_serial_interrupts = 0;
volatile double s_interrupt_sum = 0;
int s_constructed = 0;

struct Constructed {
    Constructed() { s_constructed = 42; }
} s_constructed_object;

bool contains(const char* text, const char* word)
{
    for (; *text; ++text) {
        usize i = 0;
        while (word[i] && text[i] == word[i])
            ++i;
        if (!word[i])
            return true;
    }
    return false;
}

[[gnu::noinline]] u32 divide(u32 a, u32 b)
{
    asm volatile("xorl %%edx, %%edx; divl %1" : "+a"(a) : "r"(b) : "rdx"); // GCC would fold a/0
    return a;
}

[[gnu::noinline]] void trigger(const char* command_line)
{
    if (contains(command_line, "fault=div")) {
        print("selftest: dividing by zero\n");
        print_decimal(divide(1, 0));
    } else if (contains(command_line, "fault=null")) {
        print("selftest: writing through a null pointer\n");
        volatile uintptr_t address = 8;
        *reinterpret_cast<volatile int*>(address) = 1;
    } else if (contains(command_line, "fault=ud")) {
        asm volatile("ud2");
    } else if (contains(command_line, "fault=gp")) {
        asm volatile("movw $0x43, %%ax; movw %%ax, %%ds" ::: "rax");
    } else if (contains(command_line, "fault=bp")) {
        asm volatile("int3");
    } else if (contains(command_line, "fault=df")) {
        // Unmapped stack: the page fault cannot push its frame -> double fault on IST 1.
        asm volatile("movq $0x10, %%rsp; movl $0, (%%rsp)" ::: "memory");
    }
}

} // namespace

void arch::on_timer_tick()
{
    s_ticks = s_ticks + 1;
    // Clobber SSE registers in the interrupt: the interrupted code must not notice.
    double x = s_interrupt_sum;
    x = x * 1.000001 + 0.5;
    s_interrupt_sum = x;
}

void arch::on_serial_input() { s_serial_interrupts = s_serial_interrupts + 1; }

extern "C" [[noreturn]] void kernel_main(u32 magic, u64 info_address)
{
    arch::serial_init();
    print("\narch-selftest: 64-bit kernel_main reached, magic ");
    print_hex(magic, 8);
    print(", info at ");
    print_hex(info_address);
    print("\n");
    u64 rsp;
    asm volatile("mov %%rsp, %0" : "=r"(rsp));
    print("stack ");
    print_hex(rsp);
    print(" in [");
    print_hex(reinterpret_cast<u64>(__boot_stack_bottom));
    print(", ");
    print_hex(reinterpret_cast<u64>(__boot_stack_top));
    print(")\n");

    for (Constructor* c = __init_array_start; c < __init_array_end; ++c)
        (*c)();
    print(s_constructed == 42 ? "constructors: ok\n" : "constructors: NOT RUN\n");

    static arch::BootInfo boot;
    arch::parse_boot_info(magic, info_address, boot);
    print("multiboot ");
    print_decimal(boot.multiboot_version);
    print(", command line \"");
    print(boot.command_line);
    print("\"\nkernel image ");
    print_hex(boot.kernel_start);
    print(" - ");
    print_hex(boot.kernel_end);
    print("\n");
    u64 total = 0;
    for (usize i = 0; i < boot.range_count; ++i) {
        print("  usable ");
        print_hex(boot.ranges[i].base);
        print(" - ");
        print_hex(boot.ranges[i].base + boot.ranges[i].length);
        print(" (");
        print_decimal(boot.ranges[i].length >> 10);
        print(" KiB)\n");
        total += boot.ranges[i].length;
    }
    for (usize i = 0; i < boot.module_count; ++i) {
        print("  module ");
        print_hex(boot.modules[i].start);
        print(" - ");
        print_hex(boot.modules[i].end);
        print(" \"");
        print(boot.modules[i].name);
        print("\"\n");
    }
    print("usable memory: ");
    print_decimal(total >> 20);
    print(" MiB\n");

    arch::cpu_init();
    print("cpu tables loaded\n");
    arch::pic_init();
    arch::pit_init(1000);
    arch::interrupts_enable();

    // SSE work in the interrupted code while the timer fires.
    volatile double seed = 1.0;
    double a = seed, b = seed * 3.0;
    u64 start_tsc = arch::read_tsc();
    while (s_ticks < 20) {
        for (int i = 0; i < 1000; ++i) {
            a = a * 1.0000001 + 1.0;
            b = b * 1.0000001 + 3.0;
        }
        if (b < 2.9999 * a || b > 3.0001 * a) {
            print("SSE state corrupted by an interrupt\n");
            arch::power_off(2);
        }
    }
    arch::interrupts_disable();
    print("timer: 20 ticks, ");
    print_decimal((arch::read_tsc() - start_tsc) / 20000);
    print(" kTSC per tick, SSE state intact\n");

    // Echo the serial input (interrupt-driven) until a newline, for at most 3 s.
    print("echo: ");
    u64 end_tick = s_ticks + 3000;
    usize echoed = 0;
    bool newline = false;
    while (s_ticks < end_tick && !newline) {
        arch::wait_for_interrupt();
        char buffer[64];
        usize n = arch::serial_read(buffer, sizeof buffer);
        arch::serial_write(buffer, n);
        echoed += n;
        for (usize i = 0; i < n; ++i)
            newline = newline || buffer[i] == '\n' || buffer[i] == '\r';
    }
    print("\necho: ");
    print_decimal(echoed);
    print(" bytes, ");
    print_decimal(s_serial_interrupts);
    print(" serial interrupts\n");

    trigger(boot.command_line);
    print("arch-selftest: passed\n");
    arch::power_off(0);
}
