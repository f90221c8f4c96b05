#include "abi/redox/dirent.h"
#include "driver_scheme.h"

#include "ktl/memory.h"
#include "redox/sys.h"

namespace drivers {

namespace {

    i64 error(int code) { return -static_cast<i64>(code); }

    StringView strip_slashes(StringView path)
    {
        while (!path.is_empty() && path[0] == '/')
            path = path.substring(1);
        while (!path.is_empty() && path[path.length() - 1] == '/')
            path = path.substring(0, path.length() - 1);
        return path;
    }

    StringView strip_line_end(StringView text)
    {
        while (!text.is_empty()) {
            char last = text[text.length() - 1];
            if (last != '\n' && last != ' ' && last != '\r' && last != '\t')
                break;
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

} // namespace

DriverScheme::Handle* DriverScheme::get(u64 handle)
{
    if (handle >= m_handles.size() || !m_handles[handle].in_use)
        return nullptr;
    return &m_handles[handle];
}

u64 DriverScheme::allocate(Handle&& handle)
{
    handle.in_use = true;
    for (usize i = 0; i < m_handles.size(); ++i) {
        if (!m_handles[i].in_use) {
            m_handles[i] = static_cast<Handle&&>(handle);
            return i;
        }
    }
    m_handles.append(static_cast<Handle&&>(handle));
    return m_handles.size() - 1;
}

void DriverScheme::refresh(Handle& handle, u64 now)
{
    switch (handle.kind) {
    case Kind::List:
        handle.text = m_supervisor.list_text();
        break;
    case Kind::Status:
        handle.text = m_supervisor.status_text(*handle.driver, now);
        break;
    case Kind::Log:
        handle.text = handle.driver->log.text();
        break;
    }
}

i64 DriverScheme::open(StringView path, u64 flags, u32 uid, u64 now)
{
    path = strip_slashes(path);
    bool writing = (flags & redox::O_ACCMODE) != redox::O_RDONLY && (flags & redox::O_ACCMODE) != 0;
    Handle handle;
    if (path.is_empty()) {
        handle.kind = Kind::List;
    } else {
        isize slash = path.find('/');
        StringView name = slash < 0 ? path : path.substring(0, static_cast<usize>(slash));
        handle.driver = m_supervisor.find_or_load(name);
        if (!handle.driver)
            return error(redox::ENOENT);
        handle.kind = Kind::Status;
        if (slash >= 0) {
            if (path.substring(static_cast<usize>(slash) + 1) != "log")
                return error(redox::ENOENT);
            handle.kind = Kind::Log;
        }
        if (flags & redox::O_DIRECTORY)
            return error(redox::ENOTDIR);
    }
    if (writing && uid != 0)
        return error(redox::EACCES);
    if (writing && handle.kind == Kind::List)
        return error(redox::EISDIR);
    if (writing && handle.kind == Kind::Log)
        return error(redox::EACCES);
    refresh(handle, now);
    return static_cast<i64>(allocate(static_cast<Handle&&>(handle)));
}

i64 DriverScheme::read(u64 number, void* buffer, usize length, u64 offset, u64 now)
{
    Handle* handle = get(number);
    if (!handle)
        return error(redox::EBADF);
    if (offset == 0)
        refresh(*handle, now);
    if (offset >= handle->text.length())
        return 0;
    usize n = ktl::min(length, static_cast<usize>(handle->text.length() - offset));
    ktl::copy_bytes(buffer, handle->text.c_str() + offset, n);
    return static_cast<i64>(n);
}

i64 DriverScheme::write(const redox::SchemeRequest& request, u32 uid, u64 now, bool& deferred)
{
    Handle* handle = get(request.args[0]);
    if (!handle)
        return error(redox::EBADF);
    if (handle->kind != Kind::Status)
        return error(redox::EBADF);
    if (uid != 0)
        return error(redox::EACCES);
    usize length = static_cast<usize>(request.args[2]);
    if (length > 64 || (length && !request.args[1]))
        return error(redox::EINVAL);
    StringView command = strip_line_end(StringView(reinterpret_cast<const char*>(request.args[1]), length));
    Driver& driver = *handle->driver;
    if (command == "start")
        m_supervisor.start(driver, now, true);
    else if (command == "stop")
        m_supervisor.stop(driver, now);
    else if (command == "restart")
        m_supervisor.restart(driver, now, true);
    else
        return error(redox::EINVAL);
    if (driver.state == DriverState::Starting || driver.state == DriverState::Stopping) {
        driver.waiting_writes.append({ request.tag, length });
        deferred = true;
    }
    return static_cast<i64>(length);
}

i64 DriverScheme::getdents(u64 number, void* buffer, usize length, u64 offset)
{
    Handle* handle = get(number);
    if (!handle)
        return error(redox::EBADF);
    if (handle->kind != Kind::List)
        return error(redox::ENOTDIR);
    usize used = 0;
    for (u64 index = offset; index < m_supervisor.count(); ++index) {
        Driver* driver = m_supervisor.driver_at(static_cast<usize>(index));
        usize n = redox::write_dirent(static_cast<char*>(buffer) + used, length - used, driver->config.name, index + 1,
            redox::DT_REG, index + 1);
        if (n == 0) {
            if (used == 0)
                return error(redox::EINVAL); // not even one record fits
            break;
        }
        used += n;
    }
    return static_cast<i64>(used);
}

i64 DriverScheme::fstat(u64 number, void* out, usize length, u64 now)
{
    Handle* handle = get(number);
    if (!handle)
        return error(redox::EBADF);
    if (length < sizeof(redox::Stat) || !out)
        return error(redox::EINVAL);
    refresh(*handle, now);
    redox::Stat st {};
    st.st_mode = handle->kind == Kind::List ? (redox::MODE_DIR | 0555)
        : handle->kind == Kind::Status      ? (redox::MODE_FILE | 0644)
                                            : (redox::MODE_FILE | 0444);
    st.st_nlink = 1;
    st.st_size = handle->text.length();
    st.st_blksize = 4096;
    ktl::copy_bytes(out, &st, sizeof st);
    return 0;
}

i64 DriverScheme::fpath(u64 number, char* buffer, usize length)
{
    Handle* handle = get(number);
    if (!handle)
        return error(redox::EBADF);
    String path;
    if (handle->driver)
        path = handle->driver->config.name;
    if (handle->kind == Kind::Log)
        path.append("/log");
    usize n = ktl::min(length, path.length());
    ktl::copy_bytes(buffer, path.c_str(), n);
    return static_cast<i64>(n);
}

i64 DriverScheme::dup(u64 number, usize what_length)
{
    Handle* handle = get(number);
    if (!handle)
        return error(redox::EBADF);
    if (what_length)
        return error(redox::EINVAL);
    Handle copy;
    copy.kind = handle->kind;
    copy.driver = handle->driver;
    copy.text = handle->text;
    return static_cast<i64>(allocate(static_cast<Handle&&>(copy)));
}

bool DriverScheme::handle(const redox::SchemeRequest& request, redox::SchemeCompletion& completion, u64 now)
{
    const u64* a = request.args;
    u32 uid = static_cast<u32>(a[5]);
    bool deferred = false;
    i64 result = 0;
    switch (request.opcode) {
    case redox::OP_OPENAT:
        if (a[2] && !a[1])
            result = error(redox::EFAULT);
        else if (a[2] > 4096)
            result = error(redox::ENAMETOOLONG);
        else
            result = open(StringView(reinterpret_cast<const char*>(a[1]), static_cast<usize>(a[2])), a[3], uid, now);
        break;
    case redox::OP_CLOSE:
        if (Handle* handle = get(a[0])) {
            handle->in_use = false;
            handle->text = String();
        }
        return false;
    case redox::OP_READ:
        result = read(a[0], reinterpret_cast<void*>(a[1]), static_cast<usize>(a[2]), a[3], now);
        break;
    case redox::OP_WRITE:
        result = write(request, uid, now, deferred);
        break;
    case redox::OP_GETDENTS:
        result = getdents(a[0], reinterpret_cast<void*>(a[1]), static_cast<usize>(a[2]), a[3]);
        break;
    case redox::OP_FSTAT:
        result = fstat(a[0], reinterpret_cast<void*>(a[1]), static_cast<usize>(a[2]), now);
        break;
    case redox::OP_FSIZE:
        if (Handle* handle = get(a[0]))
            result = static_cast<i64>(handle->text.length());
        else
            result = error(redox::EBADF);
        break;
    case redox::OP_FPATH:
        result = fpath(a[0], reinterpret_cast<char*>(a[1]), static_cast<usize>(a[2]));
        break;
    case redox::OP_DUP:
        result = dup(a[0], static_cast<usize>(a[2]));
        break;
    case redox::OP_FEVENT:
    case redox::OP_FSYNC:
        result = get(a[0]) ? 0 : error(redox::EBADF);
        break;
    default:
        result = error(redox::ENOSYS);
        break;
    }
    if (deferred || (request.flags & redox::REQUEST_FLAG_ONEWAY))
        return false;
    completion = redox::SchemeCompletion {};
    completion.tag = request.tag;
    completion.result = static_cast<u64>(result);
    return true;
}

} // namespace drivers
