#include "../../drivers/remote/marshalling.h"

#include <spdlog/spdlog.h>

#include <cstring>

#include "../../kernel_core/abi/redox/undef_host_macros.h"
// clang-format off
#include "../../apps/lib/redox/sys.h"
// clang-format on
#include "scheme_channels.h"

namespace sim::driver_host {

namespace {

    constexpr std::size_t MAX_REQUESTS = 16; // per read: bounds the shipped payload

    bool is_path_like(std::uint8_t opcode)
    {
        return opcode == redox::OP_OPENAT || opcode == redox::OP_FRENAME || opcode == redox::OP_FLINK
            || opcode == redox::OP_UNLINKAT || opcode == redox::OP_DUP;
    }

    const char* opcode_name(std::uint8_t opcode)
    {
        switch (opcode) {
        case redox::OP_READ:
            return "read";
        case redox::OP_GETDENTS:
            return "getdents";
        case redox::OP_FPATH:
            return "fpath";
        case redox::OP_FSTAT:
            return "fstat";
        case redox::OP_FSTATVFS:
            return "fstatvfs";
        default:
            return "request";
        }
    }

} // namespace

void SchemeChannels::closed(int fd)
{
    if (!m_channels.erase(fd))
        return;
    for (auto it = m_pending.begin(); it != m_pending.end();)
        it = it->first.first == fd ? m_pending.erase(it) : std::next(it);
}

void SchemeChannels::malformed(const char* what, std::uint32_t tag, std::uint64_t detail, std::uint64_t limit)
{
    spdlog::warn(
        "driver {}: malformed completion: {} (tag {}, {} > {}); the caller gets EIO", m_name, what, tag, detail, limit);
}

long SchemeChannels::read_requests(
    int fd, bool buffer_present, std::uint64_t length, std::size_t max_buffer, std::vector<unsigned char>& payload)
{
    std::size_t capacity = length / sizeof(redox::SchemeRequest);
    if (capacity > MAX_REQUESTS)
        capacity = MAX_REQUESTS;
    if (!buffer_present || capacity == 0) {
        // Let the kernel give its answer to a null or too small buffer (EFAULT, EINVAL).
        redox::SchemeRequest probe;
        return sys::read(fd, buffer_present ? &probe : nullptr, buffer_present ? length : 0);
    }
    redox::SchemeRequest requests[MAX_REQUESTS];
    for (;;) {
        long r = sys::read(fd, requests, capacity * sizeof(redox::SchemeRequest));
        if (r <= 0)
            return r;
        std::size_t count = static_cast<std::size_t>(r) / sizeof(redox::SchemeRequest);
        std::vector<redox::SchemeRequest> shipped;
        std::vector<redox::SchemeCompletion> answered; // answered here, never shipped
        for (std::size_t i = 0; i < count; ++i) {
            redox::SchemeRequest request = requests[i];
            bool oneway = request.flags & redox::REQUEST_FLAG_ONEWAY;
            remote::RequestBuffer kind = remote::request_buffer(request.opcode);
            auto refuse = [&](int error) {
                answered.push_back({ redox::COMPLETION_RESPOND_REGULAR, {}, request.tag,
                    static_cast<std::uint64_t>(-static_cast<std::int64_t>(error)) });
            };
            if (request.opcode == redox::OP_MMAP_PREP) {
                // The driver's memory is in another process: nothing to share with a caller here.
                refuse(redox::EOPNOTSUPP);
                continue;
            }
            if (is_path_like(request.opcode) && request.args[2] > remote::MAX_REQUEST_PATH) {
                refuse(request.opcode == redox::OP_DUP ? redox::EINVAL : redox::ENAMETOOLONG);
                continue;
            }
            if (request.opcode == redox::OP_FUTIMENS && request.args[2] > 2)
                request.args[2] = 2; // atime and mtime: all a TimeSpec array may hold
            if (kind != remote::RequestBuffer::None && request.args[2] > max_buffer && !is_path_like(request.opcode))
                request.args[2] = max_buffer; // a shorter read or write; records are smaller
            shipped.push_back(request);
            if (!oneway)
                m_pending[{ fd, request.tag }]
                    = { request.opcode, request.args[1], remote::request_buffer_length(request) };
        }
        if (!answered.empty())
            sys::write(fd, answered.data(), answered.size() * sizeof(redox::SchemeCompletion));
        if (shipped.empty())
            continue; // only requests answered here: wait for the next (or EAGAIN)
        // Writes share what is left of the message after the requests and the other inputs.
        std::size_t budget = 2 * max_buffer - shipped.size() * sizeof(redox::SchemeRequest);
        std::size_t fixed_inputs = 0;
        std::size_t writes = 0;
        for (const redox::SchemeRequest& request : shipped) {
            if (request.opcode == redox::OP_WRITE)
                ++writes;
            else if (remote::request_buffer(request.opcode) == remote::RequestBuffer::In)
                fixed_inputs += remote::request_buffer_length(request);
        }
        std::size_t per_write = writes && budget > fixed_inputs + writes ? (budget - fixed_inputs) / writes : 1;
        for (redox::SchemeRequest& request : shipped) {
            if (request.opcode == redox::OP_WRITE && request.args[2] > per_write) {
                request.args[2] = per_write;
                auto it = m_pending.find({ fd, request.tag });
                if (it != m_pending.end())
                    it->second.length = per_write;
            }
        }
        std::size_t start = payload.size();
        payload.resize(start + shipped.size() * sizeof(redox::SchemeRequest));
        std::memcpy(payload.data() + start, shipped.data(), shipped.size() * sizeof(redox::SchemeRequest));
        for (const redox::SchemeRequest& request : shipped) {
            if (remote::request_buffer(request.opcode) != remote::RequestBuffer::In)
                continue;
            auto* from = reinterpret_cast<const unsigned char*>(request.args[1]);
            std::uint64_t n = remote::request_buffer_length(request);
            if (n && !from) {
                payload.resize(payload.size() + n); // the kernel never sends this; keep sizes consistent
                continue;
            }
            payload.insert(payload.end(), from, from + n);
        }
        return static_cast<long>(shipped.size() * sizeof(redox::SchemeRequest));
    }
}

long SchemeChannels::write_completions(
    int fd, const unsigned char* data, std::size_t size, std::uint64_t length, bool& broken)
{
    broken = false;
    if (length % sizeof(redox::SchemeCompletion) || length > size) {
        spdlog::warn("driver {}: malformed completions: {} bytes is not a whole number of completions", m_name, length);
        return -redox::EINVAL;
    }
    std::size_t count = length / sizeof(redox::SchemeCompletion);
    const unsigned char* output = data + length;
    const unsigned char* end = data + size;
    std::vector<redox::SchemeCompletion> valid;
    valid.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        redox::SchemeCompletion completion;
        std::memcpy(&completion, data + i * sizeof completion, sizeof completion);
        if (remote::is_event_completion(completion)) {
            valid.push_back(completion);
            continue;
        }
        auto it = m_pending.find({ fd, completion.tag });
        if (it == m_pending.end()) {
            spdlog::warn("driver {}: malformed completion: tag {} answers no request in flight; dropped", m_name,
                completion.tag);
            continue;
        }
        Pending pending = it->second;
        m_pending.erase(it);
        std::int64_t n = remote::completion_data_length(pending.opcode, pending.length, completion.result);
        if (n < 0) {
            malformed(opcode_name(pending.opcode), completion.tag, completion.result, pending.length);
            completion.result = static_cast<std::uint64_t>(-static_cast<std::int64_t>(redox::EIO));
            n = 0;
        }
        if (static_cast<std::size_t>(end - output) < static_cast<std::size_t>(n)) {
            broken = true;
            return -redox::EINVAL;
        }
        // The caller is blocked in its call until this completion is written: its buffer is there.
        if (n)
            std::memcpy(reinterpret_cast<void*>(pending.caller_buffer), output, static_cast<std::size_t>(n));
        output += n;
        valid.push_back(completion);
    }
    if (output != end) {
        broken = true;
        return -redox::EINVAL;
    }
    if (!valid.empty()) {
        long r = sys::write(fd, valid.data(), valid.size() * sizeof(redox::SchemeCompletion));
        if (r < 0)
            return r;
    }
    return static_cast<long>(length);
}

} // namespace sim::driver_host
