/*
 * options.c - turns the command line into a struct pc_config.
 *
 * Names and meanings are QEMU's (qemu-options.hx) wherever QEMU has the
 * option, so that a user's QEMU command line for a simple guest works as it
 * is.  Every bad value gets one line naming the option and what it expects.
 * Options QEMU has but Cinder does not yet
 * are unknown here, and -help lists only what exists.
 *
 * Like QEMU, options may be spelled with one or two leading dashes.
 */
#include "frontend/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct option_def {
    const char *name; /* without the dash */
    const char *arg;  /* argument placeholder for -help; NULL: takes none */
    const char *help; /* one line */
    int (*set)(struct options *o, const char *arg, char *err, size_t errlen);
};

int options_parse_size(const char *s, unsigned long long *bytes)
{
    if (!isdigit((unsigned char)*s)) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) return -1;
    unsigned long long unit = 1ull << 20; /* QEMU: a bare number is MiB */
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'B': unit = 1; break;
        case 'K': unit = 1ull << 10; break;
        case 'M': unit = 1ull << 20; break;
        case 'G': unit = 1ull << 30; break;
        case 'T': unit = 1ull << 40; break;
        default: return -1;
        }
        end++;
        if (*end == 'i' || *end == 'I') /* accept "MiB"-ish spellings */
            end++;
        if (*end == 'b' || *end == 'B') end++;
        if (*end) return -1;
    }
    double bytes_d = v * (double)unit;
    if (bytes_d > 1e18) return -1;
    *bytes = (unsigned long long)bytes_d;
    return 0;
}

/* A port number 0..0xFFFF, in C syntax (0x402, 1026). */
static int parse_port(const char *s, unsigned long *out)
{
    if (!*s) return -1;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v > 0xFFFF || *s == '-') return -1;
    *out = v;
    return 0;
}

static int opt_m(struct options *o, const char *arg, char *err, size_t errlen)
{
    const char *v = !strncmp(arg, "size=", 5) ? arg + 5 : arg;
    unsigned long long bytes;
    if (strchr(v, ',') || options_parse_size(v, &bytes) != 0) {
        snprintf(err, errlen, "-m %s: expected a RAM size such as 128M or 1G", arg);
        return -1;
    }
    bytes = (bytes + 4095) & ~4095ull;
    if (bytes < PC_RAM_MIN || bytes > PC_RAM_MAX) {
        snprintf(err, errlen, "-m %s: RAM size must be from 2M to 3584M (3.5G)", arg);
        return -1;
    }
    o->pc.ram_size = bytes;
    return 0;
}

static int opt_bios(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.bios = arg;
    return 0;
}

static int opt_kernel(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.kernel = arg;
    return 0;
}

static int opt_initrd(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.initrd = arg;
    return 0;
}

static int opt_append(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.append = arg;
    return 0;
}

static int add_debugcon_port(struct options *o, unsigned long port, char *err, size_t errlen)
{
    for (unsigned i = 0; i < o->pc.n_debugcon; i++)
        if (o->pc.debugcon_ports[i] == port) return 0;
    if (o->pc.n_debugcon == PC_MAX_DEBUGCON) {
        snprintf(err, errlen, "-device isa-debugcon: at most %d debug consoles", PC_MAX_DEBUGCON);
        return -1;
    }
    o->pc.debugcon_ports[o->pc.n_debugcon++] = (uint16_t)port;
    return 0;
}

static int opt_debugcon(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (!pc_chardev_spec_valid(arg)) {
        snprintf(err, errlen, "-debugcon %s: expected stdio, file:PATH or null", arg);
        return -1;
    }
    o->pc.debugcon = arg;
    return add_debugcon_port(o, 0xE9, err, errlen);
}

/* The std VGA's VRAM, from -device VGA,vgamem_mb=N or -global VGA.vgamem_mb=N. */
static int set_vgamem(struct options *o, const char *opt, const char *val, char *err,
                      size_t errlen)
{
    char *end;
    unsigned long mb = strtoul(val, &end, 10);
    if (!*val || *end || mb < 1 || mb > 256 || (mb & (mb - 1))) {
        snprintf(err, errlen, "%s: vgamem_mb=%s: expected a power of two from 1 to 256", opt, val);
        return -1;
    }
    o->pc.vgamem_mb = (unsigned)mb;
    return 0;
}

