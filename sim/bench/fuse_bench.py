#!/usr/bin/env python3
"""The FUSE bridge against libfuse's own passthrough_ll example, side by side in one run.

Both file systems are mounted at the same time on fresh directories: passthrough_ll (built here
from Debian's libfuse3-dev examples, /usr/share/doc/libfuse3-dev/examples/passthrough_ll.c)
serving a directory on a tmpfs, and redox-sim --memory --mount serving its in-memory `file`
scheme (or --image IMAGE on the same tmpfs with --redoxfs). Each workload runs on one, then on
the other, alternating over --rounds rounds; the best round of each counts. Prints a table with
the ratios (bridge / passthrough for throughput, passthrough / bridge for times, so > 1 means
the bridge is faster) and the targets of issue 4; --json prints the numbers as JSON.

Run as root (it mounts a tmpfs; without root it uses /dev/shm). Example:
    python3 sim/bench/fuse_bench.py --size 1024 --rounds 3
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM = os.environ.get("REDOX_SIM_BINARY", os.path.join(ROOT, "build", "sim", "redox-sim-bin"))
EXAMPLE = "/usr/share/doc/libfuse3-dev/examples/passthrough_ll.c"
MiB = 1 << 20


def build_passthrough(workdir):
    source = EXAMPLE if os.path.exists(EXAMPLE) else EXAMPLE + ".gz"
    if not os.path.exists(source):
        sys.exit(f"fuse_bench: {EXAMPLE} is missing (apt-get install libfuse3-dev)")
    if source.endswith(".gz"):
        subprocess.run(f"gunzip -c {source} > {workdir}/passthrough_ll.c", shell=True, check=True)
        source = os.path.join(workdir, "passthrough_ll.c")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "fuse3"], capture_output=True, text=True,
                           check=True).stdout.split()
    binary = os.path.join(workdir, "passthrough_ll")
    subprocess.run(["cc", "-O2", "-o", binary, source, *flags], check=True)
    return binary


def wait_mounted(path, process, probe=None, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"fuse_bench: the file system for {path} exited with {process.returncode}")
        if os.path.ismount(path) and (probe is None or os.path.exists(os.path.join(path, probe))):
            return
        time.sleep(0.05)
    sys.exit(f"fuse_bench: {path} was not mounted in {timeout}s")


def unmount(path):
    if os.path.ismount(path):
        if subprocess.run(["fusermount3", "-u", path], capture_output=True).returncode != 0:
            subprocess.run(["fusermount3", "-u", "-z", path], capture_output=True)


def drop_caches():
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    except OSError:
        pass  # not root: reads may come from the page cache on both sides alike


def seq_write(directory, size_mib):
    buffer = os.urandom(MiB)
    path = os.path.join(directory, "big")
    start = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for _ in range(size_mib):
        os.write(fd, buffer)
    os.fsync(fd)
    os.close(fd)
    return size_mib * MiB / (time.perf_counter() - start)


def seq_read(directory, size_mib):
    path = os.path.join(directory, "big")
    drop_caches()
    start = time.perf_counter()
    fd = os.open(path, os.O_RDONLY)
    total = 0
    while True:
        chunk = os.read(fd, MiB)
        if not chunk:
            break
        total += len(chunk)
    os.close(fd)
    elapsed = time.perf_counter() - start
    if total != size_mib * MiB:
        sys.exit(f"fuse_bench: read {total} bytes from {path}, wrote {size_mib * MiB}")
    return total / elapsed


def stat_latency(directory, count=20000):
    path = os.path.join(directory, "small")
    with open(path, "w") as f:
        f.write("x")
    os.stat(path)
    start = time.perf_counter()
    for _ in range(count):
        os.stat(path)
    return (time.perf_counter() - start) / count


def open_close_latency(directory, count=10000):
    path = os.path.join(directory, "small")
    start = time.perf_counter()
    for _ in range(count):
        os.close(os.open(path, os.O_RDONLY))
    return (time.perf_counter() - start) / count


def make_archive(workdir, files):
    """A tar of `files` small files in 100 directories (like a source tree)."""
    archive = os.path.join(workdir, f"tree{files}.tar")
    if os.path.exists(archive):
        return archive
    with tarfile.open(archive, "w") as tar:
        for d in range(100):
            info = tarfile.TarInfo(f"tree/d{d:03d}")
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)
        for i in range(files):
            data = (f"file {i}\n" * (1 + i % 50)).encode()
            info = tarfile.TarInfo(f"tree/d{i % 100:03d}/f{i:05d}.txt")
            info.size = len(data)
            info.mode = 0o644
            import io
            tar.addfile(info, io.BytesIO(data))
    return archive


def tar_extract(directory, archive):
    target = os.path.join(directory, "untar")
    if os.path.exists(target):
        subprocess.run(["rm", "-rf", target], check=True)
    os.mkdir(target)
    start = time.perf_counter()
    subprocess.run(["tar", "-C", target, "-xf", archive], check=True)
    elapsed = time.perf_counter() - start
    subprocess.run(["rm", "-rf", target], check=True)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="MiB for the sequential read and write (1024)")
    parser.add_argument("--files", type=int, default=10000, help="small files in the tar (10000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload; the best counts (3)")
    parser.add_argument("--redoxfs", action="store_true", help="the bridge serves a RedoxFS image on the tmpfs")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--only", metavar="WORD", help="run only the workloads whose name contains WORD")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="fuse-bench-")
    tmpfs = os.path.join(work, "tmpfs")
    os.mkdir(tmpfs)
    own_tmpfs = os.geteuid() == 0 and subprocess.run(
        # Room for passthrough's file and the image, which holds two copies of the file while
        # a rewrite waits for its commit (copy-on-write).
        ["mount", "-t", "tmpfs", "-o", f"size={4 * args.size + 1024}m", "tmpfs", tmpfs]).returncode == 0
    if not own_tmpfs:
        tmpfs = tempfile.mkdtemp(prefix="fuse-bench-", dir="/dev/shm")
    processes = []
    mounts = []
    try:
        binary = build_passthrough(work)
        source = os.path.join(tmpfs, "passthrough")
        os.mkdir(source)
        pt_mount = os.path.join(work, "passthrough-mnt")
        os.mkdir(pt_mount)
        pt = subprocess.Popen([binary, "-f", "-o", f"source={source}", pt_mount],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(pt)
        mounts.append(pt_mount)
        wait_mounted(pt_mount, pt)

        redox_mount = os.path.join(work, "redox-mnt")
        os.mkdir(redox_mount)
        storage = ["--memory"]
        if args.redoxfs:
            storage = ["--image", os.path.join(tmpfs, "redox.img"), "--image-size", f"{2 * args.size + 256}M"]
        sim = subprocess.Popen([SIM, *storage, "--mount", redox_mount, "--run", "sleep 100000"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(sim)
        mounts.append(redox_mount)
        wait_mounted(redox_mount, sim, probe="tmp")
        sides = {"passthrough_ll": pt_mount, "bridge": os.path.join(redox_mount, "tmp", "bench")}
        os.mkdir(sides["bridge"])

        archive = make_archive(work, args.files)
        workloads = [
            ("seq write 1 MiB buffers", "MB/s", lambda d: seq_write(d, args.size) / 1e6, True, 1.0),
            ("seq read 1 MiB buffers", "MB/s", lambda d: seq_read(d, args.size) / 1e6, True, 1.0),
            # Targets are on the ratio: time <= 1.2x the passthrough's is a ratio >= 1/1.2.
            ("stat (cached name)", "us", lambda d: stat_latency(d) * 1e6, False, 1 / 1.2),
            ("open + close", "us", lambda d: open_close_latency(d) * 1e6, False, 1 / 1.2),
            (f"tar x of {args.files} small files", "s", lambda d: tar_extract(d, archive), False, 0.8),
        ]
        if args.only:
            workloads = [w for w in workloads if args.only in w[0]]
        results = []
        for name, unit, run, higher_is_better, target in workloads:
            best = {}
            for _ in range(args.rounds):
                for side, directory in sides.items():
                    value = run(directory)
                    if side not in best or (value > best[side] if higher_is_better else value < best[side]):
                        best[side] = value
            if higher_is_better:
                ratio = best["bridge"] / best["passthrough_ll"]
            else:
                ratio = best["passthrough_ll"] / best["bridge"]
            results.append({"workload": name, "unit": unit, "bridge": best["bridge"],
                            "passthrough_ll": best["passthrough_ll"], "ratio": ratio,
                            "target": target})
            if os.path.exists(os.path.join(sides["bridge"], "big")) and name.startswith("seq read"):
                for directory in sides.values():
                    os.unlink(os.path.join(directory, "big"))
        if args.json:
            print(json.dumps({"size_mib": args.size, "files": args.files, "rounds": args.rounds,
                              "bridge_storage": "redoxfs" if args.redoxfs else "memory", "results": results},
                             indent=2))
        else:
            storage_name = "RedoxFS image on tmpfs" if args.redoxfs else "memfs"
            print(f"FUSE bridge ({storage_name}) vs passthrough_ll over tmpfs; {args.size} MiB, "
                  f"{args.files} files, best of {args.rounds}")
            print(f"{'workload':<32} {'bridge':>12} {'passthrough':>12}  ratio  target")
            for r in results:
                print(f"{r['workload']:<32} {r['bridge']:>9.1f} {r['unit']:<2} {r['passthrough_ll']:>9.1f} "
                      f"{r['unit']:<2} {r['ratio']:>5.2f}x  >= {r['target']:.2f}x")
            print("ratio: bridge throughput / passthrough's, or passthrough's time / bridge's (> 1: bridge faster)")
    finally:
        for path in mounts:
            unmount(path)
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for path in mounts:
            unmount(path)
        if own_tmpfs:
            subprocess.run(["umount", tmpfs])
        else:
            shutil.rmtree(tmpfs, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
