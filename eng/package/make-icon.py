#!/usr/bin/env python3
"""Draws the package icon (icon.png, 128x128): a sealed envelope with a padlock on a rounded square.

Plain Python (zlib for the PNG), no third-party art or libraries: run it again after changing a colour or a shape.
Each pixel is sampled 4x4 times, so the edges are smooth.
Usage: python3 eng/package/make-icon.py [OUTPUT]   (default: icon.png beside this script)
"""
import os, struct, sys, zlib

SIZE = 128
BACKGROUND = (22, 78, 99)      # dark teal
PAPER = (245, 247, 250)
FOLD = (150, 170, 185)
LOCK = (242, 169, 0)           # amber
LOCK_DARK = (120, 80, 0)


def inside_rounded(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def near_segment(x, y, ax, ay, bx, by, width):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2


def colour(x, y):
    """The colour at a point (in pixels), or None outside the icon."""
    if not inside_rounded(x, y, 2, 2, 126, 126, 22):
        return None
    # the padlock, bottom right: shackle (a ring's upper half) and body
    if inside_rounded(x, y, 74, 76, 112, 108, 5):
        if (x - 93) ** 2 + (y - 88) ** 2 <= 16 or near_segment(x, y, 93, 88, 93, 98, 4):
            return LOCK_DARK
        return LOCK
    ring = ((x - 93) ** 2 + (y - 76) ** 2) ** 0.5
    if 9 <= ring <= 14 and y <= 78:
        return LOCK
    # the envelope: a card with the flap's two folds
    if inside_rounded(x, y, 18, 34, 106, 94, 6):
        if near_segment(x, y, 20, 37, 62, 68, 4) or near_segment(x, y, 104, 37, 62, 68, 4):
            return FOLD
        return PAPER
    return BACKGROUND


def render():
    rows = []
    samples = [(i + 0.5) / 4 for i in range(4)]
    for py in range(SIZE):
        row = bytearray([0])  # filter type: none
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in samples:
                for sx in samples:
                    c = colour(px + sx, py + sy)
                    if c is not None:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = len(samples) ** 2
            covered = acc[3] // 255
            row += bytes([acc[0] // covered if covered else 0, acc[1] // covered if covered else 0,
                          acc[2] // covered if covered else 0, acc[3] // n])
        rows.append(bytes(row))
    return b''.join(rows)


def png(width, height, rgba):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack('>IIBBBBB', width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(rgba, 9)) + chunk(b'IEND', b'')


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'icon.png')
    with open(out, 'wb') as f:
        f.write(png(SIZE, SIZE, render()))
    print(out)
