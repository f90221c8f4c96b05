"""The driver scenarios of tests/driver_scenarios.py on QEMU: the same serial-driver and
ata-driver sources, linked into the bare-metal kernel, against QEMU's 16550 (COM2: the
kernel's console owns COM1) and its PIIX3 IDE disk (-drive if=ide)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import driver_scenarios as scenarios  # noqa: E402
from test_boot import KERNEL, PROMPT, Machine  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
AR = os.environ.get("REDOXFS_AR", os.path.join(ROOT, "build", "sim", "redoxfs-ar"))
EXTRACT = os.environ.get("REDOXFS_EXTRACT", os.path.join(os.path.dirname(AR), "redoxfs-extract"))
FSCK = os.environ.get("REDOXFS_FSCK", os.path.join(os.path.dirname(AR), "redoxfs-fsck"))


class DriverMachine(Machine):
    """Drivers and driverd write to the console at any moment: a marker command after each
    line makes sure the next line's output starts after everything this one caused."""

    commands = 0

    def run(self, line, timeout=30):
        seen = super().run(line, timeout)
        self.commands += 1
        marker = f"__done{self.commands}__"
        self.type(f"echo {marker}")
        self.expect(f"\n{marker}", timeout)
        self.expect(PROMPT, timeout)
        return seen


def boot(image, com2_socket):
    return DriverMachine(extra=["-drive", f"if=ide,index=0,media=disk,format=raw,file={image}",
                                "-serial", f"unix:{com2_socket},server=on,wait=off"])


@unittest.skipUnless(os.path.exists(KERNEL), f"no bare-metal kernel at {KERNEL}")
class DriversOnQemu(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="redox-qemu-drivers-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.image = os.path.join(self.dir, "ata.img")
        self.com2 = os.path.join(self.dir, "com2.sock")

    def start(self):
        m = boot(self.image, self.com2)
        self.addCleanup(m.kill)
        m.expect(PROMPT, timeout=60)
        return m

    def connect_com2(self):
        host_end = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        host_end.connect(self.com2)
        self.addCleanup(host_end.close)
        return host_end

    def test_raw_disk_serial_and_restart(self):
        scenarios.make_raw_disk(self.image)
        m = self.start()
        host_end = self.connect_com2()
        scenarios.check_drivers_running(self, m)
        scenarios.check_pci(self, m)
        scenarios.check_rtc(self, m)
        scenarios.check_disk_read(self, m)
        scenarios.check_disk_write(self, m)
        scenarios.check_disk_errors(self, m)
        scenarios.check_serial(self, m, "com2", host_end)
        scenarios.check_restart(self, m)
        m.type("shutdown")
        self.assertEqual(m.wait(), 1)  # status 0
        scenarios.check_disk_write_on_host(self, self.image)

    @unittest.skipUnless(os.path.exists(AR), f"no redoxfs-ar at {AR}")
    def test_redoxfs_on_the_ata_driver(self):
        tree = os.path.join(self.dir, "tree")
        os.mkdir(tree)
        with open(os.path.join(tree, "hello.txt"), "w") as f:
            f.write("hello from the host\n")
        subprocess.run([AR, self.image, tree, "--size", "32M"], check=True, capture_output=True)
        m = self.start()
        scenarios.running_pid(self, m, "ata")
        scenarios.check_redoxfs_on_driver(self, m)
        m.type("shutdown")
        self.assertEqual(m.wait(), 1)
        subprocess.run([FSCK, self.image], check=True, capture_output=True)
        out = os.path.join(self.dir, "new.txt")
        subprocess.run([EXTRACT, self.image, "/new.txt", out], check=True, capture_output=True)
        with open(out) as f:
            self.assertEqual(f.read(), "made-in-redox\n")


if __name__ == "__main__":
    unittest.main()
