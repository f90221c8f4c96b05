"""Drives redox-sim the way a user does: `redox-sim --run CMD` boots headless, runs CMD in
the Redox shell, prints its output and exits with CMD's status."""
import atexit
import itertools
import os
import shutil
import subprocess
import tempfile

# Driver sockets of the simulators this test process starts (removed when it ends).
_SOCKETS = tempfile.mkdtemp(prefix="redox-sim-test-")
atexit.register(shutil.rmtree, _SOCKETS, True)
_SOCKET_NUMBERS = itertools.count()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("REDOX_SIM_BINARY", os.path.join(ROOT, "build", "sim", "redox-sim-bin"))
FSCK = os.environ.get("REDOXFS_FSCK", os.path.join(ROOT, "build", "sim", "redoxfs-fsck"))


def mount_args(args):
    """The tests leave the host's /mnt/redox, the user's disk image and display alone: no
    FUSE mount unless a test asks for one, files in memory unless a test gives an --image,
    and no desktop window unless a test asks with --gui."""
    args = list(args)
    if "--mount" not in args and "--no-mount" not in args:
        args.insert(0, "--no-mount")
    if "--image" not in args and "--memory" not in args:
        args.insert(0, "--memory")
    if "--gui" not in args and "--headless" not in args:
        args.insert(0, "--headless")  # a developer's DISPLAY must not open windows
    if "--driver-socket" not in args:
        # Not the user's $XDG_RUNTIME_DIR/redox-sim/drivers.sock, and one per simulator.
        args[0:0] = ["--driver-socket", os.path.join(_SOCKETS, f"drivers-{next(_SOCKET_NUMBERS)}.sock")]
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
