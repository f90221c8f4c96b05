#include "file_ops.h"

namespace coreutils {

long read_link(StringView path, String& target)
{
    long fd = sys::open(path, redox::O_RDONLY | redox::O_SYMLINK | redox::O_NOFOLLOW);
    if (fd < 0)
        return fd;
    target.clear();
    long result = io::read_all(static_cast<int>(fd), target);
    sys::close(static_cast<int>(fd));
    return result;
}

long create_symlink(StringView target, StringView link_path)
{
    long fd = sys::open(link_path, redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | redox::O_SYMLINK | 0777);
    if (fd < 0)
        return fd;
    long result = io::write_all(static_cast<int>(fd), target);
    long closed = sys::close(static_cast<int>(fd));
    return result < 0 ? result : closed < 0 ? closed : 0;
}

CopyResult copy_fd(int in, int out)
{
    CopyResult result;
    // Heap buffer: app stacks are small and 64 KiB makes big copies cheap.
    Vector<char> buffer;
    buffer.resize(64 * 1024);
    for (;;) {
        long n = sys::read(in, buffer.data(), buffer.size());
        if (n == -redox::EINTR)
            continue;
        if (n < 0) {
            result.read_error = n;
            return result;
        }
        if (n == 0)
            return result;
        if (long w = io::write_all(out, buffer.data(), static_cast<usize>(n)); w < 0) {
            result.write_error = w;
            return result;
        }
        result.bytes += static_cast<u64>(n);
    }
}

bool copy_file(StringView app, StringView src, StringView dst)
{
    long in = sys::open(src, redox::O_RDONLY);
    if (in < 0) {
        report_path_error(app, "cannot open", src, in);
        return false;
    }
    redox::Stat st;
    if (long r = sys::fstat(static_cast<int>(in), st); r < 0) {
        report_path_error(app, "cannot stat", src, r);
        sys::close(static_cast<int>(in));
        return false;
    }
    if (is_dir(st)) {
        report_path_error(app, "cannot copy directory", src, -redox::EISDIR);
        sys::close(static_cast<int>(in));
        return false;
    }
    unsigned long permissions = st.st_mode & redox::MODE_PERM;
    long out = sys::open(dst, redox::O_CREAT | redox::O_WRONLY | redox::O_TRUNC | permissions);
    if (out < 0) {
        report_path_error(app, "cannot create regular file", dst, out);
        sys::close(static_cast<int>(in));
        return false;
    }
    CopyResult copied = copy_fd(static_cast<int>(in), static_cast<int>(out));
    bool ok = copied.ok();
    if (copied.read_error)
        report_path_error(app, "error reading", src, copied.read_error);
    else if (copied.write_error)
        report_path_error(app, "error writing", dst, copied.write_error);
    // O_CREAT's mode is filtered by the umask and ignored for an existing file.
    if (ok)
        sys::fchmod(static_cast<int>(out), permissions);
    sys::close(static_cast<int>(in));
    if (long r = sys::close(static_cast<int>(out)); r < 0 && ok) {
        report_path_error(app, "error writing", dst, r);
        ok = false;
    }
    return ok;
}

CopyResult copy_symlink(StringView src, StringView dst, bool replace)
{
    CopyResult result;
    String target;
    if (long r = read_link(src, target); r < 0) {
        result.read_error = r;
        return result;
    }
    if (replace)
        sys::unlink(dst);
    if (long r = create_symlink(target, dst); r < 0)
        result.write_error = r;
    return result;
}

InputFile::InputFile(StringView name)
{
    m_is_stdin = name == "-";
    if (!m_is_stdin)
        m_fd = sys::open(name, redox::O_RDONLY);
}

void InputFile::close()
{
    if (!m_is_stdin && m_fd >= 0)
        sys::close(static_cast<int>(m_fd));
    m_fd = -redox::EBADF;
}

int Destinations::check(OptionParser& options, bool lone_source_here)
{
    StringView app = options.app();
    auto& operands = options.operands();
    m_operands = &operands;
    if (operands.is_empty()) {
        errf("%.*s: missing file operand\n", static_cast<int>(app.length()), app.chars());
        return options.usage_error();
    }
    if (operands.size() == 1) {
        if (lone_source_here) {
            m_lone_source = true;
            m_count = 1;
            return 0;
        }
        errf("%.*s: missing destination file operand after '%s'\n", static_cast<int>(app.length()), app.chars(),
            operands[0]);
        return options.usage_error();
    }
    m_into_directory = is_directory_path(operands.last());
    if (!m_into_directory && operands.size() > 2) {
        errf("%.*s: target '%s' is not a directory\n", static_cast<int>(app.length()), app.chars(), operands.last());
        return 1;
    }
    m_count = operands.size() - 1;
    return 0;
}

String Destinations::destination(usize i) const
{
    StringView src = source(i);
    if (m_lone_source)
        return String(base_name(src));
    StringView target = m_operands->last();
    return m_into_directory ? join_path(target, base_name(src)) : String(target);
}

} // namespace coreutils
