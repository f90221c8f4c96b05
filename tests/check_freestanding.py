#!/usr/bin/env python3
"""Checks the freestanding build of kernel_core: every symbol it needs must be defined inside
it, be part of the HAL contract (namespace hal), or be one of the few functions a
freestanding kernel provides itself (operator new/delete, memcpy & co)."""
import subprocess
import sys

ALLOWED = {
    "memcpy", "memmove", "memset", "memcmp", "strlen", "strcmp", "strchr",
    "_Znwm", "_Znam", "_ZdlPv", "_ZdlPvm", "_ZdaPv", "_ZdaPvm",  # operator new / delete
    "__cxa_pure_virtual",
    "kernel::on_timer",  # defined by the core, called by the HAL
    "kernel::handle_syscall",
}


def symbols(archive, flag):
    out = subprocess.run(["nm", "--format=posix", flag, archive], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.endswith(":"):
            names.add(parts[0])
    return names


def main():
    archive = sys.argv[1]
    undefined = symbols(archive, "--undefined-only")
    defined = symbols(archive, "--defined-only")
    missing = sorted(undefined - defined)
    demangled = subprocess.run(["c++filt"], input="\n".join(missing), capture_output=True, text=True).stdout.split("\n")
    bad = []
    hal = 0
    for mangled, name in zip(missing, demangled):
        if name.startswith("hal::"):
            hal += 1
        elif mangled not in ALLOWED and name not in ALLOWED:
            bad.append(name)
    print(f"freestanding kernel_core: {len(defined)} symbols defined, {hal} HAL functions required")
    if bad:
        print("needs symbols a bare-metal kernel does not have:")
        for name in bad:
            print("  " + name)
        print("0 passed, 1 failed")
        return 1
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
