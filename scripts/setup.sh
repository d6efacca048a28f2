#!/usr/bin/env bash
# setup.sh - install dependencies, build Cinder (Release, in build/), fetch
# the default guest (Debian's i386 Linux kernel with a BusyBox initramfs,
# built by tests/guests/fetch-debian-linux.sh from Debian's archive and
# cached in ~/.cache/cinder/guests) and boot it:
#  - with a display ($DISPLAY or $WAYLAND_DISPLAY): in a window, from an
#    ISOLINUX CD through SeaBIOS, the Linux console on the screen and on
#    this terminal (COM1 on stdio);
#  - without one: directly (-kernel) on the serial console in this terminal.
# Type commands at the cinder# prompt; `poweroff` ends Cinder, Ctrl-A x
# quits at any time (and Ctrl+Alt+Q in the window).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
guest=$(sh tests/guests/fetch-debian-linux.sh)
kernel=$(echo "$guest" | sed -n 's/^kernel: //p')
initrd=$(echo "$guest" | sed -n 's/^initrd: //p')
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    cache=${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}
    iso=$(sh tests/guests/make-linux-iso.sh "$kernel" "$initrd" "console=ttyS0 console=tty0" \
        "$cache/linux-desktop.iso" | sed -n 's/^iso: //p')
    echo "Booting Debian's Linux from a CD in a window (poweroff to end, Ctrl+Alt+Q to quit)."
    exec build/cinder -m 256M -cdrom "$iso" -serial stdio
fi
echo "Booting Debian's Linux on the serial console (poweroff to end, Ctrl-A x to quit)."
exec build/cinder -m 256M -kernel "$kernel" -initrd "$initrd" -append "console=ttyS0" -nographic