/* -device NAME[,key=value...] for the devices that exist. */
static int opt_device(struct options *o, const char *arg, char *err, size_t errlen)
{
    char buf[256];
    if (strlen(arg) >= sizeof(buf)) {
        snprintf(err, errlen, "-device: argument too long");
        return -1;
    }
    strcpy(buf, arg);
    char *save = NULL;
    char *name = strtok_r(buf, ",", &save);
    if (!name || !strcmp(name, "help")) {
        snprintf(err, errlen,
                 "-device %s: expected isa-debug-exit[,iobase=N][,iosize=N] or "
                 "isa-debugcon[,iobase=N]",
                 arg);
        return -1;
    }
    if (!strcmp(name, "VGA")) {
        for (char *kv = strtok_r(NULL, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
            if (strncmp(kv, "vgamem_mb=", 10)) {
                snprintf(err, errlen, "-device VGA: unknown property '%s' (expected vgamem_mb)", kv);
                return -1;
            }
            if (set_vgamem(o, "-device VGA", kv + 10, err, errlen)) return -1;
        }
        o->pc.vga = "std";
        return 0;
    }
    bool exit_dev = !strcmp(name, "isa-debug-exit");
    if (!exit_dev && strcmp(name, "isa-debugcon")) {
        snprintf(err, errlen,
                 "-device %s: unknown device (known: isa-debug-exit, isa-debugcon, VGA)",
                 name);
        return -1;
    }
    unsigned long iobase = exit_dev ? o->pc.debug_exit_iobase : 0xE9;
    unsigned long iosize = exit_dev ? o->pc.debug_exit_iosize : 1;
    for (char *kv = strtok_r(NULL, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            snprintf(err, errlen, "-device %s: '%s': expected key=value", name, kv);
            return -1;
        }
        *eq = '\0';
        const char *val = eq + 1;
        if (!strcmp(kv, "iobase")) {
            if (parse_port(val, &iobase)) {
                snprintf(err, errlen, "-device %s: iobase=%s: expected a port 0 to 0xffff", name,
                         val);
                return -1;
            }
        } else if (exit_dev && !strcmp(kv, "iosize")) {
            if (parse_port(val, &iosize) || (iosize != 1 && iosize != 2 && iosize != 4)) {
                snprintf(err, errlen, "-device %s: iosize=%s: expected 1, 2 or 4", name, val);
                return -1;
            }
        } else {
            snprintf(err, errlen, "-device %s: unknown property '%s' (expected %s)", name, kv,
                     exit_dev ? "iobase or iosize" : "iobase");
            return -1;
        }
    }
    if (exit_dev) {
        if (iobase + iosize > 0x10000) {
            snprintf(err, errlen, "-device %s: iobase 0x%lx + iosize %lu is past port 0xffff", name,
                     iobase, iosize);
            return -1;
        }
        o->pc.debug_exit = true;
        o->pc.debug_exit_iobase = (uint16_t)iobase;
        o->pc.debug_exit_iosize = (unsigned)iosize;
        return 0;
    }
    return add_debugcon_port(o, iobase, err, errlen);
}

static int opt_vga(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "std") && strcmp(arg, "none")) {
        snprintf(err, errlen, "-vga %s: expected std or none", arg);
        return -1;
    }
    o->pc.vga = arg;
    return 0;
}

/* -global DRIVER.PROP=VALUE: only VGA.vgamem_mb exists. */
static int opt_global(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (strncmp(arg, "VGA.vgamem_mb=", 14)) {
        snprintf(err, errlen, "-global %s: expected VGA.vgamem_mb=N", arg);
        return -1;
    }
    return set_vgamem(o, "-global VGA", arg + 14, err, errlen);
}

static int opt_d(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->log_items = arg;
    return 0;
}

static int opt_D(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->log_path = arg;
    return 0;
}

