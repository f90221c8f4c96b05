"""Bad input never crashes or hangs the system: random shell input, hostile arguments to
the utilities, and writes to kernel files that do not accept them. Each case checks the
simulator ends normally (no panic, no host signal) within its time limit."""
import random
import subprocess
import unittest

from simrun import run

TOKENS = ["echo", "cat", "ls", "true", "false", "x", "/tmp/f", "/scheme/null", "'", '"', "\\", "$", "$?", "${",
          "}", "$(", ")", "(", "|", "||", "&&", "&", ";", ">", ">>", "<", "2>", "2>&1", ">&", "*", "?", "[", "]",
          "~", "#", "=", "A=1", "\t", "  ", "-n", "--", "/scheme/", "nosuch", "\u00e9", "\x01"]


class ShellFuzz(unittest.TestCase):
    def test_random_command_lines_get_an_answer_not_a_crash(self):
        rng = random.Random(20261126)
        for _ in range(150):
            line = " ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 12)))
            with self.subTest(line=line):
                result = run(line, timeout=20)
                self.assertGreaterEqual(result.returncode, 0, "killed by a host signal")
                self.assertNotIn("KERNEL PANIC", result.stderr)
                self.assertNotEqual(result.returncode, 70, "the system deadlocked")


class HostileArguments(unittest.TestCase):
    def assertFailsCleanly(self, command, message=None):
        result = run(command, timeout=20)
        self.assertGreater(result.returncode, 0, command)
        self.assertLess(result.returncode, 128, command)
        if message:
            self.assertIn(message, result.stderr)

    def test_kernel_files_reject_bad_writes(self):
        self.assertFailsCleanly("echo nonsense > /scheme/sys/kstop", "Invalid argument")
        self.assertFailsCleanly("echo 1 > /scheme/sys/uname", "Permission denied")
        self.assertFailsCleanly("cat /scheme/sys/kstop", "Permission denied")
        self.assertFailsCleanly("cat /scheme/nosuchscheme/x", "No such device")

    def test_utilities_reject_bad_numbers(self):
        self.assertFailsCleanly("head -n notanumber /etc/init.rc")
        self.assertFailsCleanly("sleep -5")
        self.assertFailsCleanly("kill -99 1")
        self.assertFailsCleanly("dd if=/scheme/zero of=/scheme/null bs=0 count=1")

    def test_deep_and_long_paths(self):
        deep = "/".join(["d"] * 200)
        result = run(f"mkdir -p /tmp/{deep} && cd /tmp/{deep} && pwd | wc -c", timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFailsCleanly("touch /tmp/" + "n" * 300, "File name too long")

    def test_a_process_flood_is_survived(self):
        result = run("yes > /scheme/null & a=$!; yes > /scheme/null & b=$!; yes > /scheme/null & c=$!; "
                     "sleep 0.2; kill $a $b $c; wait; echo survived", timeout=30)
        self.assertIn("survived", result.stdout)


if __name__ == "__main__":
    unittest.main()
