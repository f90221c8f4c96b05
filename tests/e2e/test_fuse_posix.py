"""POSIX conformance of the FUSE bridge (issue 4), in the style of pjdfstest: each case does one
system call on the mount, as root or as an unprivileged user, and checks its result, its errno
and what it did to modes, owners, link counts and timestamps. One simulator serves the whole
class (each test works in a directory of its own); REDOX_FUSE_MOUNT=PATH runs the cases against
an already mounted bridge instead (for debugging)."""
import ctypes
import errno
import os
import socket
import stat
import subprocess
import tempfile
import time
import unittest
import shutil

from simrun import BINARY, mount_args
from test_fuse import HAVE_FUSE, err, force_unmount, wait_for_mount

USER = (1000, 1000)  # an unprivileged Linux user
OTHER = (1001, 1001)  # another one
LIBC = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
UTIME_NOW, UTIME_OMIT = (1 << 30) - 1, (1 << 30) - 2


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def renameat2(old, new, flags):
    r = LIBC.renameat2(AT_FDCWD, os.fsencode(old), AT_FDCWD, os.fsencode(new), flags)
    return 0 if r == 0 else ctypes.get_errno()


def utimensat(path, atime, mtime, follow=True):
    """atime/mtime: (sec, nsec), or UTIME_NOW / UTIME_OMIT as nsec."""
    times = (Timespec * 2)(Timespec(*atime), Timespec(*mtime))
    r = LIBC.utimensat(AT_FDCWD, os.fsencode(path), times, 0 if follow else 0x100)
    return 0 if r == 0 else ctypes.get_errno()


