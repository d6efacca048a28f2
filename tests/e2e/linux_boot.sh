#!/bin/sh
# linux_boot.sh CINDER WORKDIR FETCH_SCRIPT
#
# Debian's i386 Linux (686 kernel) with a BusyBox initramfs, booted through
# -kernel/-initrd/-append (32-bit boot protocol) with exact -icount time: the
# serial console must show the kernel banner, the initramfs's marker, the
# `uname -a` line, and the guest's `poweroff -f` (ACPI S5 on the PIIX4 PM)
# must end Cinder with status 0.  Skipped (77) when Debian's archive is
# unreachable and nothing is cached (see tests/guests/fetch-debian-linux.sh).
set -u
cinder=$1
work=$2
fetch=$3
mkdir -p "$work"
out=$(sh "$fetch" 2>"$work/fetch.err")
st=$?
if [ $st -eq 77 ]; then
    echo "SKIP: Debian's archive is unreachable and no Linux guest is cached"
    exit 77
fi
if [ $st -ne 0 ]; then
    echo "FAIL: fetch-debian-linux.sh exited $st: $(tail -5 "$work/fetch.err")"
    exit 1
fi
kernel=$(echo "$out" | sed -n 's/^kernel: //p')
initrd=$(echo "$out" | sed -n 's/^initrd: //p')
log=$work/serial.log
timeout 600 "$cinder" -m 256M -icount 3 -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 cinder.test=1" -nographic >"$log" 2>"$work/stderr" </dev/null
status=$?
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
grep -q "Linux version 6\." "$log" || fail "no \"Linux version\" banner"
grep -q "CINDER-LINUX-READY" "$log" || fail "the initramfs's /init did not print its marker"
grep -q "^Linux (none) .* i686 GNU/Linux" "$log" || fail "no uname -a line"
grep -q "ttyS0" "$log" || fail "no ttyS0 in /proc/interrupts"
grep -qE "Oops:|BUG:|Call Trace:|Kernel panic" "$log" && fail "kernel oops or panic"
[ $status -eq 0 ] || fail "exit status $status, expected 0 (poweroff -f through ACPI S5)"
if [ $fails -ne 0 ]; then
    echo "--- stderr"
    head -c 2000 "$work/stderr"
    echo "--- serial tail"
    tail -30 "$log"
    exit 1
fi
echo "ok: Linux booted to the initramfs and powered off ($(wc -l <"$log") console lines)"
exit 0
