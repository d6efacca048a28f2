#!/usr/bin/env bash
# test.sh - the whole test suite, as CI runs it: a Release build in build/
# and an ASan+UBSan Debug build in build-asan/, ctest in both.  The last line
# is "N passed, N failed" summed over both runs; the exit status is non-zero
# if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
# Debian's i386 Linux guest for e2e/linux_shell, cached in $CINDER_GUEST_CACHE
# (default ~/.cache/cinder/guests); without the archive the test skips.
sh tests/guests/fetch-debian-linux.sh >/dev/null ||
    echo "note: Linux guest not fetched; e2e/linux_shell will skip or fail"

jobs=$(nproc 2>/dev/null || echo 2)
total_pass=0
total_fail=0
status=0

run_suite() { # dir, cmake args...
    local dir=$1
    shift
    local log
    log=$(mktemp)
    if ! cmake -S . -B "$dir" "$@" >"$log" 2>&1 || ! cmake --build "$dir" -j"$jobs" >>"$log" 2>&1; then
        cat "$log"
        echo "build in $dir failed"
        rm -f "$log"
        total_fail=$((total_fail + 1))
        status=1
        return
    fi
    (cd "$dir" && ctest --output-on-failure -j2) 2>&1 | tee "$log" || status=1
    # ctest's summary: "100% tests passed, 0 tests failed out of 42"
    local line failed all
    line=$(grep -E 'tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [ -z "$line" ]; then
        echo "no ctest summary in $dir"
        total_fail=$((total_fail + 1))
        status=1
    else
        failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
        all=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/')
        total_fail=$((total_fail + failed))
        total_pass=$((total_pass + all - failed))
        [ "$failed" -eq 0 ] || status=1
    fi
    rm -f "$log"
}

run_suite build -DCMAKE_BUILD_TYPE=Release
run_suite build-asan -DCINDER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

echo "$total_pass passed, $total_fail failed"
if [ "$total_fail" -ne 0 ]; then
    status=1
fi
exit $status
