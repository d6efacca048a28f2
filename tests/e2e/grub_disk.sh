#!/bin/sh
# grub_disk.sh CINDER WORKDIR FETCH_SCRIPT
#
# GRUB 2 from the hard disk through SeaBIOS: a 32 MiB raw image with an MBR
# partition table (sfdisk: one ext2 partition from sector 2048, made with
# `mke2fs -d` holding /boot/vmlinuz, /boot/initrd.gz and /boot/grub/grub.cfg
# of the Linux guest of tests/guests/fetch-debian-linux.sh), GRUB's boot.img
# in the MBR's first 440 bytes and a core.img from `grub-mkimage -O i386-pc`
# (biosdisk, part_msdos, ext2, normal, linux, serial, terminal built in, the
# prefix (hd0,msdos1)/boot/grub) in the gap from sector 1, where boot.img's
# and diskboot's default block lists look for it; that is what
# grub-bios-setup would write, without needing a loop device.  grub.cfg puts
# GRUB's terminal on COM1 and boots the one menu entry after 1 s with
# console=ttyS0 cinder.test=1.
#
# Checked on the serial console: GRUB's menu (its "GNU GRUB" header and the
# entry's title), the entry's echo, then the kernel's banner, the guest's
# CINDER-LINUX-READY and exit status 0 from its `poweroff -f`.  The disk is
# opened with -snapshot so the cached image is never written.
#
# The image is cached in ${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}/grub,
# keyed on the kernel, initramfs, grub.cfg and GRUB's version.  Skipped (77)
# without grub-mkimage and /usr/lib/grub/i386-pc (grub-common, grub-pc-bin),
# sfdisk (fdisk), mke2fs (e2fsprogs, 1.43 or later for -d), SeaBIOS, or the
# Linux guest.
set -u
cinder=$1
work=$2
fetch=$3
mkdir -p "$work"
PATH=$PATH:/usr/sbin:/sbin
grubdir=/usr/lib/grub/i386-pc
for f in "$grubdir/boot.img" "$grubdir/linux.mod" /usr/share/seabios/bios.bin; do
    if [ ! -f "$f" ]; then
        echo "SKIP: $f is missing (install grub-pc-bin, grub-common and seabios)"
        exit 77
    fi
done
for tool in grub-mkimage sfdisk mke2fs md5sum; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (grub-common, fdisk, e2fsprogs)"
        exit 77
    fi
done
. "$(dirname "$0")/linux_guest.sh"
fetch_linux_guest "$fetch" "$work"

grub_cfg() {
    cat <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=1
set default=0
menuentry 'Cinder Linux from the IDE disk' {
    echo 'CINDER-GRUB loading the kernel'
    linux /boot/vmlinuz console=ttyS0 cinder.test=1
    initrd /boot/initrd.gz
}
CFG
}
modules="biosdisk part_msdos ext2 normal linux serial terminal echo test"

cache=${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}/grub
mkdir -p "$cache"
key=$( (md5sum <"$kernel"; md5sum <"$initrd"; grub_cfg; echo "$modules";
    grub-mkimage --version; md5sum <"$grubdir/boot.img") | md5sum | cut -c1-16)
disk=$cache/grub-$key.img
if [ ! -f "$disk" ]; then
    tmp=$work/build
    rm -rf "$tmp"
    mkdir -p "$tmp/root/boot/grub"
    cp "$kernel" "$tmp/root/boot/vmlinuz"
    cp "$initrd" "$tmp/root/boot/initrd.gz"
    grub_cfg >"$tmp/root/boot/grub/grub.cfg"
    # 32 MiB: the MBR and GRUB's gap (1 MiB), then the ext2 partition.
    truncate -s 32M "$tmp/disk.img"
    if ! echo 'start=2048, type=83, bootable' | sfdisk -q "$tmp/disk.img" >"$tmp/log" 2>&1 ||
        ! mke2fs -q -t ext2 -d "$tmp/root" "$tmp/part.img" 31M >>"$tmp/log" 2>&1 ||
        ! grub-mkimage -O i386-pc -o "$tmp/core.img" -p '(hd0,msdos1)/boot/grub' \
            $modules >>"$tmp/log" 2>&1; then
        echo "FAIL: building the disk image: $(tail -5 "$tmp/log")"
        exit 1
    fi
    # core.img must fit the gap before the partition.
    if [ "$(wc -c <"$tmp/core.img")" -gt $((2047 * 512)) ]; then
        echo "FAIL: core.img is larger than the 2047 sectors before the partition"
        exit 1
    fi
    dd if="$tmp/part.img" of="$tmp/disk.img" bs=512 seek=2048 conv=notrunc 2>/dev/null &&
        dd if="$grubdir/boot.img" of="$tmp/disk.img" bs=440 count=1 conv=notrunc 2>/dev/null &&
        dd if="$tmp/core.img" of="$tmp/disk.img" bs=512 seek=1 conv=notrunc 2>/dev/null &&
        mv "$tmp/disk.img" "$disk" || {
        echo "FAIL: writing GRUB into the disk image"
        exit 1
    }
    rm -rf "$tmp"
fi

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
log=$work/serial.log
timeout 600 "$cinder" -m 256M -icount 3 -hda "$disk" -snapshot -boot c -nographic \
    >"$log" 2>"$work/stderr" </dev/null
status=$?
grep -aq "Booting from Hard Disk" "$log" || fail "SeaBIOS did not boot from the hard disk"
grep -aq "GNU GRUB" "$log" || fail "no GRUB menu header on the serial console"
grep -aq "Cinder Linux from the IDE disk" "$log" || fail "GRUB's menu does not show the entry"
grep -aq "CINDER-GRUB loading the kernel" "$log" || fail "GRUB did not run the menu entry"
grep -aq "Linux version 6\." "$log" || fail "no \"Linux version\" banner"
grep -aq "CINDER-LINUX-READY" "$log" || fail "the initramfs's /init did not print its marker"
grep -aqE "Oops:|BUG:|Call Trace:|Kernel panic" "$log" && fail "kernel oops or panic"
[ $status -eq 0 ] || fail "exit status $status, expected 0 (poweroff -f through ACPI S5)"
if [ $fails -ne 0 ]; then
    echo "--- stderr"
    head -c 2000 "$work/stderr"
    echo "--- serial head"
    head -c 3000 "$log" | tr -d '\033'
    echo "--- serial tail"
    tail -20 "$log"
    exit 1
fi
echo "ok: GRUB booted from the IDE disk, showed its menu on COM1 and started Linux," \
    "which powered off"
exit 0
