#pragma once
// A base for read-only schemes whose files are generated text (sys, initfs): the content is
// produced once at open, so a reader sees one consistent snapshot.
#include "../handle_table.h"
#include "../ktl/string.h"
#include "../ktl/vector.h"
#include "../scheme.h"

namespace kernel {

class GeneratedFileScheme : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64 offset, unsigned long, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&) override;
    ErrorOr<u64> fsize(usize handle) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> getdents(usize handle, void* buffer, usize length, u64 offset) override;
    ErrorOr<usize> fevent(usize, usize flags) override { return flags; }
    ErrorOr<usize> dup(usize handle, StringView what, const Caller& caller) override;

protected:
    struct Entry {
        StringView name;
        u16 mode; // type and permission bits
    };
    // The files this scheme has (directory entries of its root, or of `directory`).
    virtual ktl::Vector<Entry> list(StringView directory) = 0;
    // Fills the content of a file; false when it does not exist.
    virtual bool generate(StringView path, ktl::String& out) = 0;
    // Handles a write to a writable file.
    virtual ErrorOr<usize> write_file(StringView, const void*, usize, const Caller&)
    {
        return errno_error(redox::EBADF);
    }

private:
    struct Open {
        ktl::String path;
        ktl::String content;
        u16 mode;
    };
    ErrorOr<u16> mode_of(StringView path);
    HandleTable<Open> m_open;
};

} // namespace kernel
