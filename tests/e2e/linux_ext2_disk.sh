#!/bin/sh
# linux_ext2_disk.sh CINDER WORKDIR FETCH_SCRIPT
#
# A filesystem that survives a power cycle, through Linux's own IDE driver.
# The Linux guest of tests/guests/fetch-debian-linux.sh is booted directly
# (-kernel, -icount 3) with an initramfs holding Debian's libata, ata_piix,
# sd_mod and ext4 (which mounts ext2) modules (tests/e2e/linux_modules.sh)
# and three files the host generated (3 MiB and 12345 bytes of random data,
# a line of text).  On the first boot the guest partitions the empty disk
# (BusyBox fdisk: one primary partition from sector 2048), formats it
# (BusyBox mke2fs), mounts it as ext2, copies the files in (one in a
# subdirectory), unmounts and powers off.  A second Cinder process boots the
# same image, mounts it read-only and prints the files' md5 sums, which must
# equal the host's.  The host then reads the image itself: the partition the
# MBR names passes `e2fsck -fn` and debugfs's copy of each file has the same
# md5.  All of that twice: with a raw image and with a qcow2 image made by
# `qemu-img create -f qcow2`, which afterwards must pass `qemu-img check`
# and be read through `qemu-img convert -O raw` for the host checks.
#
# Skipped (77) when the Linux guest cannot be fetched, or qemu-img, e2fsck
# or debugfs (qemu-utils, e2fsprogs) is missing.
set -u
cinder=$1
work=$2
fetch=$3
here=$(dirname "$0")
mkdir -p "$work"
for tool in qemu-img e2fsck debugfs md5sum od; do
    if ! command -v $tool >/dev/null 2>&1 && [ ! -x /usr/sbin/$tool ] && [ ! -x /sbin/$tool ]; then
        echo "SKIP: $tool is not installed (qemu-utils, e2fsprogs)"
        exit 77
    fi
done
PATH=$PATH:/usr/sbin:/sbin
. "$here/linux_guest.sh"
fetch_linux_guest "$fetch" "$work"
. "$here/linux_modules.sh"

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# The files, made fresh each run so nothing can pass from a stale image.
files="big dir/small odd"
rm -rf "$work/extra"
mkdir -p "$work/extra/data/dir"
head -c 3145728 /dev/urandom >"$work/extra/data/big"
echo "Cinder ext2 test $(date +%s) $$" >"$work/extra/data/dir/small"
head -c 12345 /dev/urandom >"$work/extra/data/odd"

cat >"$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
for m in $(cat /mods/order); do
    insmod /mods/$m.ko || echo "CINDER-EXT2 insmod $m failed"
done
for i in $(seq 1 300); do [ -b /dev/sda ] && break; sleep 0.1; done
if grep -q cinder.phase=write /proc/cmdline; then
    printf 'o\nn\np\n1\n2048\n\nw\n' | fdisk /dev/sda >/tmp/fdisk.log 2>&1
    for i in $(seq 1 100); do [ -b /dev/sda1 ] && break; sleep 0.1; done
    [ -b /dev/sda1 ] || { echo "CINDER-EXT2 no /dev/sda1"; cat /tmp/fdisk.log; }
    mke2fs -q -L cinder /dev/sda1 && echo "CINDER-EXT2 mkfs ok"
    mount -t ext2 /dev/sda1 /mnt && echo "CINDER-EXT2 mount ok"
    mkdir /mnt/dir
    cp /data/big /mnt/big && cp /data/dir/small /mnt/dir/small && cp /data/odd /mnt/odd &&
        echo "CINDER-EXT2 copy ok"
    umount /mnt && sync && echo "CINDER-EXT2 umount ok"
else
    rm -rf /data
    mount -t ext2 -o ro /dev/sda1 /mnt && echo "CINDER-EXT2 mount ok"
    for f in big dir/small odd; do
        echo "CINDER-EXT2 md5 $f $(md5sum </mnt/$f | cut -d' ' -f1)"
    done
    umount /mnt
fi
echo "CINDER-EXT2 done"
poweroff -f
INIT
MODINITRD_EXTRA=$work/extra modinitrd "$initrd" "$work/init" "$work/initrd.gz" "$work/mi" \
    $MODINITRD_ATA_DISK $MODINITRD_EXT4
st=$?
[ $st -eq 0 ] || exit $st