/* -icount [shift=]N|auto[,sleep=on|off] */
static int opt_icount(struct options *o, const char *arg, char *err, size_t errlen)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", arg);
    char *save = NULL;
    bool have_shift = false;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        const char *v = kv;
        if (!strncmp(kv, "shift=", 6)) {
            v = kv + 6;
        } else if (!strcmp(kv, "sleep=on") || !strcmp(kv, "sleep=off")) {
            o->pc.icount_nosleep = !strcmp(kv, "sleep=off");
            continue;
        } else if (strchr(kv, '=')) {
            snprintf(err, errlen, "-icount %s: expected [shift=]N (0 to %d) or auto", arg,
                     PC_ICOUNT_MAX_SHIFT);
            return -1;
        }
        if (!strcmp(v, "auto")) {
            o->pc.icount_shift = 3; /* QEMU's starting shift for auto (not adapted here) */
        } else {
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (!*v || *end || errno || n < 0 || n > PC_ICOUNT_MAX_SHIFT) {
                snprintf(err, errlen, "-icount %s: expected [shift=]N (0 to %d) or auto", arg,
                         PC_ICOUNT_MAX_SHIFT);
                return -1;
            }
            o->pc.icount_shift = (int)n;
        }
        have_shift = true;
    }
    if (!have_shift) {
        snprintf(err, errlen, "-icount %s: expected [shift=]N (0 to %d) or auto", arg,
                 PC_ICOUNT_MAX_SHIFT);
        return -1;
    }
    return 0;
}

static int opt_accel(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (!strcmp(arg, "interp")) return 0;
    if (!strcmp(arg, "jit"))
        snprintf(err, errlen, "-accel jit: the JIT is not built yet (use -accel interp)");
    else
        snprintf(err, errlen, "-accel %s: expected interp", arg);
    return -1;
}

/* -display none | sdl[,full-screen=on|off][,zoom-to-fit=on|off] (QEMU's
 * names; zoom-to-fit=off, as in QEMU's GTK display, stops free scaling:
 * the SDL window then zooms by whole multiples only). */
static int opt_display(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (!strcmp(arg, "none")) {
        o->display.kind = DISPLAY_NONE;
        return 0;
    }
    size_t len = strcspn(arg, ",");
    if (len != 3 || strncmp(arg, "sdl", 3)) {
        snprintf(err, errlen, "-display %s: expected sdl or none", arg);
        return -1;
    }
    o->display.kind = DISPLAY_SDL;
    for (const char *p = arg + len; *p == ',';) {
        p++;
        size_t n = strcspn(p, ",");
        bool on;
        const char *eq = memchr(p, '=', n);
        const char *v = eq ? eq + 1 : p + n;
        size_t vlen = (size_t)(p + n - v);
        if (eq && vlen == 2 && !strncmp(v, "on", 2))
            on = true;
        else if (eq && vlen == 3 && !strncmp(v, "off", 3))
            on = false;
        else {
            snprintf(err, errlen, "-display %s: '%.*s': expected full-screen=on|off or "
                     "zoom-to-fit=on|off", arg, (int)n, p);
            return -1;
        }
        size_t klen = (size_t)(eq - p);
        if (klen == 11 && !strncmp(p, "full-screen", 11))
            o->display.full_screen = on;
        else if (klen == 11 && !strncmp(p, "zoom-to-fit", 11))
            o->display.integer_scale = !on;
        else {
            snprintf(err, errlen, "-display %s: unknown '%.*s' (expected full-screen, zoom-to-fit)",
                     arg, (int)klen, p);
            return -1;
        }
        p += n;
    }
    return 0;
}

static int opt_full_screen(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->display.full_screen = true;
    return 0;
}

static int opt_screendump(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->screendump = arg;
    return 0;
}

static int opt_screendump_text(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->screendump_text = arg;
    return 0;
}

/* -nographic: no window; COM1 on stdio unless -serial says otherwise. */
static int opt_nographic(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.nographic = true;
    return 0;
}

