// echo-scheme: a small scheme daemon for testing remote drivers (drivers/remote). It serves
// `echo` (or the name given) as a flat set of in-memory files: what is written to
// /scheme/echo/NAME reads back from it, `ls /scheme/echo` lists the names.
//
// Writes beginning with a command make it misbehave on purpose, the way a buggy driver does:
//   crash:segv    a null-pointer write          crash:abort   abort()
//   exit:N        exits with status N
// With --malformed every read is answered with more bytes than the caller asked for; with
// --bad-tag each batch of answers also answers a request nobody made, and with --bad-length
// each batch is preceded by a write that is not a whole number of completions.
// --scratch PORT first writes and reads back the byte at PORT (a 16550's scratch register),
// after iopl(3), or without asking for it with --no-iopl (the simulator must refuse that).
// --dma allocates a DMA buffer, fills it with i * 7, reads it back through its physical
// address and keeps it while serving; --peek PHYSICAL prints the first bytes there (from
// another process: the memory is the simulator's, shared).
//
// --time-syscalls N times N getpid calls first (a remote driver's syscall round trip).
//
//   echo-scheme [--malformed] [--bad-tag] [--bad-length] [--scratch PORT] [--no-iopl] [--dma] [--peek PHYSICAL]
//               [--time-syscalls N] [NAME]
#include "physical_memory.h"
#include "port_io.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "ktl/memory.h"
#include "ktl/string.h"
#include "ktl/vector.h"

namespace {

using ktl::String;
using ktl::StringView;

struct File {
    String name;
    ktl::Vector<u8> data;
};

struct Handle {
    bool open { false };
    bool root { false };
    usize file { 0 };
};

struct Server {
    ktl::Vector<File*> files;
    ktl::Vector<Handle> handles;
    bool malformed { false };
    bool bad_tag { false };
    bool bad_length { false };

    ~Server()
    {
        for (File* file : files)
            delete file;
    }

    long open(StringView path)
    {
        while (!path.is_empty() && path[0] == '/')
            path = path.substring(1);
        Handle handle;
        handle.open = true;
        if (path.is_empty()) {
            handle.root = true;
        } else {
            if (path.contains('/'))
                return -redox::ENOENT;
            usize i = 0;
            while (i < files.size() && files[i]->name.view() != path)
                ++i;
            if (i == files.size()) {
                auto* file = new File;
                file->name = String(path);
                files.append(file);
            }
            handle.file = i;
        }
        for (usize h = 0; h < handles.size(); ++h) {
            if (!handles[h].open) {
                handles[h] = handle;
                return static_cast<long>(h);
            }
        }
        handles.append(handle);
        return static_cast<long>(handles.size() - 1);
    }

    Handle* find(u64 handle) { return handle < handles.size() && handles[handle].open ? &handles[handle] : nullptr; }

    long read(Handle& h, u8* buffer, u64 length, u64 offset)
    {
        if (h.root)
            return -redox::EISDIR;
        if (malformed)
            return static_cast<long>(length + 100); // more than asked for: the proxy must refuse it
        const ktl::Vector<u8>& data = files[h.file]->data;
        if (offset >= data.size())
            return 0;
        u64 n = ktl::min<u64>(length, data.size() - offset);
        ktl::copy_bytes(buffer, data.data() + offset, n);
        return static_cast<long>(n);
    }

    long write(Handle& h, const u8* buffer, u64 length, u64 offset)
    {
        if (h.root)
            return -redox::EISDIR;
        StringView text(reinterpret_cast<const char*>(buffer), length);
        if (text.starts_with("crash:segv")) {
            volatile u8* nothing = nullptr;
            *nothing = 1;
        }
        if (text.starts_with("crash:abort"))
            __builtin_abort();
        if (text.starts_with("exit:")) {
            int status = 0;
            for (usize i = 5; i < text.length() && text[i] >= '0' && text[i] <= '9'; ++i)
                status = status * 10 + (text[i] - '0');
            sys::exit(status);
        }
        ktl::Vector<u8>& data = files[h.file]->data;
        if (offset + length > (64u << 20))
            return -redox::EFBIG;
        while (data.size() < offset + length)
            data.append(0);
        ktl::copy_bytes(data.data() + offset, buffer, length);
        return static_cast<long>(length);
    }