# boot FORMAT PHASE: one Cinder run on $work/disk.FORMAT.
boot() {
    log=$work/$1-$2.log
    timeout 600 "$cinder" -m 256M -icount 3 -kernel "$kernel" -initrd "$work/initrd.gz" \
        -append "console=ttyS0 cinder.phase=$2" -hda "$work/disk.$1" -nographic \
        >"$log" 2>"$work/$1-$2.stderr" </dev/null
    status=$?
    before=$fails
    grep -aq "CINDER-EXT2 insmod" "$log" &&
        fail "$1 $2: $(grep -a "CINDER-EXT2 insmod" "$log" | head -n 3 | tr '\r\n' '  ')"
    if [ "$2" = write ]; then
        for step in mkfs mount copy umount; do
            grep -aq "CINDER-EXT2 $step ok" "$log" || fail "$1 $2: $step failed in the guest"
        done
    else
        grep -aq "CINDER-EXT2 mount ok" "$log" ||
            fail "$1 $2: the second boot did not mount the disk"
        for f in $files; do
            want=$(md5sum <"$work/extra/data/$f" | cut -d' ' -f1)
            grep -aq "CINDER-EXT2 md5 $f $want" "$log" ||
                fail "$1 $2: /mnt/$f read back differs ($(grep -a "CINDER-EXT2 md5 $f " "$log"))"
        done
    fi
    grep -aq "CINDER-EXT2 done" "$log" || fail "$1 $2: the guest's /init did not finish"
    bad="Oops:|BUG:|Call Trace:|Kernel panic|EXT4-fs error|I/O error"
    grep -aqE "$bad" "$log" &&
        fail "$1 $2: kernel oops, panic or I/O error: $(grep -aE "$bad" "$log" | head -n 2)"
    [ $status -eq 0 ] || fail "$1 $2: exit status $status, expected 0"
    if [ $fails -ne $before ]; then
        echo "--- $1 $2 stderr"
        head -c 2000 "$work/$1-$2.stderr"
        echo "--- $1 $2 serial tail"
        tail -25 "$log"
        return 1
    fi
    return 0
}

# host_check FORMAT RAWFILE: the filesystem as the host sees it.
host_check() {
    # The first partition's start (MBR entry 1, LBA at byte 454, little endian).
    start=$(od -An -t u4 -j 454 -N 4 "$2" | tr -d ' ')
    size=$(od -An -t u4 -j 458 -N 4 "$2" | tr -d ' ')
    if [ "$start" != 2048 ]; then
        fail "$1: partition 1 starts at sector '$start', expected 2048"
        return
    fi
    dd if="$2" of="$work/part.img" bs=512 skip="$start" count="$size" 2>/dev/null
    e2fsck -fn "$work/part.img" >"$work/$1-e2fsck.log" 2>&1 ||
        fail "$1: e2fsck -fn: $(tail -3 "$work/$1-e2fsck.log")"
    for f in $files; do
        want=$(md5sum <"$work/extra/data/$f" | cut -d' ' -f1)
        got=$(debugfs -R "cat /$f" "$work/part.img" 2>/dev/null | md5sum | cut -d' ' -f1)
        [ "$got" = "$want" ] ||
            fail "$1: debugfs reads /$f differently from what the host generated"
    done
    rm -f "$work/part.img"
}

# raw
rm -f "$work/disk.raw" "$work/disk.qcow2" "$work/conv.raw"
truncate -s 64M "$work/disk.raw"
if boot raw write && boot raw read; then
    host_check raw "$work/disk.raw"
    [ $fails -eq 0 ] &&
        echo "ok: raw: partitioned, formatted, written, read back after a power cycle"
fi

# qcow2
before=$fails
if qemu-img create -q -f qcow2 "$work/disk.qcow2" 64M >"$work/qemu-img.log" 2>&1; then
    if boot qcow2 write && boot qcow2 read; then
        if ! qemu-img check "$work/disk.qcow2" >"$work/check.log" 2>&1; then
            fail "qcow2: qemu-img check: $(tail -5 "$work/check.log")"
        fi
        if qemu-img convert -O raw "$work/disk.qcow2" "$work/conv.raw" 2>"$work/convert.log"; then
            host_check qcow2 "$work/conv.raw"
        else
            fail "qcow2: qemu-img convert: $(tail -3 "$work/convert.log")"
        fi
        [ $fails -eq $before ] &&
            echo "ok: qcow2: the same, and qemu-img check and convert agree"
    fi
else
    fail "qemu-img create: $(cat "$work/qemu-img.log")"
fi
rm -f "$work/disk.raw" "$work/disk.qcow2" "$work/conv.raw"
[ $fails -eq 0 ] || exit 1
exit 0
