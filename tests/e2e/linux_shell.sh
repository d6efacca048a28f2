#!/bin/sh
# linux_shell.sh CINDER WORKDIR FETCH_SCRIPT
#
# Debian's i386 Linux with the BusyBox initramfs, used as a person would: on
# the serial console (-nographic, stdin), exact -icount time.  Commands typed
# on stdin must run (uname, /proc/cpuinfo, /proc/interrupts with timer,
# serial and i8042 interrupts, date = the host's date, hwclock, a shell
# loop); the kernel log must show the PIT/TSC calibrated, the RTC, the PCI
# host bridge, ttyS0 and ACPI, with no warnings naming our hardware;
# `reboot` must reboot (a second kernel banner and prompt) and `poweroff`
# must end Cinder with status 0.  Skipped (77) when Debian's archive is
# unreachable and nothing is cached.
set -u
cinder=$1
work=$2
fetch=$3
mkdir -p "$work"
. "$(dirname "$0")/linux_guest.sh"
fetch_linux_guest "$fetch" "$work"
log=$work/serial.log
fifo=$work/stdin
rm -f "$log" "$fifo" "$work/status"
mkfifo "$fifo"
(
    timeout 900 "$cinder" -m 256M -icount 3 -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyS0" -nographic <"$fifo" >"$log" 2>"$work/stderr"
    echo $? >"$work/status"
) &
exec 3>"$fifo"

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
# wait_for N PATTERN: until PATTERN occurs N times in the log (or Cinder ended).
wait_for() {
    i=0
    while [ $i -lt 6000 ]; do
        [ "$(grep -c -- "$2" "$log" 2>/dev/null)" -ge "$1" ] && return 0
        [ -f "$work/status" ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# A shell prompt after the second boot's /init marker (or Cinder ended);
# not the kernel banner, which dmesg's output repeats.
prompt_after_reboot() {
    i=0
    while [ $i -lt 6000 ]; do
        awk '/CINDER-LINUX-READY/ { n++ } n >= 2 && /cinder# / { f = 1 } END { exit !f }' "$log" &&
            return 0
        [ -f "$work/status" ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# Each command ends by echoing a marker, so the test knows its output is
# complete.  The marker is built by the shell (n=N ... CMD-DONE-$n), so the
# terminal's echo of the typed line never matches it.
run() { # N, command
    printf 'n=%s; %s; echo CMD-DONE-$n\n' "$1" "$2" >&3
    wait_for 1 "CMD-DONE-$1" || fail "command $1 ($2) did not complete"
}

host_year=$(date -u +%Y)
if wait_for 1 "cinder# "; then
    run 1 "uname -a"
    run 2 "cat /proc/cpuinfo"
    run 3 "cat /proc/interrupts"
    run 4 "echo DATE-\$(date -u +%Y)-; hwclock -u"
    run 5 "for i in 1 2 3; do echo loop-\$i; done"
    run 6 "dmesg > /tmp/d; echo DMESG-LINES \$(wc -l < /tmp/d); cat /tmp/d"
    printf 'reboot\n' >&3
    wait_for 2 "CINDER-LINUX-READY" || fail "the guest did not boot again after reboot"
    prompt_after_reboot || fail "no shell prompt after reboot"
    printf 'poweroff\n' >&3
else
    fail "no shell prompt"
fi
wait_for 1 "NEVER-PRINTED" # until Cinder ends
exec 3>&-
wait
status=$(cat "$work/status" 2>/dev/null || echo none)

grep -q "^Linux (none) .* i686 GNU/Linux" "$log" || fail "uname -a did not run"
grep -q "GenuineIntel" "$log" || fail "no vendor_id in /proc/cpuinfo"
for irq in "timer" "ttyS0" "i8042"; do
    grep -qE "^ *[0-9]+: +[1-9][0-9]* +XT-PIC +$irq" "$log" || fail "no $irq interrupts counted"
done
grep -q "DATE-$host_year-" "$log" || fail "guest date is not the host's year $host_year"
grep -qE "^$(date -u +%a) $(date -u +%b) .*$host_year" "$log" || fail "hwclock did not print the date"
grep -q "loop-3" "$log" || fail "the shell loop did not run"
grep -q "DMESG-LINES" "$log" || fail "dmesg did not run"
grep -q "tsc: Fast TSC calibration using PIT" "$log" || fail "the fast PIT calibration of the TSC failed"
grep -qE "tsc: (Detected|Refined TSC clocksource calibration)" "$log" || fail "TSC not calibrated"
grep -q "rtc_cmos rtc_cmos: registered as rtc0" "$log" || fail "no RTC"
grep -q "pci 0000:00:00.0: \[8086:1237\]" "$log" || fail "no i440FX in the PCI scan"
grep -q "ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A" "$log" || fail "no 16550A"
grep -q "ACPI: Interpreter enabled" "$log" || fail "ACPI not enabled"
grep -q "ACPI: PM-Timer IO Port" "$log" || fail "no ACPI PM timer"
grep -qE "Oops:|BUG:|Call Trace:|Kernel panic|WARNING:" "$log" && fail "kernel oops, bug or warning"
# Warnings that would be about our hardware (clocks, timers, chips).
bad=$(grep -iE "unstable|lost ticks|ACPI (Error|Warning)|i8042.*(fail|timeout)|serial.*fail|rtc.*(fail|error)|irq [0-9]+: nobody cared|spurious 8259A|PIT.*(fail|bogus)|calibration.*fail|MP-BIOS bug" "$log")
[ -n "$bad" ] && fail "kernel warnings about our hardware:
$bad"
[ "$status" = 0 ] || fail "exit status $status, expected 0 (poweroff through ACPI S5)"
if [ $fails -ne 0 ]; then
    echo "--- stderr"
    head -c 2000 "$work/stderr"
    echo "--- serial tail"
    tail -40 "$log"
    exit 1
fi
echo "ok: shell commands, reboot and poweroff on Debian's Linux ($(wc -l <"$log") console lines)"
exit 0
