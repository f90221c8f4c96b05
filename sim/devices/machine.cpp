// The simulated PC (machine.h).
#include "machine.h"

#include "ata_pio.h"
#include "cmos_rtc.h"
#include "device_bus.h"
#include "device_log.h"
#include "pci_config.h"
#include "physical_memory.h"
#include "serial_host.h"
#include "uart16550.h"

#include <sys/stat.h>

#include <cstdio>
#include <memory>

namespace sim {

namespace {

    struct SerialPort {
        std::unique_ptr<Uart16550> uart;
        std::unique_ptr<SerialHost> host;
    };

    struct Machine {
        SerialPort com[2];
        std::unique_ptr<AtaPioDisk> ata;
        std::unique_ptr<PciConfig> pci;
        CmosRtc rtc;
    };

    Machine* s_machine = nullptr;

    bool same_file(const std::string& a, const std::string& b)
    {
        struct stat first {
        }, second {};
        return !a.empty() && !b.empty() && stat(a.c_str(), &first) == 0 && stat(b.c_str(), &second) == 0
            && first.st_dev == second.st_dev && first.st_ino == second.st_ino;
    }

    bool start_serial(SerialPort& port, std::string option, bool optional, uint16_t base, uint8_t irq, const char* name)
    {
        SerialSpec spec;
        std::string error;
        if (!parse_serial_spec(option, spec, &error)) {
            std::fprintf(stderr, "redox-sim: --%s %s\n", name, error.c_str());
            return false;
        }
        if (spec.kind == SerialSpec::Kind::None) {
            device_log().info("no {} (--{} none)", name, name);
            return true;
        }
        port.uart = std::make_unique<Uart16550>(device_bus(), base, irq, name);
        port.host = SerialHost::start(spec, *port.uart, &error);
        if (!port.host && optional) {
            device_log().warn("{}: {}: nothing plugged in instead", name, error);
            port.host = SerialHost::start({ SerialSpec::Kind::Null, "" }, *port.uart, &error);
        }
        if (!port.host) {
            std::fprintf(stderr, "redox-sim: --%s %s: %s\n", name, option.c_str(), error.c_str());
            port.uart.reset();
            return false;
        }
        port.uart->attach(port.host.get());
        device_log().info("{} at {:#x}, irq {}: {}", name, base, irq, port.host->description());
        return true;
    }

    bool start_ata(Machine& machine, const MachineOptions& options)
    {
        if (options.ata_disk.empty()) {
            device_log().info("no ata disk (--ata-disk IMAGE): the primary IDE channel floats");
            return true;
        }
        if (same_file(options.ata_disk, options.boot_image)) {
            std::fprintf(stderr, "redox-sim: --ata-disk %s is the boot image (--image): give another file\n",
                options.ata_disk.c_str());
            return false;
        }
        machine.ata = std::make_unique<AtaPioDisk>(device_bus(), options.ata_disk);
        if (!machine.ata->ok()) {
            std::fprintf(stderr, "redox-sim: --ata-disk %s\n", machine.ata->error().c_str());
            machine.ata.reset();
            return false;
        }
        device_log().info("ata primary master at {:#x}/{:#x}, irq {}: {}, {} sectors ({} MiB)",
            AtaPioDisk::COMMAND_BASE, AtaPioDisk::CONTROL_PORT, AtaPioDisk::IRQ, options.ata_disk,
            machine.ata->sectors(), machine.ata->sectors() >> 11);
        return true;
    }

} // namespace

std::string check_serial_option(const std::string& text)
{
    SerialSpec spec;
    std::string error;
    return parse_serial_spec(text, spec, &error) ? std::string() : error;
}

bool machine_start(const MachineOptions& options)
{
    if (s_machine)
        machine_stop();
    s_machine = new Machine;
    Machine& machine = *s_machine;
    bool ok = start_serial(machine.com[0], options.com1, options.com1_optional, 0x3F8, 4, "com1")
        && start_serial(machine.com[1], options.com2, false, 0x2F8, 3, "com2") && start_ata(machine, options);
    if (!ok) {
        machine_stop();
        return false;
    }
    machine.pci = std::make_unique<PciConfig>(device_bus());
    device_log().info("pci 00:00.0 8086:1237 host bridge, 00:01.0 8086:7000 isa bridge, 00:01.1 8086:7010 ide");
    device_bus().claim(CmosRtc::BASE, 2, machine.rtc);
    device_log().info("cmos clock at {:#x}", CmosRtc::BASE);
    if (physical_memory_fd() >= 0)
        device_log().info(
            "physical memory {} MiB at physical {:#x} (memfd)", physical_memory_size() >> 20, PHYSICAL_MEMORY_BASE);
    return true;
}

void machine_stop()
{
    Machine* machine = s_machine;
    s_machine = nullptr;
    if (!machine)
        return;
    for (auto& port : machine->com) {
        if (port.uart)
            port.uart->attach(nullptr);
        port.host.reset(); // joins its host thread
        port.uart.reset();
    }
    delete machine;
    device_bus().reset();
}

} // namespace sim
