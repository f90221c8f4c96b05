#pragma once
// The `file` scheme over a RedoxFS FileSystem: handles, path walking and permissions, with
// the same interface as memfs::Memfs so memfs::BasicRequestHandler decodes the requests
// (schemes/memfs/request_handler.h). Platform-free, like the library.
//
// Paths, symlinks, permissions and errors follow Memfs (memfs.h). A file removed while
// open stays usable through its handles (FileSystem::hold; the header's orphan list makes
// that crash-safe) and is freed at the last close. Reads do not update atime. fsync commits the file system; the daemon also commits after every batch
// of requests that changed something (commit_if_changed).
#include "filesystem.h"
#include "../memfs/memfs.h"

namespace redoxfs {

using memfs::Cred;

class Server {
public:
    explicit Server(FileSystem& fs) : m_fs(fs) {}
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void set_time(Time now)
    {
        m_now = now;
        m_fs.set_time(now);
    }
    // The standard directories of a new system (those of Memfs::populate_base_tree).
    void populate_base_tree();
    // Commits when the last requests changed something; returns the commit's result.
    ErrorOr<void> commit_if_changed();

    ErrorOr<u64> open(StringView path, u64 flags, Cred cred, u64 dir_handle = redox::ROOT_HANDLE);
    ErrorOr<void> close(u64 handle);
    ErrorOr<u64> dup(u64 handle, StringView arg);
    ErrorOr<usize> read(u64 handle, void* buffer, usize length, u64 offset);
    ErrorOr<usize> write(u64 handle, const void* buffer, usize length, u64 offset);
    ErrorOr<usize> getdents(u64 handle, void* buffer, usize length, u64 offset);
    ErrorOr<u64> fsize(u64 handle);
    ErrorOr<void> fstat(u64 handle, redox::Stat& out);
    ErrorOr<void> fstatvfs(u64 handle, redox::StatVfs& out);
    ErrorOr<void> fchmod(u64 handle, u32 mode, Cred cred);
    ErrorOr<void> fchown(u64 handle, u64 uid, u64 gid, Cred cred);
    ErrorOr<void> futimens(u64 handle, const redox::TimeSpec* times, usize count, Cred cred);
    ErrorOr<void> ftruncate(u64 handle, u64 length);
    ErrorOr<void> fsync(u64 handle);
    ErrorOr<usize> fpath(u64 handle, char* buffer, usize length);
    ErrorOr<void> frename(u64 handle, StringView new_path, Cred cred);
    ErrorOr<void> flink(u64 handle, StringView new_path, Cred cred);
    ErrorOr<void> unlinkat(u64 dir_handle, StringView path, u64 flags, Cred cred);
    ErrorOr<u64> fevent(u64 handle, u64 flags);
    ErrorOr<u64> fcntl(u64 handle, u64 command, u64 argument);

private:
    static constexpr u32 GONE = 0; // the node of a handle whose file was removed

    struct Handle {
        u32 id { GONE };
        u64 flags { 0 };
        String path; // canonical, without the leading '/' ("" for the root)
        Cred opener; // who opened it: a write by someone other than root drops setuid/setgid
    };
    struct Lookup {
        u32 parent { 0 }; // directory holding the last component; 0 for the root / ".."
        u32 node { 0 };   // the final node; 0 when the last component is absent
        String name;
        Vector<String> canon;
        bool trailing_slash { false };
    };

    ErrorOr<Handle*> handle_for(u64 handle) const;
    // An open file's handle, node and stat, checked for reading or writing data (`access`
    // is O_RDONLY or O_WRONLY): EISDIR, EBADF, EFAULT as read and write must answer.
    struct DataAccess {
        Handle* handle;
        u32 id;
        NodeStat st;
    };
    ErrorOr<DataAccess> data_access(u64 number, u64 access, bool has_buffer);
    ErrorOr<u32> node_of(u64 handle) const;
    ErrorOr<void> walk(u64 dir_handle, StringView path, bool follow_last, Cred cred, Lookup& out);
    ErrorOr<u32> lookup_child(u32 dir, StringView name); // 0 when absent
    static ErrorOr<void> push_components(Vector<String>& pending, StringView path);
    static String join(const Vector<String>& components, StringView last = {});
    static bool permits(const NodeStat& node, Cred cred, u32 want);
    static bool sticky_denies(const NodeStat& dir, const NodeStat& victim, Cred cred);
    ErrorOr<u64> new_handle(u32 id, u64 flags, String path, Cred opener);
    void forget_if_freed(u32 id);

    FileSystem& m_fs;
    Vector<Handle*> m_handles;
    Time m_now {};
};

} // namespace redoxfs
