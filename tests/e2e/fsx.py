#!/usr/bin/env python3
"""A file-system exerciser after fsx (from BSD and xfstests, not packaged for Debian 12): random
writes, reads, truncates and shared-mapping reads and writes on one file, each checked against
an in-memory model of what the file must hold. The file is reopened now and then with another
mix of access modes (a read-write descriptor, or separate read-only and write-only ones), and
some reads go through a fresh descriptor, so cached and uncached paths and their coherence are
all exercised.

    fsx.py DIRECTORY [--ops N] [--seed S] [--max-size BYTES]

Exits 0 when every check passed; otherwise prints the first difference and the operations
that led to it, and exits 1."""
import argparse
import mmap
import os
import random
import sys


class Mismatch(Exception):
    pass


class Exerciser:
    def __init__(self, path, seed, max_size):
        self.path = path
        self.random = random.Random(seed)
        self.max_size = max_size
        self.model = bytearray()
        self.log = []
        self.reader = self.writer = None
        self.fds = []
        with open(path, "wb"):
            pass
        self.reopen()

    def note(self, text):
        self.log.append(text)
        del self.log[:-40]

    def reopen(self):
        for fd in self.fds:
            os.close(fd)
        # One read-write descriptor (mappable), or a write-only one next to a read-only one.
        if self.random.random() < 0.5:
            fd = os.open(self.path, os.O_RDWR)
            self.fds = [fd]
            self.reader = self.writer = fd
            self.note("reopen O_RDWR")
        else:
            order = self.random.random() < 0.5  # which one opens first matters to the bridge
            first = os.open(self.path, os.O_WRONLY if order else os.O_RDONLY)
            second = os.open(self.path, os.O_RDONLY if order else os.O_WRONLY)
            self.writer, self.reader = (first, second) if order else (second, first)
            self.fds = [first, second]
            self.note(f"reopen O_WRONLY + O_RDONLY ({'writer' if order else 'reader'} first)")

    def check(self, what, got, offset):
        want = bytes(self.model[offset:offset + len(got)])
        if got != want:
            at = next(i for i in range(len(got)) if i >= len(want) or got[i] != want[i])
            raise Mismatch(f"{what}: byte {offset + at:#x} is {got[at]:#04x}, "
                           f"expected {want[at] if at < len(want) else 'end of file'}")

    def extent(self, limit):
        offset = self.random.randrange(limit)
        length = self.random.randrange(1, min(65536, limit - offset) + 1)
        return offset, length

    def op_write(self):
        offset, length = self.extent(self.max_size)
        data = self.random.randbytes(length)
        self.note(f"write {offset:#x} +{length:#x}")
        self.check_count("write", os.pwrite(self.writer, data, offset), length)
        if offset > len(self.model):
            self.model.extend(bytes(offset - len(self.model)))
        self.model[offset:offset + length] = data

    def op_read(self, fresh=False):
        if not self.model:
            return
        offset, length = self.extent(len(self.model))
        self.note(f"read {offset:#x} +{length:#x}{' (fresh descriptor)' if fresh else ''}")
        if fresh:
            fd = os.open(self.path, os.O_RDONLY)
            try:
                got = os.pread(fd, length, offset)
            finally:
                os.close(fd)
        else:
            got = os.pread(self.reader, length, offset)
        self.check_count("read", len(got), min(length, len(self.model) - offset))
        self.check("read", got, offset)

    def op_truncate(self):
        size = self.random.randrange(self.max_size)
        self.note(f"truncate {size:#x}")
        os.ftruncate(self.writer, size)
        if size < len(self.model):
            del self.model[size:]
        else:
            self.model.extend(bytes(size - len(self.model)))

    def op_mapread(self):
        if not self.model or len(self.fds) != 1:
            return  # mappings need a readable descriptor the writes go through too
        offset, length = self.extent(len(self.model))
        self.note(f"mapread {offset:#x} +{length:#x}")
        with mmap.mmap(self.reader, len(self.model), prot=mmap.PROT_READ) as mapping:
            self.check("mapread", bytes(mapping[offset:offset + length]), offset)

    def op_mapwrite(self):
        if len(self.fds) != 1:
            return
        offset, length = self.extent(self.max_size)
        end = offset + length
        self.note(f"mapwrite {offset:#x} +{length:#x}")
        if end > len(self.model):  # a mapping can not grow the file: truncate up first
            os.ftruncate(self.writer, end)
            self.model.extend(bytes(end - len(self.model)))
        data = self.random.randbytes(length)
        with mmap.mmap(self.writer, len(self.model)) as mapping:
            mapping[offset:end] = data
            mapping.flush()
        self.model[offset:end] = data

    def op_size(self):
        size = os.fstat(self.reader).st_size
        self.note(f"fstat size {size:#x}")
        self.check_count("fstat size", size, len(self.model))

    def check_count(self, what, got, want):
        if got != want:
            raise Mismatch(f"{what}: {got:#x}, expected {want:#x}")

    def run(self, ops):
        actions = [(self.op_write, 30), (self.op_read, 25), (lambda: self.op_read(fresh=True), 5),
                   (self.op_truncate, 6), (self.op_mapread, 10), (self.op_mapwrite, 10),
                   (self.op_size, 8), (self.reopen, 4), (lambda: os.fsync(self.writer), 2)]
        functions = [f for f, _ in actions]
        weights = [w for _, w in actions]
        for number in range(ops):
            action = self.random.choices(functions, weights)[0]
            try:
                action()
            except Mismatch as e:
                raise Mismatch(f"operation {number + 1}: {e}") from None
        self.op_size()
        with open(self.path, "rb") as f:
            self.check("final contents", f.read(), 0)

    def close(self):
        for fd in self.fds:
            os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--ops", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-size", type=int, default=256 * 1024)
    args = parser.parse_args()
    path = os.path.join(args.directory, f"fsx-{args.seed}")
    exerciser = Exerciser(path, args.seed, args.max_size)
    try:
        exerciser.run(args.ops)
    except Mismatch as e:
        print(f"fsx: {path}: {e}\nlast operations:\n  " + "\n  ".join(exerciser.log), file=sys.stderr)
        return 1
    finally:
        exerciser.close()
    os.unlink(path)
    print(f"fsx: {args.ops} operations, seed {args.seed}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
