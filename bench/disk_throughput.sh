#!/bin/sh
# disk_throughput.sh [path/to/cinder] - guest disk throughput through Linux's
# ata_piix, Cinder beside qemu-system-i386 -accel tcg, same kernel, same
# initramfs, same kind of disk.
#
# The Linux guest of tests/guests/fetch-debian-linux.sh boots with an
# initramfs that adds Debian's libata, ata_piix and sd_mod
# (tests/e2e/linux_modules.sh) and an /init that, on a fresh 128 MiB raw
# image as the primary master, runs
#     dd if=/dev/zero of=/dev/sda bs=1M count=64 conv=fsync      (write)
#     echo 3 >/proc/sys/vm/drop_caches
#     dd if=/dev/sda of=/dev/null bs=1M count=64                 (read)
# and powers off.  Each dd is bracketed by lines on the serial console that
# carry the guest's /proc/uptime; the script also stamps those lines with the
# host's clock as they arrive.  Two modes: DMA (ata_piix's default, MWDMA2 on
# both emulators' PIIX IDE) and PIO (libata force=pio4: PIO4, REP INSW/OUTSW
# through the data port).  Both emulators run in their default real-time
# clock mode (no -icount), so guest seconds are host seconds.
#
# Prints, per mode and direction, MiB/s from the host's stamps (the guest's
# /proc/uptime numbers are in the detail lines and agree to ~10 ms) and the
# ratio Cinder/QEMU (higher is better for Cinder).  Best of BENCH_RUNS
# (default 1) boots per emulator and mode.  Knobs: QEMU (binary),
# BENCH_RUNS, BENCH_TIMEOUT (seconds per boot, default 600).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cinder=${1:-$here/../build/cinder}
qemu=${QEMU:-qemu-system-i386}
runs=${BENCH_RUNS:-1}
out=$(sh "$here/../tests/guests/fetch-debian-linux.sh")
kernel=$(echo "$out" | sed -n 's/^kernel: //p')
initrd=$(echo "$out" | sed -n 's/^initrd: //p')
. "$here/../tests/e2e/linux_modules.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cinder-diskbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cat >"$tmp/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
for m in $(cat /mods/order); do
    a=
    [ $m = libata ] && grep -q cinder.pio=1 /proc/cmdline && a=force=pio4
    insmod /mods/$m.ko $a || echo "BENCH insmod $m failed"
done
for i in $(seq 1 300); do [ -b /dev/sda ] && break; sleep 0.1; done
up() { cut -d' ' -f1 /proc/uptime; }
echo "BENCH mode $(cat /sys/class/ata_device/dev1.0/xfer_mode)"
echo "BENCH write-start $(up)"
dd if=/dev/zero of=/dev/sda bs=1M count=64 conv=fsync 2>/dev/null
echo "BENCH write-end $(up)"
echo 3 >/proc/sys/vm/drop_caches
echo "BENCH read-start $(up)"
dd if=/dev/sda of=/dev/null bs=1M count=64 2>/dev/null
echo "BENCH read-end $(up)"
poweroff -f
INIT
st=0
modinitrd "$initrd" "$tmp/init" "$tmp/initrd.gz" "$tmp/mi" $MODINITRD_ATA_DISK || st=$?
[ $st -eq 0 ] || exit $st

python3 - "$cinder" "$qemu" "$runs" "$kernel" "$tmp" "${BENCH_TIMEOUT:-600}" <<'PY'
import os, subprocess, sys, threading, time

cinder, qemu, runs, kernel, tmp, timeout = sys.argv[1:7]
runs, timeout = int(runs), float(timeout)
initrd = os.path.join(tmp, "initrd.gz")
disk = os.path.join(tmp, "disk.img")
MIB = 64

def cmd(emu, mode):
    append = "console=ttyS0" + (" cinder.pio=1" if mode == "pio" else "")
    common = ["-m", "256M", "-kernel", kernel, "-initrd", initrd, "-append", append,
              "-nographic"]
    if emu == "cinder":
        return [cinder] + common + ["-hda", disk]
    return [qemu, "-accel", "tcg", "-no-reboot"] + common + [
        "-drive", f"file={disk},format=raw,if=ide,index=0"]

def one(emu, mode):
    """{phase: (host_s, guest_s)} of one boot, and the transfer mode, or None."""
    with open(disk, "wb") as f:
        f.truncate(128 << 20)
    log = open(os.path.join(tmp, f"{emu}-{mode}.log"), "wb")
    p = subprocess.Popen(cmd(emu, mode), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    stamps, xfer = {}, "?"
    for line in p.stdout:
        now = time.monotonic()
        log.write(line)
        s = line.decode("latin-1").strip()
        i = s.find("BENCH ")
        if i < 0:
            continue
        w = s[i:].split()
        if len(w) >= 3 and w[1] == "mode":
            xfer = w[2]
        elif len(w) >= 3 and w[1].endswith(("-start", "-end")):
            stamps[w[1]] = (now, float(w[2]))
        elif "insmod" in w:
            print(f"{emu} {mode}: {s[i:]}", file=sys.stderr)
    status = p.wait()
    killer.cancel()
    log.close()
    try:
        res = {ph: (stamps[ph + "-end"][0] - stamps[ph + "-start"][0],
                    stamps[ph + "-end"][1] - stamps[ph + "-start"][1])
               for ph in ("write", "read")}
    except KeyError:
        print(f"{emu} {mode}: the guest did not finish (exit status {status}); serial tail:",
              file=sys.stderr)
        with open(log.name, "rb") as f:
            sys.stderr.write(f.read()[-1500:].decode("latin-1"))
        return None
    return res, xfer

def have(path):
    return os.path.exists(path) or subprocess.call(
        ["sh", "-c", "command -v " + path], stdout=subprocess.DEVNULL) == 0

best = {}
for emu, binary in (("cinder", cinder), ("qemu", qemu)):
    if not have(binary):
        print(f"{emu}: {binary} not found", file=sys.stderr)
        continue
    for mode in ("dma", "pio"):
        for _ in range(runs):
            r = one(emu, mode)
            if not r:
                continue
            res, xfer = r
            for ph, (hs, gs) in res.items():
                print(f"  {emu:6} {mode} {ph:5} {xfer:14} host {hs:7.2f} s  guest {gs:7.2f} s",
                      file=sys.stderr)
                k = (emu, mode, ph)
                if k not in best or hs < best[k][0]:
                    best[k] = (hs, gs, xfer)

def fmt(k):
    return f"{MIB / best[k][0]:10.1f}" if k in best else f"{'n/a':>10}"

print(f"{'mode':5} {'dir':6} {'xfer(cinder)':14} {'cinder_MiB/s':>12} {'qemu_MiB/s':>12} "
      f"{'ratio':>7}")
for mode in ("dma", "pio"):
    for ph in ("write", "read"):
        c, q = ("cinder", mode, ph), ("qemu", mode, ph)
        ratio = f"{best[q][0] / best[c][0]:7.2f}" if c in best and q in best else f"{'n/a':>7}"
        xfer = best[c][2] if c in best else "n/a"
        print(f"{mode:5} {ph:6} {xfer:14} {fmt(c):>12} {fmt(q):>12} {ratio}")
sys.exit(0 if best else 1)
PY
