#include "wire_protocol.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace wire {

std::size_t configure_socket(int fd)
{
    int wanted = static_cast<int>(2 * MAX_MESSAGE);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof wanted); // clamped to net.core.wmem_max
    int actual = 0;
    socklen_t size = sizeof actual;
    if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &actual, &size) != 0 || actual <= 0)
        return 64 * 1024;
    // Linux reports twice what it accounts for data; keep a margin for its bookkeeping.
    std::size_t usable = static_cast<std::size_t>(actual) / 2;
    usable = usable > MESSAGE_SLACK ? usable - MESSAGE_SLACK : 0;
    if (usable > MAX_PAYLOAD)
        usable = MAX_PAYLOAD;
    return usable < 16 * 1024 ? 16 * 1024 : usable;
}

int send_message(int fd, Type type, const void* fixed, std::size_t fixed_size, const void* payload,
    std::size_t payload_size, int pass_fd, bool nonblocking)
{
    if (fixed_size + payload_size > MAX_MESSAGE)
        return -EMSGSIZE;
    Header header { static_cast<std::uint32_t>(type), static_cast<std::uint32_t>(fixed_size + payload_size) };
    iovec parts[3] = {
        { &header, sizeof header },
        { const_cast<void*>(fixed), fixed_size },
        { const_cast<void*>(payload), payload_size },
    };
    msghdr message {};
    message.msg_iov = parts;
    message.msg_iovlen = 3;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] {};
    if (pass_fd >= 0) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&message);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    for (;;) {
        ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL | (nonblocking ? MSG_DONTWAIT : 0));
        if (sent >= 0)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

int receive_message(int fd, Message& message, bool nonblocking)
{
    // One recvmsg into a buffer of the largest size, then a copy of what came: a syscall less
    // than peeking at the header first, and no zeroing of a large body each time.
    thread_local std::unique_ptr<unsigned char[]> buffer(new unsigned char[sizeof(Header) + MAX_MESSAGE]);
    message.fd = -1;
    iovec part { buffer.get(), sizeof(Header) + MAX_MESSAGE };
    msghdr m {};
    m.msg_iov = &part;
    m.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] {};
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    ssize_t received;
    do
        received = recvmsg(fd, &m, MSG_CMSG_CLOEXEC | (nonblocking ? MSG_DONTWAIT : 0));
    while (received < 0 && errno == EINTR);
    if (received < 0)
        return -errno;
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
            std::memcpy(&message.fd, CMSG_DATA(c), sizeof(int));
    }
    if (received == 0)
        return 0;
    if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
        return -EMSGSIZE;
    Header header {};
    if (static_cast<std::size_t>(received) < sizeof header)
        return -EPROTO;
    std::memcpy(&header, buffer.get(), sizeof header);
    if (header.length != static_cast<std::size_t>(received) - sizeof header)
        return -EPROTO;
    message.type = static_cast<Type>(header.type);
    message.body.assign(buffer.get() + sizeof header, buffer.get() + received);
    return 1;
}

} // namespace wire
