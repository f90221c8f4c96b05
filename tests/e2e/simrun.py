"""Drives redox-sim the way a user does: `redox-sim --run CMD` boots headless, runs CMD in
the Redox shell, prints its output and exits with CMD's status."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("REDOX_SIM_BINARY", os.path.join(ROOT, "build", "sim", "redox-sim-bin"))


def mount_args(args):
    """The tests leave the host's /mnt/redox and the user's disk image alone: no FUSE mount
    unless a test asks for one, and files in memory unless a test gives an --image."""
    args = list(args)
    if "--mount" not in args and "--no-mount" not in args:
        args.insert(0, "--no-mount")
    if "--image" not in args and "--memory" not in args:
        args.insert(0, "--memory")
    return args


def run(command, timeout=60, input=None, extra_args=()):
    """Runs COMMAND inside the simulator; returns CompletedProcess (stdout/stderr as text)."""
    return subprocess.run(
        [BINARY, *mount_args(extra_args), "--run", command],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
    )
