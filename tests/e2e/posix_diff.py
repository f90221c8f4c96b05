#!/usr/bin/env python3
"""Differential POSIX check: the same random sequence of file-system calls runs in a directory
on the mount under test and in one on a reference file system (tmpfs), and every result must
agree: the errno of a failure, or for a success what it returns and what lstat then says of
the paths involved (type, permission bits, size of files, link count, owner and group).

    posix_diff.py TESTED_DIR REFERENCE_DIR [--ops N] [--seed S]

Exits 0 when all results agree; otherwise prints the first difference with the calls before
it and exits 1. Names come from a small pool, so calls meet existing files, directories,
symlinks and FIFOs, and hit the error paths (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY,
EINVAL, ELOOP...) as often as the working ones. Timestamps, inode numbers and block counts
are not compared."""
import argparse
import ctypes
import errno
import os
import random
import stat
import sys

LIBC = ctypes.CDLL(None, use_errno=True)
RENAME_NOREPLACE = 1
AT_FDCWD = -100


def rename_noreplace(old, new):
    if LIBC.renameat2(AT_FDCWD, old.encode(), AT_FDCWD, new.encode(), RENAME_NOREPLACE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


NAMES = ["a", "b", "c", "a/b", "a/c", "b/a", "a/b/c", "c/a", "a/", "b/", "a/.", "a/..", "a/b/..", "x"]
FLAG_BITS = [os.O_CREAT, os.O_EXCL, os.O_TRUNC, os.O_APPEND, os.O_DIRECTORY, os.O_NOFOLLOW]


def describe(path):
    try:
        st = os.lstat(path)
    except OSError as e:
        return ("missing", errno.errorcode.get(e.errno, e.errno))
    kind = stat.S_IFMT(st.st_mode)
    size = st.st_size if kind in (stat.S_IFREG, stat.S_IFLNK) else None
    links = st.st_nlink if kind != stat.S_IFDIR else None  # directories: . and .. vary
    return (stat.filemode(st.st_mode), size, links, st.st_uid, st.st_gid)


def outcome(action):
    try:
        result = action()
    except OSError as e:
        return ("error", errno.errorcode.get(e.errno, e.errno))
    return ("ok", result)


def open_and_use(path, flags, mode):
    """Opens (never blocking on a FIFO), writes a line when writable, else reads."""
    fd = os.open(path, flags | os.O_NONBLOCK, mode)
    try:
        if flags & (os.O_WRONLY | os.O_RDWR):
            return os.write(fd, b"data\n")
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            return os.read(fd, 64)
        return "dir"
    finally:
        os.close(fd)


# Each call: what it does given a path maker `p` and its arguments `a` (random_call makes them).
CALLS = {
    "open": lambda p, a: open_and_use(p(a[0]), a[1], a[2]),
    "mkdir": lambda p, a: os.mkdir(p(a[0]), a[1]),
    "rmdir": lambda p, a: os.rmdir(p(a[0])),
    "unlink": lambda p, a: os.unlink(p(a[0])),
    "rename": lambda p, a: os.rename(p(a[0]), p(a[1])),
    "link": lambda p, a: os.link(p(a[0]), p(a[1])),
    "symlink": lambda p, a: os.symlink(a[0], p(a[1])),
    "mkfifo": lambda p, a: os.mkfifo(p(a[0]), a[1]),
    "chmod": lambda p, a: os.chmod(p(a[0]), a[1]),
    "truncate": lambda p, a: os.truncate(p(a[0]), a[1]),
    "readlink": lambda p, a: os.readlink(p(a[0])),
    "listdir": lambda p, a: sorted(os.listdir(p(a[0]))),
    "stat": lambda p, a: describe(p(a[0])) if a[1] else stat.filemode(os.stat(p(a[0])).st_mode),
    "access": lambda p, a: os.access(p(a[0]), a[1]),
    "chown": lambda p, a: os.chown(p(a[0]), a[1], a[2], follow_symlinks=a[3]),
    "utime": lambda p, a: os.utime(p(a[0]), a[1]),
    "rename-noreplace": lambda p, a: rename_noreplace(p(a[0]), p(a[1])),
}
# How often random_call picks each.
WEIGHTS = {"open": 20, "mkdir": 10, "rmdir": 6, "unlink": 8, "rename": 10, "link": 5, "symlink": 6, "mkfifo": 3,
           "chmod": 5, "truncate": 5, "readlink": 3, "listdir": 4, "stat": 8, "access": 3, "chown": 3, "utime": 3,
           "rename-noreplace": 4}


class Side:
    def __init__(self, root):
        self.root = root

    def p(self, name):
        return os.path.join(self.root, name)

    def call(self, op, args):
        return outcome(lambda: CALLS[op](self.p, args))

    def state(self, names):
        return [describe(self.p(n.rstrip("/"))) for n in names]


def random_call(rng):
    name = rng.choice(NAMES)
    other = rng.choice(NAMES)
    op = rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
    if op == "open":
        flags = rng.choice([os.O_RDONLY, os.O_WRONLY, os.O_RDWR])
        for bit in FLAG_BITS:
            if rng.random() < 0.3:
                flags |= bit
        return op, (name, flags, rng.choice([0o644, 0o600, 0o755]))
    if op in ("mkdir", "mkfifo"):
        return op, (name, rng.choice([0o755, 0o700, 0o777]))
    if op in ("rename", "rename-noreplace", "link"):
        return op, (name, other)
    if op == "symlink":
        # Relative targets only: an absolute one would point outside both directories.
        return op, (rng.choice(["a", "b", "c/a", "nowhere/x", "b/../a"]), name)
    if op == "chmod":
        return op, (name, rng.choice([0o644, 0o755, 0o700, 0o4755, 0o1777, 0o000, 0o500, 0o300]))
    if op == "access":
        return op, (name, rng.choice([os.F_OK, os.R_OK, os.W_OK, os.X_OK, os.R_OK | os.W_OK]))
    if op == "chown":
        # -1 keeps; the caller's own ids, and another user's (only root may give files away).
        ids = [-1, os.getuid(), 1001 if os.getuid() == 0 else 0]
        return op, (name, rng.choice(ids), rng.choice([-1, os.getgid(), 1001]), rng.random() < 0.7)
    if op == "utime":
        return op, (name, rng.choice([None, (1000000000, 1000000000)]))
    if op == "truncate":
        return op, (name, rng.choice([0, 3, 5000]))
    if op == "stat":
        return op, (name, rng.random() < 0.5)
    return op, (name,)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tested")
    parser.add_argument("reference")
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tested, reference = Side(args.tested), Side(args.reference)
    log = []
    for number in range(1, args.ops + 1):
        op, call_args = random_call(rng)
        log.append(f"{op}{call_args}")
        got, want = tested.call(op, call_args), reference.call(op, call_args)
        # The paths it names (a symlink's target is not one).
        names = [a for a in call_args[op == "symlink":] if isinstance(a, str)]
        if got == want:
            got, want = tested.state(names), reference.state(names)
        if got != want:
            print(f"posix_diff: call {number} (seed {args.seed}): {log[-1]}\n"
                  f"  tested:    {got}\n  reference: {want}\nthe calls before it:\n  "
                  + "\n  ".join(log[-25:-1]), file=sys.stderr)
            return 1
    print(f"posix_diff: {args.ops} calls, seed {args.seed}: all results agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
