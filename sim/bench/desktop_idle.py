#!/usr/bin/env python3
"""CPU use of an idle Orbital desktop: boots redox-sim with its SDL2 window on a virtual X
server (Xvfb), waits for the desktop to settle (terminal, taskbar and its clock), then
measures the simulator's CPU time over a quiet period from /proc/PID/stat. The same
measurement of an idle `sleep` process in the same run is the floor.
Usage: sim/bench/desktop_idle.py [--seconds N]  (after a build)"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM = os.path.join(ROOT, "build", "sim", "redox-sim-bin")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(pid, seconds):
    before, start = cpu_seconds(pid), time.time()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.time() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    display = ":%d" % (150 + os.getpid() % 40)
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, DISPLAY=display)
    time.sleep(1)
    sim = subprocess.Popen([SIM, "--memory", "--no-mount"], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    idle = subprocess.Popen(["sleep", str(args.seconds + 30)])
    try:
        time.sleep(5)  # boot, open the terminal, draw the desktop
        if sim.poll() is not None:
            sys.exit("desktop-idle: redox-sim exited early")
        desktop = measure(sim.pid, args.seconds)
        floor = measure(idle.pid, 1)
        print(f"idle desktop (redox-sim, all threads): {100 * desktop:.2f}% of one CPU over {args.seconds:.0f} s")
        print(f"an idle `sleep` process (floor):        {100 * floor:.2f}% of one CPU")
    finally:
        for p in (sim, idle, xvfb):
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
