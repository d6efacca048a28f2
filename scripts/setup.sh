#!/usr/bin/env bash
# setup.sh - install dependencies, build Cinder (Release, in build/), and boot
# the default guest.  For now that guest is Debian's SeaBIOS with no display;
# the Linux guest arrives with the PC platform issue.  Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
echo "Booting SeaBIOS (its log is on port 0x402); Ctrl-C to stop."
exec build/cinder -display none -debugcon stdio -device isa-debugcon,iobase=0x402
