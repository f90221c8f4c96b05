"""The Orbital desktop as a user sees it: redox-sim opens its SDL2 window on a virtual X
server (Xvfb), real X input goes in through xdotool, and what the window shows is read
back with xwd. Text is found by rendering it with the desktop's own bundled font
(schemes/orbital/font_data.h) and searching the screenshot for those exact pixels."""
import ctypes
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import xscreen
from simrun import BINARY, ROOT

FONT_HEADER = os.path.join(ROOT, "schemes", "orbital", "font_data.h")
TITLE_BAR = 22  # schemes/orbital/window.h
TITLE_FOCUSED = (0x3B, 0x5B, 0x8C)  # schemes/orbital/compositor.cpp
SCREEN = (1024, 640)


def load_font():
    text = open(FONT_HEADER).read()
    first = int(re.search(r"FIRST = (\d+)", text).group(1))
    rows = re.findall(r"\{((?:\s*0x[0-9a-f]{2},?){16})\s*\}", text)
    return {chr(first + i): [int(v, 16) for v in re.findall(r"0x[0-9a-f]{2}", row)] for i, row in enumerate(rows)}


FONT = load_font()


def find_text(screen, text, threshold=140):
    """Top-left corners of every place `text` is drawn (light on dark, 8x16 cells)."""
    ink = []
    for y in range(screen.height):
        row = screen.rgb[3 * y * screen.width:3 * (y + 1) * screen.width]
        ink.append(bytes(49 if (row[i] + row[i + 1] + row[i + 2]) > 3 * threshold else 48
                         for i in range(0, len(row), 3)))
    patterns = [b"".join(format(FONT[c][r], "08b").encode() for c in text) for r in range(16)]
    # Search on a row with the most ink, then check the other 15.
    key = max(range(16), key=lambda r: patterns[r].count(b"1"))
    found = []
    for y in range(key, screen.height - 16 + key + 1):
        start = ink[y].find(patterns[key])
        while start >= 0:
            top = y - key
            if all(ink[top + r][start:start + len(patterns[r])] == patterns[r] for r in range(16)):
                found.append((start, top))
            start = ink[y].find(patterns[key], start + 1)
    return found


def free_display():
    for n in range(90, 190):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return f":{n}"
    raise RuntimeError("no free X display number")


def send_wm_delete(display, window):
    """What a window manager does when the user clicks a window's close box."""
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(display.encode())

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int), ("data", ctypes.c_long * 5), ("pad", ctypes.c_long * 12)]

    event = ClientMessage()
    event.type = 33  # ClientMessage
    event.window = window
    event.message_type = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    event.format = 32
    event.data[0] = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)


@unittest.skipUnless(shutil.which("Xvfb") and shutil.which("xdotool") and shutil.which("xwd"),
                     "needs Xvfb, xdotool and xwd (scripts/install-deps.sh)")
