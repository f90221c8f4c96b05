#!/usr/bin/env python3
"""Counts individual test cases across the suites run-tests ran and prints
'N passed, N failed'. Arguments: meson testlog.json files, then `--` and plain logs (doctest
output). Understands doctest, python unittest and 'N passed, N failed' lines. Exits 1 when
anything failed or nothing ran."""
import json
import re
import sys

PLAIN = re.compile(r"^(\d+) passed, (\d+) failed", re.M)
DOCTEST = re.compile(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")
UNITTEST_RAN = re.compile(r"^Ran (\d+) tests?", re.M)
UNITTEST_FAILED = re.compile(r"FAILED \(([^)]*)\)")


def count(text):
    passed = failed = 0
    for m in PLAIN.finditer(text):
        passed += int(m.group(1))
        failed += int(m.group(2))
    for m in DOCTEST.finditer(text):
        passed += int(m.group(2))
        failed += int(m.group(3))
    for ran in UNITTEST_RAN.finditer(text):
        total = int(ran.group(1))
        bad = 0
        tail = text[ran.end():]
        m = UNITTEST_FAILED.search(tail.split("\nRan ")[0])
        if m:
            for part in m.group(1).split(","):
                key, _, value = part.strip().partition("=")
                if key in ("failures", "errors"):
                    bad += int(value)
        passed += total - bad
        failed += bad
    return passed, failed


def main():
    passed = failed = 0
    suites_failed = 0
    arguments = sys.argv[1:]
    split = arguments.index("--") if "--" in arguments else len(arguments)
    for log in arguments[:split]:
        with open(log) as f:
            for line in f:
                entry = json.loads(line)
                p, fl = count((entry.get("stdout") or "") + (entry.get("stderr") or ""))
                if entry.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and fl == 0:
                    fl = 1  # a crashed or timed-out suite counts as a failure
                    suites_failed += 1
                passed += p
                failed += fl
    for extra in arguments[split + 1:]:
        with open(extra, errors="replace") as f:
            text = f.read()
        p, fl = count(text)
        if p + fl == 0:
            fl = 1
        passed += p
        failed += fl
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
