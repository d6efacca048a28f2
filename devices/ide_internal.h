/*
 * ide_internal.h - state shared by the ATA channel (ide.c), the ATAPI packet
 * command set (atapi.c) and the PIIX bus-master engine (ide_busmaster.c).
 * Nothing outside those three files includes it.
 */
#ifndef CINDER_DEVICES_IDE_INTERNAL_H
#define CINDER_DEVICES_IDE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/ide.h"
#include "mem/sched.h"

struct region;

/* Status register (ATA-6 7.15.6). */
#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DF 0x20
#define ST_DSC 0x10 /* device seek complete (obsolete in ATA-6, still expected) */
#define ST_DRQ 0x08
#define ST_ERR 0x01
/* Error register. */
#define ER_UNC 0x40
#define ER_IDNF 0x10
#define ER_ABRT 0x04
/* Device/head register. */
#define DH_LBA 0x40
#define DH_DEV 0x10
/* Device control register. */
#define DC_HOB 0x80
#define DC_SRST 0x04
#define DC_NIEN 0x02
/* ATAPI interrupt reason (sector count register). */
#define IR_COD 0x01
#define IR_IO 0x02

/* Bus-master registers (SFF-8038i, PIIX3 2.7). */
#define BM_CMD_START 0x01
#define BM_CMD_TO_MEMORY 0x08 /* RWCON: 1 = bus-master write (device to memory) */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INT 0x04
#define BM_ST_DRV_CAP 0x60 /* drive 0/1 DMA capable: plain storage for the BIOS */

#define IDE_SECTOR 512u
#define CD_SECTOR 2048u
#define IDE_BUF_BYTES (128u * 1024u) /* 256 ATA sectors or 64 CD sectors */
#define IDE_BUF_SECTORS (IDE_BUF_BYTES / IDE_SECTOR)
#define IDE_MAX_MULT 16 /* READ/WRITE MULTIPLE: sectors per DRQ block, at most */

enum ide_kind { IDE_NONE, IDE_DISK, IDE_CDROM };

/* What the drive's timer does when it fires. */
enum ide_phase {
    PH_IDLE,        /* nothing pending */
    PH_COMMAND,     /* run the command in cmd */
    PH_READ_NEXT,   /* ATA PIO read: present the next DRQ block */
    PH_WRITE_BLOCK, /* ATA PIO write: a DRQ block has arrived */
    PH_PACKET,      /* ATAPI: the 12-byte packet has arrived */
    PH_ATAPI_NEXT,  /* ATAPI PIO data-in: present the next chunk */
    PH_DMA,         /* run the bus-master transfer */
    PH_RESET_DONE,  /* SRST released: finish the reset */
};

/* What the end of the current PIO data window means. */
enum ide_xfer {
    XF_NONE,      /* no data phase */
    XF_IN_LAST,   /* data-in with one block (IDENTIFY): done after it */
    XF_ATA_READ,  /* ATA PIO read of sectors */
    XF_ATA_WRITE, /* ATA PIO write of sectors */
    XF_PACKET,    /* ATAPI command packet being written */
    XF_ATAPI_IN,  /* ATAPI PIO data-in */
};

struct atapi_state {
    uint8_t packet[12];  /* command descriptor block as received */
    uint8_t sense_key;   /* current sense (REQUEST SENSE), 0 when none */
    uint8_t asc, ascq;   /* additional sense code and qualifier */
    bool tray_open;      /* START STOP UNIT ejected the medium (blk kept for a reload) */
    bool locked;         /* PREVENT ALLOW MEDIUM REMOVAL: eject refused */
    bool unit_attention; /* a medium change not yet reported by a command */
    uint8_t media_event; /* GET EVENT STATUS media event code waiting (0 none, 2 new, 3 removed) */
    uint32_t lba;        /* READ: next 2048-byte sector to load */
    uint32_t sectors_left; /* READ: sectors not yet loaded into the buffer */
    uint32_t bytes_left;   /* data-in bytes not yet moved to the host (all sources) */
    uint32_t buf_len;      /* bytes valid in the drive buffer */
    uint32_t buf_pos;      /* bytes of it moved to the host */
    uint16_t chunk;        /* PIO: bytes in the current DRQ chunk */
    uint16_t byte_limit;   /* PIO: byte count limit the host set before PACKET */
    bool dma;              /* the packet asked for DMA (FEATURES bit 0) */
};

struct ide_drive {
    struct ide_channel *ch; /* the cable this drive is on */
    uint8_t unit;           /* 0 master, 1 slave */
    uint8_t kind;           /* enum ide_kind */
    struct block *blk;      /* image (owned); NULL: empty CD-ROM drive */
    uint64_t sectors;       /* 512-byte sectors of the image */
    char serial[21];        /* IDENTIFY serial number, NUL-terminated */

    /* Task file as this device holds it (writes go to both devices). */
    uint8_t feature, nsector, sector, lcyl, hcyl;                     /* current values */
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl; /* previous (LBA48 HOB) */
    uint8_t select;                                                   /* device/head register */
    uint8_t status;                                                   /* status register */
    uint8_t error;                                                    /* error register */
    bool intrq; /* INTRQ pending (cleared by a status read or a command write) */