static int opt_serial(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (o->pc.n_serial == PC_MAX_SERIAL) {
        snprintf(err, errlen, "-serial: at most %d serial ports", PC_MAX_SERIAL);
        return -1;
    }
    if (!pc_chardev_spec_valid(arg)) {
        snprintf(err, errlen,
                 "-serial %s: expected stdio, file:PATH, null, none or "
                 "tcp:HOST:PORT[,server[,nowait]]",
                 arg);
        return -1;
    }
    o->pc.serial[o->pc.n_serial++] = arg;
    return 0;
}

/* -rtc base=utc|localtime|DATE[,clock=host|vm][,driftfix=none|slew] (QEMU's
 * syntax; clock and driftfix are accepted for compatibility, time is always
 * the virtual clock). */
static int opt_rtc(struct options *o, const char *arg, char *err, size_t errlen)
{
    char buf[128];
    if (strlen(arg) >= sizeof(buf)) {
        snprintf(err, errlen, "-rtc: argument too long");
        return -1;
    }
    strcpy(buf, arg);
    char *save = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        if (!strncmp(kv, "base=", 5)) {
            const char *v = arg + (kv - buf) + 5;
            size_t len = strcspn(v, ",");
            char *base = o->rtc_base;
            if (len == 0 || len >= sizeof(o->rtc_base)) {
                snprintf(err, errlen,
                         "-rtc %s: expected base=utc, localtime or YYYY-MM-DD[THH:MM:SS]", arg);
                return -1;
            }
            memcpy(base, v, len);
            base[len] = 0;
            int64_t t;
            if (pc_rtc_base_valid(base, &t) != 0) {
                snprintf(err, errlen,
                         "-rtc %s: expected base=utc, localtime or YYYY-MM-DD[THH:MM:SS]", arg);
                return -1;
            }
            o->pc.rtc_base = base;
        } else if (strcmp(kv, "clock=host") && strcmp(kv, "clock=vm") && strcmp(kv, "clock=rt") &&
                   strcmp(kv, "driftfix=none") && strcmp(kv, "driftfix=slew")) {
            snprintf(err, errlen, "-rtc %s: unknown '%s' (expected base=, clock=, driftfix=)", arg,
                     kv);
            return -1;
        }
    }
    return 0;
}

/* -fda FILE / -fdb FILE: a raw floppy image in drive A or B (read-write,
 * or write protected when the file cannot be written). */
static int opt_fd(struct options *o, int drive, const char *arg)
{
    o->pc.floppy[drive] = arg;
    o->pc.floppy_readonly[drive] = false;
    return 0;
}

static int opt_fda(struct options *o, const char *arg, char *err, size_t errlen)
{
    return opt_fd(o, 0, arg);
}

static int opt_fdb(struct options *o, const char *arg, char *err, size_t errlen)
{
    return opt_fd(o, 1, arg);
}

/* -hda/-hdb/-hdc/-hdd FILE: a hard disk at IDE index 0-3; -cdrom FILE: a
 * CD-ROM at index 2 (secondary master), as QEMU places them. */
static void set_ide(struct options *o, int index, const char *file, enum pc_media media)
{
    struct pc_ide_drive *d = &o->pc.ide[index];
    memset(d, 0, sizeof(*d));
    d->present = true;
    d->file = file;
    d->media = media;
}

static int opt_hda(struct options *o, const char *arg, char *err, size_t errlen)
{
    set_ide(o, 0, arg, PC_MEDIA_DISK);
    return 0;
}

static int opt_hdb(struct options *o, const char *arg, char *err, size_t errlen)
{
    set_ide(o, 1, arg, PC_MEDIA_DISK);
    return 0;
}

static int opt_hdc(struct options *o, const char *arg, char *err, size_t errlen)
{
    set_ide(o, 2, arg, PC_MEDIA_DISK);
    return 0;
}

static int opt_hdd(struct options *o, const char *arg, char *err, size_t errlen)
{
    set_ide(o, 3, arg, PC_MEDIA_DISK);
    return 0;
}

static int opt_cdrom(struct options *o, const char *arg, char *err, size_t errlen)
{
    set_ide(o, 2, arg, PC_MEDIA_CDROM);
    return 0;
}

static int opt_snapshot(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.snapshot = true;
    return 0;
}

