#!/bin/sh
# seabios_boot.sh CINDER WORKDIR
#
# Debian's SeaBIOS on the i440FX/PIIX3 board with no disks and no VGA: its
# debug log (port 0x402) must show the banner, the RAM size it read from
# CMOS matching -m, its PCI setup, and that it found nothing to boot
# (boot.c boot_fail: "No bootable device.").  Skipped (77) without the
# seabios package.
set -u
cinder=$1
work=$2
bios=/usr/share/seabios/bios.bin
if [ ! -f "$bios" ]; then
    echo "SKIP: $bios not found (install Debian's seabios package)"
    exit 77
fi
mkdir -p "$work"
log=$work/seabios.log
rm -f "$log"
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
# SeaBIOS never exits on its own (it waits forever, or retries the boot):
# stop it as soon as the log shows the end of the boot stage, or at the
# timeout.  boot_until_failed LOG [cinder args...]
boot_until_failed() {
    l=$1
    shift
    rm -f "$l"
    timeout 60 "$cinder" -m 64M -icount 0 -display none -debugcon file:"$l" \
        -device isa-debugcon,iobase=0x402 "$@" >"$work/stdout" 2>"$work/stderr" </dev/null &
    pid=$!
    i=0
    while [ $i -lt 600 ]; do
        grep -q "No bootable device" "$l" 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
}
boot_until_failed "$log"
[ -f "$log" ] || { echo "FAIL: no log ($(head -c 300 "$work/stderr"))"; exit 1; }
grep -q "SeaBIOS (version" "$log" || fail "no SeaBIOS banner"
# 64 MiB: CMOS says 63 MiB above 1 MiB, so RamSize is 0x04000000.
grep -q "RamSize: 0x04000000" "$log" || fail "RamSize does not match -m 64M: $(grep RamSize "$log")"
grep -q "Unable to unlock ram" "$log" && fail "SeaBIOS did not find the i440FX"
grep -q "PCI: init bdf=00:00.0 id=8086:1237" "$log" || fail "no i440FX in SeaBIOS's PCI init"
grep -q "Using pmtimer" "$log" || fail "SeaBIOS did not find the PIIX4 PM timer"
grep -q "No bootable device" "$log" || fail "did not reach \"No bootable device\""
# fw_cfg: SeaBIOS finds it, and the boot menu prompt follows -boot menu=
# (off by default, as in QEMU).
grep -q "Found QEMU fw_cfg" "$log" || fail "SeaBIOS did not find fw_cfg"
grep -q "Press ESC for boot menu" "$log" && fail "boot menu prompt shown without -boot menu=on"
menu_log=$work/seabios-menu.log
boot_until_failed "$menu_log" -boot order=dc,menu=on,splash-time=100
grep -q "Press ESC for boot menu" "$menu_log" || fail "no boot menu prompt with -boot menu=on"
grep -q "No bootable device" "$menu_log" || fail "-boot menu=on: did not reach the boot stage"
if [ $fails -ne 0 ]; then
    echo "--- log tail"
    tail -30 "$log"
    exit 1
fi
echo "ok: SeaBIOS reached its boot stage ($(wc -l <"$log") log lines)"
exit 0
