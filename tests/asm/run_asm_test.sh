#!/bin/sh
# run_asm_test.sh EMULATOR kernel|bios FILE
#
# Runs one tests/asm guest program and decides pass/fail:
#   pass = exit status 33 (the guest wrote 0x10 to isa-debug-exit)
#          and a "PASS" line and no "FAIL" line on the debugcon output.
# Extra emulator flags (e.g. "-icount shift=0", "-cpu pentium3") come only
# from $ASM_TEST_EXTRA, so the same command runs on Cinder and on QEMU.
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 EMULATOR kernel|bios FILE" >&2
    exit 2
fi
emu=$1
kind=$2
file=$3

case "$kind" in
    kernel) load="-kernel" ;;
    bios) load="-bios" ;;
    *) echo "$0: kind must be kernel or bios, not '$kind'" >&2; exit 2 ;;
esac

out=$(mktemp "${TMPDIR:-/tmp}/asmtest.XXXXXX")
trap 'rm -f "$out"' EXIT INT TERM

# shellcheck disable=SC2086  # ASM_TEST_EXTRA is a list of words on purpose
timeout 60 "$emu" -display none -debugcon stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot \
    ${ASM_TEST_EXTRA:-} "$load" "$file" >"$out" 2>&1 </dev/null
status=$?

ok=1
[ "$status" -eq 33 ] || ok=0
grep -q '^PASS' "$out" || ok=0
grep -q '^FAIL' "$out" && ok=0

if [ "$ok" -eq 1 ]; then
    grep '^PASS' "$out"
    exit 0
fi

echo "--- $file on $emu failed (exit status $status; 33 = pass, 35 = fail, 124 = timeout) ---"
# A runaway guest can print megabytes; show its start and its end.
lines=$(wc -l <"$out")
if [ "$lines" -gt 300 ]; then
    head -n 150 "$out" | cut -c1-300
    echo "... ($lines lines in all) ..."
    tail -n 100 "$out" | cut -c1-300
else
    cut -c1-300 "$out"
fi
exit 1
