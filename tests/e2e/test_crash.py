"""Crash safety of redoxfsd (`redox-sim --image`): the simulator runs `fsync-writer`, which
acknowledges each write, append and atomic replace on stdout only after fsync returned,
and is killed with SIGKILL at a random moment. After every kill the image must pass
redoxfs-fsck, boot again, and hold every acknowledged operation of this and all earlier
iterations exactly (the one operation in flight may or may not have happened, and files it
was writing may hold a prefix of their new content).

REDOX_CRASH_ITERATIONS (default 50) sets the number of kills and REDOX_CRASH_SEED (default
20261126) the random kill points, e.g. REDOX_CRASH_ITERATIONS=2000 for a soak run."""
import functools
import hashlib
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from simrun import BINARY, FSCK, ROOT, mount_args

EXTRACT = os.environ.get("REDOXFS_EXTRACT", os.path.join(ROOT, "build", "sim", "redoxfs-extract"))
ITERATIONS = int(os.environ.get("REDOX_CRASH_ITERATIONS", "50"))
SEED = int(os.environ.get("REDOX_CRASH_SEED", "20261126"))
FILES = 120  # per iteration: about 0.3 s of work when nothing stops it
ALPHABET = b"abcdefghijklmnopqrstuvwxyz0123456789"


# The contents fsync-writer writes (apps/bench/fsync_writer.cpp has the same definitions).
def content(k, tag, size, mul, add):
    header = b"file-%d %s\n" % (k, tag)
    out = bytearray(size)
    for i in range(size):
        if i < len(header):
            out[i] = header[i]
        elif i % 64 == 63:
            out[i] = 10
        else:
            out[i] = ALPHABET[(i * mul + k * add) % 36]
    return bytes(out)


@functools.lru_cache(maxsize=None)
def v1(k):
    return content(k, b"v1", 2048 + (k * 4099) % 18432, 1, 5)


@functools.lru_cache(maxsize=None)
def tail(k):
    return content(k, b"tail", 1000 + (k * 37) % 3000, 3, 1)


@functools.lru_cache(maxsize=None)
def v2(k):
    return content(k, b"v2", 4096 + (k * 911) % 8192, 1, 11)


def schedule(n):
    """fsync-writer's operations in order, as (ack line, kind, file number)."""
    ops = []
    for k in range(n):
        ops.append(("ack %d" % k, "write", k))
        if k % 4 == 3:
            ops.append(("ack %d append" % (k - 1), "append", k - 1))
        if k % 3 == 2:
            ops.append(("ack %d replace" % (k - 2), "replace", k - 2))
    return ops


def apply(state, kind, k):
    name = "file-%d" % k
    if kind == "write":
        state[name] = v1(k)
    elif kind == "append":
        state[name] = state[name] + tail(k)
    else:
        state[name] = v2(k)


def read_tree(path):
    """{name: bytes} of the regular files directly in PATH, or None when it is missing."""
    if not os.path.isdir(path):
        return None
    tree = {}
    for name in os.listdir(path):
        with open(os.path.join(path, name), "rb") as f:
            tree[name] = f.read()
    return tree