/* on/off values of -drive. */
static int drive_bool(const char *arg, const char *key, const char *val, bool *out, char *err,
                      size_t errlen)
{
    if (strcmp(val, "on") && strcmp(val, "off")) {
        snprintf(err, errlen, "-drive %s: %s=%s (expected on or off)", arg, key, val);
        return -1;
    }
    *out = !strcmp(val, "on");
    return 0;
}

/* -drive file=F[,if=ide|floppy][,index=N][,media=disk|cdrom][,format=raw|qcow2]
 *        [,readonly=on|off][,snapshot=on|off][,cache=writeback|writethrough]
 * (QEMU's syntax; ",," in the file name is a literal comma; if= defaults to
 * ide as in QEMU).  Floppies are raw images without snapshot or cache modes. */
static int opt_drive(struct options *o, const char *arg, char *err, size_t errlen)
{
    char file[sizeof(o->floppy_file[0])];
    bool have_file = false, floppy = false, ro = false, snap = false, wt = false;
    bool has_snap = false, has_cache = false;
    enum pc_media media = PC_MEDIA_DISK;
    const char *format = NULL;
    int index = -1;
    const char *p = arg;
    while (*p) {
        const char *eq = strchr(p, '=');
        size_t klen = eq ? (size_t)(eq - p) : strcspn(p, ",");
        if (!eq || memchr(p, ',', klen)) {
            snprintf(err, errlen, "-drive %s: expected KEY=VALUE items", arg);
            return -1;
        }
        char val[sizeof(file)];
        size_t n = 0;
        const char *v = eq + 1;
        while (*v && !(*v == ',' && v[1] != ',')) {
            if (*v == ',') v++; /* ",," */
            if (n + 1 >= sizeof(val)) {
                snprintf(err, errlen, "-drive: value too long");
                return -1;
            }
            val[n++] = *v++;
        }
        val[n] = 0;
        p = *v ? v + 1 : v;
        char key[16];
        snprintf(key, sizeof(key), "%.*s", (int)(klen < 15 ? klen : 15), eq - klen);
        if (!strcmp(key, "file")) {
            strcpy(file, val);
            have_file = true;
        } else if (!strcmp(key, "if")) {
            if (strcmp(val, "floppy") && strcmp(val, "ide")) {
                snprintf(err, errlen, "-drive %s: if=%s is not supported (expected ide or floppy)",
                         arg, val);
                return -1;
            }
            floppy = !strcmp(val, "floppy");
        } else if (!strcmp(key, "index")) {
            if (strlen(val) != 1 || val[0] < '0' || val[0] > '3') {
                snprintf(err, errlen, "-drive %s: index=%s (expected 0-3 for ide, 0-1 for floppy)",
                         arg, val);
                return -1;
            }
            index = val[0] - '0';
        } else if (!strcmp(key, "readonly")) {
            if (drive_bool(arg, key, val, &ro, err, errlen)) return -1;
        } else if (!strcmp(key, "snapshot")) {
            if (drive_bool(arg, key, val, &snap, err, errlen)) return -1;
            has_snap = true;
        } else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw") && strcmp(val, "qcow2")) {
                snprintf(err, errlen, "-drive %s: format=%s (expected raw or qcow2)", arg, val);
                return -1;
            }
            format = !strcmp(val, "raw") ? "raw" : "qcow2";
        } else if (!strcmp(key, "media")) {
            if (strcmp(val, "disk") && strcmp(val, "cdrom")) {
                snprintf(err, errlen, "-drive %s: media=%s (expected disk or cdrom)", arg, val);
                return -1;
            }
            media = !strcmp(val, "cdrom") ? PC_MEDIA_CDROM : PC_MEDIA_DISK;
        } else if (!strcmp(key, "cache")) {
            if (strcmp(val, "writeback") && strcmp(val, "writethrough")) {
                snprintf(err, errlen, "-drive %s: cache=%s (expected writeback or writethrough)",
                         arg, val);
                return -1;
            }
            wt = !strcmp(val, "writethrough");
            has_cache = true;
        } else {
            snprintf(err, errlen,
                     "-drive %s: unknown '%.*s' (expected file, if, index, media, format, "
                     "readonly, snapshot, cache)",
                     arg, (int)klen, eq - klen);
            return -1;
        }
    }
    if (floppy) {
        if (!have_file) {
            snprintf(err, errlen, "-drive %s: expected file=FILE,if=floppy", arg);
            return -1;
        }
        if (index > 1 || media != PC_MEDIA_DISK || (format && strcmp(format, "raw")) ||
            has_snap || has_cache) {
            snprintf(err, errlen,
                     "-drive %s: a floppy is a raw image at index 0 or 1 (no media=cdrom, "
                     "snapshot or cache)",
                     arg);
            return -1;
        }
        if (index < 0) index = o->pc.floppy[0] ? 1 : 0;
        if (index == 1 && o->pc.floppy[1] && o->pc.floppy[0]) {
            snprintf(err, errlen, "-drive %s: both floppy drives are already in use", arg);
            return -1;
        }
        strcpy(o->floppy_file[index], file);
        o->pc.floppy[index] = o->floppy_file[index];
        o->pc.floppy_readonly[index] = ro;
        return 0;
    }
    if (!have_file && media != PC_MEDIA_CDROM) {
        snprintf(err, errlen, "-drive %s: expected file=FILE (only a CD-ROM may be empty)", arg);
        return -1;
    }
    if (index < 0) {
        for (int i = 0; i < PC_MAX_IDE && index < 0; i++)
            if (!o->pc.ide[i].present) index = i;
        if (index < 0) {
            snprintf(err, errlen, "-drive %s: all four IDE drives are already in use", arg);
            return -1;
        }
    } else if (o->pc.ide[index].present) {
        snprintf(err, errlen, "-drive %s: IDE index %d is already in use", arg, index);
        return -1;
    }
    if (have_file) strcpy(o->ide_file[index], file);
    set_ide(o, index, have_file ? o->ide_file[index] : NULL, media);
    struct pc_ide_drive *d = &o->pc.ide[index];
    d->format = format;
    d->readonly = ro;
    d->snapshot = snap;
    d->writethrough = wt;
    return 0;
}