    long getdents(Handle& h, u8* buffer, u64 length, u64 offset)
    {
        if (!h.root)
            return -redox::ENOTDIR;
        u64 written = 0;
        for (u64 i = offset; i < files.size(); ++i) {
            StringView name = files[i]->name.view();
            u64 record = (sizeof(redox::DirentHeader) - 5 + name.length() + 1 + 7) & ~7ull;
            if (written + record > length)
                return written ? static_cast<long>(written) : -redox::EINVAL;
            auto* entry = reinterpret_cast<redox::DirentHeader*>(buffer + written);
            ktl::fill_bytes(entry, 0, record);
            entry->inode = i + 1;
            entry->next_offset = i + 1;
            entry->record_length = static_cast<u16>(record);
            entry->kind = redox::DT_REG;
            ktl::copy_bytes(entry->name, name.chars(), name.length());
            written += record;
        }
        return static_cast<long>(written);
    }

    long fstat(Handle& h, redox::Stat& st)
    {
        st = {};
        st.st_mode = h.root ? (redox::MODE_DIR | 0755) : (redox::MODE_FILE | 0666);
        st.st_nlink = 1;
        st.st_size = h.root ? 0 : files[h.file]->data.size();
        st.st_blksize = 4096;
        return 0;
    }

    long fpath(Handle& h, char* buffer, u64 length)
    {
        StringView name = h.root ? StringView() : files[h.file]->name.view();
        u64 n = ktl::min<u64>(length, name.length());
        ktl::copy_bytes(buffer, name.chars(), n);
        return static_cast<long>(n);
    }

