# linux_modules.sh - sourced by the e2e tests and bench scripts that need
# Linux kernel modules in the guest's initramfs (POSIX sh, no shebang).
#
# modinitrd BASE_INITRD INIT_FILE OUT TMPDIR MODULE...
#   Writes OUT, a gzipped newc initramfs: BASE_INITRD (the BusyBox initramfs
#   of tests/guests/fetch-debian-linux.sh) with INIT_FILE as /init, and the
#   named modules of the cached Debian kernel package copied to /mods with
#   their load order in /mods/order (one name a line), so /init can do
#       for m in $(cat /mods/order); do insmod /mods/$m.ko; done
#   A name written opt:NAME is optional: skipped when this kernel does not have
#   it (built in, or not needed by this version).  TMPDIR is scratch space,
#   removed afterwards.  When MODINITRD_EXTRA names a directory, its
#   contents are copied into the initramfs's root too (test data).
#   Returns 0, 77 (no cached kernel package or a host tool missing; a
#   message says which) or 1 (a required module is missing, or unpacking
#   failed; a message says which).
modinitrd() {
    _mi_base=$1 _mi_init=$2 _mi_out=$3 _mi_tmp=$4
    shift 4
    _mi_deb=$(ls "${CINDER_GUEST_CACHE:-$HOME/.cache/cinder/guests}"/linux/debs/linux-image-*.deb \
        2>/dev/null | sort -V | tail -n 1)
    if [ -z "$_mi_deb" ]; then
        echo "SKIP: no cached Debian kernel package (fetch-debian-linux.sh keeps it in linux/debs)"
        return 77
    fi
    for _mi_tool in dpkg cpio gzip; do
        command -v $_mi_tool >/dev/null 2>&1 || { echo "SKIP: $_mi_tool not found"; return 77; }
    done
    rm -rf "$_mi_tmp"
    mkdir -p "$_mi_tmp/root/mods" "$_mi_tmp/kpkg"
    if ! dpkg -x "$_mi_deb" "$_mi_tmp/kpkg" ||
        ! (cd "$_mi_tmp/root" && gzip -dc "$_mi_base" | cpio -id --quiet); then
        echo "FAIL: unpacking $_mi_deb or $_mi_base"
        rm -rf "$_mi_tmp"
        return 1
    fi
    : >"$_mi_tmp/root/mods/order"
    for _mi_m in "$@"; do
        _mi_name=${_mi_m#opt:}
        _mi_f=$(find "$_mi_tmp/kpkg/lib/modules" -name "$_mi_name.ko" | head -n 1)
        if [ -n "$_mi_f" ]; then
            cp "$_mi_f" "$_mi_tmp/root/mods/" && echo "$_mi_name" >>"$_mi_tmp/root/mods/order"
        elif [ "$_mi_name" = "$_mi_m" ]; then
            echo "FAIL: $_mi_name.ko is not in $_mi_deb"
            rm -rf "$_mi_tmp"
            return 1
        fi
    done
    if [ -n "${MODINITRD_EXTRA:-}" ]; then
        cp -R "$MODINITRD_EXTRA/." "$_mi_tmp/root/" || { rm -rf "$_mi_tmp"; return 1; }
    fi
    cp "$_mi_init" "$_mi_tmp/root/init" && chmod 755 "$_mi_tmp/root/init"
    (cd "$_mi_tmp/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) \
        >"$_mi_out"
    _mi_st=$?
    rm -rf "$_mi_tmp"
    return $_mi_st
}

# The modules ata_piix needs to give /dev/sdX on Debian 12's 686 kernel, in
# load order (the crc/t10-pi ones are what sd_mod pulls in there).
MODINITRD_ATA_DISK="scsi_common scsi_mod libata ata_piix opt:crct10dif_common
opt:crct10dif_generic opt:crc-t10dif opt:crc64 opt:crc64_rocksoft_generic opt:crc64-rocksoft
opt:t10-pi sd_mod"
# ext2 through the ext4 driver (CONFIG_EXT4_USE_FOR_EXT2) and what it needs.
MODINITRD_EXT4="opt:crc16 opt:mbcache opt:crc32c_generic opt:libcrc32c opt:jbd2 ext4"
