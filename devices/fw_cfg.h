/*
 * fw_cfg.h - QEMU's firmware configuration interface, I/O port form.
 *
 * Why we have it: Debian's SeaBIOS is built for QEMU and takes the things a
 * user sets on the command line that CMOS cannot carry from here: whether
 * to show the boot menu and for how long, how long to wait before retrying
 * a failed boot.  Without fw_cfg SeaBIOS always shows "Press ESC for boot
 * menu" and waits 2.5 s on every boot.  RAM size and boot order still come
 * from CMOS (SeaBIOS reads them there too), and ACPI tables are SeaBIOS's
 * own (its fallback when no "etc/table-loader" file exists).
 */
#ifndef CINDER_DEVICES_FW_CFG_H
#define CINDER_DEVICES_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

struct bus;

#define FW_CFG_IOBASE 0x510 /* selector (16-bit write) at 0x510, data (byte) at 0x511 */

/* Fixed keys (QEMU's numbering, which SeaBIOS knows). */
#define FW_CFG_SIGNATURE 0x00 /* "QEMU" */
#define FW_CFG_ID 0x01        /* feature bits: 1 = traditional interface (no DMA) */
#define FW_CFG_RAM_SIZE 0x03  /* u64 */
#define FW_CFG_NOGRAPHIC 0x04 /* u16 */
#define FW_CFG_NB_CPUS 0x05   /* u16 */
#define FW_CFG_BOOT_MENU 0x0E /* u16: show the boot menu */
#define FW_CFG_MAX_CPUS 0x0F  /* u16 */
#define FW_CFG_FILE_DIR 0x19  /* directory of named files */
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_MAX_FILES 32
#define FW_CFG_WRITE_CHANNEL 0x4000 /* selector bit: a write channel (writes are ignored) */

struct fw_cfg;
extern const struct device_desc fw_cfg_desc;

struct fw_cfg *fw_cfg_create(struct bus *bus, uint16_t iobase); /* NULL if ports are taken */
/* Set a fixed key's contents (copied).  -1 if out of memory. */
int fw_cfg_add_bytes(struct fw_cfg *s, uint16_t key, const void *data, size_t len);
int fw_cfg_add_u16(struct fw_cfg *s, uint16_t key, uint16_t v); /* little-endian */
int fw_cfg_add_u32(struct fw_cfg *s, uint16_t key, uint32_t v);
int fw_cfg_add_u64(struct fw_cfg *s, uint16_t key, uint64_t v);
/* Add a named file (name at most 55 bytes) to the directory, or replace its
 * contents.  -1 if out of memory, the name is too long or the directory full. */
int fw_cfg_add_file(struct fw_cfg *s, const char *name, const void *data, size_t len);

#endif
