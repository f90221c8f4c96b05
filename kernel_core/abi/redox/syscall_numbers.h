#pragma once
// Redox's classic syscall numbering (x86_64). The top nibble marks the class, the next the
// argument kind; the low bits are mostly Linux i386 numbers. See shared/design/redox-abi.md.
// This one list drives the kernel's dispatch table, `sys:syscall` and the apps' wrappers.

#define REDOX_SYS_CLASS_PATH 0x10000000u
#define REDOX_SYS_CLASS_FILE 0x20000000u
#define REDOX_SYS_ARG_SLICE 0x01000000u
#define REDOX_SYS_ARG_MSLICE 0x02000000u
#define REDOX_SYS_ARG_PATH 0x03000000u
#define REDOX_SYS_RET_FILE 0x00100000u

// X(name, number). Arguments are documented at each handler in kernel_core/syscalls/.
#define REDOX_SYSCALLS(X)                                                                                              \
    /* path calls */                                                                                                   \
    X(open, REDOX_SYS_CLASS_PATH | REDOX_SYS_RET_FILE | 5)                                                             \
    X(link, REDOX_SYS_CLASS_PATH | 9)                                                                                  \
    X(unlink, REDOX_SYS_CLASS_PATH | 10)                                                                               \
    X(chmod, REDOX_SYS_CLASS_PATH | 15)                                                                                \
    X(rmdir, REDOX_SYS_CLASS_PATH | 84)                                                                                \
    X(openat, REDOX_SYS_CLASS_FILE | REDOX_SYS_RET_FILE | 7)                                                           \
    /* fd calls */                                                                                                     \
    X(read, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_MSLICE | 3)                                                           \
    X(write, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_SLICE | 4)                                                           \
    X(close, REDOX_SYS_CLASS_FILE | 6)                                                                                 \
    X(lseek, REDOX_SYS_CLASS_FILE | 19)                                                                                \
    X(fstat, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_MSLICE | 28)                                                         \
    X(frename, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_PATH | 38)                                                         \
    X(dup, REDOX_SYS_CLASS_FILE | REDOX_SYS_RET_FILE | 41)                                                             \
    X(getdents, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_MSLICE | 43)                                                      \
    X(fcntl, REDOX_SYS_CLASS_FILE | 55)                                                                                \
    X(dup2, REDOX_SYS_CLASS_FILE | REDOX_SYS_RET_FILE | 63)                                                            \
    X(ftruncate, REDOX_SYS_CLASS_FILE | 93)                                                                            \
    X(fchmod, REDOX_SYS_CLASS_FILE | 94)                                                                               \
    X(fstatvfs, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_MSLICE | 100)                                                     \
    X(fsync, REDOX_SYS_CLASS_FILE | 118)                                                                               \
    X(fchown, REDOX_SYS_CLASS_FILE | 207)                                                                              \
    X(futimens, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_SLICE | 320)                                                      \
    X(fevent, REDOX_SYS_CLASS_FILE | 927)                                                                              \
    X(fpath, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_MSLICE | 928)                                                        \
    X(fexec, REDOX_SYS_CLASS_FILE | 11)                                                                                \
    X(fmap, REDOX_SYS_CLASS_FILE | REDOX_SYS_ARG_SLICE | 900)                                                          \
    X(funmap, 92)                                                                                                      \
    /* processes */                                                                                                    \
    X(exit, 1)                                                                                                         \
    X(waitpid, 7)                                                                                                      \
    X(execve, 11)                                                                                                      \
    X(chdir, 12)                                                                                                       \
    X(getpid, 20)                                                                                                      \
    X(kill, 37)                                                                                                        \
    X(setpgid, 57)                                                                                                     \
    X(umask, 60)                                                                                                       \
    X(getppid, 64)                                                                                                     \
    X(iopl, 110)                                                                                                       \
    X(sigaction, 67)                                                                                                   \
    X(clone, 120)                                                                                                      \
    X(getpgid, 132)                                                                                                    \
    X(yield, 158)                                                                                                      \
    X(nanosleep, 162)                                                                                                  \
    X(getcwd, 183)                                                                                                     \
    X(getuid, 199)                                                                                                     \
    X(getgid, 200)                                                                                                     \
    X(geteuid, 201)                                                                                                    \
    X(getegid, 202)                                                                                                    \
    X(setreuid, 203)                                                                                                   \
    X(setregid, 204)                                                                                                   \
    X(clock_gettime, 265)                                                                                              \
    X(pipe2, 331)                                                                                                      \
    /* namespaces */                                                                                                   \
    X(getns, 950)                                                                                                      \
    X(getens, 951)                                                                                                     \
    X(setrens, 952)                                                                                                    \
    X(mkns, 984)

namespace redox {
enum Syscall : unsigned long {
#define REDOX_SYSCALL_ENUM(name, number) SYS_##name = (number),
    REDOX_SYSCALLS(REDOX_SYSCALL_ENUM)
#undef REDOX_SYSCALL_ENUM
};
} // namespace redox
