#!/usr/bin/env python3
"""Bare-metal benchmark rows, side by side with the simulator in one run:
- time from QEMU start to the shell prompt on the serial console (software emulation, and
  KVM when /dev/kvm is usable), median of several boots;
- `sysbench` (invalid syscall, 1-byte null read, userspace-scheme round trip) run inside the
  bare-metal kernel and inside redox-sim.
Usage: scripts/bench-baremetal.py [--boots N]  (after ./run-tests or ./redox-sim has built)"""
import argparse
import os
import re
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, "build-baremetal", "baremetal", "kernel32.elf")
SIM = os.path.join(ROOT, "build", "sim", "redox-sim-bin")
QEMU = "qemu-system-x86_64"


def qemu_command(accel, append=None):
    command = [QEMU, "-kernel", KERNEL, "-serial", "stdio", "-display", "none", "-monitor", "none", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "256M"]
    if accel == "kvm":
        command += ["-enable-kvm", "-cpu", "host"]
    if append:
        command += ["-append", append]
    return command


def boot_to_prompt(accel):
    start = time.monotonic()
    process = subprocess.Popen(qemu_command(accel), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    seen = b""
    try:
        while b"root@redox:/# " not in seen:
            chunk = process.stdout.read1(4096)
            if not chunk:
                raise RuntimeError("QEMU exited before the prompt:\n" + seen.decode(errors="replace"))
            seen += chunk
        return time.monotonic() - start
    finally:
        process.kill()
        process.wait()


def sysbench(command):
    output = subprocess.run(command, capture_output=True, text=True, timeout=300).stdout
    return {m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"^(.+?)\s+([0-9.]+) ns/op", output, re.M)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boots", type=int, default=5)
    args = parser.parse_args()
    accels = ["tcg"] + (["kvm"] if os.access("/dev/kvm", os.R_OK | os.W_OK) else [])
    print(f"{'row':44} {'value':>12}")
    for accel in accels:
        times = [boot_to_prompt(accel) for _ in range(args.boots)]
        label = "software emulation (TCG)" if accel == "tcg" else "KVM"
        print(f"{'QEMU start to shell prompt, ' + label:44} {statistics.median(times) * 1000:9.0f} ms")
    if "kvm" not in accels:
        print(f"{'QEMU start to shell prompt, KVM':44} {'n/a (no /dev/kvm)':>12}")
    metal = sysbench(qemu_command(accels[-1], "run=sysbench"))
    sim = sysbench([SIM, "--memory", "--run", "sysbench"])
    print()
    print(f"{'sysbench row':32} {'bare metal (' + accels[-1] + ')':>20} {'redox-sim':>12} {'ratio':>8}")
    for name in metal:
        print(f"{name:32} {metal[name]:17.1f} ns {sim.get(name, 0):9.1f} ns {metal[name] / sim[name]:7.1f}x")


if __name__ == "__main__":
    main()
