// lspci: lists the PCI functions found through configuration space, one per line in the
// numeric form of Linux's `lspci -n` plus a class name:
//   00:01.1 0101: 8086:7010 (rev 00) IDE controller
// Root only (port I/O). Exits 1 when nothing answers (no PCI configuration space).
#include "pci.h"

#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

const char* class_name(u8 class_code, u8 subclass)
{
    struct Name {
        u8 class_code;
        u8 subclass;
        const char* name;
    };
    static constexpr Name names[] = {
        { 0x01, 0x01, "IDE controller" }, { 0x01, 0x06, "SATA controller" }, { 0x01, 0x08, "NVMe controller" },
        { 0x02, 0x00, "Ethernet controller" }, { 0x03, 0x00, "VGA compatible controller" },
        { 0x06, 0x00, "Host bridge" }, { 0x06, 0x01, "ISA bridge" }, { 0x06, 0x04, "PCI bridge" },
        { 0x06, 0x80, "Bridge" }, { 0x0C, 0x03, "USB controller" },
    };
    for (const Name& n : names) {
        if (n.class_code == class_code && n.subclass == subclass)
            return n.name;
    }
    return "Device";
}

bool print_function(const driver::PciFunction& f, void* argument)
{
    auto* out = static_cast<io::BufferedWriter*>(argument);
    out->printf("%02x:%02x.%u %02x%02x: %04x:%04x (rev %02x) %s\n", f.address.bus, f.address.device,
        static_cast<unsigned>(f.address.function), f.class_code, f.subclass, f.vendor_id, f.device_id, f.revision,
        class_name(f.class_code, f.subclass));
    return true;
}

int lspci_main(int argc, char**, char**)
{
    if (argc > 1) {
        errf("usage: lspci\n");
        return 2;
    }
    if (long r = sys::iopl(3); r < 0) {
        io::report_error("lspci", "iopl", r);
        return 1;
    }
    io::BufferedWriter out(1);
    usize seen = driver::pci_enumerate(print_function, &out);
    out.flush();
    if (seen == 0) {
        errf("lspci: no PCI configuration space answered\n");
        return 1;
    }
    return 0;
}

} // namespace

REDOX_PROGRAM("lspci", lspci_main)
