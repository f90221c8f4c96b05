#!/usr/bin/env python3
"""Boots baremetal/arch-selftest in QEMU (software emulation) several times and checks the
machine layer: the clean run (banner, memory map, constructors, timer, SSE across interrupts,
serial echo, power_off(0) -> QEMU status 1) and the exception panics (-append fault=...
-> readable panic on serial, QEMU status 99 = (0x31 << 1) | 1).

With an ISO (the same kernel behind GRUB), also checks the Multiboot 2 path.

usage: arch_selftest.py QEMU ARCH_SELFTEST32_ELF [ARCH_SELFTEST_ISO]"""
import re
import subprocess
import sys
import threading

CLEAN_EXIT = 1   # power_off(0)
PANIC_EXIT = 99  # power_off(0x31)


def boot(qemu, kernel, append="", typed=b"", iso=None):
    """Boots the kernel; `typed` is sent on the serial line once the kernel prints "echo: "
    (so it arrives through the receive interrupt). Returns (exit status or None, output)."""
    media = ["-cdrom", iso, "-boot", "d"] if iso else ["-kernel", kernel]
    command = [qemu] + media + ["-serial", "stdio", "-display", "none", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "256M", "-monitor", "none"]
    if append:
        command += ["-append", append]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = bytearray()

    def reader():
        sent = False
        while True:
            chunk = process.stdout.read1(4096)
            if not chunk:
                break
            output.extend(chunk)
            if not sent and b"echo: " in output:
                sent = True
                try:
                    process.stdin.write(typed or b"\n")
                    process.stdin.flush()
                except OSError:
                    pass

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        status = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        status = None
    thread.join(timeout=5)
    return status, output.decode(errors="replace")


def main():
    qemu, kernel = sys.argv[1], sys.argv[2]
    cases = [
        ("clean", "", b"ping\n", CLEAN_EXIT,
         ["arch-selftest: 64-bit kernel_main reached", "constructors: ok", "multiboot 1", "usable memory",
          "cpu tables loaded", "SSE state intact", "echo: ping", re.compile(r"echo: 5 bytes, [1-9][0-9]* serial interrupts"),
          "arch-selftest: passed"]),
        ("divide", "verbose fault=div", b"", PANIC_EXIT, ["command line \"verbose fault=div\"", "#DE Divide Error", "rip=", "backtrace", "#1 0x"]),
        ("null", "fault=null", b"", PANIC_EXIT, ["#PF Page Fault", "page fault at address 0x0000000000000008",
                                                 "page not present, write", "null pointer"]),
        ("invalid-opcode", "fault=ud", b"", PANIC_EXIT, ["#UD Invalid Opcode"]),
        ("general-protection", "fault=gp", b"", PANIC_EXIT, ["#GP General Protection Fault", "segment selector index 0x0040"]),
        ("breakpoint", "fault=bp", b"", PANIC_EXIT, ["#BP Breakpoint"]),
        ("double-fault", "fault=df", b"", PANIC_EXIT, ["#DF Double Fault"]),
    ]
    iso = sys.argv[3] if len(sys.argv) > 3 else None
    if iso:
        cases.append(("grub-multiboot2", "", b"pong\n", CLEAN_EXIT,
                      ["magic 0x36d76289", "multiboot 2", "usable memory", "echo: pong", "arch-selftest: passed"]))
    failed = 0
    for name, append, typed, expected_status, expected_text in cases:
        status, output = boot(qemu, kernel, append, typed, iso if name == "grub-multiboot2" else None)
        problems = []
        if status != expected_status:
            problems.append(f"QEMU exit status {status}, expected {expected_status}")
        for text in expected_text:
            found = text.search(output) if isinstance(text, re.Pattern) else text in output
            if not found:
                problems.append(f"missing in serial output: {getattr(text, 'pattern', text)!r}")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
            print("---- serial output ----\n" + output + "\n-----------------------")
        else:
            print(f"ok   {name}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
