"""Screenshots of an X display without extra Python packages: `xwd -root` captures it, this
module parses the XWD dump into RGB pixels and can write a PNG (zlib + struct)."""
import struct
import subprocess
import zlib


class Screen:
    def __init__(self, width, height, rgb):
        self.width, self.height, self.rgb = width, height, rgb  # rgb: bytes, 3 per pixel

    def pixel(self, x, y):
        i = 3 * (y * self.width + x)
        return tuple(self.rgb[i:i + 3])

    def count(self, color, box=None, tolerance=0):
        """Pixels of `color` (r, g, b) within box (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = box or (0, 0, self.width, self.height)
        n = 0
        for y in range(y0, y1):
            row = 3 * y * self.width
            for x in range(x0, x1):
                i = row + 3 * x
                if all(abs(self.rgb[i + k] - color[k]) <= tolerance for k in range(3)):
                    n += 1
        return n

    def crop(self, box):
        x0, y0, x1, y1 = box
        rows = [self.rgb[3 * (y * self.width + x0):3 * (y * self.width + x1)] for y in range(y0, y1)]
        return Screen(x1 - x0, y1 - y0, b"".join(rows))

    def write_png(self, path):
        raw = b"".join(b"\0" + self.rgb[3 * y * self.width:3 * (y + 1) * self.width] for y in range(self.height))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n")
            f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)))
            f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
            f.write(chunk(b"IEND", b""))


def capture(display, window="root"):
    """Captures the display (24/32-bit TrueColor, as Xvfb -screen 0 WxHx24 gives)."""
    args = ["xwd", "-silent", "-display", display] + (["-root"] if window == "root" else ["-id", str(window)])
    data = subprocess.run(args, capture_output=True, check=True, timeout=30).stdout
    header_size, _version, _format, depth, width, height = struct.unpack(">6I", data[:24])
    bits_per_pixel, bytes_per_line = struct.unpack(">2I", data[44:52])
    byte_order = struct.unpack(">I", data[28:32])[0]
    ncolors = struct.unpack(">I", data[76:80])[0]
    if bits_per_pixel not in (24, 32):
        raise ValueError(f"unsupported xwd pixel size {bits_per_pixel}")
    step = bits_per_pixel // 8
    offset = header_size + 12 * ncolors
    rgb = bytearray(3 * width * height)
    # LSBFirst pixels are B G R (X); MSBFirst are (X) R G B.
    r, g, b = (2, 1, 0) if byte_order == 0 else (step - 3, step - 2, step - 1)
    for y in range(height):
        line = data[offset + y * bytes_per_line: offset + y * bytes_per_line + step * width]
        out = 3 * y * width
        rgb[out:out + 3 * width:3] = line[r::step]
        rgb[out + 1:out + 3 * width:3] = line[g::step]
        rgb[out + 2:out + 3 * width:3] = line[b::step]
    return Screen(width, height, bytes(rgb))
