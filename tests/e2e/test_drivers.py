"""Drivers in the simulator: the driver scenarios shared with QEMU (tests/driver_scenarios.py)
against the simulator's 16550 (COM1 on a Unix socket) and ATA disk (--ata-disk), with each
driver running as its own Linux process; and fault injection: the disk driver's Linux process
is killed with SIGSEGV 100 times under a RedoxFS workload, then nothing may hang and the image
must pass redoxfs-fsck with every acknowledged write intact.

REDOX_DRIVER_CRASHES (default 100) sets the number of kills."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from console import Console
from simrun import ROOT

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import driver_scenarios as scenarios  # noqa: E402
from test_crash import apply, read_tree, schedule  # noqa: E402

TOOLS = os.path.join(ROOT, "build", "sim")
AR = os.environ.get("REDOXFS_AR", os.path.join(TOOLS, "redoxfs-ar"))
FSCK = os.environ.get("REDOXFS_FSCK", os.path.join(TOOLS, "redoxfs-fsck"))
EXTRACT = os.environ.get("REDOXFS_EXTRACT", os.path.join(TOOLS, "redoxfs-extract"))
CRASHES = int(os.environ.get("REDOX_DRIVER_CRASHES", "100"))
PROMPT = "root@redox:/# "


class SimMachine:
    """The interactive simulator with the run / type interface the scenarios use."""

    def __init__(self, *args):
        self.console = Console(*args)
        self.console.read_until(PROMPT, timeout=60)
        self.commands = 0

    def type(self, line):
        self.console.line(line)

    def run(self, line, timeout=30):
        """What `line` printed before the next prompt. Drivers and driverd write to the same
        console at any moment: a marker command after each line makes sure the next line's
        output starts after everything this one caused."""
        self.console.line(line)
        seen = self.console.read_until(PROMPT, timeout=timeout)[:-len(PROMPT)]
        self.commands += 1
        marker = f"__done{self.commands}__"
        self.console.line(f"echo {marker}")
        self.console.read_until(f"\n{marker}\r\n", timeout=timeout)
        self.console.read_until(PROMPT, timeout=timeout)
        return seen.split("\n", 1)[1] if "\n" in seen else ""

    def shutdown(self):
        self.console.line("shutdown")
        return self.console.wait(timeout=30)

    def kill(self):
        self.console.kill()


def linux_driver_pids(sim_pid, name):
    """Linux pids of driver processes `name` started by the simulator `sim_pid`."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        if int(fields[1]) == sim_pid and os.path.basename(argv0) == name:
            pids.append(int(entry))
    return pids


class DriverTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="redox-drivers-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.image = os.path.join(self.dir, "ata.img")
        self.com1 = os.path.join(self.dir, "com1.sock")

    def start(self, *extra):
        m = SimMachine("--ata-disk", self.image, "--com1", f"unix:{self.com1}", *extra)
        self.addCleanup(m.kill)
        return m

    def connect_com1(self):
        host_end = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        host_end.connect(self.com1)
        self.addCleanup(host_end.close)
        return host_end


class SameScenariosAsQemu(DriverTest):
    def test_raw_disk_serial_and_restart(self):
        scenarios.make_raw_disk(self.image)
        m = self.start()
        host_end = self.connect_com1()
        scenarios.check_drivers_running(self, m)
        scenarios.check_pci(self, m)
        scenarios.check_rtc(self, m)
        scenarios.check_disk_read(self, m)
        scenarios.check_disk_write(self, m)
        scenarios.check_disk_errors(self, m)
        scenarios.check_serial(self, m, "com1", host_end)
        scenarios.check_restart(self, m)
        self.assertEqual(m.shutdown(), 0)
        scenarios.check_disk_write_on_host(self, self.image)

    def test_redoxfs_on_the_ata_driver(self):
        tree = os.path.join(self.dir, "tree")
        os.mkdir(tree)
        with open(os.path.join(tree, "hello.txt"), "w") as f:
            f.write("hello from the host\n")
        subprocess.run([AR, self.image, tree, "--size", "32M"], check=True, capture_output=True)
        m = self.start()
        scenarios.running_pid(self, m, "ata")
        scenarios.check_redoxfs_on_driver(self, m)
        self.assertEqual(m.shutdown(), 0)
        subprocess.run([FSCK, self.image], check=True, capture_output=True)
        out = os.path.join(self.dir, "new.txt")
        subprocess.run([EXTRACT, self.image, "/new.txt", out], check=True, capture_output=True)
        with open(out) as f:
            self.assertEqual(f.read(), "made-in-redox\n")


class CrashedLinuxProcess(DriverTest):
    def test_a_driver_process_that_dies_is_noticed_and_restarted(self):
        scenarios.make_raw_disk(self.image)
        m = self.start()
        pid = scenarios.running_pid(self, m, "ata")
        [linux_pid] = linux_driver_pids(m.console.process.pid, "ata-driver")
        os.kill(linux_pid, signal.SIGSEGV)
        deadline = time.monotonic() + 20
        while scenarios.running_pid(self, m, "ata") == pid:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.2)
        status = m.run("driverctl status ata")
        self.assertIn("SIGSEGV", status)
        scenarios.check_disk_read(self, m)
        self.assertEqual(m.shutdown(), 0)


