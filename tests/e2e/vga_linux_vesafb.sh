#!/bin/sh
# vga_linux_vesafb.sh CINDER WORKDIR FETCH_SCRIPT
#
# Linux's vesafb on the std-VGA: an ISOLINUX CD (tests/guests/make-linux-iso.sh)
# boots the Linux guest with vga=0x318, so the kernel's real-mode setup asks
# the VGA BIOS (SeaBIOS's vgabios-stdvga.bin, through Bochs VBE) for
# 1024x768 with 24-bit colour and hands the LFB to vesafb.  The kernel log
# must show vesafb in that mode and fb0, the guest powers off (status 0), and
# the screendump must be 1024x768.  Skipped (77) without the guest or the
# ISOLINUX tools.
set -u
cinder=$1
work=$2
fetch=$3
mkdir -p "$work"
. "$(dirname "$0")/linux_guest.sh"
fetch_linux_guest "$fetch" "$work"
iso=$(sh "$(dirname "$fetch")/make-linux-iso.sh" "$kernel" "$initrd" \
    "vga=0x318 console=ttyS0 cinder.test=1" "$work/vesafb.iso" 2>"$work/iso.err")
st=$?
[ $st -eq 77 ] && { echo "SKIP: $(cat "$work/iso.err")"; exit 77; }
[ $st -eq 0 ] || { echo "FAIL: building the ISO: $(tail -3 "$work/iso.err")"; exit 1; }
iso=$(echo "$iso" | sed -n 's/^iso: //p')
log=$work/serial.log
png=$work/screen.png
rm -f "$log" "$png"
timeout 600 "$cinder" -m 256M -icount 3 -cdrom "$iso" -display none -nographic \
    -screendump "$png" >"$log" 2>"$work/stderr" </dev/null
status=$?
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
grep -q "vesafb: mode is 1024x768x24" "$log" || fail "vesafb did not get 1024x768x24"
grep -q "fb0: VESA VGA frame buffer device" "$log" || fail "no fb0 from vesafb"
grep -q "CINDER-LINUX-READY" "$log" || fail "the guest did not reach its /init"
[ $status -eq 0 ] || fail "exit status $status, expected 0"
size=$(python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(); print('%dx%d' % struct.unpack('>II', d[16:24]))" "$png" 2>/dev/null)
[ "$size" = "1024x768" ] || fail "screendump is '$size', expected 1024x768"
if [ $fails -ne 0 ]; then
    echo "--- serial tail"
    tail -20 "$log"
    exit 1
fi
echo "ok: vesafb at 1024x768x24 on the std-VGA, screendump $size"
exit 0
