#!/usr/bin/env python3
"""vga_check.py MODE PNG REFERENCES [--text FILE] [--qemu PPM] [--rom VGABIOS]

Checks Cinder's screenshot of one tests/asm/vga program (MODE is mode03,
mode12, mode13, modex or vbe1024) three ways:

1. Independently of Cinder: the expected picture is recomputed here from the
   drawing rules written in the program's header comment and from facts about
   the VGA (the default 16-colour text/EGA palette, 9-dot cells with line
   graphics in C0h-DFh, 8x16 glyphs taken from the VGA BIOS ROM itself), and
   compared pixel for pixel.  For palette modes the DAC holds 6-bit values,
   so each 8-bit channel is compared by its top 6 bits (the expansion to
   8 bits is a host choice: Cinder replicates the top bits, QEMU does not).
   Only the cursor cell of mode03 may be in either blink phase.
2. Stability: the size and SHA-256 of the decoded RGB bytes must equal the
   line for MODE in REFERENCES ("MODE WIDTHxHEIGHT SHA256").  This only says
   the output did not change; (1) and (3) say it is right.
3. With --qemu, QEMU's screendump (binary PPM) of the same floppy: scaled
   down by whole factors when QEMU's is bigger (it doubles 320-wide modes),
   compared pixel for pixel at 6-bit precision except the cursor cell.

Prints one "ok:" line per check; exit status 0 when all pass, 1 otherwise.
--update prints the REFERENCES line for this PNG instead of checking (2).
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "e2e"))
import png_check  # noqa: E402  (tests/e2e/png_check.py: the PNG reader)

# The 16 colours of the VGA's default text/EGA palette, as 6-bit DAC values
# (IBM VGA Technical Reference: attribute registers 0-15 map to DAC 0-5, 14h,
# 7, 38h-3Fh; the DAC's first 64 entries hold the EGA rgbRGB colours).
EGA16 = [(0, 0, 0), (0, 0, 42), (0, 42, 0), (0, 42, 42), (42, 0, 0), (42, 0, 42),
         (42, 21, 0), (42, 42, 42), (21, 21, 21), (21, 21, 63), (21, 63, 21),
         (21, 63, 63), (63, 21, 21), (63, 21, 63), (63, 63, 21), (63, 63, 63)]

# The IBM 8x16 glyph of "A", used to find the font in the VGA BIOS ROM.
GLYPH_A = bytes([0, 0, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0, 0, 0, 0])


# Pixels where QEMU is known to differ from the VGA (see model_mode03).
QEMU_DIFFERENT = set()


def font8x16(rom_path):
    rom = open(rom_path, "rb").read()
    at = rom.find(GLYPH_A)
    if at < 0x41 * 16 or rom.find(GLYPH_A, at + 1) >= 0:
        raise ValueError("%s: no unique 8x16 font" % rom_path)
    base = at - 0x41 * 16
    return [rom[base + 16 * c:base + 16 * c + 16] for c in range(256)]


# --- the expected pictures: (width, height, pixels, deep, masked) ------------------------
# pixels: a list of (r, g, b), 6-bit when deep is False, 8-bit when True;
# masked: a set of pixel indices whose value is not fixed.

def model_mode03(rom):
    font = font8x16(rom)
    w, h = 720, 400
    cells = [[(0x20, 0x07)] * 80 for _ in range(25)]
    attrs = [0x07, 0x1E, 0xF0, 0x8C]
    for k, at in enumerate(attrs):
        for c in range(256):
            cells[1 + 4 * k + c // 64][8 + c % 64] = (c, at)
    for i, ch in enumerate(b"CINDER VGA MODE 03h"):
        cells[18][2 + i] = (ch, 0x07)
    cells[20][40] = (0x20, 0x1E)
    px = [None] * (w * h)
    for row in range(25):
        for col in range(80):
            ch, at = cells[row][col]
            fg, bg = EGA16[at & 15], EGA16[at >> 4]   # blink off: bit 7 = bright background
            for line in range(16):
                bits = font[ch][line]
                # The 9th column repeats the 8th for the line-graphics range.
                ninth = (bits & 1) if 0xC0 <= ch <= 0xDF else 0
                base = (row * 16 + line) * w + col * 9
                for k in range(8):
                    px[base + k] = fg if (bits >> (7 - k)) & 1 else bg
                px[base + 8] = fg if ninth else bg
    # QEMU repeats the 8th column into the 9th for B0h-DFh, the VGA only for
    # C0h-DFh (IBM VGA Technical Reference, attribute mode control bit 2;
    # Bochs does the same): the 9th columns of B0h-BFh are left out of the
    # QEMU comparison.
    for row in range(25):
        for col in range(80):
            if 0xB0 <= cells[row][col][0] <= 0xBF:
                QEMU_DIFFERENT.update((row * 16 + line) * w + col * 9 + 8 for line in range(16))
    masked = set()
    for line in range(12, 16):                       # the cursor's scanlines
        for k in range(9):
            masked.add((20 * 16 + line) * w + 40 * 9 + k)
    return w, h, px, False, masked


def model_mode12(_rom):
    w, h = 640, 480
    col = [[0] * w for _ in range(h)]
    for y in range(h):
        for x in range(w):
            b, p = x // 8, x % 8
            band = y // 60
            if band in (0, 3):                       # A, and D its copy
                c = b // 5
            elif band == 1:                          # B
                mask, data = b & 15, (3 * b) & 255
                bit = (data >> (7 - p)) & 1
                c = mask if bit else 0
            elif band == 2:                          # C
                c = 15 if 2 <= p <= 5 else 9
            elif band == 4:                          # E
                c = (b + y) & 15
                if p >= 4:
                    c = 15 - c
            elif band == 5:                          # F
                c = (y // 4) & 15 if p in (0, 1, 2, 7) else 0
            elif band == 6:                          # G
                c = 12 if p >= 4 else 0
            else:
                c = 0
            col[y][x] = c
    for i in range(60):                              # H: the BIOS's pixels
        col[420 + i][4 * i] = i & 15
        col[420 + i][300 + i] = 14
    px = [EGA16[col[y][x]] for y in range(h) for x in range(w)]
    return w, h, px, False, set()


def model_mode13(_rom):
    w, h = 320, 200
    dac = [(i >> 2, (255 - i) >> 2, (7 * i) & 63) for i in range(256)]
    dac[255] = (63, 32, 0)
    dac[254] = (63, 63, 63)
    col = [[(x + 2 * y) & 255 if y < 100 else (x ^ y) & 255 for x in range(w)] for y in range(h)]
    for y in range(120, 160):
        for x in range(20, 60):
            col[y][x] = 255
    for x in range(w):
        col[0][x] = col[199][x] = 254
    for y in range(h):
        col[y][0] = col[y][319] = 254
    px = [dac[col[y][x]] for y in range(h) for x in range(w)]
    return w, h, px, False, set()


def model_modex(_rom):
    w, h = 320, 200
    dac = [(i >> 2, (5 * i) & 63, 63 - (i >> 2)) for i in range(256)]
    px = [dac[(((x // 4) ^ y) + 64 * (x % 4)) & 255] for y in range(h) for x in range(w)]
    return w, h, px, False, set()


def model_vbe1024(_rom):
    w, h = 1024, 768
    px = [(x >> 2, y >> 2, ((x + y) >> 3) & 255) for y in range(h) for x in range(w)]
    rects = [(100, 100, 200, 100, (255, 0, 0)), (400, 300, 200, 200, (0, 255, 0)),
             (700, 500, 200, 200, (0, 0, 255)), (0, 0, 10, 10, (255, 255, 255)),
             (1014, 758, 10, 10, (255, 255, 255))]
    for x0, y0, rw, rh, c in rects:
        for y in range(y0, y0 + rh):
            for x in range(x0, x0 + rw):
                px[y * w + x] = c
    return w, h, px, True, set()


MODELS = {"mode03": model_mode03, "mode12": model_mode12, "mode13": model_mode13,
          "modex": model_modex, "vbe1024": model_vbe1024}


def pixels(raw, w, h):
    """RGB triples from png_check.load's scanlines (filter byte + 3w bytes)."""
    row = 1 + 3 * w
    return [tuple(raw[y * row + 1 + 3 * x:y * row + 4 + 3 * x]) for y in range(h) for x in range(w)]


