# linux_guest.sh - sourced by the e2e tests that boot the Linux guest.
#
# fetch_linux_guest FETCH_SCRIPT WORKDIR: run tests/guests/fetch-debian-linux.sh
# (cached) and set $kernel and $initrd; end the test with 77 (skip) when
# Debian's archive is unreachable and nothing is cached, 1 on another failure.
fetch_linux_guest() {
    _out=$(sh "$1" 2>"$2/fetch.err")
    _st=$?
    if [ $_st -eq 77 ]; then
        echo "SKIP: Debian's archive is unreachable and no Linux guest is cached"
        exit 77
    fi
    if [ $_st -ne 0 ]; then
        echo "FAIL: fetch-debian-linux.sh exited $_st: $(tail -5 "$2/fetch.err")"
        exit 1
    fi
    kernel=$(echo "$_out" | sed -n 's/^kernel: //p')
    initrd=$(echo "$_out" | sed -n 's/^initrd: //p')
}
