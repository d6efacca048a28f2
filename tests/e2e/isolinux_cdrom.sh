#!/bin/sh
# isolinux_cdrom.sh CINDER WORKDIR FETCH_SCRIPT [ata]
#
# El Torito boot from the ATAPI CD-ROM: an ISO built with xorriso from
# Debian's isolinux/syslinux-common, holding the Linux guest of
# tests/guests/fetch-debian-linux.sh (kernel and BusyBox initramfs), is
# booted with `-cdrom` and nothing else bootable, so SeaBIOS falls through
# its default order (floppy, disk, CD) to the CD.  The serial console must
# show ISOLINUX's banner (its config says SERIAL 0 115200), then the
# kernel's, then the initramfs's CINDER-LINUX-READY, and the guest's
# `poweroff -f` must end Cinder with status 0.  All of ISOLINUX's and the
# kernel's reads go through the ATAPI PACKET path (READ(10) in PIO).
#
# With "ata", the ISO's initramfs is the guest's plus Debian's libata,
# ata_piix, sd_mod and sr_mod (from the kernel package the fetch script
# cached) and an /init that loads them and uses both drives through Linux's
# own driver: the CD-ROM (ATAPI) and a raw hard disk are read and compared
# with checksums the host computed, 1 MiB of the CD is written to the disk
# and read back, then the host checks the image file.  It runs twice: with
# bus-master DMA (ata_piix's default, MWDMA2) and with libata force=pio4.
#
# The ISOs are cached in ${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}/isolinux
# and rebuilt only when their inputs change.  Skipped (77) when xorriso,
# isolinux, syslinux-common or SeaBIOS is not installed, or the Linux guest
# cannot be fetched.
set -u
cinder=$1
work=$2
fetch=$3
mode=${4:-isolinux}
mkdir -p "$work"
isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in "$isolinux_bin" "$ldlinux" /usr/share/seabios/bios.bin; do
    if [ ! -f "$f" ]; then
        echo "SKIP: $f is missing (install isolinux, syslinux-common and seabios)"
        exit 77
    fi
done
if ! command -v xorriso >/dev/null 2>&1; then
    echo "SKIP: xorriso is not installed"
    exit 77
fi
. "$(dirname "$0")/linux_guest.sh"
fetch_linux_guest "$fetch" "$work"

cache=${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}/isolinux
mkdir -p "$cache"
# make_iso NAME INITRD CMDLINE: $cache/NAME.iso (tests/guests/make-linux-iso.sh,
# rebuilt when an input changes).
make_iso() {
    iso=$cache/$1.iso
    sh "$(dirname "$fetch")/make-linux-iso.sh" "$kernel" "$2" "console=ttyS0 $3" \
        "$iso" >/dev/null 2>"$work/xorriso.log" || {
        echo "FAIL: building the ISO: $(tail -5 "$work/xorriso.log")"
        exit 1
    }
}

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# The initramfs of the "ata" case: the guest's, plus the modules, plus /init.
ata_initrd() {
    deb=$(ls "${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}"/linux/debs/linux-image-*.deb \
        2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
        echo "SKIP: no cached Debian kernel package (fetch-debian-linux.sh keeps it in linux/debs)"
        return 77
    fi
    for tool in dpkg cpio gzip md5sum; do
        command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool not found"; return 77; }
    done
    root=$work/ataroot
    rm -rf "$root" "$work/kpkg"
    mkdir -p "$root/mods" "$work/kpkg"
    dpkg -x "$deb" "$work/kpkg" && (cd "$root" && gzip -dc "$initrd" | cpio -id --quiet) || {
        echo "FAIL: unpacking $deb or $initrd"
        return 1
    }
    # In load order; the crc/crypto ones are what sd_mod's t10-pi needs on
    # Debian 12 and are skipped when a kernel does not have them.
    order=
    for m in scsi_common scsi_mod libata ata_piix cdrom sr_mod crct10dif_common \
        crct10dif_generic crc-t10dif crc64 crc64_rocksoft_generic crc64-rocksoft t10-pi sd_mod; do
        f=$(find "$work/kpkg/lib/modules" -name "$m.ko" | head -n 1)
        if [ -n "$f" ]; then
            cp "$f" "$root/mods/" && order="$order $m"
        else
            case $m in
            libata | ata_piix | scsi_mod | sd_mod | sr_mod | cdrom)
                echo "FAIL: $m.ko is not in $deb"
                return 1
                ;;
            esac
        fi
    done
    cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
for m in $order; do
    a=
    [ \$m = libata ] && grep -q cinder.pio=1 /proc/cmdline && a=force=pio4
    insmod /mods/\$m.ko \$a || echo "CINDER-ATA insmod \$m failed"
done
for i in \$(seq 1 300); do [ -b /dev/sda ] && [ -b /dev/sr0 ] && break; sleep 0.1; done
echo "CINDER-ATA sr0 \$(dd if=/dev/sr0 bs=2048 count=1024 2>/dev/null | md5sum | cut -d' ' -f1)"
echo "CINDER-ATA sda \$(dd if=/dev/sda bs=1M count=8 2>/dev/null | md5sum | cut -d' ' -f1)"
dd if=/dev/sr0 of=/dev/sda bs=64k count=16 seek=128 conv=fsync 2>/dev/null
echo 3 >/proc/sys/vm/drop_caches
echo "CINDER-ATA back \$(dd if=/dev/sda bs=64k skip=128 count=16 2>/dev/null | md5sum | cut -d' ' -f1)"
echo "CINDER-ATA mode \$(cat /sys/class/ata_device/dev1.0/xfer_mode) \$(cat /sys/class/ata_device/dev2.0/xfer_mode)"
poweroff -f
INIT
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/ata-initrd.gz"
    st=$?
    rm -rf "$root" "$work/kpkg"
    return $st
}

