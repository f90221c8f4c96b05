#include "io.h"

namespace io {

long write_all(int fd, const void* bytes, usize length)
{
    auto* p = static_cast<const char*>(bytes);
    while (length) {
        long n = sys::write(fd, p, length);
        if (n == -redox::EINTR)
            continue;
        if (n < 0)
            return n;
        if (n == 0)
            return -redox::EIO;
        p += n;
        length -= static_cast<usize>(n);
    }
    return 0;
}

void print(int fd, const char* fmt, ...)
{
    char buffer[1024];
    va_list args;
    va_start(args, fmt);
    usize n = ktl::vformat_buffer(buffer, sizeof buffer, fmt, args);
    va_end(args);
    write_all(fd, buffer, ktl::min(n, sizeof buffer - 1));
}

void report_error(StringView app, StringView subject, long result)
{
    int code = result < 0 ? static_cast<int>(-result) : static_cast<int>(result);
    if (subject.is_empty())
        print(2, "%.*s: %s\n", static_cast<int>(app.length()), app.chars(), redox::error_string(code));
    else
        print(2, "%.*s: %.*s: %s\n", static_cast<int>(app.length()), app.chars(), static_cast<int>(subject.length()),
            subject.chars(), redox::error_string(code));
}

void BufferedWriter::write(StringView text)
{
    if (m_error)
        return;
    if (text.length() >= sizeof m_buffer) {
        flush();
        if (long r = write_all(m_fd, text.chars(), text.length()); r < 0)
            m_error = r;
        return;
    }
    if (m_used + text.length() > sizeof m_buffer)
        flush();
    ktl::copy_bytes(m_buffer + m_used, text.chars(), text.length());
    m_used += text.length();
}

void BufferedWriter::printf(const char* fmt, ...)
{
    char buffer[1024];
    va_list args;
    va_start(args, fmt);
    usize n = ktl::vformat_buffer(buffer, sizeof buffer, fmt, args);
    va_end(args);
    write(StringView(buffer, ktl::min(n, sizeof buffer - 1)));
}

long BufferedWriter::flush()
{
    if (m_used && !m_error) {
        if (long r = write_all(m_fd, m_buffer, m_used); r < 0)
            m_error = r;
    }
    m_used = 0;
    return m_error;
}

long LineReader::next(String& line)
{
    line.clear();
    for (;;) {
        for (usize i = m_start; i < m_end; ++i) {
            if (m_buffer[i] == '\n') {
                line.append(StringView(m_buffer + m_start, i - m_start));
                m_start = i + 1;
                return 1;
            }
        }
        line.append(StringView(m_buffer + m_start, m_end - m_start));
        m_start = m_end = 0;
        if (m_eof)
            return line.is_empty() ? 0 : 1;
        long n = sys::read(m_fd, m_buffer, sizeof m_buffer);
        if (n == -redox::EINTR)
            continue;
        if (n < 0)
            return n;
        if (n == 0) {
            m_eof = true;
            if (line.is_empty())
                return 0;
            return 1;
        }
        m_end = static_cast<usize>(n);
    }
}

long DirReader::next(Entry& entry)
{
    if (m_used >= m_filled) {
        long n = sys::getdents(m_fd, m_buffer, sizeof m_buffer, m_position);
        if (n <= 0)
            return n;
        m_filled = static_cast<usize>(n);
        m_used = 0;
    }
    auto* header = reinterpret_cast<redox::DirentHeader*>(m_buffer + m_used);
    if (header->record_length < sizeof(redox::DirentHeader) || m_used + header->record_length > m_filled)
        return -redox::EIO;
    entry.name = StringView(header->name);
    entry.inode = header->inode;
    entry.kind = header->kind;
    m_position = header->next_offset;
    m_used += header->record_length;
    return 1;
}

long read_all(int fd, String& out)
{
    char buffer[4096];
    for (;;) {
        long n = sys::read(fd, buffer, sizeof buffer);
        if (n == -redox::EINTR)
            continue;
        if (n < 0)
            return n;
        if (n == 0)
            return 0;
        out.append(StringView(buffer, static_cast<usize>(n)));
    }
}

StringView env_get(char** envp, StringView name)
{
    for (char** e = envp; e && *e; ++e) {
        StringView entry(*e);
        if (entry.length() > name.length() && entry.starts_with(name) && entry[name.length()] == '=')
            return entry.substring(name.length() + 1);
    }
    return {};
}

bool find_in_path(char** envp, StringView name, String& out)
{
    if (name.is_empty())
        return false;
    if (name.contains('/')) {
        out = name;
        return true;
    }
    StringView path = env_get(envp, "PATH");
    if (path.is_empty())
        path = "/bin";
    usize start = 0;
    while (start <= path.length()) {
        isize colon = path.find(':', start);
        usize end = colon < 0 ? path.length() : static_cast<usize>(colon);
        String candidate(path.substring(start, end - start));
        if (candidate.is_empty())
            candidate = ".";
        candidate.append('/');
        candidate.append(name);
        redox::Stat st;
        long fd = sys::open(candidate, redox::O_STAT | redox::O_RDONLY);
        if (fd >= 0) {
            long r = sys::fstat(static_cast<int>(fd), st);
            sys::close(static_cast<int>(fd));
            if (r == 0 && (st.st_mode & redox::MODE_TYPE) != redox::MODE_DIR) {
                out = candidate;
                return true;
            }
        }
        start = end + 1;
    }
    return false;
}

} // namespace io
