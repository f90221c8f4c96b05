"""The FUSE bridge (issue 4): a running redox-sim's namespace mounted on a temporary directory,
driven with real Linux tools and Python's os module."""
import ctypes
import errno
import mmap
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from console import Console
from simrun import BINARY, FSCK, mount_args

HAVE_FUSE = os.path.exists("/dev/fuse")
NOBODY = ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups"]


def force_unmount(path):
    if os.path.ismount(path):
        if subprocess.run(["fusermount3", "-u", "-z", path], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", path], capture_output=True)


def wait_for_mount(mnt, process, timeout=15):
    """Waits until the mount serves the Redox root (the file scheme is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"redox-sim exited with {process.returncode} before mounting")
        try:
            if os.path.ismount(mnt) and "bin" in os.listdir(mnt):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{mnt} was not mounted within {timeout}s")


def sh(command, **kwargs):
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=30, **kwargs)


def err(action):
    """0, or the errno action() raised."""
    try:
        action()
        return 0
    except OSError as e:
        return e.errno


@unittest.skipUnless(HAVE_FUSE, "no /dev/fuse on this machine")
class MountedSim(unittest.TestCase):
    """One headless simulator (`--run 'sleep 60'`) per test, mounted on a fresh directory."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="redox-fuse-")
        os.chmod(self.tmp, 0o755)  # other users must reach the mount point
        self.mnt = os.path.join(self.tmp, "mnt")
        os.mkdir(self.mnt)
        self.sim = subprocess.Popen(
            [BINARY, *mount_args(["--mount", self.mnt, *self.sim_args()]), "--run", "sleep 60"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for_mount(self.mnt, self.sim)

    def tearDown(self):
        if self.sim.poll() is None:
            self.sim.terminate()
            try:
                self.sim.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.sim.kill()
                self.sim.wait()
        self.sim.stdout.close()
        self.sim.stderr.close()
        force_unmount(self.mnt)
        shutil.rmtree(self.tmp, ignore_errors=True)

    image_size = None  # files in memory (simrun.mount_args); a size: a RedoxFS image of that size

    def sim_args(self):
        if not self.image_size:
            return []
        return ["--image", os.path.join(self.tmp, "disk.img"), "--image-size", self.image_size]

    def path(self, *parts):
        return os.path.join(self.mnt, *parts)

    def assert_alive(self):
        """The simulator runs, and the mount serves a synthetic scheme and `file`."""
        self.assertIsNone(self.sim.poll())
        with open(self.path("scheme", "sys", "uname")) as f:
            self.assertIn("Redox", f.read())
        name = self.path("tmp", "alive")
        with open(name, "w") as f:
            f.write("ok")
        with open(name) as f:
            self.assertEqual(f.read(), "ok")


class Namespace(MountedSim):
    def test_root_shows_the_redox_tree_and_schemes(self):
        names = set(os.listdir(self.mnt))
        self.assertTrue({"bin", "etc", "home", "tmp", "scheme"} <= names, names)
        schemes = set(os.listdir(self.path("scheme")))
        self.assertTrue({"file", "sys", "rand", "null", "zero", "pipe", "initfs"} <= schemes, schemes)
        self.assertTrue(os.path.isdir(self.path("scheme", "sys")))

    def test_synthetic_files_stream(self):
        result = sh(f"cat {self.path('scheme', 'sys', 'uname')}")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Redox", result.stdout)
        result = sh(f"head -c 32 {self.path('scheme', 'rand')} | wc -c")
        self.assertEqual(result.stdout.strip(), "32")
        self.assertEqual(os.stat(self.path("scheme", "sys", "uname")).st_size, 0)  # unknown size
        with open(self.path("scheme", "zero"), "rb") as f:
            self.assertEqual(f.read(100), bytes(100))
        with open(self.path("scheme", "null"), "wb") as f:
            self.assertEqual(f.write(b"gone"), 4)

    def test_live_process_table(self):
        with open(self.path("scheme", "sys", "context")) as f:
            table = f.read()
        self.assertIn("fuse-proxy", table)
        self.assertIn("sleep", table)

    def test_statfs(self):
        st = os.statvfs(self.mnt)
        self.assertGreater(st.f_blocks, 0)
        self.assertIn(st.f_namemax, (252, 255))  # RedoxFS, memfs


class Interrupts(MountedSim):
    def block_readers(self, readers, count):
        """Adds `count` cat processes blocked in an event queue's read (it waits for an event)
        to `readers` (the caller kills them, also when this fails)."""
        started = [subprocess.Popen(["cat", self.path("scheme", "event")], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(count)]
        readers += started
        time.sleep(0.5)
        for reader in started:
            self.assertIsNone(reader.poll())  # really blocked

    def proxies(self):
        with open(self.path("scheme", "sys", "context")) as f:
            return f.read().count("fuse-proxy")

    def test_blocked_readers_do_not_stall_others_and_can_be_killed(self):
        # More blocked readers than the initial proxy pool, while other requests keep being answered.
        readers = []
        try:
            self.block_readers(readers, 12)
            start = time.monotonic()
            self.assertIn("bin", os.listdir(self.mnt))
            with open(self.path("scheme", "sys", "uname")) as f:
                self.assertIn("Redox", f.read())
            self.assertLess(time.monotonic() - start, 2)
            # SIGKILL and SIGINT: Linux interrupts the request; the proxy's read returns EINTR.
            for i, reader in enumerate(readers):
                reader.send_signal(signal.SIGKILL if i % 2 else signal.SIGINT)
            for reader in readers:
                reader.wait(timeout=5)
            # The bridge and the simulator keep working.
            for _ in range(20):
                self.assert_alive()
            # The proxies that were blocked are free: as many new blocked readers take them
            # instead of starting 12 new proxies (a spare starts when the last idle one is taken).
            before = self.proxies()
            self.block_readers(readers, 12)
            self.assertLess(self.proxies() - before, 6)
        finally:
            for reader in readers:
                if reader.poll() is None:
                    reader.kill()
                    reader.wait()

    def test_a_python_reader_interrupted_by_its_own_signal(self):
        # SIGALRM with a handler: the read is interrupted (EINTR) and Python's retry blocks again
        # until the handler raises.
        code = (
            "import signal, sys\n"
            "def stop(*_): raise TimeoutError\n"
            "signal.signal(signal.SIGALRM, stop)\n"
            "signal.setitimer(signal.ITIMER_REAL, 0.3)\n"
            f"f = open({self.path('scheme', 'event')!r}, 'rb', buffering=0)\n"
            "try:\n"
            "    f.read(24)\n"
            "except TimeoutError:\n"
            "    print('interrupted')\n"
        )
        result = subprocess.run(["python3", "-c", code], capture_output=True, text=True, timeout=10)
        self.assertEqual(result.stdout.strip(), "interrupted", result.stderr)


class Files(MountedSim):
    def test_write_read_append_truncate(self):
        name = self.path("tmp", "hello.txt")
        with open(name, "w") as f:
            f.write("hello from linux\n")
        with open(name) as f:
            self.assertEqual(f.read(), "hello from linux\n")
        with open(name, "a") as f:
            f.write("more\n")
        self.assertEqual(os.stat(name).st_size, 22)
        os.truncate(name, 5)
        with open(name) as f:
            self.assertEqual(f.read(), "hello")
        with open(name, "r+b") as f:  # writes and reads at offsets
            f.seek(3)
            f.write(b"XY")
            f.seek(1)
            self.assertEqual(f.read(), b"elXY")

    def test_large_file_round_trip(self):
        data = os.urandom(3 * 1024 * 1024 + 123)
        name = self.path("tmp", "big.bin")
        with open(name, "wb") as f:
            f.write(data)
        with open(name, "rb") as f:
            self.assertEqual(f.read(), data)

    def test_write_only_handles_bypass_the_cache_coherently(self):
        name = self.path("tmp", "coherent.bin")
        with open(name, "wb") as f:
            f.write(b"A" * 8192)
        # A write-only handle writes past the page cache; a reader's cached pages follow.
        reader = os.open(name, os.O_RDONLY)
        self.assertEqual(os.pread(reader, 4, 0), b"AAAA")
        writer = os.open(name, os.O_WRONLY)
        os.pwrite(writer, b"BBBB", 0)
        self.assertEqual(os.pread(reader, 4, 0), b"BBBB")
        os.close(writer)
        os.close(reader)
        # Pages cached before a direct write are not served after it.
        with open(name, "rb") as f:
            self.assertEqual(f.read(4), b"BBBB")
        with open(name, "r+b") as f:
            f.write(b"CCCC")
        with open(name, "rb") as f:
            self.assertEqual(f.read(4), b"CCCC")
        # Opened while a direct writer is open, a reader is direct too: it reads what the writer
        # wrote, may map privately, and may not map shared (Linux refuses it on direct files).
        writer = os.open(name, os.O_WRONLY)
        os.pwrite(writer, b"DDDD", 0)
        both = os.open(name, os.O_RDWR)
        self.assertEqual(os.pread(both, 4, 0), b"DDDD")
        with mmap.mmap(both, 8192, flags=mmap.MAP_PRIVATE) as private:
            self.assertEqual(private[:4], b"DDDD")
        with self.assertRaises(OSError) as refused:
            mmap.mmap(both, 8192, flags=mmap.MAP_SHARED)
        self.assertEqual(refused.exception.errno, errno.ENODEV)
        os.close(both)
        os.close(writer)
        # A writer that finds a cached handle open caches too, so a shared mapping sees its write.
        both = os.open(name, os.O_RDWR)
        with mmap.mmap(both, 8192, flags=mmap.MAP_SHARED) as shared:
            self.assertEqual(shared[:4], b"DDDD")
            writer = os.open(name, os.O_WRONLY)
            os.pwrite(writer, b"EEEE", 0)
            os.close(writer)
            self.assertEqual(shared[:4], b"EEEE")
        os.close(both)

    def test_cp_a_tree_and_diff(self):
        source = os.path.join(self.tmp, "tree")
        os.makedirs(os.path.join(source, "sub", "deeper"))
        for i in range(20):
            with open(os.path.join(source, "sub", f"file{i}.txt"), "w") as f:
                f.write(f"line {i}\n" * (i * 50))
        with open(os.path.join(source, "sub", "deeper", "script.sh"), "w") as f:
            f.write("#!/bin/sh\necho hi\n")
        os.chmod(os.path.join(source, "sub", "deeper", "script.sh"), 0o755)
        os.symlink("sub/file3.txt", os.path.join(source, "link"))
        target = self.path("home", "tree")
        result = subprocess.run(["cp", "-a", source, target], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        result = subprocess.run(["diff", "-r", source, target], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(os.readlink(os.path.join(target, "link")), "sub/file3.txt")
        self.assertEqual(os.stat(os.path.join(target, "sub", "deeper", "script.sh")).st_mode & 0o777, 0o755)
        result = subprocess.run(["rm", "-r", target], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse(os.path.exists(target))

    def test_directories_links_and_metadata(self):
        base = self.path("tmp", "d")
        os.mkdir(base, 0o750)
        self.assertEqual(os.stat(base).st_mode & 0o777, 0o750)
        os.mkdir(os.path.join(base, "inner"))
        with open(os.path.join(base, "inner", "f"), "w") as f:
            f.write("x")
        os.rename(os.path.join(base, "inner"), os.path.join(base, "moved"))
        with open(os.path.join(base, "moved", "f")) as f:  # paths below a renamed directory follow it
            self.assertEqual(f.read(), "x")
        os.symlink("moved/f", os.path.join(base, "sym"))
        self.assertEqual(os.readlink(os.path.join(base, "sym")), "moved/f")
        with open(os.path.join(base, "sym")) as f:
            self.assertEqual(f.read(), "x")
        self.assertTrue(os.path.islink(os.path.join(base, "sym")))
        os.link(os.path.join(base, "moved", "f"), os.path.join(base, "hard"))
        self.assertEqual(os.stat(os.path.join(base, "hard")).st_nlink, 2)
        self.assertEqual(os.stat(os.path.join(base, "hard")).st_ino, os.stat(os.path.join(base, "moved", "f")).st_ino)
        os.chmod(os.path.join(base, "hard"), 0o604)
        self.assertEqual(os.stat(os.path.join(base, "moved", "f")).st_mode & 0o777, 0o604)
        os.utime(os.path.join(base, "hard"), (1_000_000_000, 1_234_567_890))
        self.assertEqual(os.stat(os.path.join(base, "hard")).st_mtime, 1_234_567_890)
        os.chown(os.path.join(base, "hard"), 1234, 5678)
        st = os.stat(os.path.join(base, "hard"))
        self.assertEqual((st.st_uid, st.st_gid), (1234, 5678))
        result = sh(f"mv {base}/hard {base}/renamed && ls {base}")
        self.assertEqual(result.stdout.split(), ["moved", "renamed", "sym"])
        os.unlink(os.path.join(base, "renamed"))
        os.unlink(os.path.join(base, "sym"))
        os.unlink(os.path.join(base, "moved", "f"))
        os.rmdir(os.path.join(base, "moved"))
        os.rmdir(base)
        self.assertFalse(os.path.exists(base))

    def test_errors_are_redox_errnos(self):
        base = self.path("tmp", "e")
        os.mkdir(base)
        with open(os.path.join(base, "file"), "w") as f:
            f.write("data")
        os.mkdir(os.path.join(base, "full"))
        open(os.path.join(base, "full", "x"), "w").close()
        cases = [
            (lambda: open(os.path.join(base, "missing")), errno.ENOENT),
            (lambda: os.mkdir(os.path.join(base, "full")), errno.EEXIST),
            (lambda: os.listdir(os.path.join(base, "file")), errno.ENOTDIR),
            (lambda: open(os.path.join(base, "file", "x")), errno.ENOTDIR),
            (lambda: open(os.path.join(base, "full"), "w"), errno.EISDIR),
            (lambda: os.rmdir(os.path.join(base, "full")), errno.ENOTEMPTY),
            (lambda: os.rmdir(os.path.join(base, "file")), errno.ENOTDIR),
            (lambda: os.open(os.path.join(base, "file"), os.O_CREAT | os.O_EXCL | os.O_WRONLY), errno.EEXIST),
        ]
        for action, expected in cases:
            with self.assertRaises(OSError) as caught:
                action()
            self.assertEqual(caught.exception.errno, expected, caught.exception)
        # rename(2) with RENAME_NOREPLACE onto an existing name.
        libc = ctypes.CDLL(None, use_errno=True)
        AT_FDCWD, RENAME_NOREPLACE = -100, 1
        r = libc.renameat2(AT_FDCWD, os.path.join(base, "file").encode(), AT_FDCWD,
                           os.path.join(base, "full").encode(), RENAME_NOREPLACE)
        self.assertEqual((r, ctypes.get_errno()), (-1, errno.EEXIST))
        self.assertTrue(os.path.isfile(os.path.join(base, "file")))

    def test_a_non_root_user_is_checked_by_redox(self):
        secret = self.path("tmp", "secret")
        with open(secret, "w") as f:
            f.write("root only\n")
        os.chmod(secret, 0o600)
        result = subprocess.run([*NOBODY, "cat", secret], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Permission denied", result.stderr)
        mine = self.path("tmp", "mine")
        result = subprocess.run([*NOBODY, "sh", "-c", f"echo hi > {mine}"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        st = os.stat(mine)
        self.assertEqual((st.st_uid, st.st_gid), (1000, 1000))
        result = subprocess.run([*NOBODY, "touch", self.path("etc", "nope")], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Permission denied", result.stderr)


class LinuxTools(MountedSim):
    """The mount driven by ordinary Linux tools, as a user would."""

    def make_tree(self, root, files=40):
        os.makedirs(os.path.join(root, "a", "b", "c"))
        for i in range(files):
            sub = ["a", "a/b", "a/b/c"][i % 3]
            with open(os.path.join(root, sub, f"f{i:03d}.txt"), "wb") as f:
                f.write(os.urandom(i * 997 % 20000))
        os.chmod(os.path.join(root, "a", "f000.txt"), 0o640)
        os.symlink("b/c", os.path.join(root, "a", "link-to-c"))
        os.link(os.path.join(root, "a", "f003.txt"), os.path.join(root, "a", "hard"))

    def run_ok(self, *command, **kwargs):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, **kwargs)
        self.assertEqual(result.returncode, 0, f"{command}: {result.stderr}")
        return result.stdout

    def test_tar_find_stat_round_trip(self):
        source = os.path.join(self.tmp, "src")
        self.make_tree(source)
        archive = os.path.join(self.tmp, "tree.tar")
        self.run_ok("tar", "-C", source, "-cf", archive, ".")
        target = self.path("home", "user", "untarred")
        os.makedirs(target)
        self.run_ok("tar", "-C", target, "-xpf", archive)
        self.run_ok("diff", "-r", "--no-dereference", source, target)
        # find sees the same names and types; stat the same modes, sizes and link counts.
        def listing(root):  # directory sizes are the file system's own business
            entries = self.run_ok("find", ".", "-printf", "%y %m %n %p\n", cwd=root).splitlines()
            sizes = self.run_ok("find", ".", "-type", "f", "-printf", "%s %p\n", cwd=root).splitlines()
            return sorted(entries), sorted(sizes)
        self.assertEqual(listing(target), listing(source))
        self.assertEqual(self.run_ok("stat", "-c", "%h %s", os.path.join(target, "a", "hard")).split(),
                         ["2", str(os.path.getsize(os.path.join(source, "a", "f003.txt")))])
        self.assertEqual(os.stat(os.path.join(target, "a", "hard")).st_ino,
                         os.stat(os.path.join(target, "a", "f003.txt")).st_ino)
        # And back out again: tar reading from the mount.
        again = os.path.join(self.tmp, "again")
        os.mkdir(again)
        self.run_ok("sh", "-c", f"tar -C {target} -cf - . | tar -C {again} -xpf -")
        self.run_ok("diff", "-r", "--no-dereference", source, again)

    def test_chmod_ln_mv_rm_r(self):
        base = self.path("tmp", "tools")
        self.run_ok("mkdir", "-p", os.path.join(base, "x", "y"))
        self.run_ok("sh", "-c", f"echo data > {base}/x/y/file")
        self.run_ok("chmod", "-R", "go-rwx", os.path.join(base, "x"))
        self.assertEqual(self.run_ok("stat", "-c", "%a", os.path.join(base, "x", "y", "file")).strip(), "600")
        self.run_ok("chmod", "u+x,g+r", os.path.join(base, "x", "y", "file"))
        self.assertEqual(self.run_ok("stat", "-c", "%a", os.path.join(base, "x", "y", "file")).strip(), "740")
        self.run_ok("ln", "-s", "x/y/file", os.path.join(base, "sym"))
        self.run_ok("ln", os.path.join(base, "x", "y", "file"), os.path.join(base, "hard"))
        self.assertEqual(self.run_ok("cat", os.path.join(base, "sym")), "data\n")
        self.assertEqual(self.run_ok("readlink", os.path.join(base, "sym")).strip(), "x/y/file")
        self.run_ok("mv", os.path.join(base, "x"), os.path.join(base, "moved"))
        self.assertFalse(os.path.exists(os.path.join(base, "sym")))  # dangling now
        self.assertTrue(os.path.islink(os.path.join(base, "sym")))
        self.assertEqual(self.run_ok("cat", os.path.join(base, "moved", "y", "file")), "data\n")
        self.assertEqual(os.stat(os.path.join(base, "hard")).st_nlink, 2)
        self.run_ok("rm", "-r", os.path.join(base, "moved"))
        self.assertEqual(os.stat(os.path.join(base, "hard")).st_nlink, 1)
        self.run_ok("rm", "-rf", base)
        self.assertFalse(os.path.lexists(base))

    def test_error_paths_through_tools(self):
        base = self.path("tmp", "errs")
        os.makedirs(os.path.join(base, "full"))
        open(os.path.join(base, "full", "x"), "w").close()
        open(os.path.join(base, "file"), "w").close()
        cases = [
            (["cat", os.path.join(base, "missing")], "No such file or directory"),
            (["mkdir", os.path.join(base, "full")], "File exists"),
            (["ls", os.path.join(base, "file", "x")], "Not a directory"),
            (["rmdir", os.path.join(base, "full")], "Directory not empty"),
            (["sh", "-c", f"echo > {base}/full"], "Is a directory"),
            (["ln", os.path.join(base, "file"), "/tmp/redox-fuse-cross-device-link"], "Invalid cross-device link"),
        ]
        for command, message in cases:
            result = subprocess.run(command, capture_output=True, text=True, timeout=30)
            self.assertNotEqual(result.returncode, 0, command)
            self.assertIn(message, result.stderr, command)
        # A non-root user: EACCES on what Redox forbids, EPERM on what only the owner may do.
        os.chmod(os.path.join(base, "file"), 0o600)
        for command, message in [
            ([*NOBODY, "cat", os.path.join(base, "file")], "Permission denied"),
            ([*NOBODY, "touch", os.path.join(base, "full", "new")], "Permission denied"),
            ([*NOBODY, "rm", "-f", os.path.join(base, "full", "x")], "Permission denied"),
            ([*NOBODY, "chmod", "777", os.path.join(base, "file")], "Operation not permitted"),
            ([*NOBODY, "chown", "1000", os.path.join(base, "file")], "Operation not permitted"),
        ]:
            result = subprocess.run(command, capture_output=True, text=True, timeout=30)
            self.assertNotEqual(result.returncode, 0, command)
            self.assertIn(message, result.stderr, command)
        self.assertTrue(os.path.exists(os.path.join(base, "full", "x")))

    def test_a_non_root_user_works_in_its_own_directory(self):
        home = self.path("home", "user", "nobody-home")
        os.makedirs(home)
        os.chown(home, 1000, 1000)
        script = (f"cd {home} && mkdir -p p/q && echo hi > p/q/f && cp -a p p2 && mv p2 p3 && "
                  "ln -s p3/q/f s && cat s && tar -cf t.tar p && rm -r p && tar -xf t.tar && ls p/q && "
                  "stat -c '%u %g %a' p/q/f")
        result = subprocess.run([*NOBODY, "sh", "-c", script], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["hi", "f", "1000", "1000", "644"])

    def test_concurrent_writers(self):
        # Several Linux processes write their own files and interleaved records in one shared
        # file (O_APPEND), at the same time.
        base = self.path("tmp", "concurrent")
        os.mkdir(base)
        shared = os.path.join(base, "shared.log")
        code = (
            "import os, sys\n"
            "n = int(sys.argv[1]); base = sys.argv[2]\n"
            "fd = os.open(os.path.join(base, 'shared.log'), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)\n"
            "with open(os.path.join(base, f'own{n}'), 'wb') as own:\n"
            "    for i in range(200):\n"
            "        os.write(fd, f'{n:02d}:{i:04d}\\n'.encode())\n"
            "        own.write(bytes([n]) * 1000)\n"
            "        own.flush()\n"
        )
        writers = [subprocess.Popen(["python3", "-c", code, str(n), base]) for n in range(6)]
        for writer in writers:
            self.assertEqual(writer.wait(timeout=60), 0)
        with open(shared) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 6 * 200)
        self.assertEqual(sorted(lines), sorted(f"{n:02d}:{i:04d}" for n in range(6) for i in range(200)))
        for n in range(6):  # each writer's own records stay in order
            mine = [line for line in lines if line.startswith(f"{n:02d}:")]
            self.assertEqual(mine, [f"{n:02d}:{i:04d}" for i in range(200)])
            with open(os.path.join(base, f"own{n}"), "rb") as f:
                self.assertEqual(f.read(), bytes([n]) * 200_000)

    def run_checker(self, script, *args, user=()):
        """Runs tests/e2e/SCRIPT (fsx.py, posix_diff.py) as `user`; it must pass."""
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"  # not root's own
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), script)
        result = subprocess.run([*user, python, path, *args], capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def test_fsx_random_operations_match_a_model(self):
        # Writes, reads, truncates and shared-mapping I/O, with descriptors reopened in other
        # access modes (tests/e2e/fsx.py); two seeds.
        for seed in (1, 2):
            out = self.run_checker("fsx.py", self.path("tmp"), "--ops", "4000", "--seed", str(seed))
            self.assertIn("all checks passed", out)

    def test_posix_results_match_tmpfs(self):
        # The same random file-system calls on the mount and on a tmpfs directory give the same
        # results (tests/e2e/posix_diff.py), as root and as a user.
        reference_root = tempfile.mkdtemp(prefix="posix-diff-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        os.chmod(reference_root, 0o755)
        try:
            for seed, user in ((1, ()), (2, ()), (3, NOBODY), (4, NOBODY)):
                tested = self.path("tmp", f"posix-diff-{seed}")
                reference = os.path.join(reference_root, str(seed))
                for directory in (tested, reference):
                    os.mkdir(directory)
                    if user:
                        os.chown(directory, 1000, 1000)
                out = self.run_checker("posix_diff.py", tested, reference, "--ops", "3000", "--seed", str(seed),
                                       user=user)
                self.assertIn("all results agree", out)
        finally:
            shutil.rmtree(reference_root, ignore_errors=True)

    @unittest.skipUnless(shutil.which("fio"), "fio is not installed (scripts/install-deps.sh)")
    def test_fio_with_verification(self):
        directory = self.path("tmp", "fio")
        os.mkdir(directory)
        job = [
            "fio", "--name=verify", f"--directory={directory}", "--size=24M", "--bs=64k", "--bsrange=4k-256k",
            "--rw=randrw", "--numjobs=3", "--ioengine=psync", "--verify=crc32c", "--verify_fatal=1",
            "--do_verify=1", "--group_reporting", "--output-format=terse", "--verify_state_save=0",
        ]
        result = subprocess.run(job, capture_output=True, text=True, timeout=120, cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        fields = result.stdout.strip().splitlines()[-1].split(";")
        self.assertEqual(fields[4], "0", result.stdout)  # terse field 5: the job's error
        # And a sequential write + verify pass with a different block size.
        result = subprocess.run(
            ["fio", "--name=seq", f"--directory={directory}", "--size=32M", "--bs=1M", "--rw=write",
             "--verify=md5", "--do_verify=1", "--verify_fatal=1", "--output-format=terse", "--verify_state_save=0"],
            capture_output=True, text=True, timeout=120, cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


class LinuxToolsOnRedoxFS(LinuxTools):
    """The same, with `file` served from a RedoxFS image."""

    image_size = "256M"


class OddPrograms(MountedSim):
    """Linux programs doing odd things get an errno; the bridge and the simulator go on."""

    image_size = "256M"

    def test_seeks_limits_and_wrong_kinds(self):
        fifo = self.path("tmp", "fifo")
        os.mkfifo(fifo)
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        self.assertEqual(err(lambda: os.lseek(fd, 10, os.SEEK_SET)), errno.ESPIPE)
        os.close(fd)
        big = self.path("tmp", "big")
        fd = os.open(big, os.O_WRONLY | os.O_CREAT, 0o644)
        # RedoxFS files end at 64 TiB; the image's 256 MiB end a write with ENOSPC.
        self.assertEqual(err(lambda: os.pwrite(fd, b"x", 1 << 47)), errno.EFBIG)
        self.assertEqual(err(lambda: os.ftruncate(fd, 1 << 47)), errno.EFBIG)
        chunk = b"z" * (1 << 20)
        written = 0
        error = 0
        while written < (512 << 20) and not error:
            error = err(lambda: os.write(fd, chunk))
            written += len(chunk) if not error else 0
        self.assertEqual(error, errno.ENOSPC)
        self.assertGreater(written, 64 << 20)
        os.close(fd)
        os.unlink(big)  # and the space comes back
        with open(self.path("tmp", "after"), "wb") as f:
            f.write(b"y" * (64 << 20))
        self.assertEqual(err(lambda: os.listdir(self.path("tmp", "after"))), errno.ENOTDIR)
        self.assertEqual(err(lambda: open(self.path("scheme", "no-such-scheme"))), errno.ENOENT)
        self.assertEqual(err(lambda: open(self.path("scheme", "sys", "uname"), "w").write("x")),
                         errno.EACCES)
        self.assert_alive()

    def test_unlink_racing_open(self):
        # Two processes: one creates, writes and removes a name in a loop, the other opens and
        # reads it. Every open either finds the file (and reads whole records) or ENOENT.
        name = self.path("tmp", "racy")
        code = (
            "import os, sys, time\n"
            "name = sys.argv[1]; role = sys.argv[2]; end = time.monotonic() + 3; bad = 0; opened = 0\n"
            "while time.monotonic() < end:\n"
            "    if role == 'w':\n"
            "        with open(name + '.tmp', 'w') as f: f.write('record\\n' * 100)\n"
            "        os.rename(name + '.tmp', name)\n"
            "        try: os.unlink(name)\n"
            "        except FileNotFoundError: pass\n"
            "    else:\n"
            "        try:\n"
            "            with open(name) as f: data = f.read(); opened += 1\n"
            "            bad += data not in ('', 'record\\n' * 100)\n"
            "        except FileNotFoundError: pass\n"
            "print(bad, opened)\n"
        )
        writer = subprocess.Popen(["python3", "-c", code, name, "w"], stdout=subprocess.DEVNULL)
        readers = [subprocess.Popen(["python3", "-c", code, name, "r"], stdout=subprocess.PIPE, text=True)
                   for _ in range(2)]
        self.assertEqual(writer.wait(timeout=30), 0)
        opened = 0
        for reader in readers:
            out, _ = reader.communicate(timeout=30)
            self.assertEqual(reader.returncode, 0)
            bad, count = out.split()
            self.assertEqual(bad, "0")
            opened += int(count)
        self.assertGreater(opened, 0)  # the race was run, not only lost
        self.assert_alive()

    def test_a_program_killing_itself_mid_request(self):
        # SIGKILL from its own thread while a 64 MiB write (and then a read) is in flight.
        name = self.path("tmp", "killed")
        code = (
            "import os, sys, threading, time\n"
            "name = sys.argv[1]\n"
            "threading.Thread(target=lambda: (time.sleep(0.05), os.kill(os.getpid(), 9))).start()\n"
            "fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o644)\n"
            "data = b'k' * (64 << 20)\n"
            "while True:\n"
            "    os.pwrite(fd, data, 0); os.pread(fd, 64 << 20, 0)\n"
        )
        for _ in range(5):
            victim = subprocess.run(["python3", "-c", code, name], timeout=60)
            self.assertEqual(victim.returncode, -signal.SIGKILL)
        # What reached the file is whole 'k's, and the file can be used and removed.
        with open(name, "rb") as f:
            data = f.read()
        self.assertEqual(data, b"k" * len(data))
        os.unlink(name)
        self.assert_alive()


# stress-ng's file-system stressors that apply to the bridge (not xattr, fiemap, fallocate:
# no file server has them, and stress-ng skips them).
STRESSORS = ["dir", "dentry", "rename", "link", "symlink", "chmod", "utime", "fstat", "open", "hdd",
             "access", "chdir", "copy-file", "dirdeep", "dirmany", "filename", "getdent", "iomix",
             "touch", "seek", "flock", "lockf", "fcntl", "mknod", "mmap", "io", "sync-file"]


@unittest.skipUnless(shutil.which("stress-ng"), "stress-ng is not installed (scripts/install-deps.sh)")
class StressNgOnRedoxFS(MountedSim):
    """An independent stress suite on the default `file` (a RedoxFS image): every stressor at
    once, as root and as a user, with stress-ng's own verification; then the image is clean."""

    image_size = "1G"

    def stress(self, directory, user=()):
        stressors = []
        for name in STRESSORS:
            stressors += [f"--{name}", "1"]
        result = subprocess.run(
            [*user, "stress-ng", "--temp-path", directory, *stressors, "--mmap-file", "--mmap-bytes", "8m",
             "--hdd-bytes", "32m", "--verify", "--timeout", "6s"],
            capture_output=True, text=True, timeout=180, cwd=self.tmp)
        report = result.stdout + result.stderr
        # 7: a stressor was stopped while counting its operations, so its count may be off (seen
        # with flock's second process on this 2-CPU machine); any failure is 2, and prints fail:.
        self.assertIn(result.returncode, (0, 7), report)
        self.assertNotIn("fail:", report)
        self.assertIn("successful run completed", report)

    def test_stress_ng_file_system_stressors(self):
        as_root = self.path("tmp", "stress-root")
        as_user = self.path("tmp", "stress-user")
        os.mkdir(as_root)
        os.mkdir(as_user)
        os.chown(as_user, 1000, 1000)
        self.stress(as_root)
        self.stress(as_user, NOBODY)
        self.assertIsNone(self.sim.poll())
        # Its files are gone again, and the image is consistent after a clean shutdown.
        self.assertEqual(os.listdir(as_root), [])
        self.assertEqual(os.listdir(as_user), [])
        self.sim.terminate()  # a clean shutdown, then it dies of the signal as Linux programs do
        self.assertEqual(self.sim.wait(timeout=30), -signal.SIGTERM)
        result = subprocess.run([FSCK, os.path.join(self.tmp, "disk.img")], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("0 errors", result.stdout)


@unittest.skipUnless(HAVE_FUSE, "no /dev/fuse on this machine")
class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="redox-fuse-")
        os.chmod(self.tmp, 0o755)
        self.mnt = os.path.join(self.tmp, "mnt")
        os.mkdir(self.mnt)

    def tearDown(self):
        force_unmount(self.mnt)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_linux_and_redox_see_the_same_files(self):
        console = Console("--mount", self.mnt)
        try:
            console.read_until("# ", timeout=15)
            wait_for_mount(self.mnt, console.process)
            with open(os.path.join(self.mnt, "tmp", "from-linux"), "w") as f:
                f.write("written by linux\n")
            console.line("cat /tmp/from-linux")
            console.read_until("written by linux")
            console.line("echo written by redox > /tmp/from-redox")
            # The prompt before this command may already be in the buffer, so the file may be
            # created but not yet written when we look: wait for the content, not the name.
            path = os.path.join(self.mnt, "tmp", "from-redox")
            content = ""
            deadline = time.monotonic() + 5
            while content != "written by redox\n" and time.monotonic() < deadline:
                if os.path.exists(path):
                    with open(path) as f:
                        content = f.read()
                time.sleep(0.05)
            self.assertEqual(content, "written by redox\n")
            # A FIFO made on Linux is a node on the Redox side too, with nothing to read there.
            os.mkfifo(os.path.join(self.mnt, "tmp", "linux-fifo"), 0o600)
            console.line("ls -l /tmp/linux-fifo; cat /tmp/linux-fifo; echo status=$?; touch /tmp/linux-fifo; echo touch=$?")
            console.read_until("prw-------")
            console.read_until("No such device or address")
            console.read_until("status=1")
            console.read_until("touch=0")
            console.line("shutdown")
            self.assertEqual(console.wait(timeout=10), 0)
        finally:
            console.kill()
        self.assertFalse(os.path.ismount(self.mnt))

    def test_redox_side_changes_are_seen_at_once_despite_caching(self):
        # Linux caches `file`'s names, attributes and pages; changes from Redox programs must
        # still show at once (the bridge invalidates them), with no waiting here.
        console = Console("--mount", self.mnt)
        try:
            console.read_until("# ", timeout=15)
            wait_for_mount(self.mnt, console.process)
            name = os.path.join(self.mnt, "tmp", "shared.txt")

            def redox(command):
                console.line(command + "; echo done-$?")
                console.read_until("done-0")

            redox("echo first > /tmp/shared.txt")
            for _ in range(3):  # now cached: the same contents and attributes each time
                with open(name) as f:
                    self.assertEqual(f.read(), "first\n")
                os.stat(name)
            redox("echo second line >> /tmp/shared.txt")
            with open(name) as f:
                self.assertEqual(f.read(), "first\nsecond line\n")
            self.assertEqual(os.stat(name).st_size, 18)
            redox("echo 3 > /tmp/shared.txt")
            with open(name) as f:
                self.assertEqual(f.read(), "3\n")
            os.utime(name, (1_000_000, 1_000_000))
            self.assertEqual(os.stat(name).st_mtime, 1_000_000)
            redox("touch /tmp/shared.txt")  # attributes only
            self.assertGreater(os.stat(name).st_mtime, 1_000_000)
            redox("ln /tmp/shared.txt /tmp/hard.txt")
            self.assertEqual(os.stat(name).st_nlink, 2)
            redox("rm /tmp/hard.txt")
            self.assertEqual(os.stat(name).st_nlink, 1)
            redox("mv /tmp/shared.txt /tmp/moved.txt")
            self.assertFalse(os.path.exists(name))
            with open(os.path.join(self.mnt, "tmp", "moved.txt")) as f:
                self.assertEqual(f.read(), "3\n")
            redox("rm /tmp/moved.txt")
            self.assertFalse(os.path.exists(os.path.join(self.mnt, "tmp", "moved.txt")))
            redox("mkdir /tmp/newdir")
            self.assertTrue(os.path.isdir(os.path.join(self.mnt, "tmp", "newdir")))
            redox("rmdir /tmp/newdir")
            self.assertFalse(os.path.exists(os.path.join(self.mnt, "tmp", "newdir")))
            console.line("shutdown")
            self.assertEqual(console.wait(timeout=10), 0)
        finally:
            console.kill()

    def test_unmounted_after_exit_and_after_sigterm(self):
        result = subprocess.run([BINARY, *mount_args(["--mount", self.mnt]), "--run", "ls /"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertFalse(os.path.ismount(self.mnt))
        sim = subprocess.Popen([BINARY, *mount_args(["--mount", self.mnt]), "--run", "sleep 60"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_mount(self.mnt, sim)
            sim.send_signal(signal.SIGTERM)
            self.assertEqual(sim.wait(timeout=10), -signal.SIGTERM)
        finally:
            if sim.poll() is None:
                sim.kill()
                sim.wait()
        self.assertFalse(os.path.ismount(self.mnt))

    def test_a_stale_mount_is_cleaned_up(self):
        sim = subprocess.Popen([BINARY, *mount_args(["--mount", self.mnt]), "--run", "sleep 60"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_mount(self.mnt, sim)
        sim.kill()  # SIGKILL: no chance to unmount
        sim.wait()
        with self.assertRaises(OSError) as caught:
            os.stat(self.mnt)
        self.assertEqual(caught.exception.errno, errno.ENOTCONN)
        result = subprocess.run([BINARY, *mount_args(["--mount", self.mnt]), "--run", "ls /scheme/sys"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("stale FUSE mount", result.stderr)
        self.assertFalse(os.path.ismount(self.mnt))

    def test_no_mount_and_unusable_mount_points(self):
        result = subprocess.run([BINARY, *mount_args(["--no-mount"]), "--run", "echo ok"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "ok\n", ""))
        not_a_dir = os.path.join(self.tmp, "file")
        open(not_a_dir, "w").close()
        result = subprocess.run([BINARY, *mount_args(["--mount", not_a_dir]), "--run", "echo ok"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual((result.returncode, result.stdout), (0, "ok\n"))
        self.assertIn("running without it", result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)


if __name__ == "__main__":
    unittest.main()
