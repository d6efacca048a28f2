/*
 * ide.h - one ATA channel (a cable with a master and a slave) as the PIIX3's
 * IDE function drives it: the command block (8 ports), the control block
 * (device control / alternate status), an IRQ wire and the channel's
 * bus-master DMA engine.  Drives are ATA hard disks or ATAPI CD-ROMs backed
 * by a struct block (devices/block.h).
 */
#ifndef CINDER_DEVICES_IDE_H
#define CINDER_DEVICES_IDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;
struct block;

#define IDE_PRIMARY_CMD 0x1F0
#define IDE_PRIMARY_CTL 0x3F6
#define IDE_PRIMARY_IRQ 14
#define IDE_SECONDARY_CMD 0x170
#define IDE_SECONDARY_CTL 0x376
#define IDE_SECONDARY_IRQ 15
#define IDE_BM_LEN 8 /* bus-master registers per channel (BMICOM, BMISTA, BMIDTP) */

struct ide_channel;
extern const struct device_desc ide_channel_desc;

/* Map cmd_base..cmd_base+7 and ctl_base; irq is the channel's INTRQ wire.
 * NULL if a port is taken or out of memory. */
struct ide_channel *ide_channel_create(struct bus *bus, struct sched *sched, uint16_t cmd_base,
                                       uint16_t ctl_base, struct irq_line irq);

/* Attach an ATA hard disk (unit 0 = master, 1 = slave).  The channel owns
 * blk from then on (closed with the channel).  0, or -1 with a message. */
int ide_attach_disk(struct ide_channel *ch, unsigned unit, struct block *blk, char *err,
                    size_t errlen);
/* Attach an ATAPI CD-ROM drive; blk (2048-byte sectors, owned) may be NULL
 * for an empty drive. */
int ide_attach_cdrom(struct ide_channel *ch, unsigned unit, struct block *blk, char *err,
                     size_t errlen);
/* Put a new medium (or none: NULL) in a CD-ROM drive, as a user does: the old
 * one is closed, and the guest sees UNIT ATTENTION / MEDIUM MAY HAVE CHANGED.
 * -1 if the unit is not a CD-ROM drive. */
int ide_cdrom_change(struct ide_channel *ch, unsigned unit, struct block *blk);

/* Default CHS geometry the drive reports (IDENTIFY words 1, 3, 6); false if
 * the unit is not a hard disk.  The board puts it in CMOS. */
bool ide_disk_geometry(const struct ide_channel *ch, unsigned unit, unsigned *cyls, unsigned *heads,
                       unsigned *sects);

/* The bus-master registers of this channel (offset 0-7 within its half of
 * the PIIX BMIBA block), for the PCI function that decodes BAR4. */
uint32_t ide_bm_read(struct ide_channel *ch, uint32_t off, unsigned size);
void ide_bm_write(struct ide_channel *ch, uint32_t off, uint32_t value, unsigned size);

#endif
