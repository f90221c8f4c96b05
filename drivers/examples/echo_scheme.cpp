// echo-scheme: a small scheme daemon for testing remote drivers (drivers/remote). It serves
// `echo` (or the name given) as a flat set of in-memory files: what is written to
// /scheme/echo/NAME reads back from it, `ls /scheme/echo` lists the names.
//
// Writes beginning with a command make it misbehave on purpose, the way a buggy driver does:
//   crash:segv    a null-pointer write          crash:abort   abort()
//   exit:N        exits with status N
// With --malformed every read is answered with more bytes than the caller asked for.
//
//   echo-scheme [--malformed] [NAME]
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

int echo_scheme_main(int argc, char** argv, char**)
{
    Server server;
    StringView name = "echo";
    for (int i = 1; i < argc; ++i) {
        StringView argument(argv[i]);
        if (argument == "--malformed")
            server.malformed = true;
        else
            name = argument;
    }
    String registration(":");
    registration.append(name);
    long channel = sys::open(registration.view(), redox::O_CREAT | redox::O_RDWR);
    if (channel < 0) {
        io::report_error("echo-scheme", registration.view(), channel);
        return 1;
    }
    redox::SchemeRequest requests[16];
    redox::SchemeCompletion completions[16];
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
        if (answers)
            io::write_all(static_cast<int>(channel), completions, answers * sizeof(redox::SchemeCompletion));
    }
}

} // namespace

REDOX_PROGRAM("echo-scheme", echo_scheme_main)
