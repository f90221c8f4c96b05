#pragma once
// The Linux end of a simulated UART's wire (redox-sim --com1 / --com2 SPEC):
//   unix:PATH  the simulator listens on a Unix stream socket at PATH (a stale socket there is
//              replaced); one client at a time, the next one waits in the backlog until the
//              current one hangs up. Connected = DCD, DSR and CTS up.
//   pty:[LINK] a pseudo-terminal in raw mode (its path is logged at info); LINK, when given,
//              becomes a symlink to it. Open it with `screen`, `picocom` or any program.
//   null       a UART with nothing plugged in (transmitted bytes vanish, nothing arrives).
//   none       no UART at all at that address (its ports float, as with QEMU's -serial none).
//
// A host thread waits for bytes and hands them to the UART as host work, never more than the
// receive FIFO has room for, and one burst at a time: when the driver does not read, the
// thread stops reading (the kernel's socket or pty buffer fills up and the writer blocks), so
// memory stays bounded. Transmitted bytes are written without blocking the core; when the
// far end does not keep up (or there is none) they are dropped, as on a wire without flow
// control.
#include "uart16550.h"

#include <memory>
#include <string>

namespace sim {

struct SerialSpec {
    enum class Kind { None, Null, Pty, Unix };
    Kind kind { Kind::None };
    std::string path; // the pty's symlink (may be empty) or the socket's path
};

// Parses SPEC; on a malformed one returns false with a message in *error.
bool parse_serial_spec(const std::string& text, SerialSpec& spec, std::string* error);

// A started host end; destroying it stops its thread, closes its files and removes the
// socket or symlink it created. Detach it from the UART first.
class SerialHost : public SerialHostEnd {
public:
    // Starts the host end `spec` for `uart` (Kind::None: not valid here). Null with a message
    // in *error when it can not be set up (the socket path is taken, no ptys ...).
    static std::unique_ptr<SerialHost> start(const SerialSpec& spec, Uart16550& uart, std::string* error);
    ~SerialHost() override = default;

    // What to tell the user: "pty /dev/pts/3", "unix socket /run/x.sock", "nothing".
    virtual std::string description() const = 0;
};

} // namespace sim
