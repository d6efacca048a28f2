#!/bin/sh
# linux_boot.sh [path/to/cinder] - Debian's i386 Linux boot, Cinder beside
# qemu-system-i386 (TCG), same kernel, initramfs and command line.
#
# Each emulator boots `-m 256M -kernel vmlinuz -initrd initrd.gz -append
# "console=ttyS0 cinder.test=1"` on the serial console in its default
# (real-time) clock mode; the initramfs prints CINDER-LINUX-READY when its
# /init starts (where the shell prompt would come), runs uname and powers
# off.  Reported per emulator, best of BENCH_RUNS (default 3):
#   ready_s  host seconds from start to the READY line (boot to the shell)
#   total_s  host seconds to the emulator's exit after the guest's poweroff
#   peak_MiB peak resident memory of the emulator process (getrusage)
# and the ratios Cinder/QEMU (lower is better for Cinder).
#
# The guest comes from tests/guests/fetch-debian-linux.sh (cached).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cinder=${1:-$here/../build/cinder}
qemu=${QEMU:-qemu-system-i386}
runs=${BENCH_RUNS:-3}
out=$(sh "$here/../tests/guests/fetch-debian-linux.sh")
kernel=$(echo "$out" | sed -n 's/^kernel: //p')
initrd=$(echo "$out" | sed -n 's/^initrd: //p')
append="console=ttyS0 cinder.test=1"

python3 - "$cinder" "$qemu" "$runs" "$kernel" "$initrd" "$append" <<'PY'
import os, resource, subprocess, sys, time

cinder, qemu, runs, kernel, initrd, append = sys.argv[1:7]
runs = int(runs)
common = ["-m", "256M", "-kernel", kernel, "-initrd", initrd, "-append", append, "-nographic"]
cmds = {
    "cinder": [cinder] + common,
    "qemu": [qemu, "-accel", "tcg", "-no-reboot"] + common,
}

def one(cmd):
    """Wall seconds to the READY line and to exit, and the child's peak RSS."""
    t0 = time.monotonic()
    ready = None
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    for line in p.stdout:
        if ready is None and b"CINDER-LINUX-READY" in line:
            ready = time.monotonic() - t0
    _, status, usage = os.wait4(p.pid, 0)
    total = time.monotonic() - t0
    if ready is None or os.waitstatus_to_exitcode(status) != 0:
        return None
    return ready, total, usage.ru_maxrss / 1024.0

best = {}
for name, cmd in cmds.items():
    if not os.path.exists(cmd[0]) and subprocess.call(["sh", "-c", "command -v " + cmd[0]],
                                                     stdout=subprocess.DEVNULL) != 0:
        print(f"{name}: {cmd[0]} not found", file=sys.stderr)
        continue
    results = [r for r in (one(cmd) for _ in range(runs)) if r]
    if not results:
        print(f"{name}: the guest did not boot to READY and power off", file=sys.stderr)
        continue
    best[name] = (min(r[0] for r in results), min(r[1] for r in results),
                  max(r[2] for r in results))

print(f"{'emulator':10} {'ready_s':>9} {'total_s':>9} {'peak_MiB':>9}")
for name, (ready, total, peak) in best.items():
    print(f"{name:10} {ready:9.2f} {total:9.2f} {peak:9.1f}")
if len(best) == 2:
    c, q = best["cinder"], best["qemu"]
    print(f"{'ratio':10} {c[0] / q[0]:9.2f} {c[1] / q[1]:9.2f} {c[2] / q[2]:9.2f}")
sys.exit(0 if len(best) == 2 else 1)
PY
