// redox_syscall for a driver running as a Linux process: each call becomes a SYSCALL message
// to its proxy in the simulator, with the buffers the marshalling table names copied along
// (inputs) or back (outputs). A few calls are translated on the way: scheme channels
// (scheme_channel.cpp), memory mappings (arena.cpp), exit.
#include "marshalling.h"
#include "runtime.h"

#include <unistd.h>

#include <cstring>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"
// clang-format off
#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/flags.h"
#include "../../kernel_core/abi/redox/syscall_numbers.h"
// clang-format on

namespace remote {

long forward_syscall(unsigned long number, const std::uint64_t args[5], std::uint32_t& reply_flags)
{
    reply_flags = 0;
    const SyscallSpec* spec = find_syscall(number);
    if (!spec || spec->handling != Handling::Forward)
        return -redox::ENOSYS;
    wire::Syscall call { number, { args[0], args[1], args[2], args[3], args[4] } };
    std::vector<unsigned char> payload;
    std::uint64_t out_length[2] {};
    for (unsigned i = 0; i < spec->buffer_count; ++i) {
        const BufferArg& b = spec->buffers[i];
        auto* pointer = reinterpret_cast<unsigned char*>(args[b.pointer]);
        std::uint64_t length = buffer_length(b, args);
        call.args[b.pointer] = pointer ? 1 : 0;
        if (!pointer)
            continue;
        if (b.direction == Direction::In) {
            if (length > max_buffer())
                return -redox::EINVAL;
            payload.insert(payload.end(), pointer, pointer + length);
        } else {
            // A shorter read is still a read; a record that does not fit is the caller's error.
            if (length > max_buffer()) {
                if (b.out_size != OutSize::ByResult || b.length_arg < 0)
                    return -redox::EINVAL;
                length = max_buffer();
                call.args[b.length_arg] = length;
            }
            out_length[i] = length;
        }
    }
    if (payload.size() > max_buffer())
        return -redox::EINVAL;
    send(wire::Type::Syscall, &call, sizeof call, payload.data(), payload.size());

    wire::Message message = receive(wire::Type::SyscallReply);
    wire::SyscallReply reply {};
    if (!message.fixed(reply))
        protocol_error("short SYSCALL_REPLY");
    std::size_t offset = sizeof reply;
    for (unsigned i = 0; i < spec->buffer_count; ++i) {
        const BufferArg& b = spec->buffers[i];
        std::uint32_t size = reply.out_size[i];
        if (b.direction != Direction::Out || !size)
            continue;
        if (size > out_length[i] || offset + size > message.body.size())
            protocol_error("SYSCALL_REPLY output larger than the buffer");
        std::memcpy(reinterpret_cast<void*>(args[b.pointer]), message.body.data() + offset, size);
        offset += size;
    }
    reply_flags = reply.flags;
    return reply.result;
}

long forward_syscall(unsigned long number, const std::uint64_t args[5])
{
    std::uint32_t flags;
    return forward_syscall(number, args, flags);
}

namespace {

    // A write larger than one message goes in pieces (a short piece ends it, as a short write).
    long write_in_pieces(const std::uint64_t args[5])
    {
        auto* data = reinterpret_cast<const unsigned char*>(args[1]);
        std::uint64_t length = args[2];
        if (!data || length <= max_buffer())
            return forward_syscall(redox::SYS_write, args);
        std::uint64_t done = 0;
        while (done < length) {
            std::uint64_t piece = length - done < max_buffer() ? length - done : max_buffer();
            std::uint64_t piece_args[5] = { args[0], reinterpret_cast<std::uint64_t>(data + done), piece, 0, 0 };
            long r = forward_syscall(redox::SYS_write, piece_args);
            if (r < 0)
                return done ? static_cast<long>(done) : r;
            done += static_cast<std::uint64_t>(r);
            if (static_cast<std::uint64_t>(r) < piece)
                break;
        }
        return static_cast<long>(done);
    }

    long open_and_note(unsigned long number, const std::uint64_t args[5], std::uint64_t path_arg)
    {
        std::uint32_t flags;
        long fd = forward_syscall(number, args, flags);
        if (fd >= 0) {
            if (flags & wire::REPLY_CHANNEL_OPENED)
                channel_opened(static_cast<int>(fd));
            note_open(fd, reinterpret_cast<const char*>(args[path_arg]), args[path_arg + 1]);
        }
        return fd;
    }

    [[noreturn]] void exit_program(unsigned long status)
    {
        // Redox's exit takes the status byte, as _exit does.
        wire::Exit exit { wire::EXITED, static_cast<std::int32_t>(status & 0xff) };
        wire::send_message(runtime().socket, wire::Type::Exit, &exit, sizeof exit);
        _exit(static_cast<int>(status & 0xff));
    }

} // namespace

} // namespace remote

extern "C" long redox_syscall(
    unsigned long number, unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e)
{
    using namespace remote;
    const std::uint64_t args[5] = { a, b, c, d, e };
    switch (number) {
    case redox::SYS_exit:
        exit_program(a);
    case redox::SYS_read:
        if (is_channel(static_cast<int>(a)))
            return read_channel(static_cast<int>(a), reinterpret_cast<void*>(b), c);
        break;
    case redox::SYS_write:
        if (is_channel(static_cast<int>(a)))
            return write_channel(static_cast<int>(a), reinterpret_cast<const void*>(b), c);
        return write_in_pieces(args);
    case redox::SYS_open:
        return open_and_note(number, args, 0);
    case redox::SYS_openat:
        return open_and_note(number, args, 1);
    case redox::SYS_close: {
        long r = forward_syscall(number, args);
        channel_closed(static_cast<int>(a));
        note_close(static_cast<int>(a));
        return r;
    }
    case redox::SYS_dup2: {
        long r = forward_syscall(number, args);
        if (r >= 0) { // the target fd, if it was open, was closed first
            channel_closed(static_cast<int>(r));
            note_close(static_cast<int>(r));
        }
        return r;
    }
    case redox::SYS_fmap:
        return map_memory(static_cast<int>(a), reinterpret_cast<const void*>(b), c);
    case redox::SYS_funmap:
        return unmap_memory(a, b);
    case redox::SYS_lseek:
        return seek(static_cast<int>(a), b, c);
    case redox::SYS_sigaction:
        // A handler is an address in this process: the simulator can not call it.
        if (b > redox::SIG_IGN)
            return -redox::ENOSYS;
        break;
    default:
        break;
    }
    return forward_syscall(number, args);
}
