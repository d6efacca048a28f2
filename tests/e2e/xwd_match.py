#!/usr/bin/env python3
"""xwd_match.py WINDOW.xwd SCREEN.png [MAX_W MAX_H]

Compares an X window capture (xwd -id WIN, ZPixmap, 32 bits per pixel)
with a Cinder screendump, with the standard library only.  The window must
be the same size as the PNG, and the pixels must match, except that the
pixels that differ may all lie in one box of at most MAX_W x MAX_H (default
0 x 0: none may differ).  A text-mode screen's blinking cursor is such a box
(one character cell), since the capture and the screendump are taken at
different moments.  Prints what it found; exit status 0 on a match.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_check  # noqa: E402


def load_xwd(path):
    with open(path, "rb") as f:
        data = f.read()
    hdr = struct.unpack(">25I", data[:100])
    (header_size, version, fmt, depth, width, height, _xoff, byte_order, _unit, _bit_order,
     _pad, bpp, bytes_per_line, _vclass, red_mask, green_mask, blue_mask, _bits_per_rgb,
     _cmap_entries, ncolors) = hdr[:20]
    if version != 7 or fmt != 2 or bpp != 32:
        raise ValueError("unsupported xwd (version %d format %d bpp %d)" % (version, fmt, bpp))
    base = header_size + ncolors * 12
    order = "<" if byte_order == 0 else ">"

    def shift(mask):
        s = 0
        while mask and not (mask >> s) & 1:
            s += 1
        return s

    rs, gs, bs = shift(red_mask), shift(green_mask), shift(blue_mask)
    rows = []
    for y in range(height):
        line = data[base + y * bytes_per_line:base + y * bytes_per_line + width * 4]
        if len(line) != width * 4:
            raise ValueError("truncated xwd image")
        out = bytearray()
        for (p,) in struct.iter_unpack(order + "I", line):
            out += bytes(((p & red_mask) >> rs, (p & green_mask) >> gs, (p & blue_mask) >> bs))
        rows.append(bytes(out))
    return width, height, rows


def main():
    max_w = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    max_h = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    try:
        xw, xh, xrows = load_xwd(sys.argv[1])
        pw, ph, raw = png_check.load(sys.argv[2])
    except (OSError, ValueError, struct.error) as e:
        print("xwd_match: %s" % e, file=sys.stderr)
        return 1
    if (xw, xh) != (pw, ph):
        print("xwd_match: window is %dx%d, screendump %dx%d" % (xw, xh, pw, ph), file=sys.stderr)
        return 1
    row = 1 + 3 * pw
    box = None
    for y in range(ph):
        prow = raw[y * row + 1:(y + 1) * row]
        if prow == xrows[y]:
            continue
        for x in range(pw):
            if prow[x * 3:x * 3 + 3] != xrows[y][x * 3:x * 3 + 3]:
                if box is None:
                    box = [x, y, x, y]
                else:
                    box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
    if box is None:
        print("xwd_match: %dx%d, identical" % (pw, ph))
        return 0
    bw, bh = box[2] - box[0] + 1, box[3] - box[1] + 1
    print("xwd_match: %dx%d, differences within %dx%d at %d,%d" % (pw, ph, bw, bh, box[0], box[1]))
    return 0 if bw <= max_w and bh <= max_h else 1


if __name__ == "__main__":
    sys.exit(main())
