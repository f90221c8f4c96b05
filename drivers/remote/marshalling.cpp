#include "marshalling.h"

#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/abi/redox/syscall_numbers.h"

namespace remote {

namespace {

    using redox::Syscall;

    constexpr BufferArg in(uint8_t pointer, int8_t length_arg)
    {
        return { pointer, Direction::In, OutSize::Whole, length_arg, 0 };
    }
    constexpr BufferArg in_fixed(uint8_t pointer, uint32_t size)
    {
        return { pointer, Direction::In, OutSize::Whole, -1, size };
    }
    constexpr BufferArg out(uint8_t pointer, int8_t length_arg, OutSize size)
    {
        return { pointer, Direction::Out, size, length_arg, 0 };
    }
    constexpr BufferArg out_fixed(uint8_t pointer, uint32_t size)
    {
        return { pointer, Direction::Out, OutSize::Whole, -1, size };
    }

    constexpr SyscallSpec plain(unsigned long number) { return { number, Handling::Forward, 0, {} }; }
    constexpr SyscallSpec one(unsigned long number, BufferArg a) { return { number, Handling::Forward, 1, { a } }; }
    constexpr SyscallSpec two(unsigned long number, BufferArg a, BufferArg b)
    {
        return { number, Handling::Forward, 2, { a, b } };
    }
    constexpr SyscallSpec refused(unsigned long number) { return { number, Handling::Refused, 0, {} }; }

    // Arguments as documented at each handler in kernel_core/syscalls/ and in apps/lib/redox/sys.h.
    // clang-format off
    constexpr SyscallSpec s_table[] = {
        // paths
        one(redox::SYS_open, in(0, 1)),
        one(redox::SYS_openat, in(1, 2)),
        two(redox::SYS_link, in(0, 1), in(2, 3)),
        one(redox::SYS_unlink, in(0, 1)),
        one(redox::SYS_rmdir, in(0, 1)),
        one(redox::SYS_chmod, in(0, 1)),
        one(redox::SYS_chdir, in(0, 1)),
        // file descriptors
        one(redox::SYS_read, out(1, 2, OutSize::ByResult)),
        one(redox::SYS_write, in(1, 2)),
        plain(redox::SYS_close),
        plain(redox::SYS_lseek),
        one(redox::SYS_fstat, out(1, 2, OutSize::Whole)),
        one(redox::SYS_frename, in(1, 2)),
        one(redox::SYS_dup, in(1, 2)),
        one(redox::SYS_getdents, out(1, 2, OutSize::ByResult)),
        plain(redox::SYS_fcntl),
        one(redox::SYS_dup2, in(2, 3)),
        plain(redox::SYS_ftruncate),
        plain(redox::SYS_fchmod),
        one(redox::SYS_fstatvfs, out(1, 2, OutSize::Whole)),
        plain(redox::SYS_fsync),
        plain(redox::SYS_fchown),
        one(redox::SYS_futimens, in(1, 2)),
        plain(redox::SYS_fevent),
        one(redox::SYS_fpath, out(1, 2, OutSize::ByResult)),
        one(redox::SYS_fmap, in(1, 2)), // the Map; the address comes back translated
        plain(redox::SYS_funmap), // the runtime translates the address
        // processes
        { redox::SYS_exit, Handling::Local, 0, {} },
        one(redox::SYS_waitpid, out_fixed(1, sizeof(int))),
        plain(redox::SYS_getpid),
        plain(redox::SYS_kill),
        plain(redox::SYS_setpgid),
        plain(redox::SYS_umask),
        plain(redox::SYS_getppid),
        // sigaction: only SIG_DFL / SIG_IGN cross (a handler would be an address in the driver)
        one(redox::SYS_sigaction, out_fixed(2, sizeof(unsigned long))),
        plain(redox::SYS_getpgid),
        plain(redox::SYS_yield),
        two(redox::SYS_nanosleep, in_fixed(0, sizeof(redox::TimeSpec)), out_fixed(1, sizeof(redox::TimeSpec))),
        one(redox::SYS_getcwd, out(0, 1, OutSize::ByResult)),
        plain(redox::SYS_getuid),
        plain(redox::SYS_getgid),
        plain(redox::SYS_geteuid),
        plain(redox::SYS_getegid),
        plain(redox::SYS_setreuid),
        plain(redox::SYS_setregid),
        one(redox::SYS_clock_gettime, out_fixed(1, sizeof(redox::TimeSpec))),
        one(redox::SYS_pipe2, out_fixed(0, 2 * sizeof(int))),
        plain(redox::SYS_getns),
        plain(redox::SYS_getens),
        plain(redox::SYS_setrens),
        plain(redox::SYS_iopl), // the proxy's context gets the privilege
        // a separate Linux process can not start Redox programs in its own memory
        refused(redox::SYS_execve),
        refused(redox::SYS_fexec),
        refused(redox::SYS_clone),
        refused(redox::SYS_mkns), // an array of pointers; no driver needs it
    };
    // clang-format on

} // namespace

const SyscallSpec* find_syscall(unsigned long number)
{
    for (const SyscallSpec& spec : s_table)
        if (spec.number == number)
            return &spec;
    return nullptr;
}

RequestBuffer request_buffer(uint8_t opcode)
{
    switch (opcode) {
    case redox::OP_OPENAT:
    case redox::OP_FRENAME:
    case redox::OP_FLINK:
    case redox::OP_UNLINKAT:
    case redox::OP_DUP:
    case redox::OP_WRITE:
    case redox::OP_FUTIMENS:
        return RequestBuffer::In;
    case redox::OP_READ:
    case redox::OP_GETDENTS:
    case redox::OP_FPATH:
    case redox::OP_FSTAT:
    case redox::OP_FSTATVFS:
        return RequestBuffer::Out;
    default:
        return RequestBuffer::None;
    }
}

uint64_t request_buffer_length(const redox::SchemeRequest& request)
{
    if (request_buffer(request.opcode) == RequestBuffer::None)
        return 0;
    if (request.opcode == redox::OP_FUTIMENS) // args[2] counts TimeSpecs
        return request.args[2] * sizeof(redox::TimeSpec);
    return request.args[2];
}

int64_t completion_data_length(uint8_t opcode, uint64_t length, uint64_t result)
{
    auto value = static_cast<int64_t>(result);
    bool error = value < 0 && value >= -4095;
    switch (opcode) {
    case redox::OP_READ:
    case redox::OP_GETDENTS:
    case redox::OP_FPATH:
        if (error)
            return 0;
        return result <= length ? static_cast<int64_t>(result) : -1;
    case redox::OP_FSTAT:
    case redox::OP_FSTATVFS:
        return error ? 0 : static_cast<int64_t>(length);
    default:
        return 0;
    }
}

bool is_scheme_registration(const char* path, uint64_t length, uint64_t flags)
{
    return (flags & redox::O_CREAT) && length > 1 && path && path[0] == ':';
}

} // namespace remote