# One boot of the "ata" case: $1 is dma or pio.
ata_boot() {
    cache=$work make_iso "ata-$1" "$work/ata-initrd.gz" "$([ "$1" = pio ] && echo cinder.pio=1)"
    iso=$work/ata-$1.iso
    disk=$work/ata-$1.img
    head -c 16777216 /dev/urandom >"$disk"
    want_sr0=$(head -c 2097152 "$iso" | md5sum | cut -d' ' -f1)
    want_sda=$(head -c 8388608 "$disk" | md5sum | cut -d' ' -f1)
    want_back=$(head -c 1048576 "$iso" | md5sum | cut -d' ' -f1)
    log=$work/ata-$1.log
    timeout 600 "$cinder" -m 256M -icount 3 -cdrom "$iso" -hda "$disk" -boot d -nographic \
        >"$log" 2>"$work/ata-$1.stderr" </dev/null
    status=$?
    before=$fails
    grep -aq "CINDER-ATA insmod" "$log" && fail "$1: $(grep -a "CINDER-ATA insmod" "$log" | head -n 1)"
    grep -aq "CINDER-ATA sr0 $want_sr0" "$log" || fail "$1: /dev/sr0 read wrong data"
    grep -aq "CINDER-ATA sda $want_sda" "$log" || fail "$1: /dev/sda read wrong data"
    grep -aq "CINDER-ATA back $want_back" "$log" || fail "$1: /dev/sda did not read back the write"
    [ "$(tail -c +8388609 "$disk" | head -c 1048576 | md5sum | cut -d' ' -f1)" = "$want_back" ] ||
        fail "$1: the image file does not hold what the guest wrote"
    want_mode="XFER_MW_DMA_2 XFER_MW_DMA_2"
    [ "$1" = pio ] && want_mode="XFER_PIO_4 XFER_PIO_4"
    grep -aq "CINDER-ATA mode $want_mode" "$log" ||
        fail "$1: transfer modes '$(grep -a "CINDER-ATA mode" "$log")', expected $want_mode"
    grep -aqE "Oops:|BUG:|Call Trace:|Kernel panic" "$log" && fail "$1: kernel oops or panic"
    [ $status -eq 0 ] || fail "$1: exit status $status, expected 0"
    if [ $fails -ne $before ]; then
        echo "--- $1 stderr"
        head -c 2000 "$work/ata-$1.stderr"
        echo "--- $1 serial tail"
        tail -20 "$log"
    else
        echo "ok: $1: ata_piix read the CD and the disk and wrote the disk ($want_mode)"
    fi
    rm -f "$disk"
}

run_ata() {
    ata_initrd
    st=$?
    [ $st -eq 0 ] || return $st
    ata_boot dma
    ata_boot pio
    [ $fails -eq 0 ] || return 1
    return 0
}

if [ "$mode" = ata ]; then
    run_ata
    exit $?
fi

make_iso cinder-isolinux "$initrd" cinder.test=1
log=$work/serial.log
timeout 600 "$cinder" -m 256M -icount 3 -cdrom "$iso" -nographic \
    >"$log" 2>"$work/stderr" </dev/null
status=$?
grep -aq "ISOLINUX 6\." "$log" || fail "no ISOLINUX banner on the serial console"
grep -aq "Loading /vmlinuz" "$log" || fail "ISOLINUX did not load the kernel from the CD"
grep -aq "Linux version 6\." "$log" || fail "no \"Linux version\" banner"
grep -aq "CINDER-LINUX-READY" "$log" || fail "the initramfs's /init did not print its marker"
grep -aqE "Oops:|BUG:|Call Trace:|Kernel panic" "$log" && fail "kernel oops or panic"
[ $status -eq 0 ] || fail "exit status $status, expected 0 (poweroff -f through ACPI S5)"
if [ $fails -ne 0 ]; then
    echo "--- stderr"
    head -c 2000 "$work/stderr"
    echo "--- serial head"
    head -c 2000 "$log"
    echo "--- serial tail"
    tail -20 "$log"
    exit 1
fi
echo "ok: ISOLINUX booted from the CD-ROM to Linux, which powered off"
exit 0