class Desktop(unittest.TestCase):
    def setUp(self):
        self.display = free_display()
        self.xvfb = subprocess.Popen(["Xvfb", self.display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.env = dict(os.environ, DISPLAY=self.display)
        self.env.pop("WAYLAND_DISPLAY", None)
        for _ in range(100):
            if self.xdotool("getmouselocation", check=False).returncode == 0:
                break
            time.sleep(0.1)
        self.log = tempfile.TemporaryFile()
        self.sim = subprocess.Popen([BINARY, "--memory", "--no-mount", "--screen", "%dx%d" % SCREEN],
                                    env=self.env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        found = self.xdotool("search", "--sync", "--name", "^redox-sim$", timeout=30)
        self.window = int(found.stdout.split()[0])
        self.wait_for_text("root@redox:/#")  # the terminal's shell prompt

    def tearDown(self):
        if self.sim.poll() is None:
            self.sim.kill()
        self.sim.wait(timeout=30)
        self.xvfb.terminate()
        self.xvfb.wait(timeout=30)
        self.log.close()

    def xdotool(self, *args, check=True, timeout=20):
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, check=check,
                              timeout=timeout)

    def screen(self, size=SCREEN):
        shot = xscreen.capture(self.display, self.window)
        self.assertEqual((shot.width, shot.height), size)
        return shot

    def wait_for_text(self, text, count=1, timeout=20):
        deadline = time.time() + timeout
        while True:
            places = find_text(self.screen(), text)
            if len(places) >= count:
                return places
            if time.time() > deadline:
                self.screen().write_png(os.path.join(tempfile.gettempdir(), f"desktop-{self._testMethodName}.png"))
                self.log.seek(0)
                self.fail(f"{text!r} not on the screen {count} time(s) (found {len(places)}); "
                          f"log: {self.log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.3)

    def wait_until_gone(self, text, timeout=10):
        deadline = time.time() + timeout
        while find_text(self.screen(), text):
            if time.time() > deadline:
                self.fail(f"{text!r} is still on the screen")
            time.sleep(0.3)

    def click(self, x, y):
        self.xdotool("mousemove", "--window", str(self.window), str(x), str(y), "click", "1")

    def window_titles(self, title):
        """Where `title` is drawn outside the taskbar (the bottom 40 pixels)."""
        return [p for p in find_text(self.screen(), title) if p[1] < SCREEN[1] - 40]

    def title_bar(self, title):
        """(x, y, width) of the title bar that shows `title`."""
        deadline = time.time() + 20
        while not self.window_titles(title):
            if time.time() > deadline:
                self.fail(f"no window titled {title!r}")
            time.sleep(0.3)
        return self.title_bar_at(self.window_titles(title)[0])

    def test_typed_text_shows_in_the_terminal(self):
        self.click(200, 200)
        self.xdotool("type", "--delay", "20", "N=42; echo typed-$N")
        self.xdotool("key", "Return")
        self.wait_for_text("typed-42")  # the shell's output, not just the echo of the line
        self.wait_for_text("root@redox:/#", count=2)

    def test_dragging_the_title_bar_moves_the_window(self):
        x, y, width = self.title_bar("Terminal")
        self.assertGreater(width, 100)
        grab = (x + width // 2, y + 10)  # on the bar, away from the title text
        self.xdotool("mousemove", "--window", str(self.window), str(grab[0]), str(grab[1]), "mousedown", "1")
        for step in range(1, 11):
            self.xdotool("mousemove", "--window", str(self.window), str(grab[0] + 15 * step), str(grab[1] + 8 * step))
        self.xdotool("mouseup", "1")
        deadline = time.time() + 10
        while True:
            places = self.window_titles("Terminal")
            if (x + 6 + 150, y + 3 + 80) in places:
                break
            if time.time() > deadline:
                self.screen().write_png(os.path.join(tempfile.gettempdir(), "desktop-drag.png"))
                self.fail(f"the title is at {places}, expected {(x + 156, y + 83)}")
            time.sleep(0.3)

    def test_launcher_opens_an_app_and_the_close_button_closes_it(self):
        (bx, by), = [p for p in self.wait_for_text("Clock") if p[1] > SCREEN[1] - 40]  # the taskbar button
        self.click(bx + 10, by + 8)
        x, y, width = self.title_bar("Clock")
        self.assertEqual(len(self.window_titles("Clock")), 1)
        self.click(x + width - TITLE_BAR // 2, y + TITLE_BAR // 2)
        deadline = time.time() + 10
        while self.window_titles("Clock"):
            if time.time() > deadline:
                self.fail("the Clock window did not close")
            time.sleep(0.3)
        self.assertIsNone(self.sim.poll())  # the system keeps running

    def title_bar_at(self, place):
        """(x, y, width) of the title bar whose title starts at `place`."""
        tx, ty = place  # compositor.cpp: the title sits 6 px in, centred in the 22 px bar
        shot = self.screen()
        x0, y0 = tx - 6, ty - 3
        x1 = x0
        while x1 < shot.width and max(abs(a - b) for a, b in zip(shot.pixel(x1, y0 + 1), TITLE_FOCUSED)) < 24:
            x1 += 1
        return x0, y0, x1 - x0

    def test_resizing_the_host_window_resizes_the_desktop(self):
        self.xdotool("windowsize", str(self.window), "800", "500")
        deadline = time.time() + 15
        while True:
            shot = xscreen.capture(self.display, self.window)
            buttons = [p for p in find_text(shot, "Terminal") if p[1] > 500 - 40] if shot.width == 800 else []
            if shot.height == 500 and buttons:
                break  # the taskbar was laid out again at the new bottom edge
            if time.time() > deadline:
                shot.write_png(os.path.join(tempfile.gettempdir(), "desktop-resize.png"))
                self.fail(f"screen {shot.width}x{shot.height}, taskbar buttons {buttons}")
            time.sleep(0.3)
        self.assertTrue(find_text(shot, "root@redox:/#"))  # the terminal is still there

    def test_closing_the_host_window_shuts_the_system_down(self):
        send_wm_delete(self.display, self.window)
        self.assertEqual(self.sim.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