def load_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:                           # P6, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError("%s: not an 8-bit binary PPM" % path)
    w, h = int(fields[1]), int(fields[2])
    body = data[pos + 1:pos + 1 + 3 * w * h]
    if len(body) != 3 * w * h:
        raise ValueError("%s: truncated" % path)
    return w, h, [tuple(body[3 * i:3 * i + 3]) for i in range(w * h)]


def describe(bad, w):
    i, got, want = bad[0]
    return "%d pixels differ, first at (%d,%d): %s, expected %s" % (
        len(bad), i % w, i // w, got, want)


def main(argv):
    args = {"--text": None, "--qemu": None, "--rom": "/usr/share/seabios/vgabios-stdvga.bin"}
    update = "--update" in argv
    pos = [a for a in argv if a != "--update"]
    rest = []
    i = 0
    while i < len(pos):
        if pos[i] in args and i + 1 < len(pos):
            args[pos[i]] = pos[i + 1]
            i += 2
        else:
            rest.append(pos[i])
            i += 1
    if len(rest) != 3 or rest[0] not in MODELS:
        print(__doc__, file=sys.stderr)
        return 2
    mode, png, refs = rest
    fails = 0
    w, h, raw = png_check.load(png)
    got = pixels(raw, w, h)
    digest = hashlib.sha256(b"".join(bytes(p) for p in got)).hexdigest()
    if update:
        print("%s %dx%d %s" % (mode, w, h, digest))
        return 0

    # 1. The independent model.
    ew, eh, want, deep, masked = MODELS[mode](args["--rom"])
    if (w, h) != (ew, eh):
        print("FAIL: %s: %dx%d, expected %dx%d" % (png, w, h, ew, eh))
        return 1
    bad = []
    for i, (g, e) in enumerate(zip(got, want)):
        if i in masked:
            continue
        g6 = g if deep else tuple(c >> 2 for c in g)
        if g6 != e:
            bad.append((i, g6, e))
    if bad:
        print("FAIL: %s against the drawing rules%s: %s" % (
            mode, "" if deep else " (6-bit values)", describe(bad, w)))
        fails += 1
    else:
        print("ok: %s: %dx%d, %d pixels match the drawing rules%s" % (
            mode, w, h, w * h - len(masked), " (6-bit DAC values)" if not deep else ""))
    if mode == "mode03":
        # The cursor cell: every scanline 12-15 all yellow (on) or all blue (off).
        rows = [[got[(20 * 16 + ln) * w + 40 * 9 + k] for k in range(9)] for ln in range(12, 16)]
        flat = {tuple(c >> 2 for c in p) for r in rows for p in r}
        if flat == {EGA16[14]}:
            print("ok: mode03: cursor shown at row 20, column 40, scanlines 12-15")
        elif flat == {EGA16[1]}:
            print("ok: mode03: cursor cell blank (cursor in its off phase)")
        else:
            print("FAIL: mode03: cursor cell holds %s" % sorted(flat))
            fails += 1

    # -screendump-text.
    if args["--text"]:
        text = open(args["--text"], encoding="utf-8").read().split("\n")
        if len(text) < 25 or text[18] != "  CINDER VGA MODE 03h" or \
                "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302" not in text[2]:
            print("FAIL: %s does not show the program's text" % args["--text"])
            fails += 1
        else:
            print("ok: %s: the text dump shows the characters and the teletype line" % mode)

    # 3. QEMU.
    if args["--qemu"]:
        qw, qh, q = load_ppm(args["--qemu"])
        if qw % w or qh % h:
            print("FAIL: QEMU's %dx%d is not a whole multiple of %dx%d" % (qw, qh, w, h))
            return 1
        fx, fy = qw // w, qh // h
        bad = []
        for y in range(h):
            for x in range(w):
                i = y * w + x
                if i in masked or i in QEMU_DIFFERENT:
                    continue
                block = {q[(y * fy + j) * qw + x * fx + k] for j in range(fy) for k in range(fx)}
                if len(block) != 1:
                    bad.append((i, sorted(block), "one colour"))
                    continue
                qp = block.pop()
                a = got[i] if deep else tuple(c >> 2 for c in got[i])
                b = qp if deep else tuple(c >> 2 for c in qp)
                if a != b:
                    bad.append((i, got[i], qp))
        if bad:
            print("FAIL: %s against QEMU's screendump (%dx%d): %s" % (
                mode, qw, qh, describe(bad, w)))
            fails += 1
        else:
            print("ok: %s: identical to QEMU's %dx%d screendump%s%s" % (
                mode, qw, qh, " (scaled %dx%d)" % (fx, fy) if fx * fy > 1 else "",
                ", except the %d pixels where QEMU is known to differ" % len(QEMU_DIFFERENT)
                if QEMU_DIFFERENT else ""))
    # 2. The recorded hash (last: the checks above say what is wrong).
    line = None
    for ln in (open(refs) if os.path.exists(refs) else []):
        f = ln.split()
        if len(f) == 3 and f[0] == mode:
            line = f
    if line is None:
        print("FAIL: no %s line in %s" % (mode, refs))
        fails += 1
    elif line[1] != "%dx%d" % (w, h) or line[2] != digest:
        print("FAIL: %s: %dx%d sha256 %s, %s records %s %s" % (
            mode, w, h, digest, refs, line[1], line[2]))
        fails += 1
    else:
        print("ok: %s: sha256 %s as recorded" % (mode, digest))

    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
