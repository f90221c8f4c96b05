"""Remote drivers: a Redox program running as its own Linux process, attached to redox-sim
through a proxy context (drivers/remote, sim/driver_host). Uses echo-scheme
(drivers/examples/echo_scheme.cpp), a scheme daemon that can be told to crash.

Checked: it serves a scheme end to end (open, write, read, listings, stat, transfers larger
than one message); a crash (SIGSEGV, abort) gives the caller in flight EIO, the system keeps
running, waitpid sees the signal and a new instance serves again; its exit status comes
through; killing its proxy kills the Linux process; a driver started by hand from Linux
attaches through the listening socket; malformed completions give the caller EIO and a log
line; hostdriver runs an executable by name."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from console import Console
from simrun import BINARY, run

DRIVER_DIR = os.environ.get(
    "REDOX_DRIVER_DIR", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(BINARY))), "drivers", "remote"))
ECHO_SCHEME = os.path.join(DRIVER_DIR, "echo-scheme")
PROMPT = "root@redox:/# "



def wait_for_scheme(name):
    """Shell commands that wait (up to 6 s) until /scheme/NAME is there (the shell has no loops)."""
    return f"ls /scheme/{name} > /scheme/null 2>&1 || sleep 0.2; " * 30


def start(name="echo", args=""):
    """Shell commands that start echo-scheme in the background and wait for its scheme."""
    arguments = (args + " " + name).strip() if name != "echo" else args
    return f"echo-scheme {arguments} & " + wait_for_scheme(name)


def linux_processes(parent_pid, name):
    """Linux pids of processes called `name` whose parent is `parent_pid`."""
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
        if int(fields[1]) == parent_pid and os.path.basename(argv0) == name and fields[0] != "Z":
            pids.append(int(entry))
    return pids


class RemoteDriverTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.access(ECHO_SCHEME, os.X_OK), f"build {ECHO_SCHEME} first")
        self.dir = tempfile.mkdtemp(prefix="redox-remote-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.socket = os.path.join(self.dir, "drivers.sock")

    def run_sim(self, command, timeout=60):
        return run(command, timeout=timeout, extra_args=("--driver-socket", self.socket))


class ServesAScheme(RemoteDriverTest):
    def test_open_write_read_list_and_stat(self):
        r = self.run_sim(start() + "echo hello remote > /scheme/echo/a; cat /scheme/echo/a; "
                         "echo second >> /scheme/echo/b; ls /scheme/echo; wc -c /scheme/echo/a")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("hello remote\n", r.stdout)
        self.assertIn("a\nb\n", r.stdout)
        self.assertIn("13 /scheme/echo/a", r.stdout)

    def test_transfers_larger_than_a_message(self):
        # 6 MiB through writes of 3 MiB and reads of 4 MiB: the runtime and the proxy split them.
        r = self.run_sim(start() + "dd if=/scheme/rand of=/tmp/data bs=1M count=6 2>/scheme/null; "
                         "dd if=/tmp/data of=/scheme/echo/big bs=3M 2>/scheme/null; "
                         "dd if=/scheme/echo/big of=/tmp/back bs=4M 2>/scheme/null; "
                         "wc -c /tmp/back", timeout=120)
        self.assertIn("6291456 /tmp/back", r.stdout, r.stderr)

    def test_errors_come_back(self):
        r = self.run_sim(start() + "cat /scheme/echo/nested/name; echo status $?; ls /scheme/echo/x/y; echo status $?")
        self.assertIn("No such file or directory", r.stdout + r.stderr)
        self.assertNotIn("status 0", r.stdout)

    def test_hostdriver_runs_an_executable_by_name(self):
        r = self.run_sim("hostdriver echo-scheme hd & " + wait_for_scheme("hd") + "echo via-hostdriver > /scheme/hd/x; "
                         f"cat /scheme/hd/x; hostdriver {ECHO_SCHEME} hd2 & " + wait_for_scheme("hd2")
                         + "echo by-path > /scheme/hd2/y; cat /scheme/hd2/y; "
                         "hostdriver /nonexistent/driver; echo status $?")
        self.assertIn("via-hostdriver\n", r.stdout, r.stderr)
        self.assertIn("by-path\n", r.stdout, r.stderr)
        self.assertIn("no driver executable at /nonexistent/driver", r.stdout + r.stderr)
        self.assertIn("status 127", r.stdout)


class Hardware(RemoteDriverTest):
    def test_port_io_reaches_the_device_models(self):
        # COM1's scratch register holds what is written; COM4 is not there (the bus floats).
        r = self.run_sim("echo-scheme --scratch 0x3ff p1 & " + wait_for_scheme("p1")
                         + "echo-scheme --scratch 0x2ef p2 & " + wait_for_scheme("p2"))
        self.assertIn("scratch 0x3ff: ok", r.stdout, r.stderr)
        self.assertIn("scratch 0x2ef: no", r.stdout, r.stderr)

    def test_port_io_without_iopl_is_refused(self):
        r = self.run_sim("echo-scheme --scratch 0x3ff --no-iopl p; echo driver $?; echo alive")
        self.assertIn(f"driver {128 + signal.SIGABRT}", r.stdout, r.stderr)
        self.assertIn("alive", r.stdout)
        self.assertIn("the simulator refused port I/O", r.stdout + r.stderr)
        self.assertIn("driver echo-scheme: port I/O at 0x3ff without iopl refused", r.stderr)

    def test_dma_memory_is_the_simulators(self):
        # Written by one driver process, read at its physical address by another.
        console = Console("--driver-socket", self.socket)
        self.addCleanup(console.kill)
        console.read_until(PROMPT, timeout=60)
        console.line("echo-scheme --dma d1 &")
        physical = console.read_until(": ok", timeout=30).rsplit("dma at ", 1)[1].split(":", 1)[0]
        console.line(wait_for_scheme("d1") + f"echo-scheme --peek {physical} d2 & " + wait_for_scheme("d2")
                     + "echo-scheme --peek 0x2000 d3; echo status $?")
        out = console.read_until("status ", timeout=30) + console.read_until(PROMPT, timeout=30)
        self.assertIn(f"peek {physical}: 00 07 0e 15", out)
        self.assertIn("status 1", out)  # not RAM: no mapping


class Crashes(RemoteDriverTest):
    def crash(self, command, expected_status):
        r = self.run_sim(start() + "echo before > /scheme/echo/a; "
                         f"echo {command} > /scheme/echo/a; echo write $?; wait $!; echo driver $?; "
                         "cat /scheme/echo/a; echo gone $?; "
                         + start() + "echo again > /scheme/echo/a; cat /scheme/echo/a; echo alive")
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("I/O error", out)  # the write in flight
        self.assertIn("write 1", r.stdout)
        self.assertIn(f"driver {expected_status}", r.stdout)
        self.assertIn("gone 1", r.stdout)  # the scheme left with its daemon
        self.assertIn("again\nalive", r.stdout)
        return out

    def test_null_dereference_is_sigsegv(self):
        out = self.crash("crash:segv", 128 + signal.SIGSEGV)
        # Its report, with where it happened, reached the proxy's stderr.
        self.assertIn("echo-scheme: SIGSEGV at 0x0 (a fault in the driver)", out)
        self.assertIn("echo_scheme.cpp", out)

    def test_abort_is_sigabrt(self):
        self.crash("crash:abort", 128 + signal.SIGABRT)

    def test_exit_status_comes_through(self):
        r = self.run_sim(start() + "echo exit:7 > /scheme/echo/a; wait $!; echo driver $?")
        self.assertIn("driver 7", r.stdout, r.stderr)

    def test_malformed_completions_give_eio_and_a_log_line(self):
        r = self.run_sim(start("bad", "--malformed") + "echo data > /scheme/bad/f; cat /scheme/bad/f; echo read $?; "
                         "echo still > /scheme/bad/g; echo write $?")
        out = r.stdout + r.stderr
        self.assertIn("I/O error", out)
        self.assertIn("read 1", r.stdout)
        self.assertIn("write 0", r.stdout)  # the driver keeps serving what it answers well
        self.assertIn("driver echo-scheme: malformed completion", r.stderr)


    def test_completions_for_nobody_and_torn_completions_are_logged(self):
        r = self.run_sim(start("tags", "--bad-tag") + "echo one > /scheme/tags/f; cat /scheme/tags/f; "
                         + start("torn", "--bad-length") + "echo two > /scheme/torn/f; cat /scheme/torn/f")
        self.assertIn("one\n", r.stdout, r.stderr)
        self.assertIn("two\n", r.stdout, r.stderr)
        self.assertRegex(r.stderr, r"driver echo-scheme: malformed completion: tag \d+ answers no request in flight")
        self.assertIn("driver echo-scheme: malformed completions: 15 bytes", r.stderr)


class Interactive(RemoteDriverTest):
    def sim(self):
        console = Console("--driver-socket", self.socket)
        self.addCleanup(console.kill)
        console.read_until(PROMPT, timeout=60)
        return console

    def command(self, console, line, timeout=30):
        console.line(line)
        return console.read_until(PROMPT, timeout=timeout)

    def wait_for(self, condition, what, timeout=15):
        deadline = time.monotonic() + timeout
        while not condition():
            self.assertLess(time.monotonic(), deadline, what)
            time.sleep(0.1)

    def test_killing_the_proxy_kills_the_linux_process(self):
        console = self.sim()
        self.command(console, start().rstrip("; "))
        sim_pid = console.process.pid
        self.wait_for(lambda: linux_processes(sim_pid, "echo-scheme"), "echo-scheme did not start")
        [linux_pid] = linux_processes(sim_pid, "echo-scheme")
        out = self.command(console, "kill -9 $!; wait $!; echo driver $?")
        self.assertIn(f"driver {128 + signal.SIGKILL}", out)
        self.wait_for(lambda: not os.path.exists(f"/proc/{linux_pid}") or linux_pid not in linux_processes(
            sim_pid, "echo-scheme"), "the Linux process outlived its proxy")
        self.assertIn("alive", self.command(console, "echo alive"))

    def test_a_driver_started_by_hand_attaches(self):
        console = self.sim()
        env = dict(os.environ, REDOX_SIM_SOCKET=self.socket)
        driver = subprocess.Popen([ECHO_SCHEME, "byhand"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: driver.poll() is None and driver.kill())
        out = self.command(console, wait_for_scheme("byhand") + "echo from-redox > /scheme/byhand/f; cat /scheme/byhand/f")
        self.assertIn("from-redox\r\n", out)
        self.assertIn("echo-scheme", self.command(console, "ps"))
        # Killed from Linux: the scheme goes away, the system carries on.
        driver.kill()
        driver.wait(timeout=10)
        self.wait_for(lambda: "byhand" not in self.command(console, "ls /scheme"), "the scheme outlived its driver")
        self.assertIn("alive", self.command(console, "echo alive"))

    def test_the_socket_of_a_dead_simulator_is_reused_and_a_live_ones_is_left_alone(self):
        import socket as sockets
        stale = sockets.socket(sockets.AF_UNIX, sockets.SOCK_SEQPACKET)
        stale.bind(self.socket)
        stale.close()  # the path stays, nobody answers: what a crashed simulator leaves
        console = self.sim()
        # A second simulator on the same path must not take it over.
        second = self.run_sim("echo second")
        self.assertIn("second", second.stdout)
        self.assertTrue(os.path.exists(self.socket), "the second simulator removed the first one's socket")
        env = dict(os.environ, REDOX_SIM_SOCKET=self.socket)
        driver = subprocess.Popen([ECHO_SCHEME, "first"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: driver.poll() is None and driver.kill())
        out = self.command(console, wait_for_scheme("first") + "ls /scheme")
        self.assertIn("first", out)

    def test_without_a_simulator_it_says_where_it_looked(self):
        env = dict(os.environ, REDOX_SIM_SOCKET=os.path.join(self.dir, "nobody.sock"))
        r = subprocess.run([ECHO_SCHEME], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("can not reach a running redox-sim at", r.stderr)
        self.assertIn("nobody.sock", r.stderr)


if __name__ == "__main__":
    unittest.main()
