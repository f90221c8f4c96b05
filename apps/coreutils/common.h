#pragma once
// Helpers shared by the coreutils: path and stat helpers, mode and date formatting, size
// suffixes, signal names; with options.h (command-line parsing) and file_ops.h (opening,
// copying and linking files) every utility includes just this. Like every app file, no
// mutable globals here: all state lives in the caller's objects.
#include "../../kernel_core/ktl/string.h"
#include "../../kernel_core/ktl/vector.h"
#include "options.h"
#include <redox/io.h>
#include <redox/sys.h>

namespace coreutils {

using ktl::String;
using ktl::StringView;
using ktl::Vector;

// "app: what 'path': strerror(error)", the usual GNU complaint about one file.
void report_path_error(StringView app, StringView what, StringView path, long error);

// stat/lstat by path: 0 or -errno.
long stat_path(StringView path, redox::Stat& st, bool follow_symlinks = true);
inline bool is_dir(const redox::Stat& st) { return (st.st_mode & redox::MODE_TYPE) == redox::MODE_DIR; }
inline bool is_symlink(const redox::Stat& st) { return (st.st_mode & redox::MODE_TYPE) == redox::MODE_SYMLINK; }
inline bool is_regular(const redox::Stat& st) { return (st.st_mode & redox::MODE_TYPE) == redox::MODE_FILE; }
// True when path names a directory (following symlinks).
bool is_directory_path(StringView path);

// "dir/name" without doubling the slash.
String join_path(StringView dir, StringView name);
// The last component, ignoring trailing slashes ("a/b/" -> "b", "/" -> "/").
StringView base_name(StringView path);
// Drops trailing slashes, keeping a lone "/".
StringView strip_trailing_slashes(StringView path);

struct DirEntry {
    String name;
    u8 kind;
};
// Reads all entries (without "." and "..") of an open directory, or -errno.
long read_directory(int fd, Vector<DirEntry>& out);
long read_directory(StringView path, Vector<DirEntry>& out);

// "drwxr-xr-x" (10 characters plus NUL).
void format_mode(u32 mode, char out[11]);
// "YYYY-MM-DD HH:MM" in UTC (16 characters plus NUL).
void format_date(i64 epoch_seconds, char out[17]);

// A decimal number with an optional multiplier suffix as dd takes them: c=1, w=2, b=512,
// k/K/KiB=1024, kB/KB=1000, M/MiB, MB, G/GiB, GB, T...; also "NxM" products.
bool parse_size(StringView text, u64& out);
// Non-negative decimal with an optional fraction ("1.5"), as nanoseconds times `unit_ns`.
bool parse_decimal_ns(StringView text, u64 unit_ns, u64& out_ns);

// CLOCK_MONOTONIC in nanoseconds.
u64 monotonic_ns();

// Signal names without the SIG prefix ("TERM"); nullptr for an unknown number.
const char* signal_name(int number);
// Accepts "TERM", "SIGTERM", "term" or a number; -1 when unknown.
int parse_signal(StringView text);

// Sorts in place with `less(a, b)` (heap sort: no extra memory, fine for directory sizes).
template<typename T, typename Less>
void sort(Vector<T>& items, Less less)
{
    usize n = items.size();
    auto sift_down = [&](usize root, usize end) {
        for (;;) {
            usize child = 2 * root + 1;
            if (child >= end)
                return;
            if (child + 1 < end && less(items[child], items[child + 1]))
                ++child;
            if (!less(items[root], items[child]))
                return;
            std::swap(items[root], items[child]);
            root = child;
        }
    };
    for (usize i = n / 2; i-- > 0;)
        sift_down(i, n);
    for (usize end = n; end > 1; --end) {
        std::swap(items[0], items[end - 1]);
        sift_down(0, end - 1);
    }
}

// Flushes standard output's writer: `status`, or after reporting "app: write error: ..." the
// failure status.
int finish_output(io::BufferedWriter& out, StringView app, int status, int failure_status = 1);

// ktl's format has no '*' width, so columns are padded by hand.
void write_padded(io::BufferedWriter& out, StringView text, usize width, bool align_right);
void write_number(io::BufferedWriter& out, u64 value, usize width);
usize decimal_digits(u64 value);

inline bool equals(const char* arg, StringView text) { return StringView(arg) == text; }
inline char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace coreutils

#include "file_ops.h"
