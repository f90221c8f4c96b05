#!/usr/bin/env python3
"""Drivers, side by side in one run (docs/performance.md, issue 7):

- restart time: `driver-restart ata /scheme/disk.ata/0 N` inside the system (kill the disk
  driver with SIGSEGV, time until a read of the disk succeeds again) in redox-sim and on QEMU;
  the Linux counterpart is starting a process that opens the same image and reads a sector
  (`dd if=IMAGE bs=512 count=1`), which is the floor any restart pays;
- disk throughput through ata-driver: `dd` of the whole disk to /scheme/null and from
  /scheme/zero, in redox-sim (driver as a Linux process, port I/O as messages to the device
  model) and on QEMU (driver in ring 0, port I/O trapped by KVM or emulated by TCG), against
  `dd` of the image file on the host.

Prints a table with ratios (> 1 means faster than the counterpart). Example:
    python3 sim/bench/driver_bench.py --megabytes 64 --rounds 20
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# tests/e2e first: both folders have a test_drivers.py, and SimMachine is the e2e one's.
sys.path.insert(0, os.path.join(ROOT, "tests", "baremetal"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
SIM = os.environ.get("REDOX_SIM_BINARY", os.path.join(ROOT, "build", "sim", "redox-sim-bin"))
os.environ.setdefault("REDOX_SIM_BINARY", SIM)
KERNEL = os.environ.get("REDOX_KERNEL32", os.path.join(ROOT, "build-baremetal", "baremetal", "kernel32.elf"))
os.environ.setdefault("REDOX_KERNEL32", KERNEL)

from test_drivers import SimMachine  # noqa: E402  (tests/e2e)
import test_boot  # noqa: E402  (tests/baremetal)

BACKOFF_MS = 10
DD_RATE = re.compile(r"copied, ([\d.]+) s, ([\d.]+) ([kMG]?B)/s")
UNITS = {"B": 1e-6, "kB": 1e-3, "MB": 1.0, "GB": 1e3}


def dd_rate(output):
    """MB/s from dd's summary line (GNU format, which the Redox dd prints too)."""
    found = DD_RATE.search(output)
    if not found:
        sys.exit(f"driver_bench: no dd summary in:\n{output}")
    return float(found.group(2)) * UNITS[found.group(3)]


BENCH_CONFIG = ("command=ata-driver", "scheme=disk.ata", f"backoff_ms={BACKOFF_MS}", f"backoff_max_ms={BACKOFF_MS}",
                "max_crashes=100000")


def measure_inside(machine, megabytes, rounds):
    # Many crashes in a row: no crash limit, and a short back-off (part of the figure).
    machine.run(f"echo '{BENCH_CONFIG[0]}' > /etc/drivers/ata")
    for line in BENCH_CONFIG[1:]:
        machine.run(f"echo '{line}' >> /etc/drivers/ata")
    machine.run("driverctl restart ata", timeout=60)
    wait_running(machine)
    count = megabytes * 8  # 128 KiB blocks
    read = dd_rate(machine.run(f"dd if=/scheme/disk.ata/0 of=/scheme/null bs=128k count={count}", timeout=600))
    write = dd_rate(machine.run(f"dd if=/scheme/zero of=/scheme/disk.ata/0 bs=128k count={count} conv=notrunc",
                                timeout=600))
    restart = machine.run(f"driver-restart ata /scheme/disk.ata/0 {rounds}", timeout=600)
    found = re.search(r"median (\d+) us, min (\d+) us, max (\d+) us", restart)
    if not found:
        sys.exit(f"driver_bench: driver-restart said:\n{restart}")
    return {"read": read, "write": write, "restart_us": int(found.group(1)),
            "restart_min_us": int(found.group(2)), "restart_max_us": int(found.group(3))}


