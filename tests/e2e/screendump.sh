#!/bin/sh
# screendump.sh CINDER WORKDIR
#
# Headless screenshots end to end (-display none): -screendump is written
# when Cinder exits however the run ends (the guest exiting through
# isa-debug-exit, SIGTERM, SIGINT), SIGUSR1 writes one while the guest runs
# (to the -screendump path, or cinder-screenshot-N.png in the current
# directory without it), and every file is a well-formed PNG
# (tests/e2e/png_check.py: signature, CRCs, IHDR, inflated scanline count).
# The guests are two tiny multiboot kernels made here with python3: one exits
# with status 33, one halts forever.  Skipped (77) without python3.
set -u
cinder=$1
work=$2
src=$(dirname "$0")
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found"
    exit 77
fi
mkdir -p "$work"
rm -f "$work"/*.png "$work"/*.txt
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
check_png() { # FILE -> prints its size, or fails
    if ! size=$(python3 "$src/png_check.py" "$1" 2>"$work/png_check.err"); then
        fail "$1: $(cat "$work/png_check.err")"
        return 1
    fi
    echo "ok: $1 is a ${size} PNG"
}

# Multiboot (a.out kludge) flat kernels loaded at 1 MiB, entry right after
# the 32-byte header: "exit" writes 0x10 to isa-debug-exit (status 33),
# "halt" stops in cli; hlt.
python3 - "$work" <<'PY'
import struct, sys
base = 0x100000
code = {"exit": bytes([0xB8, 0x10, 0, 0, 0, 0xE7, 0xF4, 0xFA, 0xF4]),
        "halt": bytes([0xFA, 0xF4, 0xEB, 0xFC])}
for name, body in code.items():
    end = base + 32 + len(body)
    flags = 0x00010000
    hdr = struct.pack("<8I", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xFFFFFFFF,
                      base, base, end, base + 0x2000, base + 32)
    open("%s/%s.krn" % (sys.argv[1], name), "wb").write(hdr + body)
PY

# usr1_ready PID: Cinder has installed its SIGUSR1 handler (before that the
# signal's default action would kill it): bit 9 of SigCgt in /proc.
usr1_ready() {
    mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && [ $((0x$mask & 0x200)) -ne 0 ]
}
wait_usr1_ready() {
    i=0
    while ! usr1_ready "$1" && [ $i -lt 300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

run() { # run NAME cinder-args... (in $work, stdio to files)
    name=$1
    shift
    (cd "$work" && exec "$cinder" -display none -icount 0 "$@" >"$work/$name.out" \
        2>"$work/$name.err" </dev/null)
}

# 1. The guest exits: the screenshot is written and the status kept.
run exit -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel exit.krn -screendump "$work/exit.png"
st=$?
[ $st -eq 33 ] || fail "guest exit: status $st, expected 33 ($(head -c 300 "$work/exit.err"))"
check_png "$work/exit.png"

# 2. SIGUSR1 writes -screendump while running; SIGTERM ends the run cleanly
#    (status 0) and writes it again.
(cd "$work" && exec "$cinder" -display none -icount 0 -kernel halt.krn \
    -screendump "$work/signal.png" >"$work/signal.out" 2>"$work/signal.err" </dev/null) &
pid=$!
wait_usr1_ready $pid
kill -USR1 $pid
i=0
while [ ! -s "$work/signal.png" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
[ -s "$work/signal.png" ] || fail "SIGUSR1 wrote no $work/signal.png"
check_png "$work/signal.png"
rm -f "$work/signal.png"
kill -TERM $pid
wait $pid
st=$?
[ $st -eq 0 ] || fail "SIGTERM: status $st, expected 0"
grep -q "terminating on signal 15" "$work/signal.err" || fail "SIGTERM: no 'terminating' line"
[ -s "$work/signal.png" ] || fail "SIGTERM: -screendump not written at exit"
check_png "$work/signal.png"

# 3. SIGUSR1 without -screendump: cinder-screenshot-1.png, then -2, in the
#    current directory; SIGINT also writes -screendump-text at exit (empty,
#    with a warning, when the screen is not in a text mode).
(cd "$work" && exec "$cinder" -display none -icount 0 -kernel halt.krn \
    -screendump-text "$work/screen.txt" >"$work/numbered.out" 2>"$work/numbered.err" </dev/null) &
pid=$!
wait_usr1_ready $pid
for n in 1 2; do
    kill -USR1 $pid
    i=0
    while ! grep -q "screenshot cinder-screenshot-$n.png" "$work/numbered.err" && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
done
kill -INT $pid
wait $pid
st=$?
[ $st -eq 0 ] || fail "SIGINT: status $st, expected 0"
for n in 1 2; do
    if [ -f "$work/cinder-screenshot-$n.png" ]; then
        check_png "$work/cinder-screenshot-$n.png"
    else
        fail "no cinder-screenshot-$n.png ($(cat "$work/numbered.err"))"
    fi
done
[ -f "$work/screen.txt" ] || fail "SIGINT: -screendump-text not written"

# 4. A screenshot that cannot be written is reported, and the run's status
#    is still the guest's.
run badpath -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel exit.krn -screendump "$work/no/such/dir/x.png"
st=$?
[ $st -eq 33 ] || fail "unwritable -screendump: status $st, expected 33"
grep -q "cinder: screendump: $work/no/such/dir/x.png: " "$work/badpath.err" ||
    fail "unwritable -screendump: no error line ($(cat "$work/badpath.err"))"

if [ $fails -ne 0 ]; then
    exit 1
fi
echo "ok: headless screendumps"
exit 0
