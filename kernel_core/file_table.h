#pragma once
// Open files. A FileDescription is what open() creates: the scheme, the scheme's handle,
// the offset and status flags. dup() and clone share descriptions; the FileTable maps a
// process's fd numbers to them. The last reference closes the scheme's handle.
#include "ktl/ref_ptr.h"
#include "ktl/result.h"
#include "ktl/vector.h"
#include "scheme.h"

namespace kernel {

struct FileDescription : public ktl::RefCounted<FileDescription> {
    FileDescription(ktl::RefPtr<Scheme> scheme, usize handle, unsigned long flags)
        : scheme(static_cast<ktl::RefPtr<Scheme>&&>(scheme)),
          handle(handle),
          flags(flags)
    {
    }
    ~FileDescription();

    ktl::RefPtr<Scheme> scheme;
    usize handle;
    u64 offset { 0 };
    unsigned long flags; // access mode and status flags (O_NONBLOCK, O_APPEND)
};

class FileTable : public ktl::RefCounted<FileTable> {
public:
    // Per process, as Redox's CONTEXT_MAX_FILES. Many Linux processes' files can be open through
    // the FUSE bridge's one table, so it is not the 1024 of a Linux soft limit.
    static constexpr usize max_files = 65536;

    ErrorOr<ktl::RefPtr<FileDescription>> get(usize fd) const;
    // Lowest free fd at or above `minimum`.
    ErrorOr<usize> insert(ktl::RefPtr<FileDescription> description, bool cloexec, usize minimum = 0);
    ErrorOr<void> insert_at(usize fd, ktl::RefPtr<FileDescription> description, bool cloexec);
    ErrorOr<void> remove(usize fd);
    bool cloexec(usize fd) const { return fd < m_entries.size() && m_entries[fd].cloexec; }
    void set_cloexec(usize fd, bool value)
    {
        if (fd < m_entries.size())
            m_entries[fd].cloexec = value;
    }
    void close_on_exec();
    void close_all();
    ktl::RefPtr<FileTable> clone() const;
    usize open_count() const;

private:
    struct Entry {
        ktl::RefPtr<FileDescription> description;
        bool cloexec { false };
    };
    ktl::Vector<Entry> m_entries;
    usize m_free_hint { 0 }; // every fd below it is in use: the search for a free one starts here
};

} // namespace kernel
