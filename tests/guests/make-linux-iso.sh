#!/bin/sh
# make-linux-iso.sh KERNEL INITRD CMDLINE ISO - an El Torito CD that boots
# KERNEL with INITRD and CMDLINE through ISOLINUX (Debian's isolinux and
# syslinux-common, built with xorriso).  ISOLINUX talks on COM1 too (SERIAL 0
# 115200) and boots after 1 s.  The ISO is rebuilt only when an input
# changes (a key of checksums is kept beside it in ISO.key).  Prints
# "iso: ISO"; exits 77 when a tool or package is missing.
set -u
kernel=$1
initrd=$2
cmdline=$3
iso=$4
isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in "$isolinux_bin" "$ldlinux"; do
    [ -f "$f" ] || { echo "make-linux-iso: $f is missing (install isolinux, syslinux-common)" >&2; exit 77; }
done
command -v xorriso >/dev/null 2>&1 || { echo "make-linux-iso: xorriso is not installed" >&2; exit 77; }
cfg() {
    cat <<CFG
SERIAL 0 115200
PROMPT 1
TIMEOUT 10
DEFAULT linux
LABEL linux
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz $cmdline
CFG
}
key=$( (cfg; cksum "$isolinux_bin" "$ldlinux" "$kernel" "$initrd" | cut -d' ' -f1,2) | cksum)
if [ -f "$iso" ] && [ "$(cat "$iso.key" 2>/dev/null)" = "$key" ]; then
    echo "iso: $iso"
    exit 0
fi
tree=$iso.tree
rm -rf "$tree"
mkdir -p "$tree/isolinux"
if cp "$isolinux_bin" "$ldlinux" "$tree/isolinux/" && cfg >"$tree/isolinux/isolinux.cfg" &&
    cp "$kernel" "$tree/vmlinuz" && cp "$initrd" "$tree/initrd.gz" &&
    xorriso -as mkisofs -quiet -o "$iso.tmp" -b isolinux/isolinux.bin -c isolinux/boot.cat \
        -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" >"$iso.log" 2>&1 &&
    mv "$iso.tmp" "$iso"; then
    echo "$key" >"$iso.key"
    rm -rf "$tree" "$iso.log"
    echo "iso: $iso"
    exit 0
fi
echo "make-linux-iso: building $iso failed: $(tail -5 "$iso.log" 2>/dev/null)" >&2
rm -rf "$tree" "$iso.tmp"
exit 1