/* A -boot device list: QEMU's letters for what SeaBIOS can pick from CMOS
 * (a floppy, c hard disk, d CD-ROM, n network), each at most once, at most
 * three (the CMOS bytes hold three). */
static int boot_devices(const char *arg, const char *v, size_t len, char *out, size_t outlen,
                        char *err, size_t errlen)
{
    if (len == 0 || len > 3 || len >= outlen) {
        snprintf(err, errlen, "-boot %s: expected one to three of a, c, d, n", arg);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (!strchr("acdn", v[i]) || memchr(v, v[i], i)) {
            snprintf(err, errlen, "-boot %s: '%c' is not a boot device or is repeated (a, c, d, n)",
                     arg, v[i]);
            return -1;
        }
    }
    memcpy(out, v, len);
    out[len] = '\0';
    return 0;
}

static int boot_ms(const char *arg, const char *v, size_t len, long min, int *out, char *err,
                   size_t errlen)
{
    char buf[16];
    char *end;
    if (len == 0 || len >= sizeof(buf)) goto bad;
    memcpy(buf, v, len);
    buf[len] = '\0';
    long ms = strtol(buf, &end, 10);
    if (*end || ms < min || ms > 65535) goto bad;
    *out = (int)ms;
    return 0;
bad:
    snprintf(err, errlen, "-boot %s: expected milliseconds from %ld to 65535", arg, min);
    return -1;
}

