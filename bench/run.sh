#!/usr/bin/env bash
# bench/run.sh [CINDER_BINARY]
#
# Runs the benchmark guests (bench/kernels/*.asm) on Cinder (interpreter,
# "-accel interp -d stats") and on QEMU ("qemu-system-i386 -accel tcg") in
# the same run, checks that both printed the same checksum, and prints a
# table: workload, Cinder seconds, QEMU seconds, ratio (Cinder/QEMU) and
# Cinder MIPS (from the "stats: insns=N" line Cinder prints on stderr at exit
# with -d stats; "n/a" when it is absent).  Times are wall clock, best of
# BENCH_RUNS (default 3), and include each emulator's start-up (for QEMU that
# includes SeaBIOS and its multiboot loader).
#
# Environment:
#   QEMU=path            QEMU binary (default: qemu-system-i386 on PATH)
#   BENCH_RUNS=n         runs per emulator and workload (default 3)
#   BENCH_KERNEL_DIR=d   use prebuilt NAME.elf from d (e.g. BUILD/bench/kernels)
#                        instead of assembling them here with nasm + ld
#   BENCH_ONLY="a b"     run only these workloads
#   BENCH_TIMEOUT=s      per-run time limit in seconds (default 300)
#
# Exit status: 0 if every run that took place passed and checksums agree,
# 1 otherwise, 2 on a usage or setup problem.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
workloads=${BENCH_ONLY:-"alu memcpy branchy mandel"}
runs=${BENCH_RUNS:-3}
limit=${BENCH_TIMEOUT:-300}
qemu=${QEMU:-qemu-system-i386}
common=(-display none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot)

if [ $# -gt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi

cinder=${1:-}
if [ -z "$cinder" ]; then
    for c in "$root/build/cinder" "$root/build/frontend/cinder"; do
        if [ -x "$c" ]; then cinder=$c; break; fi
    done
fi
if [ -n "$cinder" ] && [ ! -x "$cinder" ]; then
    echo "run.sh: '$cinder' is not an executable" >&2
    exit 2
fi
command -v "$qemu" >/dev/null 2>&1 || qemu=""
if [ -z "$cinder" ] && [ -z "$qemu" ]; then
    echo "run.sh: neither a Cinder binary nor $QEMU found" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cinder-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# The guests: prebuilt, or assembled here.
kdir=${BENCH_KERNEL_DIR:-}
if [ -z "$kdir" ]; then
    kdir=$work
    for w in $workloads; do
        nasm -f elf32 -I "$root/tests/asm/lib/" -I "$here/kernels/" \
            -o "$work/$w.o" "$here/kernels/$w.asm" &&
        ld -m elf_i386 -T "$root/tests/asm/link.ld" --no-warn-rwx-segments \
            -o "$work/$w.elf" "$work/$w.o" || {
            echo "run.sh: could not build $w (needs nasm and GNU ld)" >&2
            exit 2
        }
    done
fi

now_ns() { date +%s%N; }

# run_best KIND ELF -> sets best_s, best_insns, sum, ok
# KIND is "cinder" or "qemu"; the best (shortest) passing run is kept.
run_best() {
    local kind=$1 elf=$2 i t0 t1 status out err
    best_s=""; best_insns=""; sum=""; ok=1
    out="$work/out"; err="$work/err"
    for i in $(seq 1 "$runs"); do
        t0=$(now_ns)
        if [ "$kind" = cinder ]; then
            timeout "$limit" "$cinder" -accel interp -d stats "${common[@]}" \
                -kernel "$elf" >"$out" 2>"$err" </dev/null
        else
            timeout "$limit" "$qemu" -accel tcg "${common[@]}" \
                -kernel "$elf" >"$out" 2>"$err" </dev/null
        fi
        status=$?
        t1=$(now_ns)
        if [ "$status" -ne 33 ] || ! grep -q '^PASS' "$out"; then
            echo "  $kind $(basename "$elf" .elf) run $i failed (status $status):" >&2
            head -n 20 "$out" "$err" >&2
            ok=0
            return
        fi
        local s=$(grep -o 'checksum=[0-9a-fA-F]*' "$out" | head -n 1)
        if [ -n "$sum" ] && [ "$s" != "$sum" ]; then
            echo "  $kind $(basename "$elf" .elf): checksum changed between runs" >&2
            ok=0
        fi
        sum=$s
        local secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "$best_s" ] || awk -v x="$secs" -v y="$best_s" 'BEGIN { exit !(x < y) }'; then
            best_s=$secs
            best_insns=$(sed -n 's/.*stats: insns=\([0-9][0-9]*\).*/\1/p' "$err" | tail -n 1)
        fi
    done
}

status_all=0
printf '%-10s %12s %12s %10s %12s  %s\n' workload cinder_s qemu_s ratio cinder_MIPS checksum
for w in $workloads; do
    elf="$kdir/$w.elf"
    if [ ! -f "$elf" ]; then
        echo "run.sh: missing $elf" >&2
        status_all=1
        continue
    fi
    c_s=n/a; c_mips=n/a; c_sum=""; q_s=n/a; q_sum=""; ratio=n/a; note=""
    if [ -n "$cinder" ]; then
        run_best cinder "$elf"
        if [ "$ok" -eq 1 ]; then
            c_s=$best_s; c_sum=$sum
            if [ -n "$best_insns" ]; then
                c_mips=$(awk -v n="$best_insns" -v s="$c_s" 'BEGIN { printf "%.1f", n / s / 1e6 }')
            fi
        else
            c_s=FAIL; status_all=1
        fi
    fi
    if [ -n "$qemu" ]; then
        run_best qemu "$elf"
        if [ "$ok" -eq 1 ]; then
            q_s=$best_s; q_sum=$sum
        else
            q_s=FAIL; status_all=1
        fi
    fi
    case "$c_s$q_s" in
        *n/a*|*FAIL*) ;;
        *) ratio=$(awk -v c="$c_s" -v q="$q_s" 'BEGIN { printf "%.2f", c / q }') ;;
    esac
    shown=${c_sum:-$q_sum}
    if [ -n "$c_sum" ] && [ -n "$q_sum" ] && [ "$c_sum" != "$q_sum" ]; then
        note="MISMATCH (cinder $c_sum, qemu $q_sum)"
        status_all=1
    fi
    printf '%-10s %12s %12s %10s %12s  %s %s\n' "$w" "$c_s" "$q_s" "$ratio" "$c_mips" \
        "${shown#checksum=}" "$note"
done
[ -z "$cinder" ] && echo "(no Cinder binary given or found in build/: Cinder columns are n/a)"
[ -z "$qemu" ] && echo "(qemu-system-i386 not found: QEMU columns are n/a)"
exit $status_all
