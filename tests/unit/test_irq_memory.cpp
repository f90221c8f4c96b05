// The kernel side of drivers: the `irq` and `memory` schemes and iopl, on the fake HAL's
// interrupt lines and physical memory arena (tests/fake_hal).
#include "kernel_harness.h"

#include "../../kernel_core/context.h"
#include "../../kernel_core/hal/clock.h"
#include "../../kernel_core/host_bridge.h"
#include "../../kernel_core/kernel.h"
#include "../../kernel_core/klog.h"
#include "../../kernel_core/schemes/irq_scheme.h"
#include "../fake_hal/fake_hal.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using harness::boot;
using harness::spawn;

namespace {

constexpr u8 line = 5;

int open_line(u8 number)
{
    std::string path = "/scheme/irq/" + std::to_string(number);
    return static_cast<int>(sys::open(path.c_str(), redox::O_RDWR));
}

// What a driver does after an interrupt: read the count, acknowledge it.
u64 read_and_acknowledge(int fd)
{
    u64 count = 0;
    CHECK(sys::read(fd, &count, sizeof count) == sizeof count);
    CHECK(sys::write(fd, &count, sizeof count) == sizeof count);
    return count;
}

std::string list(const char* path)
{
    std::string names;
    long fd = sys::open(path, redox::O_RDONLY | redox::O_DIRECTORY);
    CHECK(fd >= 0);
    char buffer[1024];
    long n = sys::getdents(static_cast<int>(fd), buffer, sizeof buffer, 0);
    CHECK(n > 0);
    for (long at = 0; at < n;) {
        auto* header = reinterpret_cast<redox::DirentHeader*>(buffer + at);
        names += header->name;
        names += ' ';
        at += header->record_length;
    }
    sys::close(static_cast<int>(fd));
    return names;
}

void sleep_ms(long ms)
{
    redox::TimeSpec request { ms / 1000, static_cast<std::int32_t>((ms % 1000) * 1'000'000) };
    CHECK(sys::nanosleep(request, nullptr) == 0);
}

} // namespace

