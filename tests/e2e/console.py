"""Drives an interactive redox-sim on a pseudo-terminal, the way a person at a terminal does:
type a line, press Ctrl-C or Ctrl-D, read what the screen shows."""
import os
import pty
import select
import subprocess
import time

from simrun import BINARY, mount_args


class Console:
    def __init__(self, *args):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen([BINARY, *mount_args(args)], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        self.output = b""

    def read_until(self, text, timeout=10.0):
        """Reads until `text` appears in the output (after what was already consumed)."""
        needle = text.encode() if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"did not see {text!r}; screen so far:\n{self.output.decode(errors='replace')}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise EOFError(f"simulator closed the terminal; screen:\n{self.output.decode(errors='replace')}")
                self.output += chunk
        index = self.output.index(needle) + len(needle)
        seen, self.output = self.output[:index], self.output[index:]
        return seen.decode(errors="replace")

    def drain(self):
        """Reads and drops what the simulator printed so far, without waiting: a terminal
        nobody reads fills up, and then the simulator's console writes wait for it."""
        while select.select([self.master], [], [], 0)[0]:
            try:
                if not os.read(self.master, 65536):
                    return
            except OSError:
                return

    def type(self, text):
        os.write(self.master, text.encode() if isinstance(text, str) else text)

    def line(self, text):
        self.type(text + "\r")

    def wait(self, timeout=10.0):
        try:
            return self.process.wait(timeout=timeout)
        finally:
            os.close(self.master)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
