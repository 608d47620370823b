"""Tiny PNG images made on the fly, so the demo ships no image files."""

from __future__ import annotations

import struct
import zlib

__all__ = ["gradient_png"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def gradient_png(seed: int, width: int = 480, height: int = 270) -> bytes:
    """A diagonal two-colour gradient, different for each seed."""
    a = ((seed * 97) % 200 + 30, (seed * 57) % 200 + 30, (seed * 31) % 200 + 30)
    b = (255 - a[0] // 2, 255 - a[1] // 3, 255 - a[2] // 2)
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            t = (x / width + y / height) / 2
            rows += bytes(int(a[i] + (b[i] - a[i]) * t) for i in range(3))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + _chunk(b"IEND", b"")
    )
