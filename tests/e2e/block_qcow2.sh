#!/bin/sh
# block_qcow2.sh BLOCKIO WORKDIR
#
# The block layer (devices/block*.c, driven by the test-only blockio) against
# QEMU's own tools (Debian qemu-utils):
#  - qcow2 v3, v2 (compat=0.10), 512-byte clusters (the refcount table must
#    grow), 1-bit refcounts, 2 MiB clusters: what qemu-io wrote reads back
#    as qemu-img convert sees it; the same writes applied by blockio to the
#    image and to a raw copy give the same disk by qemu-img convert; qemu-img
#    check finds no error and no leak;
#  - a backing chain raw <- qcow2 (named relatively from a subdirectory) <-
#    qcow2, and a compressed image (qemu-img convert -c): the same (replaced
#    compressed clusters are released); the backing files unchanged;
#  - an image with an internal snapshot: written (shared clusters and L2
#    tables copied), then qemu-img snapshot -a gives the old data back;
#  - a dirty image (qemu-io killed with lazy refcounts): refused writable,
#    untouched, read with readonly=on;
#  - snapshot=on leaves the image byte for byte;
#  - a writer holds the file lock: a second opener is refused;
#  - SIGKILL in the middle of random writes, ten times: qemu-img check never
#    reports corruption (exit status 2), leaked clusters are fine.
# Skipped (77) without qemu-img and qemu-io.
set -u
blockio=$1
work=$2
if ! command -v qemu-img >/dev/null 2>&1 || ! command -v qemu-io >/dev/null 2>&1; then
    echo "SKIP: qemu-img/qemu-io not installed (Debian qemu-utils, scripts/deps.sh)"
    exit 77
fi
rm -rf "$work"
mkdir -p "$work" || exit 1
cd "$work" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}

# Writes: sector-aligned runs inside a cluster, across cluster and L2
# boundaries, whole clusters, over qemu-io's data and zero clusters.
ops="w:512:1024:1 w:65024:70144:2 w:1000K:200K:3 w:10M:512:4 w:20M:3M:5 w:63M:1M:6 flush
     w:5M:4K:7 w:30M:1536:8"

# check_image IMAGE ALLOW_LEAKS: qemu-img check 0 (clean) or 3 (leaks only, if allowed).
check_image() {
    qemu-img check "$1" >check.txt 2>&1
    rc=$?
    if [ $rc -eq 0 ] || { [ $rc -eq 3 ] && [ "$2" = leaks ]; }; then
        return 0
    fi
    cat check.txt
    fail "qemu-img check $1 exit status $rc"
}

# roundtrip NAME IMAGE ALLOW_LEAKS
roundtrip() {
    qemu-img convert -O raw "$2" ref.raw || fail "$1: qemu-img convert"
    "$blockio" "$2" dump:mine.raw || fail "$1: blockio cannot read $2"
    cmp -s mine.raw ref.raw || fail "$1: blockio reads differ from qemu-img convert"
    # shellcheck disable=SC2086
    "$blockio" -f raw ref.raw $ops || fail "$1: writes to the raw reference"
    # shellcheck disable=SC2086
    "$blockio" "$2" $ops || fail "$1: blockio writes to $2"
    qemu-img convert -O raw "$2" out.raw || fail "$1: qemu-img convert after writes"
    cmp -s out.raw ref.raw || fail "$1: qemu-img reads what blockio wrote differently"
    "$blockio" "$2" dump:mine.raw && cmp -s mine.raw ref.raw ||
        fail "$1: blockio reads back what it wrote differently"
    check_image "$2" "$3"
    echo "ok: $1"
}

