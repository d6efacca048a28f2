#!/bin/sh
# serial_test.sh CINDER NASM WORKDIR CASE
#
# COM1 end to end: serial_hello.asm (a multiboot kernel) programs COM1 as
# 115200 8N1 with FIFOs, prints a fixed multi-line message by polling
# LSR.THRE and exits through isa-debug-exit (status 33).  The bytes that reach
# the host must equal serial_hello.expected exactly.
#   file: -serial file:OUT
#   stdio: -nographic (COM1 on stdout), stdin from /dev/null, no terminal
#   tcp: -serial tcp:127.0.0.1:PORT,server,nowait, read by a client bounded in time
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
"$nasm" -f bin -o "$work/hello.krn" "$src/serial_hello.asm" || { echo "FAIL: nasm"; exit 1; }
want=$src/serial_hello.expected
dbgexit="-device isa-debug-exit,iobase=0xf4,iosize=4"

compare() { # compare LABEL FILE
    if cmp -s "$want" "$2"; then
        echo "ok: $1 output matches ($(wc -c <"$2") bytes)"
    else
        fail "$1 output differs:"
        od -c "$2" | head -20
    fi
}

case "$case_name" in
file)
    rm -f "$work/out.txt"
    # shellcheck disable=SC2086
    timeout 30 "$cinder" -display none -serial file:"$work/out.txt" $dbgexit \
        -kernel "$work/hello.krn" >"$work/stdout" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 33 ] || fail "exit status $st, expected 33 ($(head -c 300 "$work/err"))"
    compare "-serial file" "$work/out.txt"
    [ -s "$work/stdout" ] && fail "stdout not empty with -serial file"
    ;;
stdio)
    # No terminal anywhere: stdin /dev/null, stdout a file, and setsid so there
    # is no controlling tty either.
    # shellcheck disable=SC2086
    timeout 30 setsid "$cinder" -nographic $dbgexit -kernel "$work/hello.krn" \
        >"$work/stdout" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 33 ] || fail "exit status $st, expected 33 ($(head -c 300 "$work/err"))"
    compare "-nographic stdout" "$work/stdout"
    # the same through a pipe
    # shellcheck disable=SC2086
    timeout 30 "$cinder" -nographic $dbgexit -kernel "$work/hello.krn" \
        2>"$work/err" </dev/null | cat >"$work/stdout2"
    compare "-nographic through a pipe" "$work/stdout2"
    ;;
tcp)
    command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    # With nowait, bytes sent while no client is connected are dropped, so
    # this kernel (-DWAIT_RX) prints only after the client's first byte.
    "$nasm" -f bin -DWAIT_RX -o "$work/hello.krn" "$src/serial_hello.asm" || fail "nasm"
    rm -f "$work/tcp.out"
    # shellcheck disable=SC2086
    timeout 30 python3 - "$cinder" "$port" "$work/hello.krn" "$work/tcp.out" "$work/err" $dbgexit <<'PY'
import socket, subprocess, sys, time
cinder, port, krn, out, err = sys.argv[1:6]
extra = sys.argv[6:]
p = subprocess.Popen([cinder, "-display", "none", "-serial",
                      "tcp:127.0.0.1:%s,server,nowait" % port] + extra + ["-kernel", krn],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=open(err, "wb"))
data = b""
deadline = time.time() + 20
sock = None
while time.time() < deadline and sock is None:
    try:
        sock = socket.create_connection(("127.0.0.1", int(port)), timeout=1)
    except OSError:
        if p.poll() is not None:
            break
        time.sleep(0.01)
if sock is not None:
    sock.sendall(b"g")
    sock.settimeout(1)
    while time.time() < deadline:
        try:
            b = sock.recv(4096)
        except socket.timeout:
            if p.poll() is not None:
                break
            continue
        if not b:
            break
        data += b
    sock.close()
try:
    st = p.wait(timeout=max(1, deadline - time.time()))
except subprocess.TimeoutExpired:
    p.kill()
    st = p.wait()
open(out, "wb").write(data)
print("cinder exit status", st, "connected", sock is not None)
sys.exit(0 if st == 33 else 1)
PY
    st=$?
    [ "$st" -eq 0 ] || fail "tcp run failed ($(head -c 300 "$work/err"))"
    compare "-serial tcp" "$work/tcp.out"
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