class GarbageToDeviceRegisters(DriverTest):
    def test_the_system_survives_and_a_driver_takes_the_disk_back(self):
        scenarios.make_raw_disk(self.image)
        m = self.start()
        scenarios.running_pid(self, m, "ata")
        out = m.run("port-garbage 20000 7; echo status=$?", timeout=120)
        self.assertIn("status=0", out)
        self.assertRegex(out, r"port-garbage: \d+ writes, \d+ reads")
        self.assertIn("alive", m.run("echo alive"))
        # Whatever state the garbage left the channel in, a restarted driver resets it.
        m.run("driverctl restart ata", timeout=60)
        scenarios.running_pid(self, m, "ata")
        scenarios.check_disk_read(self, m)
        self.assertEqual(m.shutdown(), 0)


class FaultInjection(DriverTest):
    def test_disk_driver_crashes_under_a_file_system_workload(self):
        tree = os.path.join(self.dir, "tree")
        os.mkdir(tree)
        subprocess.run([AR, self.image, tree, "--size", "64M"], check=True, capture_output=True)
        m = self.start()
        sim_pid = m.console.process.pid
        # Restart at once and never give up: this test wants many crashes quickly.
        m.run("echo 'command=ata-driver' > /etc/drivers/ata")
        m.run("echo 'scheme=disk.ata' >> /etc/drivers/ata")
        m.run("echo 'backoff_ms=10' >> /etc/drivers/ata")
        m.run("echo 'backoff_max_ms=20' >> /etc/drivers/ata")
        m.run("echo 'max_crashes=100000' >> /etc/drivers/ata")
        m.run("driverctl restart ata")
        scenarios.running_pid(self, m, "ata")
        m.run("redoxfsd /scheme/disk.ata/0 atafs &")
        scenarios.wait_until(self, m, "ls /scheme/atafs > /scheme/null && echo mounted", r"mounted")
        writer = m.run("fsync-writer /scheme/atafs/w 100000 > /tmp/acks 2> /tmp/errors & echo writer=$!")
        writer_pid = int(scenarios.re.search(r"writer=(\d+)", writer).group(1))
        kills = 0
        deadline = time.monotonic() + int(os.environ.get("REDOX_DRIVER_CRASH_SECONDS", "600"))
        previous = None
        while kills < CRASHES:
            if time.monotonic() > deadline:
                self.fail(f"only {kills} crashes in 10 minutes; driverd says:\n" + m.run("driverctl status ata")
                          + m.run("driverctl log ata | tail -n 20"))
            m.console.drain()  # driverd reports each crash on the console
            pids = linux_driver_pids(sim_pid, "ata-driver")
            if not pids or pids[0] == previous:
                time.sleep(0.01)
                continue
            time.sleep(0.05)  # let the workload reach the new driver
            try:
                os.kill(pids[0], signal.SIGSEGV)
            except ProcessLookupError:
                continue
            previous = pids[0]
            kills += 1
        # The system kept running: the shell answers, the driver serves, the workload goes on.
        self.assertIn("alive", m.run("echo alive", timeout=30))
        scenarios.running_pid(self, m, "ata")
        status = m.run("driverctl status ata")
        restarts = int(scenarios.re.search(r"restarts:\s*(\d+)", status).group(1))
        self.assertGreaterEqual(restarts, CRASHES)
        acks_before = m.run("wc -l /tmp/acks")
        time.sleep(1)
        self.assertNotEqual(m.run("wc -l /tmp/acks"), acks_before, "the workload stopped")
        m.run(f"kill {writer_pid}; wait {writer_pid}", timeout=30)
        acks = m.run("cat /tmp/acks", timeout=60)
        m_errors = m.run("cat /tmp/errors")
        self.assertEqual(m.shutdown(), 0)
        fsck = subprocess.run([FSCK, self.image], capture_output=True, text=True)
        self.assertEqual(fsck.returncode, 0, fsck.stdout + fsck.stderr)
        ack_lines = [line.strip() for line in acks.splitlines() if line.startswith("ack ")]
        self.assertGreater(len(ack_lines), 20, f"too little work got done; errors: {m_errors}")
        ops = schedule(100000)
        self.assertEqual(ack_lines, [op[0] for op in ops[:len(ack_lines)]])
        expected = {}
        for _, kind, k in ops[:len(ack_lines)]:
            apply(expected, kind, k)
        # The operation in flight when the workload was stopped may be half done.
        _, _, in_flight = ops[len(ack_lines)]
        for name in ("file-%d" % in_flight, ".tmp-%d" % in_flight):
            expected.pop(name, None)
        tree_dir = os.path.join(self.dir, "w")
        subprocess.run([EXTRACT, self.image, "/w", tree_dir], check=True, capture_output=True)
        tree = read_tree(tree_dir)
        for name, data in sorted(expected.items()):
            self.assertIn(name, tree, f"acknowledged {name} is missing")
            self.assertTrue(tree[name] == data, f"acknowledged {name} differs ({len(tree[name])} vs {len(data)} bytes)")

if __name__ == "__main__":
    unittest.main()
