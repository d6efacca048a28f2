#!/bin/sh
# syslinux_floppy.sh CINDER NASM WORKDIR
#
# A DOS-era boot floppy through SeaBIOS and the 82077AA: a 1.44M FAT12 image
# made with mtools (mformat -f 1440), SYSLINUX installed on it by Debian's
# `syslinux --install` (the mtools installer: boot sector, ldlinux.sys,
# ldlinux.c32), and a syslinux.cfg that puts SYSLINUX's console on COM1
# (SERIAL 0), prints a marker (SAY) and boots, through mboot.c32 (and
# libcom32.c32) from syslinux-common, tests/e2e/mbtiny.asm: a multiboot
# kernel that writes "OK" to the 0xE9 debug console and exits through
# isa-debug-exit with status 33 when it got the multiboot magic.  So every
# byte of SYSLINUX, its modules and the kernel is read from the floppy
# (FDC DMA) and the run ends by itself.
#
# Checked: SYSLINUX's banner and its "Loading mbtiny.krn... ok" on COM1; on
# the VGA text screen at exit (-screendump-text) SeaBIOS's "Booting from
# Floppy", the banner and the SAY line (SYSLINUX 6 writes SAY text to the
# screen only, in QEMU too); the kernel's "OK" on 0xE9; exit status 33.  The image is
# rebuilt each run (mtools is fast).  Skipped (77) without syslinux, mtools,
# syslinux-common's BIOS modules or SeaBIOS.
set -u
cinder=$1
nasm=$2
work=$3
src=$(dirname "$0")
mkdir -p "$work"
mods=/usr/lib/syslinux/modules/bios
for f in "$mods/mboot.c32" "$mods/libcom32.c32" /usr/share/seabios/bios.bin; do
    if [ ! -f "$f" ]; then
        echo "SKIP: $f is missing (install syslinux-common and seabios)"
        exit 77
    fi
done
for tool in syslinux mformat mcopy; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (syslinux, mtools)"
        exit 77
    fi
done
if [ ! -x "$nasm" ]; then
    echo "SKIP: nasm is not installed"
    exit 77
fi

img=$work/floppy.img
rm -f "$img"
"$nasm" -f bin -o "$work/mbtiny.krn" "$src/mbtiny.asm" || { echo "FAIL: nasm failed"; exit 1; }
printf '%s\r\n' 'SERIAL 0 115200' 'SAY CINDER-SYSLINUX-SAY from the floppy' 'PROMPT 0' \
    'TIMEOUT 1' 'DEFAULT tiny' 'LABEL tiny' '  KERNEL mboot.c32' '  APPEND mbtiny.krn' \
    >"$work/syslinux.cfg"
if ! mformat -C -f 1440 -v CINDER -i "$img" :: >"$work/build.log" 2>&1 ||
    ! syslinux --install "$img" >>"$work/build.log" 2>&1 ||
    ! mcopy -i "$img" "$work/syslinux.cfg" "$mods/mboot.c32" "$mods/libcom32.c32" \
        "$work/mbtiny.krn" :: >>"$work/build.log" 2>&1; then
    echo "FAIL: building the floppy: $(tail -5 "$work/build.log")"
    exit 1
fi

log=$work/serial.log
timeout 120 "$cinder" -m 32M -icount 0 -display none -fda "$img" -serial file:"$log" \
    -screendump-text "$work/screen.txt" -debugcon file:"$work/debugcon.txt" \
    -device isa-debug-exit,iobase=0xf4,iosize=4 \
    >"$work/stdout" 2>"$work/stderr" </dev/null
status=$?
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
grep -aq "SYSLINUX 6\." "$log" || fail "no SYSLINUX banner on COM1"
grep -aq "Loading mbtiny.krn\.\.\. ok" "$log" || fail "SYSLINUX did not load the kernel (COM1)"
grep -aq "Booting from Floppy" "$work/screen.txt" ||
    fail "SeaBIOS did not boot from the floppy (screen)"
grep -aq "SYSLINUX 6\..*CHS" "$work/screen.txt" || fail "no SYSLINUX banner on the screen"
grep -aq "CINDER-SYSLINUX-SAY from the floppy" "$work/screen.txt" ||
    fail "syslinux.cfg's SAY line is not on the screen"
[ "$(cat "$work/debugcon.txt" 2>/dev/null)" = OK ] ||
    fail "the multiboot kernel did not run (0xE9: '$(head -c 100 "$work/debugcon.txt")')"
[ $status -eq 33 ] || fail "exit status $status, expected 33 (mbtiny through isa-debug-exit)"
if [ $fails -ne 0 ]; then
    echo "--- stderr"
    head -c 2000 "$work/stderr"
    echo "--- COM1"
    head -c 2000 "$log"
    echo "--- screen"
    grep -v '^ *$' "$work/screen.txt" 2>/dev/null | head -20
    exit 1
fi
echo "ok: SYSLINUX booted from the 1.44M floppy, showed its banner and SAY line and" \
    "started a multiboot kernel"
exit 0
