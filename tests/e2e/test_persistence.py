"""redox-sim --image: the `file` scheme served by redoxfsd from a RedoxFS image file, so
files persist across runs; the image stays consistent (redoxfs-fsck) and a damaged image
stops the boot with a message instead of hanging."""
import os
import subprocess
import tempfile
import unittest

from simrun import ROOT, run

FSCK = os.environ.get("REDOXFS_FSCK", os.path.join(ROOT, "build", "sim", "redoxfs-fsck"))


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
        self.assertEqual(os.path.getsize(self.image), 256 << 20)
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