TEST_CASE("irq: root only, one owner, lines the platform keeps are refused, the root lists the rest")
{
    auto run = boot([] {
        CHECK(list("/scheme/irq") == "1 3 5 6 7 8 9 10 11 12 13 14 15 ");
        int fd = open_line(line);
        CHECK(fd >= 0);
        CHECK(fake_hal::irq_enabled(line)); // open enables
        CHECK(open_line(line) == -redox::EBUSY);
        CHECK(open_line(0) == -redox::ENODEV); // the timer
        CHECK(open_line(4) == -redox::ENODEV); // the console
        CHECK(sys::open("/scheme/irq/16", redox::O_RDWR) == -redox::ENOENT);
        CHECK(sys::open("/scheme/irq/x", redox::O_RDWR) == -redox::ENOENT);
        CHECK(sys::open("/scheme/irq/05", redox::O_RDWR) == -redox::ENOENT);
        // stat does not take the line.
        long stat_fd = sys::open("/scheme/irq/6", redox::O_STAT);
        CHECK(stat_fd >= 0);
        redox::Stat st {};
        CHECK(sys::fstat(static_cast<int>(stat_fd), st) == 0);
        CHECK((st.st_mode & redox::MODE_TYPE) == redox::MODE_CHR);
        CHECK(!fake_hal::irq_enabled(6));
        sys::close(static_cast<int>(stat_fd));
        int six = open_line(6);
        CHECK(six >= 0);
        sys::close(six);
        char path[64] = {};
        CHECK(sys::fpath(fd, path, sizeof path) > 0);
        CHECK(std::strcmp(path, "/scheme/irq/5") == 0);

        long user = spawn([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(open_line(7) == -redox::EACCES);
            CHECK(sys::open("/scheme/irq", redox::O_RDONLY | redox::O_DIRECTORY) == -redox::EACCES);
            return 0;
        });
        CHECK(harness::wait_status(user) == 0);

        // A dup shares ownership: the line stays enabled until the last handle closes.
        long copy = sys::dup(fd);
        CHECK(copy >= 0);
        CHECK(sys::close(fd) == 0);
        CHECK(fake_hal::irq_enabled(line));
        CHECK(open_line(line) == -redox::EBUSY);
        CHECK(sys::close(static_cast<int>(copy)) == 0);
        CHECK(!fake_hal::irq_enabled(line)); // last close disables
        int again = open_line(line);
        CHECK(again >= 0);
        sys::close(again);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("irq: read gives a new count, the line stays masked until it is acknowledged")
{
    auto run = boot([] {
        int fd = open_line(line);
        CHECK(fd >= 0);
        u64 count = 99;
        CHECK(sys::read(fd, &count, sizeof count) == 0); // nothing pending
        CHECK(sys::read(fd, &count, 4) == -redox::EINVAL);
        CHECK(sys::write(fd, &count, 4) == -redox::EINVAL);
        CHECK(sys::write(fd, &count, 16) == -redox::EINVAL);

        fake_hal::raise_irq(line);
        CHECK(!fake_hal::irq_enabled(line)); // delivery masks
        CHECK(sys::read(fd, &count, sizeof count) == sizeof count);
        CHECK(count == 1);
        // A second interrupt while masked waits in the controller.
        fake_hal::raise_irq(line);
        CHECK(fake_hal::irq_pending(line));
        u64 stale = 0;
        CHECK(sys::write(fd, &stale, sizeof stale) == 0); // not the current count: ignored
        CHECK(!fake_hal::irq_enabled(line));
        // Acknowledging unmasks; the latched interrupt arrives at once and masks again.
        CHECK(sys::write(fd, &count, sizeof count) == sizeof count);
        CHECK(!fake_hal::irq_pending(line));
        CHECK(!fake_hal::irq_enabled(line));
        CHECK(read_and_acknowledge(fd) == 2);
        CHECK(fake_hal::irq_enabled(line));
        CHECK(sys::read(fd, &count, sizeof count) == 0);
        CHECK(sys::close(fd) == 0);
        CHECK(!fake_hal::irq_enabled(line));

        // Nobody owns the line: an interrupt is dropped and the line stays masked.
        kernel::deliver_irq(line);
        CHECK(!fake_hal::irq_enabled(line));
        // A new owner starts at count 0 with nothing pending.
        fd = open_line(line);
        CHECK(sys::read(fd, &count, sizeof count) == 0);
        fake_hal::raise_irq(line);
        CHECK(read_and_acknowledge(fd) == 1);
        sys::close(fd);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("irq: an event queue wakes the driver on an interrupt")
{
    auto run = boot([] {
        int fd = open_line(line);
        CHECK(fd >= 0);
        long queue = sys::open("/scheme/event", redox::O_RDWR);
        CHECK(queue >= 0);
        redox::Event watch { static_cast<unsigned long>(fd), redox::EVENT_READ, 7 };
        CHECK(sys::write(static_cast<int>(queue), &watch, sizeof watch) == sizeof watch);
        // The driver blocks in its queue; the interrupt comes while it waits.
        long driver = spawn([fd, queue] {
            redox::Event ready {};
            CHECK(sys::read(static_cast<int>(queue), &ready, sizeof ready) == sizeof ready);
            CHECK(ready.data == 7);
            CHECK((ready.flags & redox::EVENT_READ) != 0);
            CHECK(read_and_acknowledge(fd) == 1);
            return 0;
        });
        for (int i = 0; i < 5; ++i)
            sys::yield();
        CHECK(sys::fevent(fd, redox::EVENT_READ) == 0);
        fake_hal::raise_irq(line);
        CHECK(sys::fevent(fd, redox::EVENT_READ) == static_cast<long>(redox::EVENT_READ));
        CHECK(harness::wait_status(driver) == 0);
        CHECK(fake_hal::irq_enabled(line));
        CHECK(sys::fevent(fd, redox::EVENT_READ) == 0);
        sys::close(static_cast<int>(queue));
        sys::close(fd);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("irq: a flood is masked for 100 ms and logged, then the line works again")
{
    auto run = boot([] {
        int fd = open_line(line);
        CHECK(fd >= 0);
        u64 limit = kernel::IrqScheme::flood_limit_per_second;
        u64 count = 0;
        for (u64 i = 0; i < limit; ++i) {
            fake_hal::raise_irq(line);
            count = read_and_acknowledge(fd);
        }
        CHECK(count == limit);
        CHECK(fake_hal::irq_enabled(line)); // at the limit: still served
        fake_hal::raise_irq(line);          // one too many within the second
        count = read_and_acknowledge(fd);
        CHECK(count == limit + 1);
        CHECK(!fake_hal::irq_enabled(line)); // acknowledged, but masked by the flood guard
        std::string log = kernel::the_kernel().log().text().c_str();
        CHECK(log.find("irq 5: interrupt flood, masked for 100 ms") != std::string::npos);
        fake_hal::raise_irq(line);
        CHECK(fake_hal::irq_pending(line));
        sleep_ms(50);
        CHECK(!fake_hal::irq_enabled(line));
        sleep_ms(60);
        // Re-enabled: the interrupt that waited is delivered.
        CHECK(!fake_hal::irq_pending(line));
        CHECK(read_and_acknowledge(fd) == limit + 2);
        CHECK(fake_hal::irq_enabled(line));
        sys::close(fd);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("irq: closing a flooded line ends the flood guard; the next owner gets an enabled line")
{
    auto run = boot([] {
        int fd = open_line(line);
        for (u64 i = 0; i <= kernel::IrqScheme::flood_limit_per_second; ++i) {
            fake_hal::raise_irq(line);
            read_and_acknowledge(fd);
        }
        CHECK(!fake_hal::irq_enabled(line));
        sys::close(fd);
        fd = open_line(line);
        CHECK(fake_hal::irq_enabled(line));
        sleep_ms(150); // the old flood timer must not disturb the new owner
        CHECK(fake_hal::irq_enabled(line));
        sys::close(fd);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("memory: root only; dma is zeroed, contiguous and translated; funmap, exit and close free it")
{
    auto run = boot([] {
        CHECK(list("/scheme/memory") == "physical dma translation ");
        long dma = sys::open("/scheme/memory/dma", redox::O_RDWR);
        CHECK(dma >= 0);
        long translation = sys::open("/scheme/memory/translation", redox::O_RDONLY);
        CHECK(translation >= 0);
        int d = static_cast<int>(dma), t = static_cast<int>(translation);
        const ulong rw = redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED;

        std::size_t free_before = fake_hal::dma_pages_free();
        long address = sys::fmap(d, 0, 3 * 4096 - 100, rw);
        CHECK(address > 0);
        CHECK(address % 4096 == 0);
        CHECK(fake_hal::dma_pages_free() == free_before - 3);
        auto* bytes = reinterpret_cast<unsigned char*>(address);
        bool zero = true;
        for (int i = 0; i < 3 * 4096; ++i)
            zero &= bytes[i] == 0;
        CHECK(zero);
        // Translation: the physical address of each byte of the buffer.
        u64 physical = 0;
        CHECK(sys::lseek(t, address + 4096 + 12, redox::SEEK_SET) == address + 4096 + 12);
        CHECK(sys::read(t, &physical, sizeof physical) == sizeof physical);
        u64 base = fake_hal::physical_base
            + static_cast<u64>(bytes - fake_hal::physical_arena());
        CHECK(physical == base + 4096 + 12);
        CHECK(sys::lseek(t, reinterpret_cast<long>(&physical), redox::SEEK_SET) >= 0);
        CHECK(sys::read(t, &physical, sizeof physical) == -redox::EFAULT); // a stack address
        CHECK(sys::read(t, &physical, 4) == -redox::EINVAL);
        CHECK(sys::read(d, &physical, sizeof physical) == -redox::EBADF);
        // The physical window reaches the same memory.
        long physical_fd = sys::open("/scheme/memory/physical", redox::O_RDWR);
        CHECK(physical_fd >= 0);
        int p = static_cast<int>(physical_fd);
        bytes[4096] = 0x5A;
        long window = sys::fmap(p, base + 4096, 8192, rw);
        CHECK(window == address + 4096);
        CHECK(reinterpret_cast<unsigned char*>(window)[0] == 0x5A);
        CHECK(sys::funmap(reinterpret_cast<void*>(window), 8192) == 0);
        CHECK(fake_hal::dma_pages_free() == free_before - 3); // not DMA: nothing freed
        // Unmappable, unaligned or empty ranges are refused.
        CHECK(sys::fmap(p, 0x1000, 4096, rw) == -redox::EFAULT);
        CHECK(sys::fmap(p, fake_hal::physical_base + fake_hal::physical_pages * 4096 - 4096, 8192, rw)
            == -redox::EFAULT);
        CHECK(sys::fmap(p, base + 12, 4096, rw) == -redox::EINVAL);
        CHECK(sys::fmap(d, 4096, 4096, rw) == -redox::EINVAL); // dma has no offsets
        CHECK(sys::fmap(t, 0, 4096, redox::PROT_READ) == -redox::ENODEV);
        sys::close(p);

        // funmap frees: all of it, then again.
        CHECK(sys::funmap(bytes, 3 * 4096 - 100) == 0);
        CHECK(fake_hal::dma_pages_free() == free_before);
        long all = sys::fmap(d, 0, fake_hal::physical_pages * 4096, rw);
        CHECK(all > 0);
        CHECK(fake_hal::dma_pages_free() == 0);
        CHECK(sys::fmap(d, 0, 4096, rw) == -redox::ENOMEM);
        reinterpret_cast<unsigned char*>(all)[100] = 1;
        CHECK(sys::funmap(reinterpret_cast<void*>(all), fake_hal::physical_pages * 4096) == 0);
        long again = sys::fmap(d, 0, fake_hal::physical_pages * 4096, rw);
        CHECK(again == all);
        CHECK(reinterpret_cast<unsigned char*>(again)[100] == 0); // zeroed again
        CHECK(sys::funmap(reinterpret_cast<void*>(again), fake_hal::physical_pages * 4096) == 0);

        // A process that exits without funmap gives its buffers back.
        long child = spawn([] {
            long fd = sys::open("/scheme/memory/dma", redox::O_RDWR);
            CHECK(sys::fmap(static_cast<int>(fd), 0, 5 * 4096, redox::PROT_READ | redox::PROT_WRITE | redox::MAP_SHARED)
                > 0);
            sys::close(static_cast<int>(fd)); // the mapping keeps the file open
            CHECK(fake_hal::dma_pages_free() == fake_hal::physical_pages - 5);
            return 0;
        });
        CHECK(harness::wait_status(child) == 0);
        CHECK(fake_hal::dma_pages_free() == fake_hal::physical_pages);

        long user = spawn([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(sys::open("/scheme/memory/dma", redox::O_RDWR) == -redox::EACCES);
            CHECK(sys::open("/scheme/memory/physical", redox::O_RDWR) == -redox::EACCES);
            CHECK(sys::open("/scheme/memory", redox::O_RDONLY | redox::O_DIRECTORY) == -redox::EACCES);
            return 0;
        });
        CHECK(harness::wait_status(user) == 0);
        CHECK(sys::open("/scheme/memory/nothing", redox::O_RDWR) == -redox::ENOENT);
        sys::close(d);
        sys::close(t);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("iopl: root only, levels 0-3, inherited by clone")
{
    auto run = boot([] {
        CHECK(!kernel::current_has_io_privilege());
        CHECK(sys::iopl(4) == -redox::EINVAL);
        CHECK(sys::iopl(3) == 0);
        CHECK(kernel::current().io_privilege);
        CHECK(kernel::current_has_io_privilege());
        long child = spawn([] {
            CHECK(kernel::current_has_io_privilege()); // inherited
            CHECK(sys::iopl(0) == 0);
            CHECK(!kernel::current_has_io_privilege());
            return 0;
        });
        CHECK(harness::wait_status(child) == 0);
        CHECK(kernel::current_has_io_privilege()); // the child's change is its own
        long user = spawn([] {
            CHECK(sys::iopl(0) == 0);
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(sys::iopl(3) == -redox::EPERM);
            CHECK(!kernel::current_has_io_privilege());
            return 0;
        });
        CHECK(harness::wait_status(user) == 0);
        return 0;
    });
    CHECK(run.status == 0);
}

namespace {

struct Proxy {
    kernel::HostRequestQueue queue;
    kernel::HostRequest request;
    kernel::HostRequest late; // posted after the kill
    int timeouts = 0;
    int taken = 0;
    int exits = 0;
    int drained = 0;
};

int proxy_main(void* argument)
{
    auto* proxy = static_cast<Proxy*>(argument);
    if (!proxy->queue.take_until(hal::monotonic_ns() + 10'000'000))
        ++proxy->timeouts;
    if (proxy->queue.take_until(hal::monotonic_ns() + 10'000'000'000) == &proxy->request)
        ++proxy->taken;
    proxy->queue.take_until(~0ull); // idle until killed
    return 0;
}

// The exit watch cleans up like a bridge does: it drains what is still queued.
void count_exit(void* argument)
{
    auto* proxy = static_cast<Proxy*>(argument);
    ++proxy->exits;
    while (proxy->queue.take_until(0))
        ++proxy->drained;
}

} // namespace

TEST_CASE("host bridge: take_until times out, takes posted requests, and dies of SIGKILL; exit watches run")
{
    auto run = boot([] {
        Proxy proxy;
        auto started = kernel::spawn_host_context("proxy", proxy_main, &proxy);
        CHECK(!started.is_error());
        u32 pid = started.value();
        CHECK(kernel::watch_context_exit(pid, count_exit, &proxy));
        CHECK(!kernel::watch_context_exit(9999, count_exit, &proxy));
        sleep_ms(20);
        CHECK(proxy.timeouts == 1);
        CHECK(proxy.taken == 0);
        proxy.queue.post(proxy.request);
        sleep_ms(1);
        CHECK(proxy.taken == 1);
        // Idle in take_until, SIGKILL ends it, even with a request arriving at the same time.
        CHECK(sys::kill(pid, redox::SIGKILL) == 0);
        proxy.queue.post(proxy.late);
        int status = harness::wait_status(pid);
        CHECK(redox::wifsignaled(status));
        CHECK(redox::wtermsig(status) == redox::SIGKILL);
        CHECK(proxy.exits == 1);
        CHECK(proxy.taken == 1);
        CHECK(proxy.drained == 1); // the watch took it, and the exit did not happen twice

        // A normal exit runs the watch too; an unwatched callback does not run.
        Proxy other;
        long child = spawn([] {
            sleep_ms(5);
            return 3;
        });
        CHECK(kernel::watch_context_exit(static_cast<u32>(child), count_exit, &other));
        CHECK(kernel::watch_context_exit(static_cast<u32>(child), count_exit, &other));
        CHECK(kernel::unwatch_context_exit(static_cast<u32>(child), count_exit, &other));
        CHECK(!kernel::unwatch_context_exit(static_cast<u32>(child), count_exit, &proxy));
        CHECK(harness::wait_status(child) == (3 << 8));
        CHECK(other.exits == 1);
        return 0;
    });
    CHECK(run.status == 0);
}
