#pragma once
// The simulated PC redox-sim builds at start-up from its options: UARTs (COM1, COM2) with
// their host ends, the ATA disk on the primary IDE channel, PCI configuration space, the CMOS
// clock and the physical memory arena, all on sim::device_bus().
#include <string>

namespace sim {

struct MachineOptions {
    // Host ends (serial_host.h): unix:PATH, pty:[LINK], null, none.
    std::string com1 = "pty:";
    std::string com2 = "none";
    // COM1's host end was not asked for (the default): when it can not be set up (no ptys in
    // a container), COM1 gets nothing plugged in instead of stopping the simulator.
    bool com1_optional = false;
    // The primary master's image file; empty: no drive (the channel floats).
    std::string ata_disk;
    // The boot disk image (--image), so that the ATA disk can not be the same file.
    std::string boot_image;
    // A deterministic run (--seed): no CMOS clock (it would read the host's time).
    bool deterministic = false;
};

// Validates a --com1/--com2 value: empty when good, else the message.
std::string check_serial_option(const std::string& text);

// Builds the machine on the core's thread before the kernel runs; logs at info what exists.
// False (with the reason on stderr) when a device can not be set up.
bool machine_start(const MachineOptions& options);
// After the kernel stopped: stops the host threads, closes the image and sockets, and
// leaves the bus empty.
void machine_stop();

} // namespace sim
