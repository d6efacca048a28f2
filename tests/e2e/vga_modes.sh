#!/bin/sh
# vga_modes.sh CINDER NASM WORKDIR [MODE...]
#
# The tests/asm/vga programs (modes 03h, 12h, 13h, mode X, VBE 1024x768x32)
# as 1.44M boot floppies through SeaBIOS and its VGA BIOS: each sets its mode
# with INT 10h the way DOS-era software does, draws, and ends Cinder through
# isa-debug-exit; the screenshot written at exit (WORKDIR/MODE.png, and
# WORKDIR/mode03.txt from -screendump-text) is checked by
# tests/asm/vga/vga_check.py against the picture recomputed from the
# program's drawing rules, against the SHA-256 recorded in
# tests/asm/vga/references.txt and, when qemu-system-i386 is installed, against
# QEMU's screendump of the same floppy (WORKDIR/MODE.qemu.ppm; set
# CINDER_VGA_NO_QEMU=1 to leave QEMU out).  Skipped (77) without nasm,
# python3 or Debian's seabios package.
set -u
cinder=$1
nasm=$2
work=$3
shift 3
modes=${*:-mode03 mode12 mode13 modex vbe1024}
src=$(cd "$(dirname "$0")/../asm/vga" && pwd)
for f in /usr/share/seabios/bios.bin /usr/share/seabios/vgabios-stdvga.bin; do
    if [ ! -f "$f" ]; then
        echo "SKIP: $f not found (install Debian's seabios package)"
        exit 77
    fi
done
if [ ! -x "$nasm" ] || ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: nasm and python3 are needed"
    exit 77
fi
qemu=
if [ -z "${CINDER_VGA_NO_QEMU:-}" ] && command -v qemu-system-i386 >/dev/null 2>&1; then
    qemu="qemu-system-i386"
else
    echo "note: no QEMU comparison (qemu-system-i386 absent or CINDER_VGA_NO_QEMU set)"
fi
mkdir -p "$work"
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# qemu_dump IMG PPM LOG: run QEMU until the program's "DONE" line, then take
# a screendump through the monitor on stdin (without isa-debug-exit the
# program halts and its picture stays on the screen).
qemu_dump() {
    rm -f "$2" "$3"
    (
        i=0
        while ! grep -q -e DONE -e FAIL "$3" 2>/dev/null && [ $i -lt 300 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        sleep 0.5
        echo "screendump $2"
        i=0
        while [ ! -s "$2" ] && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        sleep 0.2
        echo quit
    ) | timeout 60 "$qemu" -display none -vga std -m 32 -monitor stdio \
        -drive if=floppy,format=raw,file="$1" -debugcon file:"$3" >/dev/null 2>&1
}

for m in $modes; do
    img=$work/$m.img
    png=$work/$m.png
    rm -f "$img" "$png" "$work/$m.txt"
    if ! "$nasm" -f bin -I "$src/" -o "$img" "$src/$m.asm" 2>"$work/$m.nasm.err"; then
        fail "$m: nasm: $(cat "$work/$m.nasm.err")"
        continue
    fi
    text=
    [ "$m" = mode03 ] && text="-screendump-text $work/$m.txt"
    # shellcheck disable=SC2086  # $text is two words or none
    timeout 120 "$cinder" -m 32M -icount 3 -display none -vga std -fda "$img" \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon file:"$work/$m.log" \
        -screendump "$png" $text >"$work/$m.out" 2>"$work/$m.err" </dev/null
    st=$?
    if [ $st -ne 33 ]; then
        fail "$m: cinder exited $st, expected 33: $(cat "$work/$m.log" 2>/dev/null) $(head -c 300 "$work/$m.err")"
        continue
    fi
    set -- "$m" "$png" "$src/references.txt"
    [ -n "$text" ] && set -- "$@" --text "$work/$m.txt"
    if [ -n "$qemu" ]; then
        qemu_dump "$img" "$work/$m.qemu.ppm" "$work/$m.qemu.log"
        if [ -s "$work/$m.qemu.ppm" ]; then
            set -- "$@" --qemu "$work/$m.qemu.ppm"
        else
            fail "$m: QEMU gave no screendump ($(cat "$work/$m.qemu.log" 2>/dev/null))"
        fi
    fi
    python3 "$src/vga_check.py" "$@" || fails=$((fails + 1))
done
if [ $fails -ne 0 ]; then
    exit 1
fi
echo "ok: VGA mode programs ($modes); screenshots in $work"
exit 0
