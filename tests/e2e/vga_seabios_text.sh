#!/bin/sh
# vga_seabios_text.sh CINDER WORKDIR
#
# Debian's SeaBIOS and its VGA BIOS (vgabios-stdvga.bin, the std-VGA's PCI
# expansion ROM) with no disks: the VGA BIOS sets text mode 3 and SeaBIOS
# prints its banner and boot messages through INT 10h.  The screen, dumped as
# UTF-8 text at exit (-screendump-text), must show "SeaBIOS" and "No bootable
# device" (or "Booting from"), and SeaBIOS's log must show that it found and
# ran the VGA ROM and the VBE DISPI interface.  Skipped (77) without the
# seabios package.
set -u
cinder=$1
work=$2
for f in /usr/share/seabios/bios.bin /usr/share/seabios/vgabios-stdvga.bin; do
    if [ ! -f "$f" ]; then
        echo "SKIP: $f not found (install Debian's seabios package)"
        exit 77
    fi
done
mkdir -p "$work"
log=$work/seabios.log
screen=$work/screen.txt
rm -f "$log" "$screen"
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
# SeaBIOS never exits on its own: stop it (SIGTERM ends Cinder cleanly, which
# writes the dump) once the log shows the end of the boot stage.
timeout 60 "$cinder" -m 64M -icount 0 -display none -vga std -debugcon file:"$log" \
    -device isa-debugcon,iobase=0x402 -screendump-text "$screen" \
    >"$work/stdout" 2>"$work/stderr" </dev/null &
pid=$!
i=0
while [ $i -lt 600 ]; do
    grep -q "No bootable device" "$log" 2>/dev/null && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
sleep 0.2 # let the message reach the screen as well as the log
kill $pid 2>/dev/null
wait $pid 2>/dev/null
[ -f "$log" ] || { echo "FAIL: no log ($(head -c 300 "$work/stderr"))"; exit 1; }
[ -f "$screen" ] || { echo "FAIL: no screen dump ($(head -c 300 "$work/stderr"))"; exit 1; }
grep -q "Running option rom at c000" "$log" || fail "SeaBIOS did not run the VGA ROM"
grep -q "VBE DISPI: bdf 00:02.0" "$log" || fail "the VGA BIOS did not find DISPI on 00:02.0"
grep -q "SeaBIOS" "$screen" || fail "no \"SeaBIOS\" on the screen"
grep -q -e "No bootable device" -e "Booting from" "$screen" ||
    fail "no \"No bootable device\" or \"Booting from\" on the screen"
# 25 rows of text, none longer than 80 columns, no trailing spaces.
[ "$(wc -l <"$screen")" -eq 25 ] || fail "expected 25 text rows, got $(wc -l <"$screen")"
grep -q ' $' "$screen" && fail "trailing spaces were not trimmed"
if [ $fails -ne 0 ]; then
    echo "--- screen"
    cat "$screen"
    echo "--- log tail"
    tail -20 "$log"
    exit 1
fi
echo "ok: SeaBIOS's screen through the VGA BIOS:"
sed -n '1,8p' "$screen"
exit 0
