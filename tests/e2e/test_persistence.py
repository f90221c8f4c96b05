"""redox-sim --image: the `file` scheme served by redoxfsd from a RedoxFS image file, so
files persist across runs; the image stays consistent (redoxfs-fsck) and a damaged image
stops the boot with a message instead of hanging."""
import os
import signal
import subprocess
import tempfile
import time
import unittest

from simrun import BINARY, FSCK, run



class Persistence(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.image = os.path.join(self.dir.name, "disk.img")

    def tearDown(self):
        self.dir.cleanup()

    def boot(self, command, *extra):
        return run(command, timeout=60, extra_args=["--image", self.image, *extra])

    def fsck(self):
        result = subprocess.run([FSCK, self.image], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_files_persist_across_runs(self):
        first = self.boot("mkdir -p /home/user/d && echo persisted > /home/user/d/f")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertTrue(os.path.exists(self.image))
        self.assertEqual(os.path.getsize(self.image), 1 << 30)
        second = self.boot("cat /home/user/d/f")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(second.stdout, "persisted\n")
        self.fsck()

    def test_renames_links_and_removals_persist(self):
        setup = self.boot(
            "cd /tmp && echo one > a && echo two > b && mv a c && rm b && ln -s c l"
            " && mkdir -p x/y && echo deep > x/y/z && rm -r x/y && mkdir k && echo ok",
            "--image-size", "16M")
        self.assertEqual(setup.returncode, 0, setup.stdout + setup.stderr)
        self.assertEqual(os.path.getsize(self.image), 16 << 20)
        check = self.boot("cd /tmp && ls && cat l && ls x")
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertEqual(check.stdout.split(), ["c", "k", "l", "x", "one"])
        self.fsck()

    def test_base_tree_and_programs_on_a_new_image(self):
        result = self.boot("ls /bin && ls -ld /tmp /home/user")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("cat", result.stdout.split())
        self.assertIn("drwxrwxrwt", result.stdout)
        self.fsck()

    def test_changes_are_committed_within_a_second_without_fsync(self):
        # Nobody fsyncs: redoxfsd commits by itself; a kill 2.5 s later loses nothing.
        sim = subprocess.Popen([BINARY, "--no-mount", "--headless", "--image", self.image, "--run",
                                "echo committed > /home/user/soon && echo ready && sleep 60"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(sim.stdout.readline(), "ready\n")
            time.sleep(2.5)
        finally:
            sim.kill()
            sim.wait(timeout=30)
        self.fsck()
        after = self.boot("cat /home/user/soon")
        self.assertEqual((after.returncode, after.stdout), (0, "committed\n"), after.stderr)

    def test_sigterm_shuts_down_cleanly_and_keeps_unsynced_changes(self):
        sim = subprocess.Popen([BINARY, "--no-mount", "--headless", "--image", self.image, "--run",
                                "echo kept > /home/user/late && echo ready && sleep 60"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(sim.stdout.readline(), "ready\n")
            sim.send_signal(signal.SIGTERM)  # well within redoxfsd's one-second commit delay
            self.assertEqual(sim.wait(timeout=15), -signal.SIGTERM)
        finally:
            if sim.poll() is None:
                sim.kill()
                sim.wait(timeout=30)
        self.fsck()
        after = self.boot("cat /home/user/late")
        self.assertEqual((after.returncode, after.stdout), (0, "kept\n"), after.stderr)

    def test_a_garbage_image_fails_cleanly(self):
        with open(self.image, "wb") as f:
            f.write(os.urandom(2 << 20))
        result = self.boot("echo should-not-run")
        self.assertNotEqual(result.returncode, 0)
        self.assertNotIn("should-not-run", result.stdout)
        self.assertIn("redoxfsd", result.stderr)
        self.assertIn("not a usable RedoxFS image", result.stderr)

    def test_the_default_boot_has_no_disk(self):
        result = run("ls /scheme")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("disk", result.stdout.split())


if __name__ == "__main__":
    unittest.main()


class DefaultImage(unittest.TestCase):
    """Without --image, redox-sim keeps its files in a per-user image under XDG_DATA_HOME."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.env = dict(os.environ, XDG_DATA_HOME=self.dir.name)
        self.image = os.path.join(self.dir.name, "redox-sim", "disk.img")

    def tearDown(self):
        self.dir.cleanup()

    def sim(self, command, *args):
        return subprocess.run([BINARY, "--no-mount", *args, "--run", command], env=self.env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)

    def test_files_persist_in_the_default_image_and_fresh_starts_over(self):
        first = self.sim("echo kept > /home/user/notes && ls /etc /home && ls -ld /root /tmp")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertTrue(os.path.isfile(self.image))
        for name in ("init.rc", "user"):
            self.assertIn(name, first.stdout.split())
        self.assertIn("drwx------", first.stdout)  # /root
        self.assertIn("drwxrwxrwt", first.stdout)  # /tmp
        second = self.sim("cat /home/user/notes")
        self.assertEqual((second.returncode, second.stdout), (0, "kept\n"), second.stderr)
        fresh = self.sim("cat /home/user/notes; echo status=$?; ls /bin | wc -l", "--fresh")
        self.assertEqual(fresh.returncode, 0, fresh.stderr)
        self.assertIn("status=1", fresh.stdout)
        self.assertIn("fresh image", fresh.stderr)
        self.assertGreater(int(fresh.stdout.split()[-1]), 20)  # the programs are back in /bin
        result = subprocess.run([FSCK, self.image], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_memory_and_seed_leave_no_image(self):
        for args in (["--memory"], ["--seed", "7"]):
            result = self.sim("echo x > /tmp/y && cat /tmp/y", *args)
            self.assertEqual((result.returncode, result.stdout), (0, "x\n"), result.stderr)
        self.assertFalse(os.path.exists(self.image))
        clash = self.sim("true", "--memory", "--image", os.path.join(self.dir.name, "other.img"))
        self.assertNotEqual(clash.returncode, 0)
        self.assertIn("excludes", clash.stderr)

    def test_a_second_simulator_on_the_same_image_is_refused(self):
        first = subprocess.Popen([BINARY, "--no-mount", "--run", "echo up; sleep 30"], env=self.env,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(first.stdout.readline(), "up\n")
            second = self.sim("echo should not run")
            self.assertEqual(second.returncode, 1)
            self.assertIn("in use by another redox-sim", second.stderr)
            self.assertNotIn("should not run", second.stdout)
        finally:
            first.kill()
            first.wait(timeout=30)
        # The lock dies with its holder, and the image is still usable.
        after = self.sim("echo again")
        self.assertEqual((after.returncode, after.stdout), (0, "again\n"), after.stderr)

    def test_no_home_needs_an_explicit_choice(self):
        env = {k: v for k, v in self.env.items() if k not in ("HOME", "XDG_DATA_HOME")}
        result = subprocess.run([BINARY, "--no-mount", "--run", "true"], env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("--image PATH or --memory", result.stderr)
