"""Draws the fictional Älvnäs kommun's logo (a sun over a river) as logotyp.png.

Plain Python (zlib + struct), so the file is the same byte for byte on every run:
    python examples/alvnas/profil/make_logo.py
"""

import math
import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT = 240, 96
GREEN, SUN, BLUE = (46, 107, 63), (230, 170, 40), (60, 120, 170)


def pixel(x: int, y: int) -> tuple[int, int, int, int]:
    """The colour at one point: the river's two waves, the sun above them, else transparent."""
    for offset, colour in ((62, BLUE), (74, GREEN)):
        wave = offset + 6 * math.sin(x / 22)
        if wave <= y < wave + 9:
            return (*colour, 255)
    if (x - 120) ** 2 + (y - 34) ** 2 <= 22 ** 2:
        return (*SUN, 255)
    return (255, 255, 255, 0)


def png(width: int, height: int) -> bytes:
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    Path(__file__).with_name("logotyp.png").write_bytes(png(WIDTH, HEIGHT))
