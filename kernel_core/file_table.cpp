#include "file_table.h"

#include "abi/redox/flags.h"
#include "events.h"

namespace kernel {

FileDescription::~FileDescription()
{
    forget_event_watches(*scheme, handle);
    scheme->close(handle);
}

ErrorOr<ktl::RefPtr<FileDescription>> FileTable::get(usize fd) const
{
    if (fd >= m_entries.size() || !m_entries[fd].description)
        return errno_error(redox::EBADF);
    return m_entries[fd].description;
}

ErrorOr<usize> FileTable::insert(ktl::RefPtr<FileDescription> description, bool cloexec, usize minimum)
{
    if (minimum >= max_files)
        return errno_error(redox::EINVAL);
    usize start = minimum > m_free_hint ? minimum : m_free_hint;
    usize fd = start;
    while (fd < m_entries.size() && m_entries[fd].description)
        ++fd;
    if (fd >= max_files)
        return errno_error(redox::EMFILE);
    if (fd >= m_entries.size())
        m_entries.resize(fd + 1);
    m_entries[fd] = { static_cast<ktl::RefPtr<FileDescription>&&>(description), cloexec };
    if (start == m_free_hint)
        m_free_hint = fd + 1; // everything from the hint up to fd was in use
    return fd;
}

ErrorOr<void> FileTable::insert_at(usize fd, ktl::RefPtr<FileDescription> description, bool cloexec)
{
    if (fd >= max_files)
        return errno_error(redox::EBADF);
    if (fd >= m_entries.size())
        m_entries.resize(fd + 1);
    // Keep the old description alive until the new one is in place: closing may block.
    ktl::RefPtr<FileDescription> old = static_cast<ktl::RefPtr<FileDescription>&&>(m_entries[fd].description);
    m_entries[fd] = { static_cast<ktl::RefPtr<FileDescription>&&>(description), cloexec };
    return {};
}

ErrorOr<void> FileTable::remove(usize fd)
{
    if (fd >= m_entries.size() || !m_entries[fd].description)
        return errno_error(redox::EBADF);
    ktl::RefPtr<FileDescription> old = static_cast<ktl::RefPtr<FileDescription>&&>(m_entries[fd].description);
    m_entries[fd].cloexec = false;
    if (fd < m_free_hint)
        m_free_hint = fd;
    while (!m_entries.is_empty() && !m_entries.last().description)
        m_entries.take_last();
    return {};
}

void FileTable::close_on_exec()
{
    for (usize fd = 0; fd < m_entries.size(); ++fd)
        if (m_entries[fd].cloexec)
            (void)remove(fd);
}

void FileTable::close_all()
{
    // Move out first: closing runs scheme code that may look at this table.
    ktl::Vector<Entry> entries = static_cast<ktl::Vector<Entry>&&>(m_entries);
    m_free_hint = 0;
    entries.clear();
}

ktl::RefPtr<FileTable> FileTable::clone() const
{
    auto copy = ktl::make_ref<FileTable>();
    copy->m_entries = m_entries;
    copy->m_free_hint = m_free_hint;
    return copy;
}

usize FileTable::open_count() const
{
    usize n = 0;
    for (const Entry& entry : m_entries)
        if (entry.description)
            ++n;
    return n;
}

} // namespace kernel
