/*
 * fdc.h - Intel 82077AA floppy disk controller (PC-AT mode) with up to two
 * drives backed by raw image files, on ports 0x3F0-0x3F5 and 0x3F7, IRQ 6 and
 * ISA DMA channel 2.
 */
#ifndef CINDER_DEVICES_FDC_H
#define CINDER_DEVICES_FDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;
struct dma8237;

#define FDC_IOBASE 0x3F0
#define FDC_DMA_CHANNEL 2
#define FDC_MAX_DRIVES 2 /* drives 2 and 3 are never connected */

/* CMOS 0x10 drive-type codes (IBM AT BIOS). */
enum fdc_drive_type {
    FDC_TYPE_NONE = 0,
    FDC_TYPE_360K = 1,
    FDC_TYPE_1_2M = 2,
    FDC_TYPE_720K = 3,
    FDC_TYPE_1_44M = 4,
    FDC_TYPE_2_88M = 5,
};

struct fdc;
extern const struct device_desc fdc_desc;

/* Map 0x3F0-0x3F5 and 0x3F7.  dma may be NULL (then only non-DMA transfers
 * move data).  NULL if a port is taken or out of memory. */
struct fdc *fdc_create(struct bus *bus, struct sched *sched, struct dma8237 *dma,
                       struct irq_line irq6);

/* Connect drive 0 or 1 with a raw image (its size gives the geometry: 160K,
 * 180K, 320K, 360K, 720K, 1.2M, 1.44M or 2.88M).  Opened read-write unless
 * readonly or the file cannot be opened for writing; writes go to the file.
 * Inserting a disk sets the drive's disk-change line.  0, or -1 with a
 * message in err (no prefix). */
int fdc_attach(struct fdc *s, int drive, const char *path, bool readonly, char *err, size_t errlen);
/* Take the disk out (the drive stays connected; the change line goes up). */
void fdc_eject(struct fdc *s, int drive);
/* CMOS type of a connected drive (FDC_TYPE_NONE if none). */
enum fdc_drive_type fdc_drive_type(const struct fdc *s, int drive);
/* fsync the image files. */
void fdc_flush(struct fdc *s);

#endif
