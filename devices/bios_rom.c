/*
 * bios_rom.c - the system BIOS ROM: one image, two windows.
 *
 * On a PC the firmware flash decodes at the top of the 4 GiB space (the CPU
 * resets to FFFF_FFF0), and the chipset also decodes its last 128 KiB at
 * E0000-FFFFF for real-mode code (Intel PIIX4 datasheet, "BIOS memory
 * space"; QEMU hw/i386/x86.c x86_bios_rom_init does the same).  Both windows
 * show the same bytes, read-only.  The image must be a whole number of 64 KiB
 * blocks between 64 KiB and 2 MiB, so a 64 KiB image sits at F0000-FFFFF.
 *
 * The low window is mapped here until the board hands it to the chipset
 * (bios_rom_unmap_low + bios_rom_low_image: the i440FX's PAM registers then
 * decide whether E0000-FFFFF shows this ROM or shadow RAM).
 *
 * Not emulated: flash writes and command cycles (the image is ROM).
 */
#include "devices/bios_rom.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem/bus.h"
#include "mem/ram.h"

struct bios_rom {
    struct bus *bus;           /* bus both windows are mapped on */
    uint8_t *image;            /* host copy of the image (ram_alloc, page-aligned) */
    uint32_t size;             /* image bytes */
    struct region *high;       /* window ending at 4 GiB */
    struct region *low;        /* window ending at 1 MiB */
};

int bios_rom_check_size(const char *path, size_t len, char *err, size_t errlen)
{
    if (len < BIOS_ROM_MIN || len > BIOS_ROM_MAX || len % BIOS_ROM_UNIT) {
        snprintf(err, errlen,
                 "%s: BIOS image is %zu bytes; expected a multiple of 64 KiB from 64 KiB to "
                 "2 MiB",
                 path, len);
        return -1;
    }
    return 0;
}

static void bios_rom_destroy(void *opaque)
{
    struct bios_rom *r = opaque;
    if (!r)
        return;
    bus_unmap(r->bus, r->low);
    bus_unmap(r->bus, r->high);
    ram_free(r->image, r->size);
    free(r);
}

struct bios_rom *bios_rom_create(struct bus *bus, const char *path, char *err, size_t errlen)
{
    /* Check the size before reading, so that a huge file fails fast and with
     * the rule stated. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
        bios_rom_check_size(path, (size_t)st.st_size, err, errlen) != 0)
        return NULL;
    uint8_t *file;
    size_t len;
    if (ram_load_file(path, &file, &len, 0, BIOS_ROM_MAX, err, errlen) != 0)
        return NULL;
    if (bios_rom_check_size(path, len, err, errlen) != 0) {
        free(file);
        return NULL;
    }
    struct bios_rom *r = calloc(1, sizeof(*r));
    if (!r || !(r->image = ram_alloc(len))) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(r);
        free(file);
        return NULL;
    }
    memcpy(r->image, file, len);
    free(file);
    r->bus = bus;
    r->size = (uint32_t)len;
    uint32_t low_len = r->size < BIOS_ROM_LOW_MAX ? r->size : BIOS_ROM_LOW_MAX;
    r->high = bus_map_ram(bus, (uint32_t)(0x100000000ull - r->size), r->size, r->image,
                          BUS_RAM_ROM);
    r->low = bus_map_ram(bus, BIOS_ROM_LOW_END - low_len, low_len,
                         r->image + r->size - low_len, BUS_RAM_ROM);
    if (!r->high || !r->low) {
        snprintf(err, errlen, "%s: cannot map the BIOS (address space taken)", path);
        bios_rom_destroy(r);
        return NULL;
    }
    return r;
}

uint32_t bios_rom_size(const struct bios_rom *r) { return r->size; }

static uint32_t bios_rom_low_len(const struct bios_rom *r)
{
    return r->size < BIOS_ROM_LOW_MAX ? r->size : BIOS_ROM_LOW_MAX;
}

uint32_t bios_rom_low_base(const struct bios_rom *r)
{
    return BIOS_ROM_LOW_END - bios_rom_low_len(r);
}

const uint8_t *bios_rom_low_image(const struct bios_rom *r, uint32_t *len)
{
    *len = bios_rom_low_len(r);
    return r->image + r->size - *len;
}

void bios_rom_unmap_low(struct bios_rom *r)
{
    bus_unmap(r->bus, r->low);
    r->low = NULL;
}

static void bios_rom_info(void *opaque, FILE *out)
{
    struct bios_rom *r = opaque;
    fprintf(out, "bios: %u KiB at 0x%08x, low copy at 0x%05x%s\n", r->size / 1024,
            bus_region_base(r->high), bios_rom_low_base(r),
            r->low ? "" : " (decoded by the chipset)");
}

const struct device_desc bios_rom_desc = {
    .name = "bios",
    .destroy = bios_rom_destroy,
    .info = bios_rom_info,
};
