/*
 * i440fx.h - Intel 82441FX PCI and Memory Controller (host bridge, 00:00.0).
 */
#ifndef CINDER_DEVICES_I440FX_H
#define CINDER_DEVICES_I440FX_H

#include <stdint.h>

#include "devices/device.h"

struct bus;
struct pci_bus;

#define I440FX_PAM0 0x59 /* PAM0-PAM6: 0x59-0x5F */
#define I440FX_SMRAM 0x72
#define I440FX_SHADOW_BASE 0xC0000u
#define I440FX_SHADOW_END 0x100000u
#define I440FX_NUM_SEGS 13 /* F0000-FFFFF, then 12 x 16 KiB from C0000 */

/* PAM nibble: bit 0 read enable (reads from DRAM), bit 1 write enable. */
enum { PAM_PCI = 0, PAM_RO = 1, PAM_WO = 2, PAM_RW = 3 };

struct i440fx;
extern const struct device_desc i440fx_desc;

/* The host bridge at 00:00.0 of pb.  ram is the guest RAM's host memory (at
 * least 1 MiB): the shadow RAM for address A is ram[A].  rom/rom_len is the
 * BIOS's low window (NULL, 0 if none), ending at 1 MiB; with PAM disabled its
 * bytes show at 1 MiB - rom_len (and C0000-DFFFF shows nothing: all ones).
 * Takes over 0xC0000-0xFFFFF of bus.  NULL if out of memory or the slot or the
 * address range is taken. */
struct i440fx *i440fx_create(struct bus *bus, struct pci_bus *pb, uint8_t *ram, const uint8_t *rom,
                             uint32_t rom_len);
/* PAM mode (PAM_*) of the segment containing addr (0xC0000-0xFFFFF). */
unsigned i440fx_pam_mode(const struct i440fx *s, uint32_t addr);

#endif
