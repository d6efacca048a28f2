#!/usr/bin/env python3
"""png_check.py FILE [FILE2]

Checks that FILE is a PNG as Cinder writes it, with the standard library
only (struct and zlib, no PIL): the signature, every chunk's CRC-32, IHDR
first (8-bit RGB, no interlace), IDAT data that inflates to exactly one
filter byte plus 3 * width bytes per scanline for height scanlines, IEND
last.  Prints "WIDTHxHEIGHT".  With FILE2, also checks that both images
have the same size and pixels.  Exit status 0 when all holds, 1 otherwise.
"""
import struct
import sys
import zlib


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("bad signature")
    pos, chunks = 8, []
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("truncated chunk header at %d" % pos)
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise ValueError("truncated %r chunk" % ctype)
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad CRC in %r chunk" % ctype)
        chunks.append((ctype, body))
        pos += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise ValueError("IHDR must come first and IEND last")
    w, h, depth, ctype, comp, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if (depth, ctype, comp, filt, interlace) != (8, 2, 0, 0, 0):
        raise ValueError("not 8-bit RGB without interlace")
    if w == 0 or h == 0:
        raise ValueError("empty image")
    raw = zlib.decompress(b"".join(b for t, b in chunks if t == b"IDAT"))
    row = 1 + 3 * w
    if len(raw) != row * h:
        raise ValueError("%d bytes of scanlines, want %d (%d lines)" % (len(raw), row * h, h))
    for y in range(h):
        if raw[y * row] != 0:
            raise ValueError("scanline %d uses filter %d" % (y, raw[y * row]))
    return w, h, raw


def main():
    try:
        w, h, raw = load(sys.argv[1])
        print("%dx%d" % (w, h))
        if len(sys.argv) > 2:
            w2, h2, raw2 = load(sys.argv[2])
            if (w, h) != (w2, h2):
                raise ValueError("sizes differ: %dx%d vs %dx%d" % (w, h, w2, h2))
            if raw != raw2:
                raise ValueError("pixels differ")
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print("png_check: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