    u64 answer(const redox::SchemeRequest& r)
    {
        if (r.opcode == redox::OP_OPENAT)
            return static_cast<u64>(open(StringView(reinterpret_cast<const char*>(r.args[1]), r.args[2])));
        Handle* h = find(r.args[0]);
        if (!h)
            return static_cast<u64>(-redox::EBADF);
        auto* buffer = reinterpret_cast<u8*>(r.args[1]);
        switch (r.opcode) {
        case redox::OP_READ:
            return static_cast<u64>(read(*h, buffer, r.args[2], r.args[3]));
        case redox::OP_WRITE:
            return static_cast<u64>(write(*h, buffer, r.args[2], r.args[3]));
        case redox::OP_GETDENTS:
            return static_cast<u64>(getdents(*h, buffer, r.args[2], r.args[3]));
        case redox::OP_FSTAT:
            if (r.args[2] < sizeof(redox::Stat))
                return static_cast<u64>(-redox::EINVAL);
            return static_cast<u64>(fstat(*h, *reinterpret_cast<redox::Stat*>(buffer)));
        case redox::OP_FPATH:
            return static_cast<u64>(fpath(*h, reinterpret_cast<char*>(buffer), r.args[2]));
        case redox::OP_FSIZE:
            return h->root ? 0 : files[h->file]->data.size();
        case redox::OP_FSYNC:
        case redox::OP_FTRUNCATE:
            return 0;
        case redox::OP_FEVENT:
            return r.args[1] & (redox::EVENT_READ | redox::EVENT_WRITE);
        default:
            return static_cast<u64>(-redox::ENOSYS);
        }
    }
};

u64 parse_decimal(StringView text)
{
    u64 value = 0;
    for (usize i = 0; i < text.length() && text[i] >= '0' && text[i] <= '9'; ++i)
        value = value * 10 + static_cast<u64>(text[i] - '0');
    return value;
}

u64 parse_hex(StringView text)
{
    u64 value = 0;
    usize i = text.starts_with("0x") ? 2 : 0;
    for (; i < text.length(); ++i) {
        char c = text[i];
        u32 digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 16;
        if (digit > 15)
            return 0;
        value = value * 16 + digit;
    }
    return value;
}

// Writes two patterns to the port and reads each back: "scratch 0xPORT: ok" when they stick.
int check_scratch(u16 port, bool ask_for_iopl)
{
    if (ask_for_iopl) {
        if (long r = sys::iopl(3); r < 0) {
            io::report_error("echo-scheme", "iopl", r);
            return 1;
        }
    }
    driver::Pio<u8> scratch { port };
    scratch.write(0x5A);
    u8 first = scratch.read();
    scratch.write(0xA5);
    u8 second = scratch.read();
    outf("scratch %#x: %s\n", port, first == 0x5A && second == 0xA5 ? "ok" : "no");
    return 0;
}

// The same memory twice: as a DMA buffer and mapped by its physical address.
int check_dma(driver::DmaBuffer& buffer)
{
    if (long r = buffer.allocate(8192); r < 0) {
        io::report_error("echo-scheme", "dma", r);
        return 1;
    }
    auto* bytes = static_cast<u8*>(buffer.address());
    for (usize i = 0; i < buffer.size(); ++i)
        bytes[i] = static_cast<u8>(i * 7);
    void* physical = nullptr;
    if (long r = driver::physmap(buffer.physical(), buffer.size(), &physical); r < 0) {
        io::report_error("echo-scheme", "physmap", r);
        return 1;
    }
    bool same = true;
    for (usize i = 0; i < buffer.size(); ++i)
        same = same && static_cast<const u8*>(physical)[i] == static_cast<u8>(i * 7);
    // Kept mapped: both mappings are at one address in the simulator, and funmap by address
    // could take the DMA buffer's instead.
    outf("dma at %#llx: %s\n", static_cast<unsigned long long>(buffer.physical()), same ? "ok" : "differs");
    return same ? 0 : 1;
}

int peek(u64 address)
{
    void* physical = nullptr;
    if (long r = driver::physmap(address, 4096, &physical); r < 0) {
        io::report_error("echo-scheme", "physmap", r);
        return 1;
    }
    const auto* bytes = static_cast<const u8*>(physical);
    outf("peek %#llx: %02x %02x %02x %02x\n", static_cast<unsigned long long>(address), bytes[0], bytes[1], bytes[2],
        bytes[3]);
    driver::physunmap(physical, 4096);
    return 0;
}

u64 now_ns()
{
    redox::TimeSpec t {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, t);
    return static_cast<u64>(t.tv_sec) * 1'000'000'000ull + static_cast<u64>(t.tv_nsec);
}

void time_syscalls(u64 count)
{
    u64 start = now_ns();
    for (u64 i = 0; i < count; ++i)
        sys::getpid();
    u64 elapsed = now_ns() - start;
    outf("%llu syscalls: %llu ns each\n", static_cast<unsigned long long>(count),
        static_cast<unsigned long long>(elapsed / (count ? count : 1)));
}

int echo_scheme_main(int argc, char** argv, char**)
{
    Server server;
    StringView name = "echo";
    bool ask_for_iopl = true;
    bool dma = false;
    u64 peek_address = 0;
    u16 scratch_port = 0;
    for (int i = 1; i < argc; ++i) {
        StringView argument(argv[i]);
        if (argument == "--malformed")
            server.malformed = true;
        else if (argument == "--bad-tag")
            server.bad_tag = true;
        else if (argument == "--bad-length")
            server.bad_length = true;
        else if (argument == "--dma")
            dma = true;
        else if (argument == "--no-iopl")
            ask_for_iopl = false;
        else if (argument == "--scratch" && i + 1 < argc)
            scratch_port = static_cast<u16>(parse_hex(argv[++i]));
        else if (argument == "--time-syscalls" && i + 1 < argc)
            time_syscalls(parse_decimal(argv[++i]));
        else if (argument == "--peek" && i + 1 < argc)
            peek_address = parse_hex(argv[++i]);
        else
            name = argument;
    }
    if (scratch_port && check_scratch(scratch_port, ask_for_iopl) != 0)
        return 1;
    driver::DmaBuffer buffer; // kept while serving
    if (dma && check_dma(buffer) != 0)
        return 1;
    if (peek_address && peek(peek_address) != 0)
        return 1;
    String registration(":");
    registration.append(name);
    long channel = sys::open(registration.view(), redox::O_CREAT | redox::O_RDWR);
    if (channel < 0) {
        io::report_error("echo-scheme", registration.view(), channel);
        return 1;
    }
    redox::SchemeRequest requests[16];
    redox::SchemeCompletion completions[17];
    for (;;) {
        long n = sys::read(static_cast<int>(channel), requests, sizeof requests);
        if (n < 0) {
            io::report_error("echo-scheme", "channel", n);
            return 1;
        }
        if (n == 0)
            return 0;
        usize answers = 0;
        for (usize i = 0; i < static_cast<usize>(n) / sizeof(redox::SchemeRequest); ++i) {
            const redox::SchemeRequest& r = requests[i];
            if (r.opcode == redox::OP_CLOSE) {
                if (Handle* h = server.find(r.args[0]))
                    h->open = false;
                continue;
            }
            if (r.flags & redox::REQUEST_FLAG_ONEWAY)
                continue;
            completions[answers++] = { redox::COMPLETION_RESPOND_REGULAR, {}, r.tag, server.answer(r) };
        }
        if (answers && server.bad_tag)
            completions[answers++] = { redox::COMPLETION_RESPOND_REGULAR, {}, completions[0].tag + 100000, 0 };
        if (answers && server.bad_length)
            sys::write(static_cast<int>(channel), completions, sizeof(redox::SchemeCompletion) - 1);
        if (answers)
            io::write_all(static_cast<int>(channel), completions, answers * sizeof(redox::SchemeCompletion));
    }
}

} // namespace

REDOX_PROGRAM("echo-scheme", echo_scheme_main)