for variant in "v3:" "v2:compat=0.10" "c512:cluster_size=512" "rc1:refcount_bits=1" \
    "c2M:cluster_size=2M" "lazy:lazy_refcounts=on"; do
    name=${variant%%:*}
    o=${variant#*:}
    rm -f t.qcow2
    qemu-img create -f qcow2 ${o:+-o "$o"} t.qcow2 64M >/dev/null || fail "$name: qemu-img create"
    qemu-io -c "write -P 0xab 0 1M" -c "write -P 0x12 10M 100k" -c "write -z 20M 1M" \
        -c "write -P 0x34 30M 64k" t.qcow2 >/dev/null || fail "$name: qemu-io"
    roundtrip "$name" t.qcow2 noleaks
done

# A backing chain, the middle one in a subdirectory naming its base relatively.
rm -rf sub base.raw top.qcow2
mkdir sub
qemu-img create -f raw base.raw 64M >/dev/null && "$blockio" -f raw base.raw w:0:64M:11 ||
    fail "chain: base"
qemu-img create -f qcow2 -b ../base.raw -F raw sub/mid.qcow2 >/dev/null &&
    qemu-io -c "write -P 0x33 5M 3M" -c "write -z 30M 2M" sub/mid.qcow2 >/dev/null &&
    qemu-img create -f qcow2 -b sub/mid.qcow2 -F qcow2 top.qcow2 >/dev/null &&
    qemu-io -c "write -P 0x44 6M 64k" -c "write -z 40M 1M" top.qcow2 >/dev/null ||
    fail "chain: qemu-img create"
sums_before=$(md5sum base.raw sub/mid.qcow2)
roundtrip chain top.qcow2 noleaks
[ "$(md5sum base.raw sub/mid.qcow2)" = "$sums_before" ] || fail "chain: a backing file changed"

# Compressed clusters (zlib): read, and rewritten by copy-on-write.
qemu-img convert -c -O qcow2 base.raw comp.qcow2 || fail "compressed: qemu-img convert -c"
roundtrip compressed comp.qcow2 noleaks

# An internal snapshot (qemu-img snapshot) shares clusters and L2 tables
# with the active image: writes copy them, and the snapshot stays intact.
rm -f s.qcow2
qemu-img create -f qcow2 s.qcow2 64M >/dev/null &&
    qemu-io -c "write -P 0xab 0 2M" -c "write -P 0x12 10M 100k" s.qcow2 >/dev/null &&
    qemu-img snapshot -c snap1 s.qcow2 && qemu-img convert -O raw s.qcow2 snap1.raw ||
    fail "internal snapshot: setup"
roundtrip "internal snapshot" s.qcow2 noleaks
qemu-img snapshot -a snap1 s.qcow2 && qemu-img convert -O raw s.qcow2 back.raw ||
    fail "internal snapshot: qemu-img snapshot -a"
cmp -s back.raw snap1.raw || fail "internal snapshot: the snapshot's data changed"
check_image s.qcow2 noleaks

# The dirty bit: QEMU killed with lazy refcounts on leaves refcounts stale.
# A writable open is refused (the file untouched); readonly=on reads it.
rm -f d.qcow2
qemu-img create -f qcow2 -o lazy_refcounts=on d.qcow2 64M >/dev/null || fail "dirty: create"
qemu-io -c "write -P 0x77 0 64k" -c "sigraise 9" d.qcow2 >/dev/null 2>&1
if [ "$(od -An -tx1 -j79 -N1 d.qcow2 | tr -d ' ')" = 01 ]; then
    sum=$(md5sum <d.qcow2)
    "$blockio" d.qcow2 w:0:4K:1 >dirty.txt 2>&1 && fail "dirty: writable open succeeded"
    grep -q "d.qcow2: qcow2 image is dirty" dirty.txt || fail "dirty: wrong message: $(cat dirty.txt)"
    [ "$(md5sum <d.qcow2)" = "$sum" ] || fail "dirty: the refused image changed"
    qemu-img convert -O raw d.qcow2 dref.raw && "$blockio" -r d.qcow2 dump:d.raw &&
        cmp -s d.raw dref.raw || fail "dirty: readonly=on reads differ from qemu-img convert"
    echo "ok: dirty bit"
else
    echo "note: qemu-io left no dirty bit; dirty-bit case not run"
fi

# snapshot=on: writes are seen, the file is not touched.
sum=$(md5sum <t.qcow2)
"$blockio" -s t.qcow2 w:0:1M:21 w:33M:5K:22 r:0:1M >snap.txt || fail "snapshot: blockio"
"$blockio" -s -f raw ref.raw w:0:1M:21 r:0:1M >snapref.txt || fail "snapshot: blockio raw"
[ "$(head -1 snap.txt)" = "$(head -1 snapref.txt)" ] || fail "snapshot: overlay reads wrong data"
[ "$(md5sum <t.qcow2)" = "$sum" ] || fail "snapshot: the image changed"
echo "ok: snapshot"

# The file lock: a running writer keeps a second opener out.
"$blockio" t.qcow2 hold:60 >hold.txt 2>&1 &
holder=$!
i=0
while ! grep -q ready hold.txt 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 500 ] || { kill $holder; fail "lock: holder did not start"; }
    sleep 0.02
done
if "$blockio" -r t.qcow2 r:0:512 >lock.txt 2>&1; then
    kill $holder
    fail "lock: second open succeeded"
fi
kill $holder
wait $holder 2>/dev/null
grep -q "t.qcow2: in use by another process" lock.txt || fail "lock: wrong message: $(cat lock.txt)"
echo "ok: lock"

# SIGKILL in the middle of writes.  4 KiB clusters over 1 GiB: many
# allocations, refcount blocks allocated on the way, and 512 L2 tables, more
# than the cache holds, so evictions commit tables mid-stream too.
rm -f k.qcow2
qemu-img create -f qcow2 -o cluster_size=4k k.qcow2 1G >/dev/null || fail "kill: create"
for i in 1 2 3 4 5 6 7 8 9 10; do
    rm -f rand.txt
    "$blockio" k.qcow2 rand:0:$i >rand.txt 2>&1 &
    writer=$!
    n=0
    while ! grep -q ready rand.txt 2>/dev/null; do
        n=$((n + 1))
        [ $n -lt 500 ] || { kill $writer; fail "kill: writer did not start: $(cat rand.txt)"; }
        sleep 0.02
    done
    sleep "0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')"
    kill -9 $writer
    wait $writer 2>/dev/null
    check_image k.qcow2 leaks
done
"$blockio" k.qcow2 dump:k.raw && qemu-img convert -O raw k.qcow2 kq.raw && cmp -s k.raw kq.raw ||
    fail "kill: blockio and qemu-img read the image differently"
leaks=$(grep -o "[0-9]* leaked clusters" check.txt || echo "no leaked clusters")
echo "ok: SIGKILL x10 ($leaks at the end)"
echo "PASS"
