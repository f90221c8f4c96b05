// Namespaces: mkns, setrens, getns/getens, and the null namespace (capability mode).
#include "kernel_harness.h"

#include <doctest/doctest.h>

#include <string>

using harness::boot;
using harness::spawn;

namespace {

long mkns_of(std::initializer_list<const char*> names)
{
    unsigned long pairs[8][2] = {};
    unsigned long count = 0;
    for (const char* name : names) {
        pairs[count][0] = sys::ptr(name);
        pairs[count][1] = std::char_traits<char>::length(name);
        ++count;
    }
    return sys::mkns(pairs, count);
}

bool can_open(const char* path)
{
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0)
        return false;
    sys::close(static_cast<int>(fd));
    return true;
}

long open_error(const char* path)
{
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd >= 0)
        sys::close(static_cast<int>(fd));
    return fd < 0 ? fd : 0;
}

// Runs body in a child process and checks it exited with 0.
void in_child(std::function<int()> body)
{
    long pid = spawn(std::move(body));
    int status = harness::wait_status(pid);
    CHECK(redox::wifexited(status));
    CHECK(redox::wexitstatus(status) == 0);
}

} // namespace

TEST_CASE("getns and getens start in the root namespace; mkns makes new ids")
{
    auto run = boot([&] {
        CHECK(sys::getns() == 1);
        CHECK(sys::getens() == 1);
        long a = mkns_of({ "null" });
        long b = mkns_of({ "null", "zero" });
        CHECK(a >= 2);
        CHECK(b > a);
        CHECK(mkns_of({}) > b); // only the defaults
        // Unknown names, names with separators, bad pointers, absurd counts.
        CHECK(mkns_of({ "nope" }) == -redox::ENODEV);
        CHECK(mkns_of({ "null", "nope" }) == -redox::ENODEV);
        CHECK(mkns_of({ "a/b" }) == -redox::EINVAL);
        CHECK(mkns_of({ "null:" }) == -redox::EINVAL);
        unsigned long bad[1][2] = { { 0, 4 } };
        CHECK(sys::mkns(bad, 1) == -redox::EFAULT);
        CHECK(sys::mkns(nullptr, 1) == -redox::EFAULT);
        CHECK(sys::mkns(bad, 100000) == -redox::EINVAL);
        // Duplicated names are harmless.
        CHECK(mkns_of({ "zero", "zero" }) > 0);
        // The caller's namespace did not change.
        CHECK(sys::getns() == 1);
        CHECK(sys::getens() == 1);
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("mkns is root only")
{
    auto run = boot([&] {
        in_child([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(mkns_of({ "null" }) == -redox::EPERM);
            CHECK(mkns_of({}) == -redox::EPERM);
            return 0;
        });
        // Only the effective uid matters.
        in_child([] {
            CHECK(sys::setreuid(1000, -1) == 0);
            CHECK(mkns_of({ "null" }) > 0);
            CHECK(sys::setreuid(-1, 1000) == 0);
            CHECK(mkns_of({ "null" }) == -redox::EPERM);
            return 0;
        });
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("a namespace made of some schemes reaches those and the defaults only")
{
    auto run = boot([&] {
        long ns = mkns_of({ "null" });
        CHECK(ns >= 2);
        in_child([ns] {
            CHECK(sys::setrens(ns, ns) == 0);
            CHECK(sys::getns() == ns);
            CHECK(sys::getens() == ns);
            CHECK(can_open("/scheme/null"));
            CHECK(can_open("null:"));
            CHECK(open_error("/scheme/zero") == -redox::ENODEV);
            CHECK(open_error("/scheme/rand") == -redox::ENODEV);
            CHECK(open_error("/scheme/initfs/bin") == -redox::ENODEV);
            CHECK(open_error("/scheme/debug") == -redox::ENODEV);
            CHECK(open_error("/etc") == -redox::ENODEV); // no file scheme
            // The defaults.
            CHECK(can_open("/scheme/time/4"));
            CHECK(can_open("/scheme/sys/uname"));
            CHECK(can_open("/scheme/event"));
            int fds[2];
            CHECK(sys::pipe2(fds, 0) == 0);
            // sys:scheme and the /scheme listing show this namespace.
            long fd = sys::open("/scheme/sys/scheme", redox::O_RDONLY);
            CHECK(fd >= 0);
            char text[256];
            long n = sys::read(static_cast<int>(fd), text, sizeof text);
            std::string listing(text, n > 0 ? static_cast<std::size_t>(n) : 0);
            CHECK(listing.find("null\n") != std::string::npos);
            CHECK(listing.find("zero") == std::string::npos);
            CHECK(listing.find("pipe\n") != std::string::npos);
            // A child inherits the namespace.
            long grandchild = spawn([ns] { return sys::getens() == ns && !can_open("/scheme/zero") ? 0 : 1; });
            CHECK(harness::wait_status(grandchild) == 0);
            // A namespace made from this one can only copy what this one has.
            CHECK(mkns_of({ "zero" }) == -redox::ENODEV);
            CHECK(mkns_of({ "null" }) > ns);
            // Root may go back.
            CHECK(sys::setrens(1, 1) == 0);
            CHECK(can_open("/scheme/zero"));
            return 0;
        });
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("the null namespace: nothing new opens, held fds and pipes keep working, no way out")
{
    auto run = boot([&] {
        in_child([] {
            long null = sys::open("/scheme/null", redox::O_RDWR);
            long zero = sys::open("/scheme/zero", redox::O_RDONLY);
            CHECK(null >= 0);
            CHECK(zero >= 0);
            CHECK(sys::setrens(0, 0) == 0);
            CHECK(sys::getns() == 0);
            CHECK(sys::getens() == 0);
            CHECK(open_error("/scheme/null") == -redox::EACCES);
            CHECK(open_error("null:") == -redox::EACCES);
            CHECK(open_error("/scheme") == -redox::EACCES);
            CHECK(open_error("/scheme/sys/uname") == -redox::EACCES);
            CHECK(open_error("/anything") == -redox::EACCES);
            CHECK(open_error("relative") == -redox::EACCES);
            CHECK(sys::unlink("/tmp/x") == -redox::EACCES);
            CHECK(sys::chmod("/tmp/x", 0644) == -redox::EACCES);
            CHECK(sys::chdir("/scheme/sys") == -redox::EACCES);
            const char* argv[] = { "true", nullptr };
            CHECK(sys::execve("/scheme/initfs/bin/true", argv, nullptr) == -redox::EACCES);
            // Held fds keep working, and can be duplicated.
            CHECK(sys::write(static_cast<int>(null), "x", 1) == 1);
            char c = 1;
            CHECK(sys::read(static_cast<int>(zero), &c, 1) == 1);
            CHECK(c == 0);
            CHECK(sys::dup(static_cast<int>(zero)) >= 0);
            // Pipes still work.
            int fds[2];
            CHECK(sys::pipe2(fds, 0) == 0);
            CHECK(sys::write(fds[1], "hi", 2) == 2);
            char buffer[2];
            CHECK(sys::read(fds[0], buffer, 2) == 2);
            // Nobody leaves, not even root.
            CHECK(sys::setrens(1, 1) == -redox::EPERM);
            CHECK(sys::setrens(0, 1) == -redox::EPERM);
            CHECK(sys::setrens(1, 0) == -redox::EPERM);
            CHECK(sys::setrens(-1, -1) == 0);
            CHECK(sys::setrens(0, 0) == 0);
            CHECK(sys::getens() == 0);
            // mkns from the null namespace can not reach anything either.
            CHECK(mkns_of({ "null" }) == -redox::ENODEV);
            return 0;
        });
        // Entering capability mode through the effective namespace alone is also one way.
        in_child([] {
            CHECK(sys::setrens(-1, 0) == 0);
            CHECK(sys::getns() == 1);
            CHECK(sys::getens() == 0);
            CHECK(open_error("/scheme/null") == -redox::EACCES);
            CHECK(sys::setrens(-1, 1) == -redox::EPERM);
            CHECK(sys::setrens(1, 1) == -redox::EPERM);
            return 0;
        });
        // A non-root process may enter it too.
        in_child([] {
            CHECK(sys::setreuid(1000, 1000) == 0);
            CHECK(sys::setrens(0, 0) == 0);
            CHECK(open_error("/scheme/null") == -redox::EACCES);
            return 0;
        });
        // The parent is unaffected.
        CHECK(sys::getens() == 1);
        CHECK(can_open("/scheme/null"));
        return 0;
    });
    CHECK(run.status == 0);
}

TEST_CASE("setrens: root may pick any namespace, others only swap their own")
{
    auto run = boot([&] {
        long foreign = mkns_of({ "zero" });
        long own = mkns_of({ "null" });
        CHECK(sys::setrens(999, 999) == -redox::EINVAL);
        CHECK(sys::setrens(1, 12345678) == -redox::EINVAL);
        CHECK(sys::setrens(0x1'0000'0001l, -1) == -redox::EINVAL);
        CHECK(sys::getens() == 1);
        in_child([foreign, own] {
            CHECK(sys::setrens(1, own) == 0);
            CHECK(sys::getns() == 1);
            CHECK(sys::getens() == own);
            CHECK(open_error("/scheme/zero") == -redox::ENODEV);
            CHECK(sys::setreuid(1000, 1000) == 0);
            // A namespace it holds neither as real nor effective: refused.
            CHECK(sys::setrens(foreign, foreign) == -redox::EPERM);
            CHECK(sys::setrens(-1, foreign) == -redox::EPERM);
            CHECK(sys::getens() == own);
            // Swapping real and effective is allowed.
            CHECK(sys::setrens(own, 1) == 0);
            CHECK(sys::getns() == own);
            CHECK(sys::getens() == 1);
            CHECK(can_open("/scheme/zero"));
            CHECK(sys::setrens(1, 1) == 0);
            // Having dropped `own` from both, it can not come back.
            CHECK(sys::setrens(-1, own) == -redox::EPERM);
            CHECK(sys::getns() == 1);
            return 0;
        });
        // Root may switch to any existing namespace.
        in_child([foreign] {
            CHECK(sys::setrens(foreign, foreign) == 0);
            CHECK(can_open("/scheme/zero"));
            CHECK(open_error("/scheme/null") == -redox::ENODEV);
            return 0;
        });
        return 0;
    });
    CHECK(run.status == 0);
}
