#!/bin/sh
# cli_test.sh CINDER NASM WORKDIR CASE
#
# Command-line and loader robustness tests for the cinder binary: bad options
# and garbage -bios/-kernel files must give exit status 1 and exactly one
# clear "cinder: ..." line on stderr (never a crash); a good multiboot kernel
# must run and exit with the status it chose.  Garbage files are made on the
# fly in WORKDIR.
set -u
cinder=$1
nasm=$2
work=$3
case_name=$4
src=$(dirname "$0")
mkdir -p "$work"
fails=0

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# expect_error "substring" args...  -> status 1, one stderr line "cinder: ...substring..."
expect_error() {
    want=$1
    shift
    timeout 30 "$cinder" "$@" >"$work/out" 2>"$work/err" </dev/null
    st=$?
    lines=$(wc -l <"$work/err")
    first=$(head -n 1 "$work/err")
    if [ "$st" -ne 1 ]; then
        fail "cinder $* : exit status $st, expected 1 ($(head -c 300 "$work/err"))"
    elif [ "$lines" -ne 1 ]; then
        fail "cinder $* : $lines stderr lines, expected 1"
    else
        case "$first" in
            "cinder: "*"$want"*) echo "ok: cinder $* -> $first" ;;
            *) fail "cinder $* : stderr '$first' lacks 'cinder: ...$want'" ;;
        esac
    fi
}

case "$case_name" in
options)
    expect_error "-foo: unknown option (see -help)" -foo
    expect_error "-drive if=scsi,file=x: if=scsi is not supported" -drive if=scsi,file=x
    expect_error "-drive file=x,index=4: index=4" -drive file=x,index=4
    expect_error "-drive file=x,media=tape: media=tape" -drive file=x,media=tape
    expect_error "-drive file=x,format=vmdk: format=vmdk" -drive file=x,format=vmdk
    expect_error "-drive file=x,cache=none: cache=none" -drive file=x,cache=none
    expect_error "-drive file=x,snapshot=yes: snapshot=yes (expected on or off)" \
        -drive file=x,snapshot=yes
    expect_error "-drive if=ide: expected file=FILE" -drive if=ide
    expect_error "IDE index 1 is already in use" -drive file=x,index=1 -drive file=y,index=1
    expect_error "-serial foo: expected stdio, file:PATH, null, none or tcp" -serial foo
    expect_error "-serial: at most 4 serial ports" -serial null -serial null -serial null -serial null -serial null
    expect_error "-rtc base=1999-13-01: expected base=utc, localtime or YYYY-MM-DD" -rtc base=1999-13-01
    expect_error "-rtc clock=wall: unknown 'clock=wall'" -rtc clock=wall
    expect_error "-boot order=cx: 'x' is not a boot device or is repeated" -boot order=cx
    expect_error "-boot cc: 'c' is not a boot device or is repeated" -boot cc
    expect_error "-boot acdn: expected one to three of a, c, d, n" -boot acdn
    expect_error "-boot menu=yes: menu= expects on or off" -boot menu=yes
    expect_error "-boot splash-time=-5: expected milliseconds from 0 to 65535" -boot splash-time=-5
    expect_error "-boot strict=on: unknown 'strict'" -boot strict=on
    expect_error "disk.img: unexpected argument" disk.img
    expect_error "-m: missing argument" -m
    expect_error "-m 12X: expected a RAM size" -m 12X
    expect_error "-m 8G: RAM size must be" -m 8G
    expect_error "-accel jit: the JIT is not built yet" -accel jit
    expect_error "-accel kvm: expected interp" -accel kvm
    expect_error "-display vnc: expected sdl or none" -display vnc
    expect_error "-display sdl,zoom=2: '" -display sdl,zoom=2
    expect_error "-nographic cannot be used with -display sdl" -nographic -display sdl
    expect_error "-icount 99: expected" -icount 99
    expect_error "-d: unknown log item 'nope'" -d nope
    expect_error "-device e1000: unknown device" -device e1000
    expect_error "iosize=3: expected 1, 2 or 4" -device isa-debug-exit,iosize=3
    expect_error "iobase=0x10000: expected a port" -device isa-debug-exit,iobase=0x10000
    expect_error "-debugcon tcp:1234: expected stdio, file:PATH or null" -debugcon tcp:1234
    expect_error "-initrd: only allowed with -kernel" -initrd x
    expect_error "-D: $work/nodir/log: " -D "$work/nodir/log"
    "$cinder" -help >"$work/out" 2>&1 || fail "-help exit status $?"
    grep -q -- '-kernel FILE' "$work/out" || fail "-help does not list -kernel"
    grep -q -- '-serial DEV' "$work/out" || fail "-help does not list -serial"
    grep -q -- '-hda FILE' "$work/out" || fail "-help does not list -hda"
    grep -q -- '-cdrom FILE' "$work/out" || fail "-help does not list -cdrom"
    "$cinder" -version | grep -q '^cinder version' || fail "-version"
    "$cinder" -d help | grep -q 'in_asm' || fail "-d help does not list in_asm"
    ;;
