"""End-to-end tests of the system as a whole: the interactive console (typing, Ctrl-C,
Ctrl-D), deterministic runs with --seed, daemon death, bad input to the simulator itself,
and the benchmark's output."""
import json
import os
import subprocess
import time
import unittest

from console import Console
from simrun import BINARY, ROOT, run


class InteractiveConsole(unittest.TestCase):
    def setUp(self):
        self.console = Console()
        self.console.read_until("root@redox:/# ")

    def tearDown(self):
        self.console.kill()

    def test_typed_command_runs_and_prompt_returns(self):
        self.console.line("echo hello world")
        self.assertIn("hello world", self.console.read_until("root@redox:/# "))

    def test_ctrl_c_interrupts_the_foreground_program_not_the_shell(self):
        self.console.line("sleep 30")
        time.sleep(0.3)
        self.console.type("\x03")
        self.assertIn("^C", self.console.read_until("root@redox:/# ", timeout=5))
        self.console.line("echo status=$?")
        self.assertIn("status=130", self.console.read_until("root@redox:/# "))

    def test_ctrl_c_stops_a_busy_pipeline(self):
        self.console.line("yes | cat > /scheme/null")
        time.sleep(0.3)
        self.console.type("\x03")
        self.console.read_until("root@redox:/# ", timeout=5)
        self.console.line("ps")
        screen = self.console.read_until("root@redox:/# ")
        self.assertNotIn("yes", screen.split("ps\r\n", 1)[1])

    def test_lines_typed_ahead_go_to_the_program_started(self):
        self.console.line("cat")
        self.console.line("typed ahead")
        self.console.read_until("typed ahead")  # the echo
        self.console.read_until("typed ahead")  # cat's copy
        self.console.type("\x04")  # Ctrl-D: end of file for cat
        self.console.read_until("root@redox:/# ")

    def test_backspace_edits_the_line(self):
        self.console.type("echo abX\x7fc\r")
        self.assertIn("abc\r\n", self.console.read_until("root@redox:/# "))

    def test_ctrl_d_at_the_prompt_ends_the_session_cleanly(self):
        self.console.type("\x04")
        self.assertEqual(self.console.wait(10), 0)

    def test_shutdown_command_powers_off(self):
        self.console.line("shutdown")
        self.assertEqual(self.console.wait(10), 0)


class Determinism(unittest.TestCase):
    WORKLOAD = "yes aaa | head -n 2000 & yes bbb | head -n 2000 & head -c 64 /scheme/rand; ps; wait"

    def run_seeded(self, seed):
        result = subprocess.run([BINARY, "--seed", str(seed), "--run", self.WORKLOAD], capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_same_seed_gives_the_same_bytes(self):
        first = self.run_seeded(42)
        second = self.run_seeded(42)
        self.assertEqual(first, second)
        self.assertEqual(first.split(b"\n").count(b"aaa"), 2000)
        self.assertEqual(first.split(b"\n").count(b"bbb"), 2000)

    def test_another_seed_gives_other_random_bytes(self):
        self.assertNotEqual(self.run_seeded(42), self.run_seeded(43))


class DaemonDeath(unittest.TestCase):
    def test_killing_the_file_daemon_fails_file_calls_instead_of_hanging(self):
        result = run("kill -9 2; echo hi > /tmp/x; echo status=$?", timeout=20)
        self.assertIn("No such device", result.stderr)

    def test_system_state_is_visible(self):
        result = run("cat /scheme/sys/context")
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("PID"))
        self.assertIn("NAME", lines[0])
        self.assertTrue(any(line.endswith("filed") for line in lines))
        uname = run("cat /scheme/sys/uname").stdout
        self.assertTrue(uname.startswith("Redox\n"))
        self.assertIn("x86_64", uname)


class CommandLine(unittest.TestCase):
    def test_help_documents_every_option(self):
        result = subprocess.run([BINARY, "--help"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0)
        for option in ("--run", "--seed", "--log-level", "--log-file", "--time-slice-ms", "--version"):
            self.assertIn(option, result.stdout)

    def test_bad_options_are_rejected_with_a_message(self):
        result = subprocess.run([BINARY, "--log-level", "loud"], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("log-level", result.stderr)
        result = subprocess.run([BINARY, "--seed", "zero"], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)

    def test_run_returns_the_command_status(self):
        self.assertEqual(run("exit 7").returncode, 7)
        self.assertEqual(run("true").returncode, 0)
        self.assertEqual(run("nosuchcommand").returncode, 127)

    def test_log_file_receives_the_kernel_log(self):
        path = os.path.join(ROOT, "build", "e2e-kernel.log")
        result = run("true", extra_args=("--log-level", "info", "--log-file", path))
        self.assertEqual(result.returncode, 0)
        with open(path) as log:
            text = log.read()
        self.assertIn("registered scheme 'file'", text)
        os.unlink(path)

    def test_stdin_reaches_programs(self):
        result = run("wc -l", input="a\nb\nc\n")
        self.assertEqual(result.stdout.strip(), "3")


class Benchmark(unittest.TestCase):
    def test_quick_benchmark_reports_every_row_as_json(self):
        bench = os.path.join(os.path.dirname(BINARY), "redox-bench")
        result = subprocess.run([bench, "--quick", "--contexts", "2000", "--json"], capture_output=True, text=True,
                                timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        names = [row["name"] for row in report["rows"]]
        self.assertEqual(len(names), 6)
        for row in report["rows"]:
            self.assertGreater(row["redox"], 0, row)
            self.assertGreater(row["linux"], 0, row)
            self.assertGreater(row["speedup"], 0, row)
        self.assertEqual(report["idle_contexts"], 2000)
        self.assertTrue(report["fits_2GiB"])


if __name__ == "__main__":
    unittest.main()
