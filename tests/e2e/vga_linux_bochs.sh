#!/bin/sh
# vga_linux_bochs.sh CINDER WORKDIR FETCH_SCRIPT
#
# Debian's i386 Linux (tests/guests/fetch-debian-linux.sh, cached) with an
# initramfs that loads the kernel package's bochs-drm module and its DRM
# helpers: the driver must find the std-VGA on 00:02.0 through DISPI (ID
# 0xB0C5, VRAM size from VIDEO_MEMORY_64K, LFB at BAR0), put its console on a
# 1024x768 frame buffer, and the screenshot taken at exit must be 1024x768.
# Linux finds the VGA through the PCI root bridge of the board's ACPI tables.
# Skipped (77) when the guest cannot be fetched or dpkg is missing.
set -u
cinder=$1
work=$2
fetch=$3
mkdir -p "$work"
. "$(dirname "$0")/linux_guest.sh"
fetch_linux_guest "$fetch" "$work"
command -v dpkg >/dev/null && command -v cpio >/dev/null || {
    echo "SKIP: dpkg and cpio are needed to build the initramfs"
    exit 77
}
cache=$(dirname "$kernel")
deb=$(ls "$cache"/debs/linux-image-*.deb 2>/dev/null | head -1)
if [ -z "$deb" ] || [ ! -d "$cache/root" ]; then
    echo "SKIP: the kernel package or the BusyBox root is not in $cache"
    exit 77
fi
rm -rf "$work/pkg" "$work/root"
dpkg -x "$deb" "$work/pkg" || { echo "FAIL: dpkg -x $deb"; exit 1; }
cp -a "$cache/root" "$work/root"
mkdir -p "$work/root/mods"
mods="fb_sys_fops sysimgblt sysfillrect syscopyarea drm drm_kms_helper ttm drm_ttm_helper"
mods="$mods drm_vram_helper bochs"
for m in $mods; do
    f=$(find "$work/pkg/lib/modules" -name "$m.ko" | head -1)
    [ -n "$f" ] || { echo "SKIP: $m.ko is not in $deb"; exit 77; }
    cp "$f" "$work/root/mods/"
done
cat >"$work/root/init" <<EOF
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $mods; do insmod /mods/\$m.ko || echo "insmod \$m failed"; done
sleep 1
echo "fb0 size: \$(cat /sys/class/graphics/fb0/virtual_size)"
echo "CINDER-VGA-MARKER" >/dev/tty0
sleep 1
echo CINDER-FB-DONE
while :; do sleep 10; done
EOF
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$work/initrd.gz")
log=$work/serial.log
png=$work/screen.png
rm -f "$log" "$png"
timeout 600 "$cinder" -m 256M -icount 3 -kernel "$kernel" -initrd "$work/initrd.gz" \
    -append "console=ttyS0" -nographic -screendump "$png" >"$log" 2>"$work/stderr" \
    </dev/null &
pid=$!
i=0
while [ $i -lt 5000 ]; do
    grep -q CINDER-FB-DONE "$log" 2>/dev/null && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
grep -q "Found bochs VGA, ID 0xb0c5" "$log" || fail "bochs-drm did not find the DISPI interface"
grep -q "Framebuffer size 16384 kB @ 0xe0000000" "$log" ||
    fail "bochs-drm saw the wrong VRAM size or LFB address"
grep -q "fb0 size: 1024,768" "$log" || fail "fb0 is not 1024x768"
# The PNG's IHDR: width and height as big-endian words at bytes 16-23.
dims=$(od -An -tx1 -j16 -N8 "$png" 2>/dev/null | tr -d ' \n')
[ "$dims" = "0000040000000300" ] || fail "screenshot is not 1024x768 (IHDR $dims)"
if [ $fails -ne 0 ]; then
    echo "--- serial tail"
    tail -20 "$log"
    exit 1
fi
echo "ok: bochs-drm drives the std-VGA at 1024x768"
exit 0
