"""redox-sim's device options (--com1, --com2, --ata-disk) from the command line: the devices
they create, what they leave behind, and the errors for bad values. REDOX_SIM_BINARY names the
simulator."""
import os
import socket
import subprocess
import tempfile
import time
import unittest

SIM = os.environ.get("REDOX_SIM_BINARY", "redox-sim")


def sim(*args, run="true", timeout=60):
    return subprocess.run([SIM, "--memory", "--no-mount", "--log-level", "info", *args, "--run", run],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def devices(result):
    return [line for line in result.stderr.splitlines() if line.startswith("[devices]")]


class DeviceOptions(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="redox-sim-devices-")
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_defaults(self):
        result = sim()
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = "\n".join(devices(result))
        self.assertRegex(lines, r"com1 at 0x3f8, irq 4: (pty /dev/pts/\d+|nothing)")
        self.assertIn("no com2", lines)
        self.assertIn("no ata disk", lines)
        self.assertIn("8086:7010", lines)
        self.assertIn("physical memory 64 MiB at physical 0x10000000", lines)

    def test_seed_leaves_com1_out_unless_asked(self):
        self.assertIn("no com1", "\n".join(devices(sim("--seed", "5"))))
        lines = "\n".join(devices(sim("--seed", "5", "--com1", "null")))
        self.assertIn("com1 at 0x3f8, irq 4: nothing", lines)

    def test_unix_socket_and_pty_link_exist_while_running(self):
        sock, link = self.path("com2.sock"), self.path("com1")
        process = subprocess.Popen([SIM, "--memory", "--no-mount", "--com1", "pty:" + link, "--com2", "unix:" + sock,
                                    "--run", "sleep 3"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 20
            while not (os.path.exists(sock) and os.path.islink(link)) and time.time() < deadline:
                time.sleep(0.05)
            self.assertTrue(os.readlink(link).startswith("/dev/pts/"))
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(sock)
            client.close()
        finally:
            _, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, stderr)
        self.assertFalse(os.path.exists(sock), "the socket is removed at exit")
        self.assertFalse(os.path.lexists(link), "the link is removed at exit")

    def test_ata_disk(self):
        image = self.path("disk.img")
        with open(image, "wb") as f:
            f.truncate(8 << 20)
        lines = "\n".join(devices(sim("--ata-disk", image)))
        self.assertIn("ata primary master at 0x1f0/0x3f6, irq 14: %s, 16384 sectors (8 MiB)" % image, lines)

    def test_bad_values_are_refused(self):
        for args, message in [(["--com1", "tcp:1234"], "expected unix:PATH, pty:[LINK], null or none"),
                              (["--com2", "unix:"], "unix: needs a socket path"),
                              (["--ata-disk", self.path("missing.img")], "No such file or directory"),
                              (["--com1", "pty:" + self.path("no/such/dir/link")], "No such file or directory")]:
            with self.subTest(args=args):
                result = sim(*args)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(message, result.stderr)
        image = self.path("boot.img")
        result = subprocess.run([SIM, "--image", image, "--no-mount", "--ata-disk", image, "--run", "true"],
                                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("is the boot image", result.stderr)

    def test_socket_in_use_is_refused(self):
        sock = self.path("busy.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(sock)
        listener.listen(1)
        self.addCleanup(listener.close)
        result = sim("--com2", "unix:" + sock)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Address already in use", result.stderr)


if __name__ == "__main__":
    unittest.main()
