#!/bin/sh
# fetch-debian-linux.sh - Debian's i386 Linux kernel and a BusyBox initramfs
# for Cinder's Linux boot (DESIGN.md §12).
#
# Downloads linux-image-<newest bookworm version>-686 (else -686-pae) and
# busybox-static with `apt-get download`, using a private APT state so the
# host's dpkg/apt configuration is untouched, unpacks them with `dpkg -x`
# and builds initrd.gz (cpio -H newc, gzip).  The initramfs's /init mounts
# proc/sys/dev, prints CINDER-LINUX-READY on the console and runs a shell on
# /dev/console; with cinder.test=1 on the kernel command line it runs
# `uname -a; cat /proc/interrupts; poweroff -f` instead.
#
# Cache: $CINDER_GUEST_CACHE (default ~/.cache/cinder/guests)/linux.  A second
# run with everything in place does no network access.  The last two lines
# printed are "kernel: PATH" and "initrd: PATH".
# Exit status: 0 ok, 77 the archive is unreachable and nothing is cached,
# 1 anything else.
set -eu

cache=${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}
dir=$cache/linux
apt=$dir/apt
mkdir -p "$dir"

# The /init script; the initramfs is rebuilt when it changes.
init_script() {
    cat <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin /root /etc
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
echo "CINDER-LINUX-READY"
if grep -q 'cinder.test=1' /proc/cmdline; then
    uname -a
    cat /proc/interrupts
    poweroff -f
fi
# BusyBox init as PID 1, so that `reboot` and `poweroff` work as on a real
# system; a login shell on the console, restarted when it exits.
cat >/etc/inittab <<'TAB'
::respawn:-/bin/cttyhack /bin/sh -l
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/sync
TAB
echo "export HOME=/root PS1='cinder# '" >/etc/profile
exec /bin/busybox init
INIT
}

if [ -f "$dir/vmlinuz" ] && [ -f "$dir/initrd.gz" ] && [ -f "$dir/init" ] &&
    init_script | cmp -s - "$dir/init"; then
    echo "kernel: $dir/vmlinuz"
    echo "initrd: $dir/initrd.gz"
    exit 0
fi

for tool in apt-get dpkg cpio gzip; do
    command -v $tool >/dev/null 2>&1 || { echo "fetch-debian-linux: $tool not found" >&2; exit 1; }
done

debs_present() {
    ls "$dir"/debs/linux-image-*.deb >/dev/null 2>&1 &&
        ls "$dir"/debs/busybox-static_*.deb >/dev/null 2>&1
}

if ! debs_present; then
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/debs"
    : >"$apt/status"
    o="-oAPT::Architecture=i386 -oAPT::Architectures=i386 -oDir::State::Lists=$apt/lists"
    o="$o -oDir::Cache=$apt/cache -oDir::State::status=$apt/status -oDebug::NoLocking=1 -oAPT::Sandbox::User=root"
    o="$o -oAPT::Get::List-Cleanup=0 -oAcquire::Languages=none -oAcquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
    echo "fetch-debian-linux: updating a private i386 package list in $apt" >&2
    if ! apt-get $o -qq update >"$apt/update.log" 2>&1 ||
        grep -q '^\(W\|E\): Failed to fetch' "$apt/update.log"; then
        if ! ls "$apt"/lists/*Packages* >/dev/null 2>&1; then
            cat "$apt/update.log" >&2
            echo "fetch-debian-linux: Debian's archive is unreachable" >&2
            exit 77
        fi
    fi
    # Newest flavour 686 (else 686-pae) kernel image that apt knows.
    kpkg=
    for flavour in 686 686-pae; do
        kpkg=$(apt-cache $o pkgnames linux-image- 2>/dev/null |
            grep -E "^linux-image-[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-$flavour(-unsigned)?\$" |
            sort -V | tail -n 1)
        [ -n "$kpkg" ] && break
    done
    if [ -z "$kpkg" ]; then
        echo "fetch-debian-linux: no linux-image-*-686 package in the i386 lists" >&2
        exit 1
    fi
    echo "fetch-debian-linux: downloading $kpkg busybox-static" >&2
    (cd "$dir/debs" && apt-get $o -q download "$kpkg" busybox-static) >&2 || {
        echo "fetch-debian-linux: apt-get download failed" >&2
        exit 1
    }
fi

# Unpack.
rm -rf "$dir/x" "$dir/root"
mkdir -p "$dir/x" "$dir/root/bin"
kdeb=$(ls "$dir"/debs/linux-image-*.deb | sort -V | tail -n 1)
bdeb=$(ls "$dir"/debs/busybox-static_*.deb | sort -V | tail -n 1)
dpkg -x "$kdeb" "$dir/x"
dpkg -x "$bdeb" "$dir/root"
vml=$(ls "$dir"/x/boot/vmlinuz-* | head -n 1)
cp "$vml" "$dir/vmlinuz.tmp"
mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
basename "$vml" >"$dir/kernel-version"

# Initramfs: busybox, its applet links (made at boot by --install), /init.
r=$dir/root
rm -rf "$r/usr/share"
mkdir -p "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root" "$r/sbin" "$r/etc"
[ -x "$r/bin/busybox" ] || { echo "fetch-debian-linux: no bin/busybox in $bdeb" >&2; exit 1; }
init_script >"$r/init"
chmod 755 "$r/init"
ln -sf busybox "$r/bin/sh"
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9n >"$dir/initrd.tmp"
mv "$dir/initrd.tmp" "$dir/initrd.gz"
init_script >"$dir/init"
rm -rf "$dir/x"
echo "kernel: $dir/vmlinuz"
echo "initrd: $dir/initrd.gz"
