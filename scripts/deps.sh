#!/usr/bin/env bash
# deps.sh - install Cinder's build and test dependencies (Debian/Ubuntu),
# skipping apt entirely when everything is already installed.  Uses sudo only
# when not running as root.
set -euo pipefail

packages=(cmake gcc make nasm pkg-config libcapstone-dev check zlib1g-dev libsdl2-dev
          libslirp-dev seabios qemu-system-x86 qemu-utils mtools xorriso isolinux syslinux-common cpio
          xvfb x11-apps xdotool
          grub-pc-bin grub-common syslinux fdisk e2fsprogs)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
