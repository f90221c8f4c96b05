#pragma once
// Small I/O helpers for apps: formatted output to an fd, buffered writing, line reading,
// directory iteration, error reports. Built on sys.h only.
//
// Apps share one address space in the simulator: keep state in locals or heap objects,
// never in mutable globals or function statics (every process would see the same one).
#include "../../../kernel_core/ktl/format.h"
#include "../../../kernel_core/ktl/string.h"
#include "sys.h"

namespace io {

using ktl::String;
using ktl::StringView;

// Writes all of `bytes` (retrying short writes); returns 0 or -errno.
long write_all(int fd, const void* bytes, usize length);
inline long write_all(int fd, StringView text) { return write_all(fd, text.chars(), text.length()); }

// printf-style output straight to an fd (up to 1 KiB per call; longer output is cut).
void print(int fd, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
#define outf(...) ::io::print(1, __VA_ARGS__)
#define errf(...) ::io::print(2, __VA_ARGS__)

// "app: subject: No such file or directory" on stderr, for a -errno result.
void report_error(StringView app, StringView subject, long result);

// Buffers output to an fd; flushes when full, on flush() and on destruction.
class BufferedWriter {
public:
    explicit BufferedWriter(int fd) : m_fd(fd) {}
    ~BufferedWriter() { flush(); }
    BufferedWriter(const BufferedWriter&) = delete;
    BufferedWriter& operator=(const BufferedWriter&) = delete;

    void write(StringView text);
    void write(const void* bytes, usize length) { write(StringView(static_cast<const char*>(bytes), length)); }
    void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    // Returns 0 or the first write error (-errno), e.g. -EPIPE when the reader went away.
    long flush();
    long error() const { return m_error; }

private:
    int m_fd;
    usize m_used { 0 };
    long m_error { 0 };
    char m_buffer[4096];
};

// Reads an fd line by line (the newline is not included in the line).
class LineReader {
public:
    explicit LineReader(int fd) : m_fd(fd) {}
    // Returns 1 with a line, 0 at end of input, or -errno.
    long next(String& line);

private:
    int m_fd;
    usize m_start { 0 };
    usize m_end { 0 };
    bool m_eof { false };
    char m_buffer[4096];
};

// Iterates a directory opened with O_DIRECTORY | O_RDONLY.
class DirReader {
public:
    struct Entry {
        StringView name;
        u64 inode;
        u8 kind; // redox::DT_*
    };
    explicit DirReader(int fd) : m_fd(fd) {}
    // Returns 1 with an entry (valid until the next call), 0 at the end, or -errno.
    long next(Entry& entry);

private:
    int m_fd;
    u64 m_position { 0 };
    usize m_used { 0 };
    usize m_filled { 0 };
    alignas(8) char m_buffer[2048];
};

// Reads a whole fd into `out` (appending). Returns 0 or -errno.
long read_all(int fd, String& out);

// Looks up NAME in a NULL-terminated "NAME=value" array; empty view when absent.
StringView env_get(char** envp, StringView name);

// Resolves a command name through PATH (a name with '/' is used as is); true when found.
bool find_in_path(char** envp, StringView name, String& out);

} // namespace io