class CrashSafety(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.image = os.path.join(self.dir.name, "disk.img")
        self.rng = random.Random(SEED)
        # Directories of earlier iterations: {name: sha256} of what survived their crash,
        # which every later crash must leave exactly as it was.
        self.survived = {}

    def tearDown(self):
        self.dir.cleanup()

    def sim(self, command):
        return [BINARY, *mount_args(["--image", self.image]), "--run", command]

    def boot(self, command):
        return subprocess.run(self.sim(command), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=60)

    def fsck(self, context):
        result = subprocess.run([FSCK, self.image], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, "redoxfs-fsck failed %s:\n%s%s" % (context, result.stdout,
                                                                                  result.stderr))

    def run_and_kill(self, directory, ops):
        """Runs fsync-writer, kills the simulator at a random point; returns (acks, killed)."""
        # Half the kills at a random time, half just after a random number of acks.
        delay = self.rng.uniform(0, 0.3)
        target = self.rng.randint(0, len(ops)) if self.rng.random() < 0.5 else None
        after_target = self.rng.uniform(0, 0.003)
        proc = subprocess.Popen(self.sim("fsync-writer %s %d" % (directory, FILES)), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        acks = []
        reached = threading.Event()

        def read_stdout():
            # Complete lines only: a line cut by the kill was not acknowledged.
            for line in proc.stdout:
                if line.endswith(b"\n"):
                    acks.append(line.decode().rstrip("\n"))
                    if target is not None and len(acks) >= target:
                        reached.set()
            reached.set()

        def drain_stderr():
            self.stderr = proc.stderr.read()

        readers = [threading.Thread(target=read_stdout), threading.Thread(target=drain_stderr)]
        for t in readers:
            t.start()
        if target is None:
            reached.wait(delay)
        else:
            reached.wait(30)
            time.sleep(after_target)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        for t in readers:
            t.join(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
        if not killed:
            self.assertEqual(proc.returncode, 0, self.stderr.decode(errors="replace"))
            self.assertEqual(len(acks), len(ops), "fsync-writer finished without acknowledging everything")
        return acks, killed and proc.returncode == -signal.SIGKILL

    def check_directory(self, iteration, tree, ops, acked, killed):
        """TREE (the extracted directory) against the acknowledged prefix of OPS."""
        where = "iteration %d (seed %d)" % (iteration, SEED)
        expected = {}
        for _, kind, k in ops[:acked]:
            apply(expected, kind, k)
        if tree is None:
            self.assertEqual(acked, 0, "%s: the directory is gone after %d acknowledged operations" % (where, acked))
            return
        in_flight = ops[acked] if killed and acked < len(ops) else None
        allowed_extra = set()
        if in_flight:
            _, kind, k = in_flight
            name = "file-%d" % k
            if kind == "write":
                allowed_extra.add(name)
                new = v1(k)
                if name in tree:
                    self.assertTrue(new.startswith(tree[name]),
                                    "%s: %s (in flight) is not a prefix of its content" % (where, name))
            elif kind == "append":
                got = tree.get(name)
                self.assertIsNotNone(got, "%s: acknowledged %s is missing" % (where, name))
                self.assertTrue(got.startswith(expected[name]) and (expected[name] + tail(k)).startswith(got),
                                "%s: %s (append in flight) lost acknowledged data or holds garbage" % (where, name))
                expected[name] = got
            else:
                temp = ".tmp-%d" % k
                allowed_extra.add(temp)
                if temp in tree:
                    self.assertTrue(v2(k).startswith(tree[temp]), "%s: %s holds garbage" % (where, temp))
                self.assertIn(tree.get(name), (expected[name], v2(k)),
                              "%s: %s (replace in flight) is neither old nor new" % (where, name))
                if tree.get(name) == v2(k):
                    self.assertNotIn(temp, tree, "%s: rename left both %s and %s" % (where, temp, name))
                expected[name] = tree[name]
        for name, data in sorted(expected.items()):
            self.assertIn(name, tree, "%s: LOST ACKNOWLEDGED WRITE: %s missing" % (where, name))
            self.assertTrue(tree[name] == data,
                            "%s: LOST ACKNOWLEDGED WRITE: %s has %d bytes, expected %d (%s)"
                            % (where, name, len(tree[name]), len(data),
                               "same length, different bytes" if len(tree[name]) == len(data) else "sizes differ"))
        extra = set(tree) - set(expected) - allowed_extra
        self.assertFalse(extra, "%s: unexpected files %s" % (where, sorted(extra)))

    def test_acknowledged_writes_survive_sigkill(self):
        started = time.monotonic()
        first = self.boot("mkdir -p /home/user")
        self.assertEqual(first.returncode, 0, first.stderr)
        ops = schedule(FILES)
        kills = 0
        acked = []
        for iteration in range(ITERATIONS):
            directory = "w%d" % iteration
            acks, killed = self.run_and_kill("/home/user/" + directory, ops)
            kills += killed
            acked.append(len(acks))
            where = "iteration %d (seed %d)" % (iteration, SEED)
            self.assertEqual(acks, [op[0] for op in ops[:len(acks)]], "%s: acks out of order" % where)
            self.fsck("after the kill in " + where)

            again = self.boot("ls /home/user")
            self.assertEqual(again.returncode, 0, "%s: boot after the kill failed: %s" % (where, again.stderr))
            self.fsck("after booting again in " + where)

            listed = again.stdout.split()
            for name in self.survived:
                self.assertIn(name, listed, "%s: the directory %s of an earlier iteration is gone" % (where, name))
            # This iteration's directory every time; all of them (extracting them grows with the
            # image) every tenth iteration and after the last one.
            full = iteration % 10 == 9 or iteration == ITERATIONS - 1
            out = os.path.join(self.dir.name, "out")
            shutil.rmtree(out, ignore_errors=True)
            tree = None
            if full or directory in listed:
                source = "/home/user" if full else "/home/user/" + directory
                target = out if full else os.path.join(out, directory)
                os.makedirs(out, exist_ok=True)
                extract = subprocess.run([EXTRACT, self.image, source, target], capture_output=True, text=True,
                                         timeout=60)
                self.assertEqual(extract.returncode, 0, extract.stdout + extract.stderr)
                tree = read_tree(os.path.join(out, directory))
            self.check_directory(iteration, tree, ops, len(acks), killed)
            if full:
                for name, digests in self.survived.items():
                    tree_now = read_tree(os.path.join(out, name)) or {}
                    now = {f: hashlib.sha256(d).hexdigest() for f, d in tree_now.items()}
                    self.assertEqual(now, digests, "%s: %s of an earlier iteration changed" % (where, name))
            if tree is not None:
                self.survived[directory] = {f: hashlib.sha256(d).hexdigest() for f, d in tree.items()}
        print("\n%d iterations, %d killed mid-run, %d to %d of %d operations acknowledged, %.1f s"
              % (ITERATIONS, kills, min(acked), max(acked), len(ops), time.monotonic() - started))


if __name__ == "__main__":
    unittest.main()