def wait_running(machine):
    deadline = time.monotonic() + 60
    while "state: running" not in machine.run("driverctl status ata"):
        if time.monotonic() > deadline:
            sys.exit("driver_bench: the ata driver did not start:\n" + machine.run("driverctl status ata"))
        time.sleep(0.3)


def run_sim(image, megabytes, rounds):
    machine = SimMachine("--ata-disk", image, "--com1", "none")
    try:
        wait_running(machine)
        return measure_inside(machine, megabytes, rounds)
    finally:
        machine.kill()


def run_qemu(image, megabytes, rounds, kvm):
    extra = ["-drive", f"if=ide,index=0,media=disk,format=raw,file={image}"]
    if kvm:
        extra += ["-enable-kvm", "-cpu", "host"]
    machine = test_boot.Machine(extra=extra)
    try:
        machine.expect(test_boot.PROMPT, timeout=120)
        wait_running(machine)
        return measure_inside(machine, megabytes, rounds)
    finally:
        machine.kill()


def run_linux(image, megabytes, rounds):
    def dd(*args):
        out = subprocess.run(["dd", *args], capture_output=True, text=True, check=True).stderr
        return dd_rate(out)
    count = megabytes * 8
    read = dd(f"if={image}", "of=/dev/null", "bs=128k", f"count={count}")
    write = dd("if=/dev/zero", f"of={image}", "bs=128k", f"count={count}", "conv=notrunc,fdatasync")
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(["dd", f"if={image}", "of=/dev/null", "bs=512", "count=1"], capture_output=True, check=True)
        samples.append((time.perf_counter() - started) * 1e6)
    return {"read": read, "write": write, "restart_us": statistics.median(samples)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=64, help="disk size and bytes moved (default 64)")
    parser.add_argument("--rounds", type=int, default=20, help="driver restarts to time (default 20)")
    parser.add_argument("--no-qemu", action="store_true", help="skip the QEMU column")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="driver-bench-")
    try:
        image = os.path.join(work, "ata.img")
        with open(image, "wb") as f:
            f.truncate(args.megabytes << 20)
        results = {"linux": run_linux(image, args.megabytes, args.rounds),
                   "sim": run_sim(image, args.megabytes, args.rounds)}
        qemu = shutil.which("qemu-system-x86_64")
        if not args.no_qemu and qemu and os.path.exists(KERNEL):
            kvm = os.access("/dev/kvm", os.R_OK | os.W_OK)
            results["qemu"] = run_qemu(image, args.megabytes, args.rounds, kvm)
            results["qemu"]["kvm"] = kvm
    finally:
        shutil.rmtree(work, ignore_errors=True)
    linux = results["linux"]
    print(f"{'benchmark':44} {'redox-sim':>12} {'QEMU':>12} {'Linux':>12} {'sim/Linux':>10} {'QEMU/Linux':>10}")
    rows = [("disk read through ata-driver (MB/s)", "read", False),
            ("disk write through ata-driver (MB/s)", "write", False),
            ("driver restart, crash to serving (median us)", "restart_us", True)]
    for label, key, lower_is_better in rows:
        sim = results["sim"][key]
        q = results.get("qemu", {}).get(key)
        ratio = (lambda v: linux[key] / v if lower_is_better else v / linux[key])
        print(f"{label:44} {sim:12.1f} {q if q is not None else float('nan'):12.1f} {linux[key]:12.1f} "
              f"{ratio(sim):9.3f}x {ratio(q) if q else float('nan'):9.3f}x")
    if "qemu" in results:
        print(f"(restart includes driverd's back-off of {BACKOFF_MS} ms; "
              f"QEMU {'with KVM' if results['qemu']['kvm'] else 'in software emulation (TCG)'}; "
              f"restart min/max: sim {results['sim']['restart_min_us']}/{results['sim']['restart_max_us']} us, "
              f"QEMU {results['qemu']['restart_min_us']}/{results['qemu']['restart_max_us']} us)")


if __name__ == "__main__":
    main()
