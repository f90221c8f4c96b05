"""Boots the bare-metal kernel in QEMU (software emulation) and drives the Redox shell over
the serial console like a person at a terminal: the same scenarios as the simulator's
end-to-end tests (pipelines, redirection, ps, sleep, a busy loop that must be preempted),
then `shutdown`. QEMU leaves through isa-debug-exit: status s becomes exit code 2s+1.
A panic, a triple fault or a hung boot fails the test with the serial log."""
import os
import shutil
import subprocess
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KERNEL = os.environ.get("REDOX_KERNEL32", os.path.join(ROOT, "build-baremetal", "baremetal", "kernel32.elf"))
ISO = os.environ.get("REDOX_ISO", os.path.join(os.path.dirname(KERNEL), "redox.iso"))
QEMU = os.environ.get("QEMU", shutil.which("qemu-system-x86_64") or "qemu-system-x86_64")
PROMPT = "root@redox:/# "


class Machine:
    """One QEMU run with the serial line on stdio."""

    def __init__(self, append=None, iso=None, extra=()):
        media = ["-cdrom", iso, "-boot", "d"] if iso else ["-kernel", KERNEL]
        command = [QEMU, *media, "-serial", "stdio", "-display", "none", "-monitor", "none",
                   "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "256M"]
        if append:
            command += ["-append", append]
        command += list(extra)
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        self.output = bytearray()
        self.consumed = 0
        self.lock = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            chunk = self.process.stdout.read1(4096)
            with self.lock:
                if not chunk:
                    self.lock.notify_all()
                    return
                self.output.extend(chunk)
                self.lock.notify_all()

    def log(self):
        return self.output.decode(errors="replace")

    def expect(self, text, timeout=30):
        """Waits for `text` after what earlier calls consumed; returns what came before it."""
        needle = text.encode()
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                index = self.output.find(needle, self.consumed)
                if index >= 0:
                    seen = self.output[self.consumed:index].decode(errors="replace")
                    self.consumed = index + len(needle)
                    return seen
                if b"KERNEL PANIC" in self.output or self.process.poll() is not None:
                    raise AssertionError(f"kernel stopped before {text!r}; serial log:\n{self.log()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {text!r}; serial log:\n{self.log()}")
                self.lock.wait(left)

    def type(self, line):
        self.process.stdin.write(line.encode() + b"\r")
        self.process.stdin.flush()

    def run(self, line, timeout=30):
        """Types a command line and returns what it printed before the next prompt."""
        self.type(line)
        seen = self.expect(PROMPT, timeout)
        return seen.split("\n", 1)[1] if "\n" in seen else ""

    def wait(self, timeout=60):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"QEMU did not exit; serial log:\n{self.log()}")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


@unittest.skipUnless(os.path.exists(KERNEL), f"no bare-metal kernel at {KERNEL}")
class SerialShell(unittest.TestCase):
    def setUp(self):
        self.machine = Machine()
        self.addCleanup(self.machine.kill)
        self.machine.expect(PROMPT, timeout=60)

    def test_session(self):
        m = self.machine
        self.assertIn("hello", m.run("echo hello"))
        self.assertEqual(m.run("ls /scheme | grep s | wc -l").strip(), "2")
        m.run("echo hi > /tmp/a; cat < /tmp/a >> /tmp/b; cat /tmp/nope 2> /tmp/err")
        self.assertIn("hi", m.run("cat /tmp/b"))
        self.assertIn("No such file or directory", m.run("cat /tmp/err"))
        self.assertIn("1", m.run("false; echo $?"))
        uname = m.run("cat /scheme/sys/uname")
        self.assertIn("Redox", uname)
        self.assertIn("x86_64", uname)
        self.assertIn("filed", m.run("ps"))
        self.assertIn("command not found", m.run("nosuchcommand"))

    def test_sleep_is_preempted_around(self):
        m = self.machine
        m.run("sleep 1 &")
        started = time.monotonic()
        self.assertIn("alive", m.run("echo alive"))
        self.assertLess(time.monotonic() - started, 1.0)  # did not wait for the sleep
        m.run("wait")

    def test_busy_loop_is_preempted_and_killed(self):
        m = self.machine
        m.run("spin &")  # never makes a syscall: only the timer interrupt can take the CPU away
        ps = m.run("ps")
        self.assertIn("spin", ps)
        self.assertIn("alive", m.run("echo alive"))
        pid = next(line.split()[0] for line in ps.splitlines() if line.rstrip().endswith("spin"))
        m.run(f"kill -9 {pid}; wait")
        self.assertNotIn("spin", m.run("ps"))

    def test_shutdown_powers_off(self):
        self.machine.type("shutdown")
        self.assertEqual(self.machine.wait(), 1)  # status 0


@unittest.skipUnless(os.path.exists(ISO), f"no GRUB ISO at {ISO}")
class GrubIso(unittest.TestCase):
    def test_the_iso_boots_the_same_system(self):
        machine = Machine(iso=ISO)
        self.addCleanup(machine.kill)
        machine.expect(PROMPT, timeout=60)
        self.assertIn("x86_64", machine.run("cat /scheme/sys/uname"))
        machine.type("shutdown")
        self.assertEqual(machine.wait(), 1)


@unittest.skipUnless(os.path.exists(KERNEL), f"no bare-metal kernel at {KERNEL}")
class CommandLine(unittest.TestCase):
    def test_run_gives_the_commands_status(self):
        machine = Machine("run=uname -a; exit 3")
        self.addCleanup(machine.kill)
        self.assertEqual(machine.wait(), 7)  # status 3
        self.assertIn("x86_64", machine.log())

    def test_a_panic_fails_fast_with_the_serial_log(self):
        machine = Machine("panic")
        self.addCleanup(machine.kill)
        self.assertEqual(machine.wait(), 99)  # the panic status 0x31
        self.assertIn("KERNEL PANIC", machine.log())
        self.assertIn("backtrace", machine.log())


if __name__ == "__main__":
    unittest.main()