def as_user(ids, action):
    """Runs action() in a child process with uid/gid `ids` (no supplementary groups); returns 0 or
    the errno of the OSError it raised. action may also return an int to pass back (0..200)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setgroups([])
            os.setresgid(ids[1], ids[1], ids[1])
            os.setresuid(ids[0], ids[0], ids[0])
            result = action()
            code = result if isinstance(result, int) else 0
        except OSError as e:
            code = e.errno or 255
        except BaseException:
            code = 254
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def touch(path, data=b""):
    with open(path, "wb") as f:
        f.write(data)


def times(path):
    st = os.lstat(path)
    return st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns


def tick():
    time.sleep(0.02)  # timestamps of the next change differ from the last


@unittest.skipUnless(HAVE_FUSE, "no /dev/fuse on this machine")
class Posix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = None
        cls.tmp = tempfile.mkdtemp(prefix="redox-fuse-posix-")
        os.chmod(cls.tmp, 0o755)
        given = os.environ.get("REDOX_FUSE_MOUNT")
        if given:
            cls.mnt = given
            return
        cls.mnt = os.path.join(cls.tmp, "mnt")
        os.mkdir(cls.mnt)
        cls.sim = subprocess.Popen([BINARY, *mount_args(["--mount", cls.mnt, *cls.sim_args()]), "--run", "sleep 600"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_mount(cls.mnt, cls.sim)
        except BaseException:
            cls.tearDownClass()
            raise

    @property
    def name_max(self):
        return os.statvfs(self.mnt).f_namemax

    @classmethod
    def sim_args(cls):
        return []  # files in memory (simrun.mount_args)

    @classmethod
    def tearDownClass(cls):
        if cls.sim is not None:
            if cls.sim.poll() is None:
                cls.sim.terminate()
                try:
                    cls.sim.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    cls.sim.kill()
                    cls.sim.wait()
            force_unmount(cls.mnt)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertTrue(self.sim is None or self.sim.poll() is None, "the simulator died")
        self.old_umask = os.umask(0o022)
        self.dir = os.path.join(self.mnt, "tmp", f"posix-{self._testMethodName}")
        if os.path.lexists(self.dir):
            subprocess.run(["rm", "-rf", self.dir])
        os.mkdir(self.dir, 0o755)
        os.chmod(self.dir, 0o777)  # every user may create here

    def tearDown(self):
        os.umask(self.old_umask)
        subprocess.run(["rm", "-rf", self.dir])

    def p(self, *names):
        return os.path.join(self.dir, *names)

    def user_file(self, name, ids=USER, mode=0o644):
        path = self.p(name)
        touch(path)
        os.chown(path, *ids)
        os.chmod(path, mode)
        return path

    # ---- open / creat ------------------------------------------------------------------------
    def test_open_create_mode_owner_and_umask(self):
        os.umask(0o027)
        fd = os.open(self.p("f"), os.O_CREAT | os.O_WRONLY, 0o777)
        os.close(fd)
        st = os.stat(self.p("f"))
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o750)
        self.assertEqual((st.st_uid, st.st_gid, st.st_nlink, st.st_size), (0, 0, 1, 0))
        self.assertEqual(as_user(USER, lambda: os.close(os.open(self.p("u"), os.O_CREAT | os.O_RDWR, 0o640))), 0)
        st = os.stat(self.p("u"))
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (1000, 1000, 0o640))

    def test_create_updates_parent_times(self):
        before = times(self.dir)
        tick()
        touch(self.p("f"))
        after = times(self.dir)
        self.assertGreater(after[1], before[1])  # mtime
        self.assertGreater(after[2], before[2])  # ctime
        created = times(self.p("f"))
        self.assertEqual(created[1], created[2])

    def test_open_flags(self):
        touch(self.p("f"), b"0123456789")
        self.assertEqual(err(lambda: os.open(self.p("f"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)), errno.EEXIST)
        os.symlink("nowhere", self.p("dangling"))
        self.assertEqual(err(lambda: os.open(self.p("dangling"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)),
                         errno.EEXIST)
        self.assertEqual(err(lambda: os.open(self.p("dangling"), os.O_RDONLY)), errno.ENOENT)
        self.assertEqual(err(lambda: os.open(self.p("dangling"), os.O_RDONLY | os.O_NOFOLLOW)), errno.ELOOP)
        # O_CREAT through a dangling symlink creates its target.
        os.close(os.open(self.p("dangling"), os.O_CREAT | os.O_WRONLY, 0o600))
        self.assertTrue(os.path.isfile(self.p("nowhere")))
        fd = os.open(self.p("f"), os.O_WRONLY | os.O_APPEND)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"ab")
        os.close(fd)
        with open(self.p("f"), "rb") as f:
            self.assertEqual(f.read(), b"0123456789ab")
        before = times(self.p("f"))
        tick()
        fd = os.open(self.p("f"), os.O_WRONLY | os.O_TRUNC)
        os.close(fd)
        self.assertEqual(os.stat(self.p("f")).st_size, 0)
        after = times(self.p("f"))
        self.assertGreater(after[1], before[1])
        self.assertGreater(after[2], before[2])
        self.assertEqual(err(lambda: os.open(self.dir, os.O_WRONLY)), errno.EISDIR)
        self.assertEqual(err(lambda: os.open(self.dir, os.O_RDWR)), errno.EISDIR)
        self.assertEqual(err(lambda: os.open(self.p("f"), os.O_RDONLY | os.O_DIRECTORY)), errno.ENOTDIR)
        self.assertEqual(err(lambda: os.open(self.p("f", "x"), os.O_RDONLY)), errno.ENOTDIR)
        self.assertEqual(err(lambda: os.open(self.p("f", "x"), os.O_CREAT | os.O_RDONLY)), errno.ENOTDIR)
        self.assertEqual(err(lambda: os.open(self.p("none", "x"), os.O_CREAT | os.O_RDONLY)), errno.ENOENT)
        self.assertEqual(err(lambda: os.open(self.p("x" * (self.name_max + 1)), os.O_CREAT | os.O_RDONLY)), errno.ENAMETOOLONG)
        os.close(os.open(self.p("y" * self.name_max), os.O_CREAT | os.O_RDONLY))
        self.assertIn("y" * self.name_max, os.listdir(self.dir))

    def test_open_permissions(self):
        path = self.user_file("f", USER, 0o640)
        self.assertEqual(as_user(USER, lambda: os.close(os.open(path, os.O_RDWR))), 0)
        self.assertEqual(as_user(OTHER, lambda: os.close(os.open(path, os.O_RDONLY))), errno.EACCES)
        os.chmod(path, 0o604)
        self.assertEqual(as_user(OTHER, lambda: os.close(os.open(path, os.O_RDONLY))), 0)
        self.assertEqual(as_user(OTHER, lambda: os.close(os.open(path, os.O_WRONLY))), errno.EACCES)
        os.chmod(path, 0o066)
        self.assertEqual(as_user(USER, lambda: os.close(os.open(path, os.O_RDONLY))), errno.EACCES)  # owner bits rule
        os.chmod(path, 0o000)
        self.assertEqual(err(lambda: os.close(os.open(path, os.O_RDWR))), 0)  # root
        # Search permission on the directory.
        os.mkdir(self.p("d"), 0o700)
        touch(self.p("d", "inner"))
        os.chmod(self.p("d", "inner"), 0o666)
        self.assertEqual(as_user(USER, lambda: os.stat(self.p("d", "inner"))), errno.EACCES)
        self.assertEqual(as_user(USER, lambda: os.close(os.open(self.p("d", "new"), os.O_CREAT | os.O_WRONLY))),
                         errno.EACCES)
        os.chmod(self.p("d"), 0o755)
        self.assertEqual(as_user(USER, lambda: os.close(os.open(self.p("d", "new"), os.O_CREAT | os.O_WRONLY))),
                         errno.EACCES)
        self.assertEqual(as_user(USER, lambda: os.close(os.open(self.p("d", "inner"), os.O_WRONLY))), 0)

    # ---- access ------------------------------------------------------------------------------
    def test_access(self):
        path = self.user_file("f", USER, 0o640)
        self.assertTrue(os.access(path, os.R_OK | os.W_OK))
        self.assertFalse(os.access(path, os.X_OK))  # root needs one x bit
        self.assertEqual(as_user(USER, lambda: 0 if os.access(path, os.R_OK | os.W_OK) else 1), 0)
        self.assertEqual(as_user(USER, lambda: 0 if not os.access(path, os.X_OK) else 1), 0)
        self.assertEqual(as_user(OTHER, lambda: 0 if not os.access(path, os.R_OK) else 1), 0)
        self.assertEqual(as_user(OTHER, lambda: 0 if os.access(path, os.F_OK) else 1), 0)
        os.chmod(path, 0o741)
        self.assertTrue(os.access(path, os.X_OK))
        self.assertEqual(as_user(OTHER, lambda: 0 if os.access(path, os.X_OK) else 1), 0)
        self.assertEqual(as_user(OTHER, lambda: 0 if not os.access(path, os.W_OK) else 1), 0)
        self.assertEqual(err(lambda: os.stat(self.p("missing"))), errno.ENOENT)
        self.assertFalse(os.access(self.p("missing"), os.F_OK))
        self.assertEqual(subprocess.run(["setpriv", "--reuid=1001", "--regid=1001", "--clear-groups",
                                         "test", "-w", path]).returncode, 1)
        self.assertEqual(subprocess.run(["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
                                         "test", "-w", path]).returncode, 0)

    # ---- chmod -------------------------------------------------------------------------------
    def test_chmod(self):
        path = self.user_file("f", USER, 0o644)
        before = times(path)
        tick()
        os.chmod(path, 0o4751)
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o4751)
        self.assertGreater(st.st_ctime_ns, before[2])
        self.assertEqual(st.st_mtime_ns, before[1])
        self.assertEqual(as_user(USER, lambda: os.chmod(path, 0o600)), 0)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(as_user(OTHER, lambda: os.chmod(path, 0o666)), errno.EPERM)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(err(lambda: os.chmod(self.p("missing"), 0o600)), errno.ENOENT)
        self.assertEqual(err(lambda: os.chmod(self.p("f", "x"), 0o600)), errno.ENOTDIR)
        self.assertEqual(err(lambda: os.chmod(self.p("x" * (self.name_max + 1)), 0o600)), errno.ENAMETOOLONG)
        os.mkdir(self.p("d"))
        os.chmod(self.p("d"), 0o1777)
        self.assertEqual(stat.S_IMODE(os.stat(self.p("d")).st_mode), 0o1777)
        # chmod follows symlinks; the link keeps its own mode.
        os.symlink("f", self.p("l"))
        os.chmod(self.p("l"), 0o640)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o640)
        self.assertTrue(stat.S_ISLNK(os.lstat(self.p("l")).st_mode))
        # Writing to a setuid/setgid file as someone else drops those bits (Linux asks for it).
        for bits in (0o4777, 0o2777, 0o6777):
            os.chmod(path, bits)
            self.assertEqual(as_user(OTHER, lambda: os.write(os.open(path, os.O_WRONLY), b"x") - 1), 0)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o777)
        # setgid without group execute goes too when the writer is not in the file's group.
        os.chmod(path, 0o2766)
        self.assertEqual(as_user(OTHER, lambda: os.write(os.open(path, os.O_WRONLY), b"x") - 1), 0)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o766)
        # fchmod on an open file.
        fd = os.open(path, os.O_RDONLY)
        os.fchmod(fd, 0o606)
        os.close(fd)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o606)

    # ---- chown -------------------------------------------------------------------------------
    def test_chown(self):
        path = self.user_file("f", USER, 0o6755)
        os.chown(path, 0o0, 0)
        os.chmod(path, 0o6755)
        before = times(path)
        tick()
        os.chown(path, 123, 456)
        st = os.stat(path)
        self.assertEqual((st.st_uid, st.st_gid), (123, 456))
        self.assertGreater(st.st_ctime_ns, before[2])
        os.chown(path, -1, 789)
        st = os.stat(path)
        self.assertEqual((st.st_uid, st.st_gid), (123, 789))
        os.chown(path, 321, -1)
        st = os.stat(path)
        self.assertEqual((st.st_uid, st.st_gid), (321, 789))
        tick()
        before = times(path)
        os.chown(path, -1, -1)  # changes nothing but ctime
        st = os.stat(path)
        self.assertEqual((st.st_uid, st.st_gid), (321, 789))
        # Unprivileged: only the owner, only to a group it is in, never to another owner.
        mine = self.user_file("mine", USER, 0o6755)
        self.assertEqual(as_user(OTHER, lambda: os.chown(mine, 1001, 1001)), errno.EPERM)
        self.assertEqual(as_user(USER, lambda: os.chown(mine, 1001, -1)), errno.EPERM)
        self.assertEqual(as_user(USER, lambda: os.chown(mine, -1, 1001)), errno.EPERM)
        self.assertEqual(as_user(USER, lambda: os.chown(mine, 1000, 1000)), 0)
        self.assertEqual(as_user(USER, lambda: os.chown(mine, -1, -1)), 0)
        st = os.stat(mine)
        self.assertEqual((st.st_uid, st.st_gid), (1000, 1000))
        # lchown changes the link, not its target.
        os.symlink("mine", self.p("l"))
        os.lchown(self.p("l"), 55, 66)
        self.assertEqual((os.lstat(self.p("l")).st_uid, os.lstat(self.p("l")).st_gid), (55, 66))
        self.assertEqual(os.stat(self.p("l")).st_uid, 1000)
        self.assertEqual(err(lambda: os.chown(self.p("missing"), 1, 1)), errno.ENOENT)

    # ---- truncate ----------------------------------------------------------------------------
    def test_truncate(self):
        path = self.user_file("f", USER, 0o644)
        before = times(path)
        tick()
        os.truncate(path, 12345)
        st = os.stat(path)
        self.assertEqual(st.st_size, 12345)
        self.assertGreater(st.st_mtime_ns, before[1])
        self.assertGreater(st.st_ctime_ns, before[2])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), bytes(12345))
        os.truncate(path, 10)
        self.assertEqual(os.stat(path).st_size, 10)
        self.assertEqual(as_user(USER, lambda: os.truncate(path, 0)), 0)
        self.assertEqual(as_user(OTHER, lambda: os.truncate(path, 5)), errno.EACCES)
        self.assertEqual(err(lambda: os.truncate(self.dir, 0)), errno.EISDIR)
        self.assertEqual(err(lambda: os.truncate(path, -1)), errno.EINVAL)
        self.assertEqual(err(lambda: os.truncate(self.p("missing"), 0)), errno.ENOENT)
        fd = os.open(path, os.O_RDWR)
        os.ftruncate(fd, 4096)
        os.close(fd)
        self.assertEqual(os.stat(path).st_size, 4096)
        fd = os.open(path, os.O_RDONLY)
        self.assertIn(err(lambda: os.ftruncate(fd, 0)), (errno.EINVAL, errno.EBADF))
        os.close(fd)

    # ---- utimens -----------------------------------------------------------------------------
    def test_utimens(self):
        path = self.user_file("f", USER, 0o644)
        self.assertEqual(utimensat(path, (1_000_000_000, 123456789), (1_200_000_000, 987654321)), 0)
        st = os.stat(path)
        self.assertEqual((st.st_atime_ns, st.st_mtime_ns), (1_000_000_000_123_456_789, 1_200_000_000_987_654_321))
        ctime = st.st_ctime_ns
        tick()
        self.assertEqual(utimensat(path, (0, UTIME_OMIT), (5, 0)), 0)
        st = os.stat(path)
        self.assertEqual((st.st_atime_ns, st.st_mtime_ns), (1_000_000_000_123_456_789, 5_000_000_000))
        self.assertGreater(st.st_ctime_ns, ctime)
        now = time.time_ns()
        self.assertEqual(utimensat(path, (0, UTIME_NOW), (0, UTIME_OMIT)), 0)
        st = os.stat(path)
        self.assertLess(abs(st.st_atime_ns - now), 5_000_000_000)
        self.assertEqual(st.st_mtime_ns, 5_000_000_000)
        self.assertEqual(utimensat(path, (0, UTIME_OMIT), (0, UTIME_OMIT)), 0)
        self.assertEqual(os.stat(path).st_mtime_ns, 5_000_000_000)
        self.assertEqual(utimensat(path, (0, 1_000_000_000), (0, 0)), errno.EINVAL)
        # Explicit times: owner or root only. NOW: also anyone who may write.
        self.assertEqual(as_user(USER, lambda: utimensat(path, (7, 0), (8, 0))), 0)
        self.assertEqual(os.stat(path).st_mtime_ns, 8_000_000_000)
        self.assertEqual(as_user(OTHER, lambda: utimensat(path, (7, 0), (9, 0))), errno.EPERM)
        self.assertEqual(as_user(OTHER, lambda: utimensat(path, (0, UTIME_NOW), (0, UTIME_NOW))), errno.EACCES)
        os.chmod(path, 0o646)
        self.assertEqual(as_user(OTHER, lambda: utimensat(path, (0, UTIME_NOW), (0, UTIME_NOW))), 0)
        self.assertGreater(os.stat(path).st_mtime_ns, 8_000_000_000)
        self.assertEqual(subprocess.run(["touch", "-d", "2001-02-03 04:05:06", path]).returncode, 0)
        self.assertEqual(time.gmtime(os.stat(path).st_mtime)[:3], (2001, 2, 3))

    # ---- write / read ------------------------------------------------------------------------
    def test_write_updates_times_and_size(self):
        path = self.user_file("f", USER, 0o644)
        before = times(path)
        tick()
        with open(path, "r+b") as f:
            f.seek(100)
            f.write(b"x")
        st = os.stat(path)
        self.assertEqual(st.st_size, 101)
        self.assertGreater(st.st_mtime_ns, before[1])
        self.assertGreater(st.st_ctime_ns, before[2])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), bytes(100) + b"x")
        fd = os.open(path, os.O_RDWR)
        self.assertEqual(os.pwrite(fd, b"abc", 1 << 20), 3)
        self.assertEqual(os.pread(fd, 3, 1 << 20), b"abc")
        self.assertEqual(os.pread(fd, 10, 2 << 20), b"")
        os.close(fd)
        self.assertEqual(os.stat(path).st_size, (1 << 20) + 3)

    def test_read_a_directory_is_eisdir(self):
        fd = os.open(self.dir, os.O_RDONLY)
        self.assertEqual(err(lambda: os.read(fd, 10)), errno.EISDIR)
        os.close(fd)

    # ---- link --------------------------------------------------------------------------------
    def test_link(self):
        path = self.user_file("f", USER, 0o644)
        before = times(path)
        dir_before = times(self.dir)
        tick()
        os.link(path, self.p("g"))
        st, st2 = os.stat(path), os.stat(self.p("g"))
        self.assertEqual(st.st_nlink, 2)
        self.assertEqual(st.st_ino, st2.st_ino)
        self.assertGreater(st.st_ctime_ns, before[2])
        self.assertGreater(times(self.dir)[1], dir_before[1])
        with open(self.p("g"), "ab") as f:
            f.write(b"shared")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"shared")
        os.chmod(self.p("g"), 0o600)  # one node, whichever name
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(err(lambda: os.link(path, self.p("g"))), errno.EEXIST)
        self.assertEqual(err(lambda: os.link(self.p("missing"), self.p("h"))), errno.ENOENT)
        os.mkdir(self.p("d"))
        self.assertEqual(err(lambda: os.link(self.p("d"), self.p("dl"))), errno.EPERM)
        self.assertEqual(err(lambda: os.link(path, self.p("none", "h"))), errno.ENOENT)
        self.assertEqual(err(lambda: os.link(path, self.p("x" * (self.name_max + 1)))), errno.ENAMETOOLONG)
        os.unlink(path)
        self.assertEqual(os.stat(self.p("g")).st_nlink, 1)
        self.assertEqual(err(lambda: os.link(path, self.p("h"))), errno.ENOENT)
        os.mkdir(self.p("ro"), 0o755)
        self.assertEqual(as_user(USER, lambda: os.link(self.p("g"), self.p("ro", "h"))), errno.EACCES)
        # Across file systems: the mount's files to the host's /tmp.
        host = tempfile.mkdtemp()
        try:
            self.assertEqual(err(lambda: os.link(self.p("g"), os.path.join(host, "h"))), errno.EXDEV)
            self.assertEqual(err(lambda: os.rename(self.p("g"), os.path.join(host, "h"))), errno.EXDEV)
        finally:
            shutil.rmtree(host)

    # ---- symlink / readlink ------------------------------------------------------------------
    def test_symlink_readlink(self):
        os.symlink("some/where/else", self.p("l"))
        st = os.lstat(self.p("l"))
        self.assertTrue(stat.S_ISLNK(st.st_mode))
        self.assertEqual(st.st_size, len("some/where/else"))
        self.assertEqual(os.readlink(self.p("l")), "some/where/else")
        self.assertEqual(err(lambda: os.symlink("x", self.p("l"))), errno.EEXIST)
        touch(self.p("f"))
        self.assertEqual(err(lambda: os.readlink(self.p("f"))), errno.EINVAL)
        self.assertEqual(err(lambda: os.readlink(self.p("missing"))), errno.ENOENT)
        long_target = "/".join(["d" * 200] * 5)[:1023]
        os.symlink(long_target, self.p("long"))
        self.assertEqual(os.readlink(self.p("long")), long_target)
        self.assertEqual(err(lambda: os.symlink("x", self.p("x" * (self.name_max + 1)))), errno.ENAMETOOLONG)
        self.assertEqual(as_user(USER, lambda: os.symlink("f", self.p("ul"))), 0)
        self.assertEqual(os.lstat(self.p("ul")).st_uid, 1000)
        os.symlink(".", self.p("dot"))
        self.assertTrue(os.path.isdir(self.p("dot", "dot", "dot")))
        os.symlink("loop2", self.p("loop1"))
        os.symlink("loop1", self.p("loop2"))
        self.assertEqual(err(lambda: os.stat(self.p("loop1"))), errno.ELOOP)

    # ---- mkdir / rmdir -----------------------------------------------------------------------
    def test_mkdir_rmdir(self):
        os.umask(0o022)
        os.mkdir(self.p("d"), 0o777)
        st = os.stat(self.p("d"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o755)
        self.assertEqual(st.st_nlink, 2)
        parent_links = os.stat(self.dir).st_nlink
        os.mkdir(self.p("d", "e"))
        self.assertEqual(os.stat(self.p("d")).st_nlink, 3)
        self.assertEqual(os.stat(self.dir).st_nlink, parent_links)
        self.assertEqual(err(lambda: os.mkdir(self.p("d"))), errno.EEXIST)
        self.assertEqual(err(lambda: os.mkdir(self.p("none", "x"))), errno.ENOENT)
        touch(self.p("f"))
        self.assertEqual(err(lambda: os.mkdir(self.p("f", "x"))), errno.ENOTDIR)
        self.assertEqual(err(lambda: os.mkdir(self.p("f"))), errno.EEXIST)
        self.assertEqual(err(lambda: os.mkdir(self.p("x" * (self.name_max + 1)))), errno.ENAMETOOLONG)
        self.assertEqual(err(lambda: os.rmdir(self.p("d"))), errno.ENOTEMPTY)
        self.assertEqual(err(lambda: os.rmdir(self.p("f"))), errno.ENOTDIR)
        self.assertEqual(err(lambda: os.rmdir(self.p("missing"))), errno.ENOENT)
        self.assertEqual(err(lambda: os.rmdir(self.p("d", "e", "."))), errno.EINVAL)
        os.rmdir(self.p("d", "e"))
        self.assertEqual(os.stat(self.p("d")).st_nlink, 2)
        os.rmdir(self.p("d"))
        self.assertFalse(os.path.exists(self.p("d")))
        os.mkdir(self.p("ro"), 0o755)
        os.mkdir(self.p("ro", "sub"))
        self.assertEqual(as_user(USER, lambda: os.mkdir(self.p("ro", "x"))), errno.EACCES)
        self.assertEqual(as_user(USER, lambda: os.rmdir(self.p("ro", "sub"))), errno.EACCES)
        self.assertEqual(as_user(USER, lambda: os.mkdir(self.p("mine"), 0o700)), 0)
        st = os.stat(self.p("mine"))
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (1000, 1000, 0o700))

    # ---- unlink ------------------------------------------------------------------------------
    def test_unlink(self):
        touch(self.p("f"))
        before = times(self.dir)
        tick()
        os.unlink(self.p("f"))
        self.assertFalse(os.path.lexists(self.p("f")))
        after = times(self.dir)
        self.assertGreater(after[1], before[1])
        self.assertGreater(after[2], before[2])
        self.assertEqual(err(lambda: os.unlink(self.p("f"))), errno.ENOENT)
        os.mkdir(self.p("d"))
        self.assertEqual(err(lambda: os.unlink(self.p("d"))), errno.EISDIR)
        os.symlink("d", self.p("l"))
        os.unlink(self.p("l"))  # the link, not what it points to
        self.assertTrue(os.path.isdir(self.p("d")))
        # Sticky directories: only the file's owner, the directory's owner and root.
        os.chmod(self.p("d"), 0o1777)
        mine = self.p("d", "mine")
        touch(mine)
        os.chown(mine, *USER)
        self.assertEqual(as_user(OTHER, lambda: os.unlink(mine)), errno.EPERM)
        self.assertEqual(as_user(OTHER, lambda: os.rename(mine, self.p("d", "stolen"))), errno.EPERM)
        self.assertEqual(as_user(USER, lambda: os.unlink(mine)), 0)
        # No write permission on the directory.
        os.mkdir(self.p("ro"), 0o755)
        touch(self.p("ro", "f"))
        os.chmod(self.p("ro", "f"), 0o777)
        self.assertEqual(as_user(USER, lambda: os.unlink(self.p("ro", "f"))), errno.EACCES)

    def test_unlinked_while_open(self):
        fd = os.open(self.p("f"), os.O_CREAT | os.O_RDWR, 0o644)
        os.write(fd, b"still here")
        os.unlink(self.p("f"))
        self.assertFalse(os.path.exists(self.p("f")))
        self.assertEqual(os.pread(fd, 100, 0), b"still here")
        self.assertEqual(os.fstat(fd).st_nlink, 0)
        os.ftruncate(fd, 5)
        self.assertEqual(os.fstat(fd).st_size, 5)
        os.write(fd, b"!")
        os.close(fd)
        touch(self.p("f"), b"new")  # the name is free again
        with open(self.p("f"), "rb") as f:
            self.assertEqual(f.read(), b"new")

    # ---- rename ------------------------------------------------------------------------------
    def test_rename_files(self):
        touch(self.p("a"), b"A")
        touch(self.p("b"), b"B")
        ino_a = os.stat(self.p("a")).st_ino
        before = times(self.p("a"))
        tick()
        os.rename(self.p("a"), self.p("b"))  # replaces b
        self.assertFalse(os.path.exists(self.p("a")))
        st = os.stat(self.p("b"))
        self.assertEqual(st.st_ino, ino_a)
        self.assertGreater(st.st_ctime_ns, before[2])
        with open(self.p("b"), "rb") as f:
            self.assertEqual(f.read(), b"A")
        os.link(self.p("b"), self.p("c"))
        os.rename(self.p("b"), self.p("c"))  # two names of one file: nothing happens
        self.assertTrue(os.path.exists(self.p("b")) and os.path.exists(self.p("c")))
        self.assertEqual(err(lambda: os.rename(self.p("missing"), self.p("x"))), errno.ENOENT)
        self.assertEqual(err(lambda: os.rename(self.p("b"), self.p("none", "x"))), errno.ENOENT)
        self.assertEqual(err(lambda: os.rename(self.p("b"), self.p("x" * (self.name_max + 1)))), errno.ENAMETOOLONG)
        os.mkdir(self.p("d"))
        self.assertEqual(err(lambda: os.rename(self.p("b"), self.p("d"))), errno.EISDIR)
        self.assertEqual(err(lambda: os.rename(self.p("d"), self.p("b"))), errno.ENOTDIR)
        # A symlink is renamed as itself.
        os.symlink("c", self.p("l"))
        os.rename(self.p("l"), self.p("l2"))
        self.assertEqual(os.readlink(self.p("l2")), "c")
        # An open file follows its new name.
        with open(self.p("c"), "r+b") as f:
            os.rename(self.p("c"), self.p("d", "moved"))
            f.write(b"Z")
        with open(self.p("d", "moved"), "rb") as f:
            self.assertEqual(f.read(), b"Z")

    def test_rename_directories(self):
        os.makedirs(self.p("a", "inner"))
        touch(self.p("a", "inner", "f"), b"deep")
        os.mkdir(self.p("empty"))
        os.rename(self.p("a"), self.p("empty"))  # replaces an empty directory
        with open(self.p("empty", "inner", "f"), "rb") as f:
            self.assertEqual(f.read(), b"deep")
        os.makedirs(self.p("full", "x"))
        self.assertIn(err(lambda: os.rename(self.p("empty"), self.p("full"))), (errno.ENOTEMPTY, errno.EEXIST))
        self.assertEqual(err(lambda: os.rename(self.p("empty"), self.p("empty", "inner", "sub"))), errno.EINVAL)
        # Moving a directory to another parent moves the ".." link count.
        links = os.stat(self.p("full")).st_nlink
        os.rename(self.p("empty"), self.p("full", "moved"))
        self.assertEqual(os.stat(self.p("full")).st_nlink, links + 1)
        self.assertTrue(os.path.isfile(self.p("full", "moved", "inner", "f")))

    def test_rename_flags(self):
        touch(self.p("a"), b"A")
        touch(self.p("b"), b"B")
        self.assertEqual(renameat2(self.p("a"), self.p("b"), RENAME_NOREPLACE), errno.EEXIST)
        self.assertEqual(renameat2(self.p("a"), self.p("c"), RENAME_NOREPLACE), 0)
        self.assertFalse(os.path.exists(self.p("a")))
        result = renameat2(self.p("b"), self.p("c"), RENAME_EXCHANGE)
        if result == 0:
            with open(self.p("b"), "rb") as f:
                self.assertEqual(f.read(), b"A")
            with open(self.p("c"), "rb") as f:
                self.assertEqual(f.read(), b"B")
        else:
            self.assertEqual(result, errno.EINVAL)
            with open(self.p("b"), "rb") as f:
                self.assertEqual(f.read(), b"B")
        self.assertEqual(renameat2(self.p("b"), self.p("c"), RENAME_NOREPLACE | RENAME_EXCHANGE), errno.EINVAL)
        self.assertEqual(renameat2(self.p("missing"), self.p("c"), RENAME_EXCHANGE), errno.ENOENT)

    def test_rename_permissions(self):
        os.mkdir(self.p("ro"), 0o755)
        touch(self.p("ro", "f"))
        self.assertEqual(as_user(USER, lambda: os.rename(self.p("ro", "f"), self.p("f"))), errno.EACCES)
        path = self.user_file("mine")
        self.assertEqual(as_user(USER, lambda: os.rename(path, self.p("ro", "g"))), errno.EACCES)
        self.assertEqual(as_user(USER, lambda: os.rename(path, self.p("renamed"))), 0)
        self.assertEqual(os.stat(self.p("renamed")).st_uid, 1000)

    # ---- mknod -------------------------------------------------------------------------------
    def test_mknod(self):
        # FIFOs and sockets are nodes of the file system; Linux gives them their meaning.
        os.mkfifo(self.p("fifo"), 0o640)
        st = os.lstat(self.p("fifo"))
        self.assertEqual((stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_size), (stat.S_IFIFO, 0o640, 0))
        writer = subprocess.Popen(["sh", "-c", f"echo through the fifo > {self.p('fifo')}"])
        with open(self.p("fifo")) as f:
            self.assertEqual(f.read(), "through the fifo\n")
        self.assertEqual(writer.wait(timeout=10), 0)
        self.assertEqual(err(lambda: os.mkfifo(self.p("fifo"))), errno.EEXIST)
        self.assertEqual(as_user(USER, lambda: os.mkfifo(self.p("ufifo"), 0o600)), 0)
        self.assertEqual(os.lstat(self.p("ufifo")).st_uid, 1000)
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(self.p("sock"))
            server.listen(1)
            self.assertTrue(stat.S_ISSOCK(os.lstat(self.p("sock")).st_mode))
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(self.p("sock"))
                accepted, _ = server.accept()
                client.sendall(b"ping")
                self.assertEqual(accepted.recv(4), b"ping")
                accepted.close()
        kinds = {e.name: stat.S_IFMT(e.stat(follow_symlinks=False).st_mode) for e in os.scandir(self.dir)}
        self.assertEqual((kinds["fifo"], kinds["sock"]), (stat.S_IFIFO, stat.S_IFSOCK))
        os.rename(self.p("fifo"), self.p("fifo2"))
        os.link(self.p("fifo2"), self.p("fifo3"))
        self.assertEqual(os.lstat(self.p("fifo3")).st_nlink, 2)
        for name in ("fifo2", "fifo3", "ufifo", "sock"):
            os.unlink(self.p(name))
        # Redox has no device nodes (devices are schemes).
        self.assertEqual(err(lambda: os.mknod(self.p("dev"), 0o644 | stat.S_IFCHR, os.makedev(1, 3))),
                         errno.EPERM)
        self.assertEqual(err(lambda: os.mknod(self.p("blk"), 0o644 | stat.S_IFBLK, os.makedev(7, 0))),
                         errno.EPERM)
        os.mknod(self.p("reg"), 0o640 | stat.S_IFREG)
        st = os.stat(self.p("reg"))
        self.assertEqual((stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_size), (stat.S_IFREG, 0o640, 0))
        self.assertEqual(err(lambda: os.mknod(self.p("reg"), 0o640 | stat.S_IFREG)), errno.EEXIST)
        self.assertEqual(as_user(USER, lambda: os.mknod(self.p("ureg"), 0o600 | stat.S_IFREG)), 0)
        self.assertEqual(os.stat(self.p("ureg")).st_uid, 1000)

    # ---- readdir -----------------------------------------------------------------------------
    def test_readdir(self):
        names = {f"n{i:04d}" for i in range(600)}
        for name in names:
            touch(self.p(name))
        os.mkdir(self.p("sub"))
        os.symlink("n0000", self.p("link"))
        entries = {e.name: e for e in os.scandir(self.dir)}
        self.assertEqual(set(entries), names | {"sub", "link"})
        self.assertTrue(entries["sub"].is_dir(follow_symlinks=False))
        self.assertTrue(entries["link"].is_symlink())
        self.assertTrue(entries["n0001"].is_file(follow_symlinks=False))
        self.assertEqual(entries["n0001"].inode(), os.stat(self.p("n0001")).st_ino)
        result = subprocess.run(["ls", "-la", self.dir], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(result.stdout.splitlines()), 1 + 2 + 602)
        self.assertEqual(as_user(USER, lambda: len(os.listdir(self.dir)) - 602), 0)
        os.mkdir(self.p("private"), 0o700)
        self.assertEqual(as_user(USER, lambda: os.listdir(self.p("private"))), errno.EACCES)
        # ls -l (readdirplus): names with their attributes.
        for i, size in enumerate((0, 1, 4096, 70000)):
            touch(self.p("private", f"s{i}"), bytes(size))
            os.chmod(self.p("private", f"s{i}"), 0o600 + i)
        lines = subprocess.run(["ls", "-ln", self.p("private")], capture_output=True, text=True).stdout.splitlines()
        fields = sorted((line.split()[-1], line.split()[0], line.split()[4]) for line in lines[1:])
        self.assertEqual(fields, [("s0", "-rw-------", "0"), ("s1", "-rw------x", "1"),
                                  ("s2", "-rw-----w-", "4096"), ("s3", "-rw-----wx", "70000")])
        # Readable but not searchable: the names, without attributes.
        os.chmod(self.p("private"), 0o744)
        result = subprocess.run(["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "ls",
                                 self.p("private")], capture_output=True, text=True)
        self.assertEqual(result.stdout.split(), ["s0", "s1", "s2", "s3"])
        self.assertEqual(as_user(USER, lambda: os.stat(self.p("private", "s0"))), errno.EACCES)
        # Entries removed during a listing do not break it.
        with os.scandir(self.dir) as it:
            first = next(it)
            for name in list(names)[:100]:
                os.unlink(self.p(name))
            rest = list(it)
        self.assertGreater(len(rest) + 1, 400)

    # ---- statfs ------------------------------------------------------------------------------
    def test_statfs(self):
        st = os.statvfs(self.mnt)
        self.assertGreater(st.f_blocks, 0)
        self.assertLessEqual(st.f_bfree, st.f_blocks)
        self.assertIn(st.f_namemax, (252, 255))  # RedoxFS, memfs
        before = st.f_bfree
        touch(self.p("big"), bytes(4 << 20))
        self.assertLess(os.statvfs(self.mnt).f_bfree, before)
        result = subprocess.run(["df", "-P", self.mnt], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)


class PosixOnRedoxFS(Posix):
    """The same cases with `file` served from a RedoxFS image (the simulator's default)."""

    @classmethod
    def sim_args(cls):
        return ["--image", os.path.join(cls.tmp, "disk.img"), "--image-size", "256M"]


if __name__ == "__main__":
    unittest.main()
