#!/bin/sh
# freedos_floppy.sh CINDER GUESTS_DIR WORKDIR
#
# A real DOS from a floppy: Debian's SeaBIOS boots FreeDOS from a copy of
# GUESTS_DIR/freedos-720.img in drive A (82077AA, DMA channel 2, IRQ 6).  The
# copy's AUTOEXEC.BAT is replaced (mtools) by one that echoes a marker to
# COM1, writes A:\CINDER.TXT (checked afterwards with mtype: the FDC's WRITE
# DATA reached the image file) and runs CINDEXIT.COM, eight bytes that write 0x10 to isa-debug-exit
# (mov dx,0x501; mov al,0x10; out dx,al; jmp $), so cinder exits with status
# (0x10 << 1) | 1 = 33.  The original image is never written.  Skipped (77)
# without the guest images, SeaBIOS or mtools.
set -u
cinder=$1
guests=$2
work=$3
src=$guests/freedos-720.img
if [ ! -f "$src" ]; then
    echo "SKIP: $src not found (../shared/testdata/guests is absent)"
    exit 77
fi
if [ ! -f /usr/share/seabios/bios.bin ]; then
    echo "SKIP: Debian's seabios package is not installed"
    exit 77
fi
if ! command -v mcopy >/dev/null 2>&1 || ! command -v mtype >/dev/null 2>&1; then
    echo "SKIP: mtools not installed (scripts/deps.sh)"
    exit 77
fi
mkdir -p "$work"
img=$work/freedos.img
out=$work/com1.txt
log=$work/seabios.log
rm -f "$img" "$out" "$log"
cp "$src" "$img" && chmod u+w "$img" || { echo "FAIL: cannot copy $src"; exit 1; }
mtype -i "$img" ::AUTOEXEC.BAT >"$work/autoexec.orig" 2>/dev/null ||
    { echo "FAIL: mtype cannot read AUTOEXEC.BAT from the image"; exit 1; }
printf 'ECHO OFF\r\nECHO CINDER-WROTE>A:\\CINDER.TXT\r\nECHO CINDER-FREEDOS-OK>COM1\r\nCINDEXIT\r\n' \
    >"$work/AUTOEXEC.BAT"
printf '\272\001\005\260\020\356\353\376' >"$work/CINDEXIT.COM"
mcopy -o -i "$img" "$work/AUTOEXEC.BAT" ::AUTOEXEC.BAT &&
    mcopy -o -i "$img" "$work/CINDEXIT.COM" ::CINDEXIT.COM ||
    { echo "FAIL: mcopy into the image copy"; exit 1; }
timeout 120 "$cinder" -m 16M -icount 0 -display none -fda "$img" -serial file:"$out" \
    -debugcon file:"$log" -device isa-debugcon,iobase=0x402 \
    -device isa-debug-exit,iobase=0x501,iosize=2 >"$work/stdout" 2>"$work/stderr" </dev/null
rc=$?
wrote=$(mtype -i "$img" ::CINDER.TXT 2>/dev/null | tr -d '\r')
if grep -q "CINDER-FREEDOS-OK" "$out" 2>/dev/null && [ $rc -eq 33 ] && [ "$wrote" = CINDER-WROTE ]; then
    echo "ok: FreeDOS booted from the floppy, ran AUTOEXEC.BAT and wrote a file"
    exit 0
fi
echo "FAIL: exit status $rc (want 33), COM1: $(head -c 200 "$out" 2>/dev/null)"
echo "A:\\CINDER.TXT: '$wrote' (want CINDER-WROTE)"
echo "--- stderr"
head -5 "$work/stderr"
echo "--- SeaBIOS log tail"
tail -15 "$log" 2>/dev/null
exit 1