bios)
    head -c 1000 /dev/urandom >"$work/small.rom"
    head -c 70000 /dev/urandom >"$work/odd.rom"
    head -c 3145728 /dev/zero >"$work/big.rom"
    expect_error "small.rom: BIOS image is 1000 bytes; expected a multiple of 64 KiB" \
        -display none -bios "$work/small.rom"
    expect_error "odd.rom: BIOS image is 70000 bytes" -display none -bios "$work/odd.rom"
    expect_error "big.rom: BIOS image is 3145728 bytes" -display none -bios "$work/big.rom"
    expect_error "nonexistent.rom: No such file" -display none -bios "$work/nonexistent.rom"
    : >"$work/empty.rom"
    expect_error "empty.rom: BIOS image is 0 bytes" -display none -bios "$work/empty.rom"
    # A BIOS of random bytes is a valid image: it must run without crashing
    # the host until it shuts down or we stop it (status 0 either way).
    head -c 65536 /dev/urandom >"$work/random.rom"
    timeout --preserve-status -s INT 3 "$cinder" -display none -no-reboot -icount 0 \
        -bios "$work/random.rom" >"$work/out" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 0 ] || fail "random BIOS: exit status $st, expected 0 ($(head -c 300 "$work/err"))"
    ;;
kernel)
    head -c 20000 /dev/urandom >"$work/random.krn"
    expect_error "random.krn: " -display none -kernel "$work/random.krn"
    expect_error "nonexistent.krn: No such file" -display none -kernel "$work/nonexistent.krn"
    : >"$work/empty.krn"
    expect_error "empty.krn: not a multiboot kernel" -display none -kernel "$work/empty.krn"
    expect_error "ELF file without a multiboot header" -display none -kernel "$cinder"
    "$nasm" -f bin -DTRUNCATE_CLAIM -o "$work/trunc.krn" "$src/mbtiny.asm" ||
        fail "nasm failed"
    expect_error "trunc.krn: file truncated" -display none -kernel "$work/trunc.krn"
    printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' \
        >"$work/bz.krn"
    head -c 1000 /dev/zero >>"$work/bz.krn"
    printf 'HdrS' | dd of="$work/bz.krn" bs=1 seek=514 conv=notrunc 2>/dev/null
    expect_error "bz.krn: Linux boot protocol 0.00 is too old" -display none \
        -kernel "$work/bz.krn"
    ;;
multiboot)
    "$nasm" -f bin -o "$work/ok.krn" "$src/mbtiny.asm" || fail "nasm failed"
    timeout 30 "$cinder" -display none -icount 0 -debugcon file:"$work/dc.txt" \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$work/ok.krn" -append "a b" \
        >"$work/out" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 33 ] || fail "multiboot kernel: exit status $st, expected 33 ($(head -c 300 "$work/err"))"
    [ "$(cat "$work/dc.txt" 2>/dev/null)" = "OK" ] || fail "debugcon file: '$(cat "$work/dc.txt")'"
    ;;
disks)
    # Images the block layer refuses: one line naming the option and the file.
    expect_error "-hda: $work/nonexistent.img: No such file" -display none \
        -hda "$work/nonexistent.img"
    expect_error "-cdrom: $work/nonexistent.iso: No such file" -display none \
        -cdrom "$work/nonexistent.iso"
    : >"$work/empty.img"
    expect_error "-hdb: $work/empty.img: " -display none -hdb "$work/empty.img"
    expect_error "-hda: $work: " -display none -hda "$work"
    # a qcow2 header cut short
    printf 'QFI\373\000\000\000\003' >"$work/trunc.qcow2"
    head -c 40 /dev/zero >>"$work/trunc.qcow2"
    before=$(cksum <"$work/trunc.qcow2")
    expect_error "-hda: $work/trunc.qcow2: " -display none -hda "$work/trunc.qcow2"
    [ "$(cksum <"$work/trunc.qcow2")" = "$before" ] || fail "trunc.qcow2 was modified"
    expect_error "-hdc: $work/trunc.qcow2: " -display none \
        -drive file="$work/trunc.qcow2",index=2,format=qcow2
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
exit 0
