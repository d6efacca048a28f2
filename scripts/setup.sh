#!/usr/bin/env bash
# setup.sh - install dependencies, build Cinder (Release, in build/), fetch
# the default guest (Debian's i386 Linux kernel with a BusyBox initramfs,
# built by tests/guests/fetch-debian-linux.sh from Debian's archive and
# cached in ~/.cache/cinder/guests), and boot it on the serial console.
# Type commands at the cinder# prompt; `poweroff` ends Cinder, Ctrl-A x
# quits at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
guest=$(sh tests/guests/fetch-debian-linux.sh)
kernel=$(echo "$guest" | sed -n 's/^kernel: //p')
initrd=$(echo "$guest" | sed -n 's/^initrd: //p')
echo "Booting Debian's Linux on the serial console (poweroff to end, Ctrl-A x to quit)."
exec build/cinder -m 256M -kernel "$kernel" -initrd "$initrd" -append "console=ttyS0" -nographic
