"""The driver scenarios that the simulator (tests/e2e/test_drivers.py) and QEMU
(tests/baremetal/test_drivers.py) must both pass with the same driver sources: PCI
enumeration, the ATA disk read and written through /scheme/disk.ata, a RedoxFS served on top
of it, the 16550 UART in both directions, and a driver killed and restarted by driverd.

Each scenario takes a unittest.TestCase and a machine with run(line, timeout) -> output
(what the command printed before the next prompt) and type(line)."""
import os
import re
import socket
import time

SECTOR = 512
PATTERN_SECTOR = 100
WRITE_SECTOR = 200


def sector_text(k):
    return b"sector-%08d\n" % k


def make_raw_disk(path, megabytes=16):
    """A disk whose sector k starts with sector_text(k) (the rest is filler)."""
    with open(path, "wb") as f:
        for k in range(megabytes * 2048):
            head = sector_text(k)
            f.write(head + b"." * (SECTOR - len(head)))


def wait_until(tc, machine, command, pattern, timeout=30):
    """Runs `command` until its output matches `pattern`; returns the match."""
    deadline = time.monotonic() + timeout
    while True:
        out = machine.run(command)
        found = re.search(pattern, out)
        if found:
            return found
        if time.monotonic() > deadline:
            tc.fail(f"`{command}` never matched {pattern!r}; last output:\n{out}")
        time.sleep(0.3)


def running_pid(tc, machine, name, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        out = machine.run(f"driverctl status {name}")
        state = re.search(r"state:\s*(\w+)", out)
        pid = re.search(r"pid:\s*(\d+)", out)
        if state and state.group(1) == "running" and pid:
            return int(pid.group(1))
        if time.monotonic() > deadline:
            log = machine.run(f"driverctl log {name}")
            tc.fail(f"driver {name} is not running; `driverctl status {name}` says:\n{out}\nits log:\n{log}")
        time.sleep(0.3)


def check_pci(tc, machine):
    out = machine.run("lspci")
    tc.assertRegex(out, r"00:00\.0 0600: 8086:1237")
    tc.assertRegex(out, r"00:01\.1 0101: 8086:7010 .*IDE controller")


def check_drivers_running(tc, machine):
    running_pid(tc, machine, "ata")
    running_pid(tc, machine, "serial")
    out = machine.run("driverctl status")
    tc.assertIn("ata", out)
    tc.assertIn("serial", out)


def check_disk_read(tc, machine):
    tc.assertEqual(machine.run("ls /scheme/disk.ata").split(), ["0"])
    out = machine.run(f"dd if=/scheme/disk.ata/0 bs=512 skip={PATTERN_SECTOR} count=1 2> /scheme/null | head -c 16")
    tc.assertIn(sector_text(PATTERN_SECTOR).decode().strip(), out)
    # An unaligned read across a sector boundary: the tail of one sector, the head of the next.
    out = machine.run(f"dd if=/scheme/disk.ata/0 bs=1 skip={7 * SECTOR + 500} count=28 2> /scheme/null")
    tc.assertIn("............" + sector_text(8).decode().strip(), out.replace("\n", ""))


def check_disk_write(tc, machine):
    machine.run(f"echo written-by-redox | dd of=/scheme/disk.ata/0 bs=512 seek={WRITE_SECTOR} conv=notrunc 2> /scheme/null")
    out = machine.run(f"dd if=/scheme/disk.ata/0 bs=512 skip={WRITE_SECTOR} count=1 2> /scheme/null | head -n 1")
    tc.assertIn("written-by-redox", out)
    # The rest of that sector was not touched (a partial write reads, patches, writes back).
    out = machine.run(f"dd if=/scheme/disk.ata/0 bs=1 skip={WRITE_SECTOR * SECTOR + 17} count=8 2> /scheme/null")
    tc.assertIn("........", out)


def check_disk_write_on_host(tc, image):
    with open(image, "rb") as f:
        f.seek(WRITE_SECTOR * SECTOR)
        tc.assertEqual(f.read(17), b"written-by-redox\n")
        f.seek(PATTERN_SECTOR * SECTOR)
        tc.assertEqual(f.read(16), sector_text(PATTERN_SECTOR))


def check_disk_errors(tc, machine):
    out = machine.run("cat /scheme/disk.ata/7; echo status=$?")
    tc.assertIn("status=1", out)
    tc.assertIn("No such file", out)


def check_serial(tc, machine, port, host_end):
    """host_end: a connected socket to the UART's other side."""
    tc.assertIn(port, machine.run("ls /scheme/uart").split())
    machine.run(f"echo ping-from-redox > /scheme/uart/{port}")
    host_end.settimeout(10)
    received = b""
    while b"ping-from-redox\n" not in received:
        chunk = host_end.recv(4096)
        tc.assertTrue(chunk, "the host end closed")
        received += chunk
    machine.type(f"head -n 1 /scheme/uart/{port}")
    time.sleep(0.5)  # head is now blocked in a read of the port
    host_end.sendall(b"pong-from-linux\n")
    out = machine.run("echo done")  # waits for head's output and the next prompt
    tc.assertIn("pong-from-linux", out)


def check_restart(tc, machine):
    """kill -SEGV the disk driver from Redox: driverd restarts it and it serves again."""
    pid = running_pid(tc, machine, "ata")
    machine.run(f"kill -SEGV {pid}")
    deadline = time.monotonic() + 30
    while True:
        new_pid = running_pid(tc, machine, "ata")
        if new_pid != pid:
            break
        tc.assertLess(time.monotonic(), deadline, "the driver was not restarted")
        time.sleep(0.3)
    status = machine.run("driverctl status ata")
    tc.assertRegex(status, r"restarts:\s*1\b")
    tc.assertIn("SIGSEGV", status)
    check_disk_read(tc, machine)


def check_redoxfs_on_driver(tc, machine):
    """A RedoxFS image on the ATA disk, served by redoxfsd through the driver."""
    machine.run("redoxfsd /scheme/disk.ata/0 atafs &")
    wait_until(tc, machine, "ls /scheme/atafs", r"hello\.txt")
    tc.assertIn("hello from the host", machine.run("cat /scheme/atafs/hello.txt"))
    machine.run("echo made-in-redox > /scheme/atafs/new.txt")
    tc.assertIn("made-in-redox", machine.run("cat /scheme/atafs/new.txt"))
    machine.run("sleep 2")  # redoxfsd commits at most a second after a change


def check_rtc(tc, machine):
    """rtc-driver (the tutorial's driver) reads the CMOS clock: the host's UTC time."""
    import datetime
    running_pid(tc, machine, "rtc")
    out = machine.run("cat /scheme/rtc")
    found = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", out)
    tc.assertIsNotNone(found, out)
    shown = datetime.datetime.strptime(found.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    tc.assertLess(abs((now - shown).total_seconds()), 30, f"the clock says {shown}, the host {now}")
