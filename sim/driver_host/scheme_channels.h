#pragma once
// The proxy's side of a remote driver's scheme channels. Requests name their callers'
// buffers by simulator addresses, which mean nothing in the driver's process: reading the
// channel ships each request's input (paths, write data, times) along, and writing
// completions brings the output (read data, stat records) back, which is checked and
// copied into the caller's buffer here. The driver is not trusted: a completion that names
// no request the proxy handed out, or claims more bytes than the caller asked for, is logged
// ("driver NAME: malformed completion ...") and the caller gets EIO.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sim::driver_host {

class SchemeChannels {
public:
    explicit SchemeChannels(std::string driver_name) : m_name(std::move(driver_name)) {}

    bool is_channel(int fd) const { return m_channels.count(fd) != 0; }
    void opened(int fd) { m_channels.insert(fd); }
    void closed(int fd);

    // The driver reads up to `length` bytes of requests: returns what the read returned (the
    // bytes of requests shipped, or -errno) and appends the requests, then their input
    // buffers, to `payload`. `max_buffer` bounds each request's buffer; the whole payload
    // stays within 2 * max_buffer.
    long read_requests(
        int fd, bool buffer_present, std::uint64_t length, std::size_t max_buffer, std::vector<unsigned char>& payload);

    // The driver writes `length` bytes of completions; `data` holds them followed by the
    // output each carries. Returns the write's result; `broken` is set when the data does
    // not add up (the runtime itself misbehaves).
    long write_completions(int fd, const unsigned char* data, std::size_t size, std::uint64_t length, bool& broken);

private:
    struct Pending {
        std::uint8_t opcode;
        std::uint64_t caller_buffer; // where the caller's output goes (its own address)
        std::uint64_t length; // what the driver was told it may fill
    };
    void malformed(const char* what, std::uint32_t tag, std::uint64_t detail = 0, std::uint64_t limit = 0);

    std::string m_name;
    std::set<int> m_channels;
    std::map<std::pair<int, std::uint32_t>, Pending> m_pending; // by channel and tag
};

} // namespace sim::driver_host