/* -boot [order=]DEVS[,once=DEVS][,menu=on|off][,splash-time=MS][,reboot-timeout=MS] */
static int opt_boot(struct options *o, const char *arg, char *err, size_t errlen)
{
    const char *p = arg;
    if (!strchr(arg, '=')) { /* the old form: -boot d */
        if (boot_devices(arg, arg, strlen(arg), o->boot_order, sizeof(o->boot_order), err, errlen))
            return -1;
        o->pc.boot_order = o->boot_order;
        return 0;
    }
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        if (!eq) {
            snprintf(err, errlen, "-boot %s: expected KEY=VALUE in '%.*s'", arg, (int)len, p);
            return -1;
        }
        size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
        const char *v = eq + 1;
#define KEY(k) (klen == strlen(k) && !strncmp(p, k, klen))
        if (KEY("order")) {
            if (boot_devices(arg, v, vlen, o->boot_order, sizeof(o->boot_order), err, errlen))
                return -1;
            o->pc.boot_order = o->boot_order;
        } else if (KEY("once")) {
            if (boot_devices(arg, v, vlen, o->boot_once, sizeof(o->boot_once), err, errlen))
                return -1;
            o->pc.boot_once = o->boot_once;
        } else if (KEY("menu")) {
            if (vlen == 2 && !strncmp(v, "on", 2))
                o->pc.boot_menu = true;
            else if (vlen == 3 && !strncmp(v, "off", 3))
                o->pc.boot_menu = false;
            else {
                snprintf(err, errlen, "-boot %s: menu= expects on or off", arg);
                return -1;
            }
        } else if (KEY("splash-time")) {
            if (boot_ms(arg, v, vlen, 0, &o->pc.boot_menu_wait_ms, err, errlen)) return -1;
        } else if (KEY("reboot-timeout")) {
            if (boot_ms(arg, v, vlen, -1, &o->pc.boot_reboot_timeout_ms, err, errlen)) return -1;
        } else {
            snprintf(err, errlen,
                     "-boot %s: unknown '%.*s' (expected order, once, menu, splash-time, "
                     "reboot-timeout)",
                     arg, (int)klen, p);
            return -1;
        }
#undef KEY
        p += len + (p[len] == ',');
    }
    return 0;
}

static int opt_no_reboot(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->pc.no_reboot = true;
    return 0;
}

static int opt_version(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->action = OPTIONS_VERSION;
    return 0;
}

static int opt_help(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->action = OPTIONS_HELP;
    return 0;
}

static const struct option_def option_defs[] = {
    {"m", "SIZE", "guest RAM, e.g. 128M or 1G (default 128M; 2M to 3584M)", opt_m},
    {"bios", "FILE", "BIOS image, 64K to 2M in 64K steps (default: Debian's SeaBIOS)", opt_bios},
    {"kernel", "FILE", "boot this multiboot (v1) kernel directly", opt_kernel},
    {"initrd", "FILE[,FILE]", "multiboot modules (each \"FILE ARGS\"), with -kernel", opt_initrd},
    {"append", "STRING", "kernel command line, with -kernel", opt_append},
    {"debugcon", "DEV", "port 0xE9 debug console to stdio, file:PATH or null", opt_debugcon},
    {"device", "DEV", "isa-debug-exit[,iobase=0x501][,iosize=2], isa-debugcon[,iobase=N] or "
     "VGA[,vgamem_mb=16]", opt_device},
    {"vga", "std|none", "display adapter: std (VGA with Bochs VBE, PCI 1234:1111) or none",
     opt_vga},
    {"global", "VGA.vgamem_mb=N", "std VGA memory in MiB (1 to 256, a power of two; default 16)",
     opt_global},
    {"d", "LIST", "enable logs, comma-separated (-d help lists them)", opt_d},
    {"D", "FILE", "write logs to FILE instead of stderr", opt_D},
    {"icount", "[shift=]N|auto", "virtual time from the instruction count: 1 insn = 2^N ns",
     opt_icount},
    {"accel", "interp", "execution engine (interp is the only one so far)", opt_accel},
    {"display", "sdl|none", "window (default with a desktop) or none; sdl takes "
     ",full-screen=on and ,zoom-to-fit=off (whole-multiple scaling)", opt_display},
    {"full-screen", NULL, "start the window full screen (Ctrl+Alt+F toggles)", opt_full_screen},
    {"screendump", "FILE.png", "write the screen to FILE.png at exit, and on SIGUSR1",
     opt_screendump},
    {"screendump-text", "FILE", "write the text screen as UTF-8 to FILE at exit and on SIGUSR1",
     opt_screendump_text},
    {"nographic", NULL, "no display; COM1 on stdio (Ctrl-A x quits, Ctrl-A h helps)",
     opt_nographic},
    {"serial", "DEV",
     "next COM port (COM1-COM4): stdio, file:PATH, null, none, tcp:HOST:PORT[,server[,nowait]]",
     opt_serial},
    {"fda", "FILE", "floppy drive A: raw 160K-2.88M image (read-only if the file is)", opt_fda},
    {"fdb", "FILE", "floppy drive B", opt_fdb},
    {"hda", "FILE", "IDE hard disk 0 (primary master): raw or qcow2 image", opt_hda},
    {"hdb", "FILE", "IDE hard disk 1 (primary slave)", opt_hdb},
    {"hdc", "FILE", "IDE hard disk 2 (secondary master)", opt_hdc},
    {"hdd", "FILE", "IDE hard disk 3 (secondary slave)", opt_hdd},
    {"cdrom", "FILE", "ATAPI CD-ROM at IDE index 2 with this ISO image", opt_cdrom},
    {"drive", "file=F[,KEY=VAL...]",
     "a drive: if=ide|floppy index=0-3 media=disk|cdrom format=raw|qcow2 readonly=on "
     "snapshot=on cache=writeback|writethrough",
     opt_drive},
    {"snapshot", NULL, "write to temporary overlays: no disk image is modified", opt_snapshot},
    {"rtc", "base=utc|localtime|DATE", "RTC start time (DATE: YYYY-MM-DD[THH:MM:SS])", opt_rtc},
    {"boot", "[order=]DEVS[,once=DEVS][,menu=on|off][,splash-time=MS][,reboot-timeout=MS]",
     "boot devices in order: a floppy, c disk, d CD-ROM, n network (default cad)", opt_boot},
    {"no-reboot", NULL, "exit instead of rebooting on reset or triple fault", opt_no_reboot},
    {"version", NULL, "print the version and exit", opt_version},
    {"help", NULL, "print this help and exit", opt_help},
    {"h", NULL, NULL, opt_help},
};

