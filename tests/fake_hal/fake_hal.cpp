#include "fake_hal.h"

#include "../../kernel_core/hal/block_device.h"
#include "../../kernel_core/hal/clock.h"
#include "../../kernel_core/hal/console.h"
#include "../../kernel_core/hal/entropy.h"
#include "../../kernel_core/hal/host.h"
#include "../../kernel_core/hal/platform.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {
std::uint64_t s_now = 1'000'000'000;
std::uint64_t s_tick = 100;
std::uint64_t s_armed = 0;
std::string s_input;
std::size_t s_input_used = 0;
std::string s_output;

void check_timer()
{
    if (s_armed && s_now >= s_armed) {
        s_armed = 0;
        kernel::on_timer();
    }
}
} // namespace

namespace fake_hal {

void reset(const std::string& console_input)
{
    s_now = 1'000'000'000;
    s_tick = 100;
    s_armed = 0;
    s_input = console_input;
    s_input_used = 0;
    s_output.clear();
    reset_interrupts();
    reset_physical_memory();
}

const std::string& console_output() { return s_output; }

// The fake disk (hal/block_device.h).
std::vector<unsigned char> s_disk;
std::uint64_t s_disk_calls = 0;
void set_disk(std::uint64_t blocks)
{
    s_disk.assign(blocks * hal::DISK_BLOCK_SIZE, 0);
    s_disk_calls = 0;
}
std::uint64_t disk_calls() { return s_disk_calls; }
unsigned char* disk_bytes() { return s_disk.data(); }
std::uint64_t now_ns() { return s_now; }
void set_tick_ns(std::uint64_t tick) { s_tick = tick; }

} // namespace fake_hal

namespace hal {

// No disk unless a test makes one with fake_hal::set_disk (declared by the tests that use
// it: an in-memory disk of `blocks` blocks, 0 = none) and counts the calls.
u64 disk_block_count() { return fake_hal::s_disk.size() / DISK_BLOCK_SIZE; }
int disk_read_blocks(u64 index, u64 count, void* buffer)
{
    u64 blocks = disk_block_count();
    if (blocks == 0)
        return ENODEV;
    if (index > blocks || count > blocks - index)
        return EINVAL;
    ++fake_hal::s_disk_calls;
    std::memcpy(buffer, fake_hal::s_disk.data() + index * DISK_BLOCK_SIZE, count * DISK_BLOCK_SIZE);
    return 0;
}
int disk_write_blocks(u64 index, u64 count, const void* buffer)
{
    u64 blocks = disk_block_count();
    if (blocks == 0)
        return ENODEV;
    if (index > blocks || count > blocks - index)
        return EINVAL;
    ++fake_hal::s_disk_calls;
    std::memcpy(fake_hal::s_disk.data() + index * DISK_BLOCK_SIZE, buffer, count * DISK_BLOCK_SIZE);
    return 0;
}
int disk_flush() { return disk_block_count() ? 0 : ENODEV; }

u64 monotonic_ns()
{
    s_now += s_tick;
    check_timer();
    return s_now;
}

i64 realtime_ns() { return 1'700'000'000'000'000'000ll + static_cast<i64>(s_now); }

void timer_arm(u64 deadline_ns) { s_armed = deadline_ns; }

void idle(u64 deadline_ns)
{
    if (deadline_ns > s_now)
        s_now = deadline_ns;
    check_timer();
}

// No host threads in unit tests.
void run_host_work() {}
bool host_work_possible() { return false; }

void console_write(ConsoleStream, const char* bytes, usize length) { s_output.append(bytes, length); }

isize console_poll_input(char* buffer, usize capacity)
{
    if (s_input_used >= s_input.size())
        return -1;
    std::size_t n = std::min(capacity, s_input.size() - s_input_used);
    std::memcpy(buffer, s_input.data() + s_input_used, n);
    s_input_used += n;
    return static_cast<isize>(n);
}

bool console_is_interactive() { return false; }

void entropy_fill(void* buffer, usize length) { std::memset(buffer, 0x42, length); }

void panic(const char* message)
{
    std::fprintf(stderr, "KERNEL PANIC in unit test: %s\n", message);
    std::abort();
}

void log(LogLevel level, const char* subsystem, const char* message)
{
    if (level >= LogLevel::Warn)
        std::fprintf(stderr, "[%s] %s\n", subsystem, message);
}

const char* platform_arch() { return "fake"; }
u64 memory_resident_bytes() { return 0; }

} // namespace hal
