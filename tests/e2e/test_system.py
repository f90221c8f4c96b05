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

    # Line editing: the shell reads its prompt with the console in raw mode.
    UP, LEFT, RIGHT, HOME, END, DELETE = "\x1b[A", "\x1b[D", "\x1b[C", "\x1b[H", "\x1b[F", "\x1b[3~"

    def run_keys(self, keys):
        """Types keys at the prompt; returns the screen up to the next prompt (a new line's:
        redrawing the edited line also shows the prompt, after a carriage return)."""
        self.console.type(keys)
        return self.console.read_until("\nroot@redox:/# ")

    def test_up_recalls_the_previous_command(self):
        self.console.line("echo first")
        self.console.read_until("root@redox:/# ")
        self.console.line("echo second")
        self.console.read_until("root@redox:/# ")
        self.assertIn("second\r\n", self.run_keys(self.UP + "\r"))
        self.assertIn("first\r\n", self.run_keys(self.UP + self.UP + self.UP + "\r"))
        # Down past the newest entry gives back the line being typed.
        self.assertIn("draft\r\n", self.run_keys("echo draft" + self.UP + self.UP + "\x1b[B\x1b[B\r"))

    def test_left_then_typing_inserts_in_the_middle(self):
        self.assertIn("abcd\r\n", self.run_keys("echo abd" + self.LEFT + "c\r"))
        self.assertIn("a-b\r\n", self.run_keys("echo ab" + self.LEFT + "X" + self.LEFT + self.DELETE + "-"
                                                 + self.END + "\r"))

    def test_ctrl_a_and_ctrl_e_go_to_the_ends(self):
        self.assertIn("hello world!\r\n", self.run_keys("world\x01echo hello \x05!\r"))
        self.assertIn("x y\r\n", self.run_keys("y" + self.HOME + "echo x " + self.END + "\r"))

    def test_ctrl_u_ctrl_k_ctrl_w(self):
        self.assertIn("kept\r\n", self.run_keys("echo kept gone" + self.LEFT * 5 + "\x0b\r"))
        self.assertIn("fresh\r\n", self.run_keys("junk junk\x15echo fresh\r"))
        self.assertIn("one three\r\n", self.run_keys("echo one two\x17three\r"))

    def test_ctrl_c_at_the_prompt_gives_a_fresh_prompt_and_status_130(self):
        screen = self.run_keys("echo never\x03")
        self.assertIn("^C", screen)
        self.assertNotIn("never\r\n", screen)
        self.console.line("echo status=$?")
        self.assertIn("status=130", self.console.read_until("root@redox:/# "))

    def test_cat_after_an_edited_prompt_gets_cooked_lines(self):
        # The prompt is read raw; "cat" then runs with the console cooked again: the line typed
        # ahead is echoed and edited by the console, and Ctrl-D is end of file.
        self.console.line("echo warm up")
        self.console.read_until("root@redox:/# ")
        self.console.type(self.UP + "\x15cat\rtyped ahead\rsecond linX\x7fe\r")
        self.console.read_until("typed ahead\r\nsecond linX\x08 \x08e\r\n")  # the console's echo
        self.console.read_until("typed ahead\r\nsecond line\r\n")  # cat's copy
        self.console.type("\x04")
        self.console.read_until("root@redox:/# ")
        self.assertIn("still here", self.run_keys("echo still here\r"))

    def test_raw_mode_ends_when_the_shell_that_set_it_dies(self):
        # An inner shell is killed while it waits at its (raw) prompt: the outer shell's next
        # command must still get cooked input.
        self.console.line("sh; cat")
        self.console.read_until("root@redox:/# ")
        self.console.line('sh -c "sleep 1; kill -9 $$" &')
        self.console.read_until("Killed", timeout=10)
        self.console.line("after the crash")
        self.console.read_until("after the crash")  # echo
        self.console.read_until("after the crash")  # cat
        self.console.type("\x04")
        self.console.read_until("root@redox:/# ")

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