#define N_OPTIONS (sizeof(option_defs) / sizeof(option_defs[0]))

void options_usage(FILE *out)
{
    fprintf(out, "usage: cinder [options]\n"
                 "Cinder " CINDER_VERSION ", a PC emulator.  Options:\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_def *d = &option_defs[i];
        if (!d->help) continue;
        char left[64];
        snprintf(left, sizeof(left), "-%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
        fprintf(out, "  %-28s %s\n", left, d->help);
    }
    fprintf(out, "Signals: SIGINT and SIGTERM stop the machine cleanly (exit status 0).\n"
                 "isa-debug-exit: a guest write of V exits with status (V << 1) | 1.\n");
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    pc_config_defaults(&o->pc);
    o->action = OPTIONS_RUN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            snprintf(err, errlen, "%s: unexpected argument (see -help)", a);
            return -1;
        }
        const char *name = a + 1 + (a[1] == '-');
        const struct option_def *d = NULL;
        for (size_t k = 0; k < N_OPTIONS && !d; k++)
            if (!strcmp(option_defs[k].name, name)) d = &option_defs[k];
        if (!d) {
            snprintf(err, errlen, "%s: unknown option (see -help)", a);
            return -1;
        }
        const char *arg = NULL;
        if (d->arg) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "-%s: missing argument (expected %s)", d->name, d->arg);
                return -1;
            }
            arg = argv[++i];
        }
        if (d->set(o, arg, err, errlen) != 0) return -1;
        if (o->action != OPTIONS_RUN)
            return 0; /* -help / -version win over everything after them */
    }
    if (!o->pc.kernel && o->pc.initrd) {
        snprintf(err, errlen, "-initrd: only allowed with -kernel");
        return -1;
    }
    if (!o->pc.kernel && o->pc.append) {
        snprintf(err, errlen, "-append: only allowed with -kernel");
        return -1;
    }
    if (o->pc.nographic && o->display.kind == DISPLAY_SDL) {
        snprintf(err, errlen, "-nographic cannot be used with -display sdl");
        return -1;
    }
    return 0;
}
