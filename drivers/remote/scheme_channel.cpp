// A remote driver's scheme channels. A request names its caller's buffer by an address in
// the simulator, useless here: the proxy ships each request's input (paths, write data) with
// the requests, and this side points the request at a local copy, or at a fresh local buffer
// for the output (read data, stat records). Completions carry that output back; the proxy
// checks them and copies the data into the caller's buffer.
#include "marshalling.h"
#include "runtime.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "../../kernel_core/abi/redox/undef_host_macros.h"
// clang-format off
#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/abi/redox/syscall_numbers.h"
// clang-format on

namespace remote {

namespace {

    struct LocalBuffer {
        std::uint8_t opcode;
        void* data; // malloc'd here, given to the program in the request
        std::uint64_t length;
    };

    std::set<int> s_channels;
    // By channel and tag: requests whose buffers live here until they are answered.
    std::map<std::pair<int, std::uint32_t>, LocalBuffer> s_buffers;

    void forget(int fd, std::uint32_t tag)
    {
        auto it = s_buffers.find({ fd, tag });
        if (it == s_buffers.end())
            return;
        std::free(it->second.data);
        s_buffers.erase(it);
    }

} // namespace

bool is_channel(int fd) { return s_channels.count(fd) != 0; }
void channel_opened(int fd) { s_channels.insert(fd); }

void channel_closed(int fd)
{
    if (!s_channels.erase(fd))
        return;
    for (auto it = s_buffers.begin(); it != s_buffers.end();) {
        if (it->first.first == fd) {
            std::free(it->second.data);
            it = s_buffers.erase(it);
        } else {
            ++it;
        }
    }
}

long read_channel(int fd, void* buffer, std::size_t length)
{
    std::uint64_t args[5] = { static_cast<std::uint64_t>(fd), reinterpret_cast<std::uint64_t>(buffer), length, 0, 0 };
    wire::Syscall call { redox::SYS_read, { args[0], buffer ? 1u : 0u, length, 0, 0 } };
    send(wire::Type::Syscall, &call, sizeof call);
    wire::Message message = receive(wire::Type::SyscallReply);
    wire::SyscallReply reply {};
    if (!message.fixed(reply))
        protocol_error("short SYSCALL_REPLY");
    if (reply.result <= 0)
        return reply.result;
    auto bytes = static_cast<std::size_t>(reply.result);
    const unsigned char* at = message.payload(sizeof reply);
    const unsigned char* end = message.body.data() + message.body.size();
    if (bytes % sizeof(redox::SchemeRequest) || bytes > length || bytes > static_cast<std::size_t>(end - at))
        protocol_error("scheme requests that do not fit the read");
    std::size_t count = bytes / sizeof(redox::SchemeRequest);
    std::vector<redox::SchemeRequest> requests(count);
    std::memcpy(requests.data(), at, bytes);
    at += bytes;
    for (redox::SchemeRequest& request : requests) {
        RequestBuffer kind = request_buffer(request.opcode);
        if (kind == RequestBuffer::None)
            continue;
        std::uint64_t size = request_buffer_length(request);
        if (size > max_buffer())
            protocol_error("a scheme request buffer beyond the limit");
        void* local = std::calloc(size ? size : 1, 1);
        if (!local)
            protocol_error("out of memory for a scheme request");
        if (kind == RequestBuffer::In) {
            if (size > static_cast<std::size_t>(end - at))
                protocol_error("a scheme request without its data");
            std::memcpy(local, at, size);
            at += size;
        }
        forget(fd, request.tag);
        s_buffers[{ fd, request.tag }] = { request.opcode, local, size };
        request.args[1] = reinterpret_cast<std::uint64_t>(local);
    }
    std::memcpy(buffer, requests.data(), bytes);
    return static_cast<long>(bytes);
}

namespace {

    // One SYSCALL write of completions and the output data they carry.
    struct CompletionBatch {
        std::vector<redox::SchemeCompletion> completions;
        std::vector<unsigned char> data;

        long flush(int fd)
        {
            if (completions.empty())
                return 0;
            std::size_t bytes = completions.size() * sizeof(redox::SchemeCompletion);
            std::vector<unsigned char> payload(bytes + data.size());
            std::memcpy(payload.data(), completions.data(), bytes);
            if (!data.empty())
                std::memcpy(payload.data() + bytes, data.data(), data.size());
            wire::Syscall call { redox::SYS_write, { static_cast<std::uint64_t>(fd), 1, bytes, 0, 0 } };
            send(wire::Type::Syscall, &call, sizeof call, payload.data(), payload.size());
            wire::Message message = receive(wire::Type::SyscallReply);
            wire::SyscallReply reply {};
            if (!message.fixed(reply))
                protocol_error("short SYSCALL_REPLY");
            completions.clear();
            data.clear();
            return reply.result;
        }
    };

} // namespace

long write_channel(int fd, const void* buffer, std::size_t length)
{
    if (!buffer || length % sizeof(redox::SchemeCompletion)) {
        // Not completions: the proxy answers as the kernel would (EINVAL, EFAULT).
        std::uint64_t args[5]
            = { static_cast<std::uint64_t>(fd), reinterpret_cast<std::uint64_t>(buffer), buffer ? length : 0, 0, 0 };
        return length > max_buffer() ? -redox::EINVAL : forward_syscall(redox::SYS_write, args);
    }
    std::size_t count = length / sizeof(redox::SchemeCompletion);
    const auto* completions = static_cast<const unsigned char*>(buffer);
    CompletionBatch batch;
    long total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        redox::SchemeCompletion completion;
        std::memcpy(&completion, completions + i * sizeof completion, sizeof completion);
        const void* data = nullptr;
        std::size_t data_length = 0;
        if (!is_event_completion(completion)) {
            auto it = s_buffers.find({ fd, completion.tag });
            if (it != s_buffers.end()) {
                std::int64_t n = completion_data_length(it->second.opcode, it->second.length, completion.result);
                data = it->second.data;
                data_length = n > 0 ? static_cast<std::size_t>(n) : 0; // malformed: the proxy says so
            }
        }
        std::size_t batch_bytes = (batch.completions.size() + 1) * sizeof completion + batch.data.size() + data_length;
        if (batch_bytes > runtime().max_payload) {
            long r = batch.flush(fd);
            if (r < 0)
                return total ? total : r;
            total += r;
        }
        batch.completions.push_back(completion);
        if (data_length)
            batch.data.insert(batch.data.end(), static_cast<const unsigned char*>(data),
                static_cast<const unsigned char*>(data) + data_length);
        if (!is_event_completion(completion))
            forget(fd, completion.tag);
    }
    long r = batch.flush(fd);
    if (r < 0)
        return total ? total : r;
    return total + r;
}

} // namespace remote
