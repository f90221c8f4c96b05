#pragma once
// Opening, copying and linking files: the input files of cat, head, tail and grep, and the
// copies and links of cp, mv and ln (including their shared "SOURCE... DIRECTORY" operands).
#include "common.h"

namespace coreutils {

// Reads a symlink's target.
long read_link(StringView path, String& target);
// Creates link_path as a symlink holding `target`.
long create_symlink(StringView target, StringView link_path);

// Copies all of `in` to `out`. Returns 0; on failure sets which side failed.
struct CopyResult {
    long read_error { 0 };
    long write_error { 0 };
    u64 bytes { 0 };
    bool ok() const { return !read_error && !write_error; }
};
CopyResult copy_fd(int in, int out);

// Copies a file's bytes to dst, creating or truncating it, and gives dst src's permission
// bits. Reports errors GNU-style as `app`; returns true on success.
bool copy_file(StringView app, StringView src, StringView dst);

// Recreates the symlink src as dst (after unlinking an existing dst when `replace`).
// read_error is set when src cannot be read, write_error when dst cannot be created.
CopyResult copy_symlink(StringView src, StringView dst, bool replace);

// A FILE operand opened for reading; "-" is standard input, which close() leaves open.
class InputFile {
public:
    explicit InputFile(StringView name);
    ~InputFile() { close(); }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    bool is_stdin() const { return m_is_stdin; }
    // 0, or why the file could not be opened (-errno).
    long error() const { return m_fd < 0 ? m_fd : 0; }
    int fd() const { return static_cast<int>(m_fd); }
    void close();

private:
    long m_fd { 0 };
    bool m_is_stdin { false };
};

// The operands of cp, mv and ln: "SOURCE DEST" or "SOURCE... DIRECTORY", and with
// `lone_source_here` (ln) also a lone "SOURCE", which goes into the current directory.
class Destinations {
public:
    // Checks the operands; returns 0 to go on, or the exit status after a complaint.
    int check(OptionParser& options, bool lone_source_here);
    usize count() const { return m_count; }
    StringView source(usize i) const { return (*m_operands)[i]; }
    String destination(usize i) const;

private:
    const Vector<char*>* m_operands { nullptr };
    usize m_count { 0 };
    bool m_lone_source { false };
    bool m_into_directory { false };
};

// Calls `transfer(source, destination)` (false when it failed and complained) for each
// SOURCE of cp, mv or ln; returns the exit status.
template<typename Transfer>
int for_each_destination(OptionParser& options, bool lone_source_here, Transfer transfer)
{
    Destinations destinations;
    if (int status = destinations.check(options, lone_source_here))
        return status;
    int status = 0;
    for (usize i = 0; i < destinations.count(); ++i) {
        if (!transfer(destinations.source(i), destinations.destination(i)))
            status = 1;
    }
    return status;
}

} // namespace coreutils
