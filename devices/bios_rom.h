/*
 * bios_rom.h - the system BIOS image (-bios FILE).
 */
#ifndef CINDER_DEVICES_BIOS_ROM_H
#define CINDER_DEVICES_BIOS_ROM_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

struct bus;

#define BIOS_ROM_MIN (64u * 1024)          /* smallest image: the F segment */
#define BIOS_ROM_MAX (2u * 1024 * 1024)    /* largest image we map under 4 GiB */
#define BIOS_ROM_UNIT (64u * 1024)         /* size must be a multiple of this */
#define BIOS_ROM_LOW_MAX (128u * 1024)     /* part also mirrored below 1 MiB */
#define BIOS_ROM_LOW_END 0x100000u         /* the low copy ends at 1 MiB */
#define BIOS_ROM_DEFAULT "/usr/share/seabios/bios.bin" /* Debian's seabios package */

struct bios_rom;
extern const struct device_desc bios_rom_desc;

/* 0 if an image of len bytes is acceptable; else -1 and a message naming the
 * file and the rule. */
int bios_rom_check_size(const char *path, size_t len, char *err, size_t errlen);

/* Read and check the image, map it read-only so that it ends at 4 GiB, and
 * its last min(size, 128 KiB) bytes again so that they end at 1 MiB. */
struct bios_rom *bios_rom_create(struct bus *bus, const char *path, char *err, size_t errlen);
uint32_t bios_rom_size(const struct bios_rom *r);
/* Lowest address of the copy below 1 MiB (0xE0000 or 0xF0000). */
uint32_t bios_rom_low_base(const struct bios_rom *r);
/* The bytes of the copy below 1 MiB (len: 64 or 128 KiB).  The board hands
 * them to the chipset (i440FX PAM), which decodes that window itself after
 * bios_rom_unmap_low. */
const uint8_t *bios_rom_low_image(const struct bios_rom *r, uint32_t *len);
void bios_rom_unmap_low(struct bios_rom *r);

#endif
