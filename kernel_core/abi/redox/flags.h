#pragma once
// Open flags, modes, fcntl commands, clone and wait flags, signals (Redox's values).
namespace redox {

// open(): the low 16 bits carry the mode for O_CREAT.
constexpr unsigned long O_RDONLY = 0x00010000;
constexpr unsigned long O_WRONLY = 0x00020000;
constexpr unsigned long O_RDWR = 0x00030000;
constexpr unsigned long O_ACCMODE = 0x00030000;
constexpr unsigned long O_NONBLOCK = 0x00040000;
constexpr unsigned long O_APPEND = 0x00080000;
constexpr unsigned long O_CLOEXEC = 0x01000000;
constexpr unsigned long O_CREAT = 0x02000000;
constexpr unsigned long O_TRUNC = 0x04000000;
constexpr unsigned long O_EXCL = 0x08000000;
constexpr unsigned long O_DIRECTORY = 0x10000000;
constexpr unsigned long O_STAT = 0x20000000;
constexpr unsigned long O_SYMLINK = 0x40000000;
constexpr unsigned long O_NOFOLLOW = 0x80000000;
// Flags a file description keeps (the rest only matter at open time).
constexpr unsigned long O_STATUS_FLAGS = O_ACCMODE | O_NONBLOCK | O_APPEND;

// Mode bits (as POSIX).
constexpr unsigned MODE_TYPE = 0xF000;
constexpr unsigned MODE_DIR = 0x4000;
constexpr unsigned MODE_FILE = 0x8000;
constexpr unsigned MODE_SYMLINK = 0xA000;
constexpr unsigned MODE_FIFO = 0x1000;
constexpr unsigned MODE_CHR = 0x2000;
constexpr unsigned MODE_BLK = 0x6000;
constexpr unsigned MODE_SOCK = 0xC000;
constexpr unsigned MODE_PERM = 0x0FFF;

// lseek
constexpr int SEEK_SET = 0;
constexpr int SEEK_CUR = 1;
constexpr int SEEK_END = 2;

// fcntl
constexpr int F_DUPFD = 0;
constexpr int F_GETFD = 1;
constexpr int F_SETFD = 2;
constexpr int F_GETFL = 3;
constexpr int F_SETFL = 4;
constexpr int FD_CLOEXEC = 1;

// unlink flag for rmdir-like removal (sent to schemes with UnlinkAt).
constexpr unsigned long AT_REMOVEDIR = 0x200;

// clone: a thread shares the file table and the process; CLONE_VFORK suspends the parent
// until the child calls exec or exits (the child may read the parent's memory meanwhile).
constexpr unsigned long CLONE_VM = 0x100;
constexpr unsigned long CLONE_FS = 0x200;
constexpr unsigned long CLONE_FILES = 0x400;
constexpr unsigned long CLONE_SIGHAND = 0x800;
constexpr unsigned long CLONE_VFORK = 0x4000;
constexpr unsigned long CLONE_THREAD = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND;

// waitpid
constexpr int WNOHANG = 1;
constexpr int WUNTRACED = 2;
inline bool wifexited(int status) { return (status & 0x7f) == 0; }
inline int wexitstatus(int status) { return (status >> 8) & 0xff; }
inline bool wifsignaled(int status) { return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f; }
inline int wtermsig(int status) { return status & 0x7f; }

// Signals (Linux numbers).
constexpr int SIGHUP = 1;
constexpr int SIGINT = 2;
constexpr int SIGQUIT = 3;
constexpr int SIGABRT = 6;
constexpr int SIGKILL = 9;
constexpr int SIGUSR1 = 10;
constexpr int SIGSEGV = 11;
constexpr int SIGUSR2 = 12;
constexpr int SIGPIPE = 13;
constexpr int SIGALRM = 14;
constexpr int SIGTERM = 15;
constexpr int SIGCHLD = 17;
constexpr int SIGCONT = 18;
constexpr int SIGSTOP = 19;
constexpr int NSIG = 32;
// sigaction handler values.
constexpr unsigned long SIG_DFL = 0;
constexpr unsigned long SIG_IGN = 1;

// clock ids (time scheme paths are the same numbers).
constexpr int CLOCK_REALTIME = 1;
constexpr int CLOCK_MONOTONIC = 4;

// Event flags.
constexpr unsigned long EVENT_NONE = 0;
constexpr unsigned long EVENT_READ = 1;
constexpr unsigned long EVENT_WRITE = 2;
// Writing an Event with this id to a queue arms a one-shot timeout of `data` milliseconds.
constexpr unsigned long EVENT_TIMEOUT_ID = ~0ul - 2;

// Directory entry kinds in getdents records.
constexpr unsigned char DT_UNKNOWN = 0;
constexpr unsigned char DT_FIFO = 1;
constexpr unsigned char DT_CHR = 2;
constexpr unsigned char DT_DIR = 4;
constexpr unsigned char DT_REG = 8;
constexpr unsigned char DT_LNK = 10;
constexpr unsigned char DT_SOCK = 12;

} // namespace redox
