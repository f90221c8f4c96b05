"""Drives redox-sim the way a user does: `redox-sim --run CMD` boots headless, runs CMD in
the Redox shell, prints its output and exits with CMD's status."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("REDOX_SIM_BINARY", os.path.join(ROOT, "build", "sim", "redox-sim-bin"))


def run(command, timeout=60, input=None, extra_args=()):
    """Runs COMMAND inside the simulator; returns CompletedProcess (stdout/stderr as text)."""
    return subprocess.run(
        [BINARY, *extra_args, "--run", command],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
    )