    /* Geometry (ATA disks). */
    uint16_t cyls, heads, sects;    /* default translation (IDENTIFY words 1, 3, 6) */
    uint16_t lcyls, lheads, lsects; /* current, from INITIALIZE DEVICE PARAMETERS */
    uint8_t mult;                   /* SET MULTIPLE MODE sectors per block; 0: multiple mode off */
    uint8_t xfer_mode; /* SET FEATURES 03h value: 0x08|n PIO, 0x20|n MWDMA, 0x40|n UDMA */
    bool wcache;       /* write cache enabled (else every write is flushed) */
    bool standby;      /* STANDBY/SLEEP entered: CHECK POWER MODE reports 00h */

    /* Command in progress. */
    uint8_t cmd;          /* command register value */
    uint8_t phase;        /* enum ide_phase: what the timer does */
    uint8_t xfer;         /* enum ide_xfer: meaning of the PIO window's end */
    bool lba48;           /* the command is an EXT one */
    bool dma_pending;     /* a DMA command waits for the bus master (BMICOM start) */
    bool dma_to_device;   /* its direction: memory to device (writes) */
    uint64_t lba;         /* ATA: first sector not yet moved */
    uint32_t remaining;   /* ATA: sectors not yet moved */
    uint32_t drq_sectors; /* ATA PIO: sectors per DRQ block */
    uint64_t buf_lba;     /* ATA: sector held at buf[0] */
    uint32_t buf_sectors; /* ATA: sectors valid (read) or collected (write) in buf */
    uint8_t *buf;         /* IDE_BUF_BYTES: sector data and replies (flat) */
    uint32_t data_pos;    /* PIO window: next byte of buf the data port moves */
    uint32_t data_end;    /* PIO window end */
    struct timer timer;   /* command phases (BSY before DRQ/INTRQ) */

    struct atapi_state atapi; /* CD-ROM drives only */
};

struct ide_bm {
    uint8_t cmd;    /* BMICOM */
    uint8_t status; /* BMISTA */
    uint32_t prdt;  /* BMIDTP: PRD table address */
};

struct ide_channel {
    struct bus *bus;           /* ports and guest memory (DMA) */
    struct sched *sched;       /* virtual clock */
    struct irq_line irq;       /* INTRQ wire (IRQ 14 / 15) */
    struct region *cmd_io;     /* command block, 8 ports */
    struct region *ctl_io;     /* control block, 1 port */
    uint16_t cmd_base;         /* for info */
    struct ide_drive drive[2]; /* master, slave (kind IDE_NONE when absent) */
    uint8_t devctl;            /* device control register (shared by both devices) */
    bool irq_level;            /* level last driven on irq */
    struct ide_bm bm;          /* PIIX bus-master registers of this channel */
};

/* ide.c */
struct ide_drive *ide_selected(struct ide_channel *ch);
void ide_update_irq(struct ide_channel *ch);
void ide_raise(struct ide_drive *d); /* set INTRQ */
void ide_schedule(struct ide_drive *d, enum ide_phase ph, uint64_t delay_ns);
void ide_abort(struct ide_drive *d); /* ERR + ABRT, INTRQ */
void ide_pio_start(struct ide_drive *d, uint32_t off, uint32_t len, enum ide_xfer x);
void ide_set_signature(struct ide_drive *d);

/* atapi.c */
void atapi_identify(struct ide_drive *d, uint16_t *w);
void atapi_packet_cmd(struct ide_drive *d); /* PACKET: ask for the 12 bytes */
void atapi_exec(struct ide_drive *d);       /* the packet has arrived */
void atapi_pio_next(struct ide_drive *d);   /* present the next PIO chunk, or finish */
/* DMA source: make buf[buf_pos..buf_len) hold the next data; false when none is left. */
int atapi_dma_refill(struct ide_drive *d);         /* 1 data, 0 none left, -1 read error */
void atapi_dma_done(struct ide_drive *d, bool ok); /* after the bus master moved everything */
/* DEVICE RESET / SRST state of the packet layer; power_on also closes the
 * tray, unlocks it and clears the sense. */
void atapi_reset(struct ide_drive *d, bool power_on);

/* ide_busmaster.c */
void ide_bm_kick(struct ide_channel *ch); /* start a pending DMA if BMICOM allows */
void ide_bm_run(struct ide_drive *d);     /* the timer: move the data */

/* ATA side of a DMA transfer, for the bus master: load the next sectors
 * (at most IDE_BUF_SECTORS) into buf and return the byte count; write n
 * sectors from buf at d->lba; finish the command (err: 0 or error bits). */
int ata_dma_fill(struct ide_drive *d);              /* read the next sectors into buf; <0 error */
int ata_dma_flush(struct ide_drive *d, uint32_t n); /* write n sectors from buf; <0 error */
void ata_dma_done(struct ide_drive *d, int err);    /* 0 ok, else error bits */

#endif
