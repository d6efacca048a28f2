/*
 * fdc.c - Intel 82077AA floppy disk controller in PC-AT mode, two drives.
 *
 * Sources: Intel 82077AA CHMOS Single-Chip Floppy Disk Controller datasheet
 * (290166): §2 register set (SRA/SRB, DOR, TDR, MSR, DSR, FIFO, DIR, CCR),
 * §4 controller phases (command, execution, result; RQM/DIO/NDMA/CB),
 * §5 status registers ST0-ST3, §6 command set and the "C, H, R, N after
 * command termination" table, §7 reset (four SENSE INTERRUPT STATUS after a
 * reset with polling enabled).  IBM AT Technical Reference for CMOS 0x10
 * drive types and the DMA channel 2 / IRQ 6 wiring.
 *
 * Media are raw images (geometry from the file size).  Commands run when the
 * last command byte arrives: seeks update the cylinder at once, and data
 * moves when a short timer on the virtual clock fires, which also enters the
 * result phase and raises IRQ 6 (no seek or rotation timing).  DMA transfers
 * pull whole sectors through the 8237 and stop at its terminal count; in
 * non-DMA mode the host moves each byte through the FIFO (interrupt per data
 * request, as the datasheet's non-DMA mode).  A transfer that runs past EOT
 * without terminal count ends with ST0 abnormal and ST1 EN (end of cylinder),
 * which is also how every non-DMA transfer ends.
 *
 * Not emulated: seek/settle/head-load/motor timing, index pulses, the FIFO
 * threshold and overrun timing (a DMA channel that is not ready ends the
 * command with an overrun at once), sector sizes other than 512 bytes (N=2),
 * deleted-data marks (READ/WRITE DELETED DATA are invalid commands), READ
 * TRACK, VERIFY, SCAN, implied seeks (EIS), power-down, PS/2 and Model 30
 * modes, drives 2 and 3, the tape drive register's effects, save state.
 */
#include "devices/fdc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/dma8237.h"
#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

#define SECTOR_SIZE 512
#define FDC_CMD_DELAY_NS 10000u /* command to interrupt: short, not a seek model */

/* DOR */
#define DOR_SEL 0x03
#define DOR_NRESET 0x04
#define DOR_DMAGATE 0x08
/* MSR */
#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_NDMA 0x20
#define MSR_CB 0x10
/* DSR */
#define DSR_SWRESET 0x80
/* ST0 */
#define ST0_ABNORMAL 0x40
#define ST0_INVALID 0x80
#define ST0_POLL 0xC0
#define ST0_SE 0x20
#define ST0_EC 0x10
/* ST1 */
#define ST1_EN 0x80
#define ST1_DE 0x20
#define ST1_OR 0x10
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01
/* ST2 */
#define ST2_WC 0x10
#define ST2_BC 0x02
/* CONFIGURE */
#define CONFIG_POLL_OFF 0x10
#define CONFIG_DEFAULT 0x20 /* EIS 0, EFIFO 1 (FIFO off), POLL 0 (on), FIFOTHR 0 */

enum fdc_phase {
    PHASE_CMD,    /* RQM, DIO=0: accepting command bytes */
    PHASE_BUSY,   /* command accepted, execution waits for the timer */
    PHASE_PIO,    /* non-DMA execution: host moves sector bytes through the FIFO */
    PHASE_RESULT, /* RQM, DIO=1: result bytes to read */
};

enum fdc_op {
    OP_NONE,
    OP_READ,   /* READ DATA */
    OP_WRITE,  /* WRITE DATA */
    OP_READID, /* READ ID */
    OP_FORMAT, /* FORMAT TRACK */
};

struct fdc_drive {
    int fd;            /* image file, -1 without a disk */
    bool connected;    /* a drive is cabled to this select line */
    bool readonly;     /* write protected (tab or read-only file) */
    bool changed;      /* disk-change line (DIR bit 7) */
    uint8_t type;      /* enum fdc_drive_type for CMOS 0x10 */
    uint8_t cyls;      /* media cylinders */
    uint8_t heads;     /* media sides, 1 or 2 */
    uint8_t spt;       /* sectors per track */
    uint8_t rate;      /* data rate the media needs (DSR/CCR code 0-3) */
    uint8_t pcn;       /* present cylinder number (the controller's idea of the head) */
    uint8_t next_sect; /* sector ID that passes the head next (READ ID), 1-based */
};

struct fdc {
    struct bus *bus;                      /* port space */
    struct sched *sched;                  /* virtual clock */
    struct dma8237 *dma;                  /* ISA DMA controller (channel 2); NULL: none */
    struct irq_line irq;                  /* IRQ 6 */
    struct region *region[2];             /* 0x3F0-0x3F5 and 0x3F7 */
    struct timer timer;                   /* command completion / reset interrupt */
    struct fdc_drive drv[FDC_MAX_DRIVES]; /* connected drives */

    /* registers */
    uint8_t dor;         /* digital output register: select, /reset, DMA gate, motors */
    uint8_t tdr;         /* tape drive register (bits 1-0 kept) */
    uint8_t rate;        /* data rate select from DSR/CCR bits 1-0 */
    uint8_t dsr_precomp; /* DSR bits 6-2 as written (power down, precompensation) */

    /* controller state */
    uint8_t phase;            /* enum fdc_phase */
    uint8_t cmd[9];           /* command bytes received */
    uint8_t cmd_len;          /* bytes expected for the command in cmd[0] */
    uint8_t cmd_pos;          /* bytes received so far */
    uint8_t res[10];          /* result bytes */
    uint8_t res_len;          /* result bytes in res */
    uint8_t res_pos;          /* result bytes read so far */
    bool int_latch;           /* INT: a result or seek/reset status waits for the host */
    uint8_t seek_busy;        /* drives (bit n) whose seek completes at the timer (MSR DnB) */
    uint8_t sense_pending;    /* drives with a seek/recalibrate status for SENSE INTERRUPT */
    uint8_t seek_st0[4];      /* that status, per drive select (2 and 3: no drive) */
    bool reset_irq_due;       /* the timer raises the post-reset interrupt */
    uint8_t reset_sense_left; /* polling statuses left to report after reset (4..0) */

    /* SPECIFY / CONFIGURE / LOCK / PERPENDICULAR */
    uint8_t specify[2]; /* SRT/HUT, HLT/ND (bit 0 of [1]: non-DMA mode) */
    uint8_t config;     /* CONFIGURE byte 2: EIS, EFIFO, POLL, FIFOTHR */
    uint8_t pretrk;     /* CONFIGURE byte 3: precompensation start track */
    bool lock;          /* LOCK: config and pretrk survive a software reset */
    uint8_t perp;       /* PERPENDICULAR MODE byte (WGATE, GAP, D3-D0) */
    uint8_t last_eot;   /* EOT of the last read/write (DUMPREG SC/EOT) */

    /* data transfer in execution */
    uint8_t op;               /* enum fdc_op pending at the timer or in PIO */
    uint8_t xdrive;           /* drive being transferred */
    uint8_t xhead;            /* physical head */
    uint8_t xc, xh, xr, xn;   /* sector ID being transferred: C, H, R, N */
    uint8_t xeot;             /* last sector number on a track */
    bool xmt;                 /* multi-track */
    uint8_t xfmt_left;        /* FORMAT: sectors still to format */
    uint8_t xfill;            /* FORMAT: filler byte */
    uint8_t st0, st1, st2;    /* status being built for the result phase */
    uint8_t buf[SECTOR_SIZE]; /* one sector (PIO FIFO stand-in) */
    uint16_t buf_pos;         /* PIO: bytes moved in buf */
    uint16_t buf_len;         /* PIO: bytes in this piece (512, or 4 for a format ID) */
};

static void fdc_update_irq(struct fdc *s)
{
    bool level = false;
    if ((s->dor & DOR_NRESET) && (s->dor & DOR_DMAGATE))
        level = s->int_latch || s->phase == PHASE_PIO;
    irq_set(&s->irq, level);
}

static struct fdc_drive *fdc_drive(struct fdc *s, int n)
{
    return n < FDC_MAX_DRIVES && s->drv[n].connected ? &s->drv[n] : NULL;
}

static bool fdc_nodma(const struct fdc *s)
{
    return s->specify[1] & 1;
}

/* --- images ----------------------------------------------------------- */

static const struct {
    uint32_t size;
    uint8_t cyls, heads, spt, type, rate;
} fdc_formats[] = {
    {163840, 40, 1, 8, FDC_TYPE_360K, 2},    {184320, 40, 1, 9, FDC_TYPE_360K, 2},
    {327680, 40, 2, 8, FDC_TYPE_360K, 2},    {368640, 40, 2, 9, FDC_TYPE_360K, 2},
    {737280, 80, 2, 9, FDC_TYPE_720K, 2},    {1228800, 80, 2, 15, FDC_TYPE_1_2M, 0},
    {1474560, 80, 2, 18, FDC_TYPE_1_44M, 0}, {2949120, 80, 2, 36, FDC_TYPE_2_88M, 3},
};

int fdc_attach(struct fdc *s, int drive, const char *path, bool readonly, char *err, size_t errlen)
{
    if (drive < 0 || drive >= FDC_MAX_DRIVES) {
        snprintf(err, errlen, "floppy drive %d: only drives 0 and 1 exist", drive);
        return -1;
    }
    int fd = -1;
    if (!readonly) {
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) readonly = true;
    }
    if (fd < 0 && readonly) fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    int f = -1;
    for (size_t i = 0; i < sizeof(fdc_formats) / sizeof(fdc_formats[0]); i++)
        if ((uint64_t)st.st_size == fdc_formats[i].size) f = (int)i;
    if (f < 0) {
        snprintf(err, errlen,
                 "%s: %lld bytes is not a floppy image size (expected 160K, 180K, 320K, 360K, "
                 "720K, 1.2M, 1.44M or 2.88M raw)",
                 path, (long long)st.st_size);
        close(fd);
        return -1;
    }
    struct fdc_drive *d = &s->drv[drive];
    if (d->fd >= 0) close(d->fd);
    d->fd = fd;
    d->connected = true;
    d->readonly = readonly;
    d->changed = true;
    d->type = fdc_formats[f].type;
    d->cyls = fdc_formats[f].cyls;
    d->heads = fdc_formats[f].heads;
    d->spt = fdc_formats[f].spt;
    d->rate = fdc_formats[f].rate;
    d->next_sect = 1;
    LOG(LOG_FDC, "fdc: drive %d: %s, %u/%u/%u%s", drive, path, d->cyls, d->heads, d->spt,
        readonly ? " read-only" : "");
    return 0;
}

void fdc_eject(struct fdc *s, int drive)
{
    if (drive < 0 || drive >= FDC_MAX_DRIVES || s->drv[drive].fd < 0) return;
    fsync(s->drv[drive].fd);
    close(s->drv[drive].fd);
    s->drv[drive].fd = -1;
    s->drv[drive].changed = true;
}

enum fdc_drive_type fdc_drive_type(const struct fdc *s, int drive)
{
    if (drive < 0 || drive >= FDC_MAX_DRIVES || !s->drv[drive].connected) return FDC_TYPE_NONE;
    return (enum fdc_drive_type)s->drv[drive].type;
}

void fdc_flush(struct fdc *s)
{
    for (int i = 0; i < FDC_MAX_DRIVES; i++)
        if (s->drv[i].fd >= 0 && !s->drv[i].readonly) fsync(s->drv[i].fd);
}

static off_t fdc_offset(const struct fdc_drive *d, int head, int sect)
{
    return (((off_t)d->pcn * d->heads + head) * d->spt + (sect - 1)) * SECTOR_SIZE;
}

static bool fdc_read_sector(struct fdc_drive *d, int head, int sect, uint8_t *buf)
{
    off_t off = fdc_offset(d, head, sect);
    return pread(d->fd, buf, SECTOR_SIZE, off) == SECTOR_SIZE;
}

static bool fdc_write_sector(struct fdc_drive *d, int head, int sect, const uint8_t *buf)
{
    off_t off = fdc_offset(d, head, sect);
    return pwrite(d->fd, buf, SECTOR_SIZE, off) == SECTOR_SIZE;
}

/* --- phases ------------------------------------------------------------- */

static void fdc_to_cmd(struct fdc *s)
{
    s->phase = PHASE_CMD;
    s->cmd_pos = 0;
    s->cmd_len = 0;
    s->op = OP_NONE;
}

/* Result phase; irq: the command ends with an interrupt (not for
 * SENSE INTERRUPT, VERSION, DUMPREG, ... which only return bytes). */
static void fdc_result(struct fdc *s, const uint8_t *bytes, int n, bool irq)
{
    memcpy(s->res, bytes, (size_t)n);
    s->res_len = (uint8_t)n;
    s->res_pos = 0;
    s->phase = PHASE_RESULT;
    s->op = OP_NONE;
    if (irq) s->int_latch = true;
}

static void fdc_xfer_result(struct fdc *s)
{
    uint8_t r[7] = {s->st0, s->st1, s->st2, s->xc, s->xh, s->xr, s->xn};
    fdc_result(s, r, 7, true);
}

static void fdc_arm(struct fdc *s)
{
    timer_mod(&s->timer, sched_now(s->sched) + FDC_CMD_DELAY_NS);
}

/* Controller reset (DOR bit 2 low, DSR bit 7): back to the command phase,
 * interrupts cleared; with polling enabled the drives' ready lines "change",
 * which is the interrupt and the four statuses after reset. */
static void fdc_soft_reset(struct fdc *s)
{
    timer_del(&s->timer);
    fdc_to_cmd(s);
    s->res_len = s->res_pos = 0;
    s->int_latch = false;
    s->seek_busy = 0;
    s->sense_pending = 0;
    s->reset_irq_due = false;
    s->reset_sense_left = 0;
    if (!s->lock) {
        s->config = CONFIG_DEFAULT;
        s->pretrk = 0;
    }
    s->perp &= 0x3C; /* GAP and WGATE clear on reset, the drive bits stay */
}

static void fdc_end_reset(struct fdc *s)
{
    if (!(s->config & CONFIG_POLL_OFF)) {
        s->reset_irq_due = true;
        fdc_arm(s);
    }
}

/* --- data transfer ------------------------------------------------------ */

/* Advance C/H/R past the sector just moved (the datasheet's table).  Returns
 * true when the transfer reached the end of the cylinder. */
static bool fdc_next_sector(struct fdc *s)
{
    if (s->xr != s->xeot) {
        s->xr++;
        return false;
    }
    s->xr = 1;
    if (s->xmt) {
        s->xh ^= 1;
        s->xhead ^= 1;
        if (s->xhead == 1) return false; /* continue on side 1 */
    }
    s->xc++;
    return true;
}

/* Checks before touching a sector: media present, data rate, cylinder and
 * head exist, sector ID found on this track.  Sets status and returns false
 * if the sector cannot be read. */
static bool fdc_find_sector(struct fdc *s, struct fdc_drive *d)
{
    if (!d || d->fd < 0 || s->rate != d->rate || d->pcn >= d->cyls || s->xhead >= d->heads) {
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_MA; /* no ID address mark on this track */
        return false;
    }
    if (s->xc != d->pcn || s->xn != 2 || s->xr < 1 || s->xr > d->spt || s->xh != s->xhead) {
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_ND;
        if (s->xc != d->pcn) s->st2 |= s->xc == 0xFF ? ST2_BC : ST2_WC;
        return false;
    }
    return true;
}

static void fdc_dma_dreq(struct fdc *s, bool on)
{
    if (s->dma) dma8237_set_dreq(s->dma, FDC_DMA_CHANNEL, on);
}

/* DMA READ DATA / WRITE DATA: whole sectors until terminal count or EOT. */
static void fdc_dma_transfer(struct fdc *s)
{
    struct fdc_drive *d = fdc_drive(s, s->xdrive);
    for (unsigned guard = 0; guard < 2u * 256u; guard++) {
        if (!fdc_find_sector(s, d)) break;
        if (!s->dma || !(s->dor & DOR_DMAGATE) || !dma8237_channel_ready(s->dma, FDC_DMA_CHANNEL)) {
            LOG(LOG_GUEST_ERRORS, "fdc: DMA channel 2 not ready: overrun");
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_OR;
            break;
        }
        int moved;
        fdc_dma_dreq(s, true);
        if (s->op == OP_READ) {
            if (!fdc_read_sector(d, s->xhead, s->xr, s->buf)) {
                fdc_dma_dreq(s, false);
                s->st0 |= ST0_ABNORMAL;
                s->st1 |= ST1_DE;
                break;
            }
            moved = dma8237_write_memory(s->dma, FDC_DMA_CHANNEL, s->buf, SECTOR_SIZE);
        } else {
            memset(s->buf, 0, SECTOR_SIZE);
            moved = dma8237_read_memory(s->dma, FDC_DMA_CHANNEL, s->buf, SECTOR_SIZE);
        }
        fdc_dma_dreq(s, false);
        bool tc = dma8237_terminal_count(s->dma, FDC_DMA_CHANNEL);
        if (moved < SECTOR_SIZE && !tc) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_OR;
            break;
        }
        if (s->op == OP_WRITE && !fdc_write_sector(d, s->xhead, s->xr, s->buf)) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_DE;
            break;
        }
        bool eoc = fdc_next_sector(s);
        if (tc) break; /* normal termination */
        if (eoc) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_EN;
            break;
        }
    }
    s->st0 = (uint8_t)((s->st0 & ~0x04) | (s->xhead << 2));
    fdc_xfer_result(s);
}

/* Non-DMA: load the next sector (read) or get ready for one (write).  False
 * (with the status set) if there is none. */
static bool fdc_pio_sector(struct fdc *s)
{
    struct fdc_drive *d = fdc_drive(s, s->xdrive);
    if (!fdc_find_sector(s, d)) return false;
    if (s->op == OP_READ && !fdc_read_sector(d, s->xhead, s->xr, s->buf)) {
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_DE;
        return false;
    }
    s->buf_pos = 0;
    s->buf_len = SECTOR_SIZE;
    s->phase = PHASE_PIO;
    return true;
}

/* PIO: the host moved the last byte of a sector. */
static void fdc_pio_sector_done(struct fdc *s)
{
    struct fdc_drive *d = fdc_drive(s, s->xdrive);
    if (s->op == OP_WRITE && (!d || d->fd < 0 || !fdc_write_sector(d, s->xhead, s->xr, s->buf))) {
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_DE;
        fdc_xfer_result(s);
        return;
    }
    if (fdc_next_sector(s)) {
        /* No terminal count without DMA: the end of the cylinder ends it. */
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_EN;
        fdc_xfer_result(s);
        return;
    }
    if (!fdc_pio_sector(s)) fdc_xfer_result(s);
}

/* FORMAT: one 4-byte ID (C, H, R, N) from the host: fill that sector. */
static bool fdc_format_id(struct fdc *s, const uint8_t *id)
{
    struct fdc_drive *d = fdc_drive(s, s->xdrive);
    s->xc = id[0];
    s->xh = id[1];
    s->xr = id[2];
    s->xn = id[3];
    if (id[2] >= 1 && id[2] <= d->spt && id[3] == 2 && id[0] == d->pcn) {
        memset(s->buf, s->xfill, SECTOR_SIZE);
        if (!fdc_write_sector(d, s->xhead, id[2], s->buf)) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_DE;
            return false;
        }
    } else {
        LOG_UNIMPL_ONCE("fdc: FORMAT with an ID the raw image cannot hold");
    }
    return true;
}

static void fdc_format_dma(struct fdc *s)
{
    uint8_t id[4];
    while (s->xfmt_left) {
        if (!s->dma || !(s->dor & DOR_DMAGATE) || !dma8237_channel_ready(s->dma, FDC_DMA_CHANNEL)) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_OR;
            break;
        }
        fdc_dma_dreq(s, true);
        int moved = dma8237_read_memory(s->dma, FDC_DMA_CHANNEL, id, 4);
        fdc_dma_dreq(s, false);
        if (moved < 4) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_OR;
            break;
        }
        s->xfmt_left--;
        if (!fdc_format_id(s, id)) break;
    }
    fdc_xfer_result(s);
}

/* Checks shared by the data commands before execution. */
static bool fdc_xfer_start(struct fdc *s, struct fdc_drive *d, bool writes)
{
    if (!d || d->fd < 0 || s->rate != d->rate) {
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_MA;
        return false;
    }
    if (writes && d->readonly) {
        s->st0 |= ST0_ABNORMAL;
        s->st1 |= ST1_NW;
        return false;
    }
    return true;
}

static void fdc_execute(struct fdc *s)
{
    struct fdc_drive *d = fdc_drive(s, s->xdrive);
    switch (s->op) {
    case OP_READ:
    case OP_WRITE:
        if (!fdc_xfer_start(s, d, s->op == OP_WRITE)) {
            fdc_xfer_result(s);
        } else if (fdc_nodma(s)) {
            if (!fdc_pio_sector(s)) fdc_xfer_result(s);
        } else {
            fdc_dma_transfer(s);
        }
        break;
    case OP_READID:
        if (!d || d->fd < 0 || s->rate != d->rate || d->pcn >= d->cyls || s->xhead >= d->heads) {
            s->st0 |= ST0_ABNORMAL;
            s->st1 |= ST1_MA;
        } else {
            s->xc = d->pcn;
            s->xh = s->xhead;
            s->xr = d->next_sect;
            s->xn = 2;
            d->next_sect = (uint8_t)(d->next_sect % d->spt + 1);
        }
        fdc_xfer_result(s);
        break;
    case OP_FORMAT:
        if (!fdc_xfer_start(s, d, true) || d->pcn >= d->cyls || s->xhead >= d->heads) {
            if (!(s->st0 & ST0_ABNORMAL)) {
                s->st0 |= ST0_ABNORMAL;
                s->st1 |= ST1_MA;
            }
            fdc_xfer_result(s);
        } else if (fdc_nodma(s)) {
            s->buf_pos = 0;
            s->buf_len = 4;
            s->phase = s->xfmt_left ? PHASE_PIO : PHASE_CMD;
            if (!s->xfmt_left) fdc_xfer_result(s);
        } else {
            fdc_format_dma(s);
        }
        break;
    default: fdc_to_cmd(s); break;
    }
}

static void fdc_timer_fire(void *opaque)
{
    struct fdc *s = opaque;
    if (s->reset_irq_due) {
        s->reset_irq_due = false;
        s->reset_sense_left = 4;
        s->int_latch = true;
    }
    if (s->seek_busy) {
        s->sense_pending |= s->seek_busy;
        s->seek_busy = 0;
        s->int_latch = true;
    }
    if (s->phase == PHASE_BUSY) fdc_execute(s);
    fdc_update_irq(s);
}

/* --- commands ------------------------------------------------------------- */

/* Bytes in the command that starts with c (0: invalid). */
static int fdc_cmd_length(uint8_t c)
{
    switch (c & 0x1F) {
    case 0x05: /* WRITE DATA: MT MFM */ return (c & 0x20) ? 0 : 9;
    case 0x06: /* READ DATA: MT MFM SK */ return 9;
    case 0x0A: /* READ ID: MFM */ return (c & 0xA0) ? 0 : 2;
    case 0x0D: /* FORMAT TRACK: MFM */ return (c & 0xA0) ? 0 : 6;
    case 0x0F: /* SEEK; RS and DIR (bits 7-6) for relative seek */ return (c & 0x20) ? 0 : 3;
    case 0x14: /* LOCK (bit 7) */ return (c & 0x60) ? 0 : 1;
    default: break;
    }
    switch (c) {
    case 0x03: return 3; /* SPECIFY */
    case 0x04: return 2; /* SENSE DRIVE STATUS */
    case 0x07: return 2; /* RECALIBRATE */
    case 0x08: return 1; /* SENSE INTERRUPT STATUS */
    case 0x0E: return 1; /* DUMPREG */
    case 0x10: return 1; /* VERSION */
    case 0x12: return 2; /* PERPENDICULAR MODE */
    case 0x13: return 4; /* CONFIGURE */
    default: return 0;
    }
}

static void fdc_seek_done(struct fdc *s, int ds, bool recal)
{
    struct fdc_drive *d = fdc_drive(s, ds);
    uint8_t st0 = (uint8_t)(ST0_SE | (s->cmd[1] & 0x04) | ds);
    if (!d) {
        st0 |= ST0_ABNORMAL | ST0_EC; /* no track 0 signal from a missing drive */
    } else if (d->fd >= 0) {
        d->changed = false; /* a step with a disk in the drive clears the change line */
    }
    if (recal) st0 &= (uint8_t)~0x04;
    s->seek_st0[ds] = st0;
    s->sense_pending &= (uint8_t) ~(1u << ds);
    s->seek_busy |= (uint8_t)(1u << ds);
    fdc_arm(s);
}

static void fdc_command(struct fdc *s)
{
    const uint8_t *c = s->cmd;
    int ds = c[1] & 3; /* drive select, for the commands that have one */
    LOG(LOG_FDC, "fdc: command %02X %02X %02X %02X %02X %02X %02X %02X %02X", c[0], c[1], c[2],
        c[3], c[4], c[5], c[6], c[7], c[8]);
    switch (c[0] & 0x1F) {
    case 0x03: /* SPECIFY */
        s->specify[0] = c[1];
        s->specify[1] = c[2];
        fdc_to_cmd(s);
        return;
    case 0x04: { /* SENSE DRIVE STATUS */
        struct fdc_drive *d = fdc_drive(s, ds);
        uint8_t st3 = (uint8_t)(0x28 | (c[1] & 0x07));
        if (d && (d->fd < 0 || d->readonly)) st3 |= 0x40;
        if (d && d->pcn == 0) st3 |= 0x10;
        fdc_result(s, &st3, 1, false);
        return;
    }
    case 0x07: /* RECALIBRATE */
        if (fdc_drive(s, ds)) s->drv[ds].pcn = 0;
        fdc_seek_done(s, ds, true);
        fdc_to_cmd(s);
        return;
    case 0x08: { /* SENSE INTERRUPT STATUS */
        uint8_t r[2];
        s->int_latch = false;
        if (s->reset_sense_left) {
            int n = 4 - s->reset_sense_left--;
            r[0] = (uint8_t)(ST0_POLL | n);
            r[1] = n < FDC_MAX_DRIVES ? s->drv[n].pcn : 0;
            fdc_result(s, r, 2, false);
            return;
        }
        for (int n = 0; n < 4; n++) {
            if (s->sense_pending & (1u << n)) {
                s->sense_pending &= (uint8_t) ~(1u << n);
                r[0] = s->seek_st0[n];
                r[1] = n < FDC_MAX_DRIVES ? s->drv[n].pcn : 0;
                fdc_result(s, r, 2, false);
                return;
            }
        }
        r[0] = ST0_INVALID;
        fdc_result(s, r, 1, false);
        return;
    }
    case 0x0F: { /* SEEK, relative seek */
        struct fdc_drive *d = fdc_drive(s, ds);
        if (d) {
            if (c[0] & 0x80) {
                int ncn = (c[0] & 0x40) ? d->pcn + c[2] : d->pcn - c[2];
                d->pcn = (uint8_t)(ncn < 0 ? 0 : ncn > 255 ? 255 : ncn);
            } else {
                d->pcn = c[2];
            }
        }
        fdc_seek_done(s, ds, false);
        fdc_to_cmd(s);
        return;
    }
    case 0x0E: { /* DUMPREG */
        uint8_t r[10] = {s->drv[0].pcn,
                         s->drv[1].pcn,
                         0,
                         0,
                         s->specify[0],
                         s->specify[1],
                         s->last_eot,
                         (uint8_t)((s->lock ? 0x80 : 0) | (s->perp & 0x7F)),
                         s->config,
                         s->pretrk};
        fdc_result(s, r, 10, false);
        return;
    }
    case 0x10: { /* VERSION */
        uint8_t r = 0x90;
        fdc_result(s, &r, 1, false);
        return;
    }
    case 0x12: /* PERPENDICULAR MODE: bit 7 (OW) gates the drive bits */
        if (c[1] & 0x80) s->perp = (uint8_t)((s->perp & 0x03) | (c[1] & 0x3C));
        s->perp = (uint8_t)((s->perp & 0x3C) | (c[1] & 0x03));
        if (s->perp) LOG_UNIMPL_ONCE("fdc: perpendicular recording (accepted, no effect)");
        fdc_to_cmd(s);
        return;
    case 0x13: /* CONFIGURE */
        s->config = c[2] & 0x7F;
        s->pretrk = c[3];
        if (s->config & 0x40) LOG_UNIMPL_ONCE("fdc: implied seek (EIS)");
        fdc_to_cmd(s);
        return;
    case 0x14: { /* LOCK / UNLOCK */
        s->lock = (c[0] & 0x80) != 0;
        uint8_t r = s->lock ? 0x10 : 0;
        fdc_result(s, &r, 1, false);
        return;
    }
    default: break;
    }

    /* Data commands: execute at the timer. */
    s->xdrive = (uint8_t)ds;
    s->xhead = (c[1] >> 2) & 1;
    s->st0 = (uint8_t)(c[1] & 0x07);
    s->st1 = s->st2 = 0;
    switch (c[0] & 0x1F) {
    case 0x05:
    case 0x06:
        s->op = (c[0] & 0x1F) == 0x06 ? OP_READ : OP_WRITE;
        s->xc = c[2];
        s->xh = c[3];
        s->xr = c[4];
        s->xn = c[5];
        s->xeot = c[6];
        s->last_eot = c[6];
        s->xmt = (c[0] & 0x80) != 0;
        if (s->xn != 2) LOG_UNIMPL_ONCE("fdc: sector size code N=%u (only 512 bytes)", s->xn);
        break;
    case 0x0A:
        s->op = OP_READID;
        s->xc = s->xh = s->xr = 0;
        s->xn = 2;
        break;
    case 0x0D:
        s->op = OP_FORMAT;
        s->xn = c[2];
        s->xfmt_left = c[3];
        s->xfill = c[5];
        s->xc = s->xh = s->xr = 0;
        break;
    }
    /* A drive that is not there answers like an empty one (fdc_xfer_start). */
    s->phase = PHASE_BUSY;
    fdc_arm(s);
}

/* --- ports ----------------------------------------------------------------- */

static uint8_t fdc_msr(struct fdc *s)
{
    if (!(s->dor & DOR_NRESET)) return 0;
    uint8_t msr = s->seek_busy & 0x0F;
    switch (s->phase) {
    case PHASE_CMD:
        msr |= MSR_RQM;
        if (s->cmd_pos) msr |= MSR_CB;
        break;
    case PHASE_BUSY: msr |= MSR_CB; break;
    case PHASE_PIO:
        msr |= MSR_RQM | MSR_NDMA | MSR_CB;
        if (s->op == OP_READ) msr |= MSR_DIO;
        break;
    case PHASE_RESULT: msr |= MSR_RQM | MSR_DIO | MSR_CB; break;
    }
    return msr;
}

static uint8_t fdc_fifo_read(struct fdc *s)
{
    if (s->phase == PHASE_RESULT) {
        uint8_t v = s->res[s->res_pos++];
        s->int_latch = false; /* reading the result clears INT */
        if (s->res_pos >= s->res_len) fdc_to_cmd(s);
        return v;
    }
    if (s->phase == PHASE_PIO && s->op == OP_READ) {
        uint8_t v = s->buf[s->buf_pos++];
        if (s->buf_pos >= s->buf_len) fdc_pio_sector_done(s);
        return v;
    }
    LOG(LOG_GUEST_ERRORS, "fdc: FIFO read with no data");
    return 0;
}

static void fdc_fifo_write(struct fdc *s, uint8_t v)
{
    if (s->phase == PHASE_PIO && s->op == OP_WRITE) {
        s->buf[s->buf_pos++] = v;
        if (s->buf_pos >= s->buf_len) fdc_pio_sector_done(s);
        return;
    }
    if (s->phase == PHASE_PIO && s->op == OP_FORMAT) {
        s->buf[s->buf_pos++] = v;
        if (s->buf_pos >= 4) {
            s->buf_pos = 0;
            s->xfmt_left--;
            if (!fdc_format_id(s, s->buf) || !s->xfmt_left) fdc_xfer_result(s);
        }
        return;
    }
    if (s->phase != PHASE_CMD) {
        LOG(LOG_GUEST_ERRORS, "fdc: FIFO write 0x%02X outside the command phase", v);
        return;
    }
    if (s->cmd_pos == 0) {
        memset(s->cmd, 0, sizeof(s->cmd));
        int len = fdc_cmd_length(v);
        if (len == 0) {
            LOG(LOG_FDC, "fdc: invalid command 0x%02X", v);
            if ((v & 0x1F) == 0x0C || (v & 0x1F) == 0x09 || (v & 0x1F) == 0x02 ||
                (v & 0x1F) == 0x16)
                LOG_UNIMPL_ONCE("fdc: command 0x%02X (deleted data, read track, verify)", v);
            uint8_t r = ST0_INVALID;
            fdc_result(s, &r, 1, false);
            return;
        }
        s->cmd_len = (uint8_t)len;
    }
    s->cmd[s->cmd_pos++] = v;
    if (s->cmd_pos >= s->cmd_len) fdc_command(s);
}

static uint32_t fdc_read(void *opaque, uint32_t offset, unsigned size)
{
    struct fdc *s = opaque;
    uint8_t v = 0xFF;
    switch (offset) {
    case 0: /* SRA (PS/2 layout): INT pending, second drive absent, ... */
        v = (uint8_t)((s->int_latch ? 0x80 : 0) | (s->drv[1].connected ? 0 : 0x40));
        break;
    case 1: /* SRB: drive select 0, motor enables */
        v = (uint8_t)(0xC0 | ((s->dor & 1) ? 0x20 : 0) | ((s->dor >> 4) & 0x03));
        break;
    case 2: v = s->dor; break;
    case 3: v = s->tdr & 0x03; break;
    case 4: v = fdc_msr(s); break;
    case 5: v = (s->dor & DOR_NRESET) ? fdc_fifo_read(s) : 0; break;
    case 7: { /* DIR: disk change of the selected drive */
        int n = s->dor & DOR_SEL;
        v = n < FDC_MAX_DRIVES && s->drv[n].connected && s->drv[n].changed ? 0x80 : 0x00;
        break;
    }
    default: break;
    }
    fdc_update_irq(s);
    return v;
}

static void fdc_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct fdc *s = opaque;
    uint8_t v = (uint8_t)value;
    switch (offset) {
    case 2: { /* DOR */
        uint8_t old = s->dor;
        s->dor = v;
        if (!(v & DOR_NRESET)) {
            if (old & DOR_NRESET) fdc_soft_reset(s);
        } else if (!(old & DOR_NRESET)) {
            fdc_end_reset(s);
        }
        break;
    }
    case 3: s->tdr = v & 0x03; break;
    case 4: /* DSR */
        s->rate = v & 0x03;
        s->dsr_precomp = v & 0x7C;
        if ((v & DSR_SWRESET) && (s->dor & DOR_NRESET)) {
            fdc_soft_reset(s);
            fdc_end_reset(s);
        }
        break;
    case 5:
        if (s->dor & DOR_NRESET) fdc_fifo_write(s, v);
        break;
    case 7: s->rate = v & 0x03; break; /* CCR */
    default: break;                    /* SRA, SRB, MSR: read-only */
    }
    fdc_update_irq(s);
}

static const struct io_ops fdc_ops = {
    .read = fdc_read,
    .write = fdc_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "fdc",
};

static uint32_t fdc_read7(void *opaque, uint32_t offset, unsigned size)
{
    return fdc_read(opaque, 7, size);
}

static void fdc_write7(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    fdc_write(opaque, 7, value, size);
}

static const struct io_ops fdc_ops7 = {
    .read = fdc_read7,
    .write = fdc_write7,
    .impl_min = 1,
    .impl_max = 1,
    .name = "fdc-dir",
};

/* Hardware reset (RESET pin): DOR 0 holds the controller in reset until the
 * BIOS releases it; everything, LOCK included, returns to defaults. */
static void fdc_reset(void *opaque)
{
    struct fdc *s = opaque;
    s->lock = false;
    fdc_soft_reset(s);
    s->dor = 0;
    s->tdr = 0;
    s->rate = 2; /* 250 kb/s */
    s->dsr_precomp = 0;
    s->specify[0] = s->specify[1] = 0;
    s->perp = 0;
    s->last_eot = 0;
    for (int i = 0; i < FDC_MAX_DRIVES; i++) {
        s->drv[i].pcn = 0;
        s->drv[i].next_sect = 1;
    }
    fdc_update_irq(s);
}

struct fdc *fdc_create(struct bus *bus, struct sched *sched, struct dma8237 *dma,
                       struct irq_line irq6)
{
    struct fdc *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->sched = sched;
    s->dma = dma;
    s->irq = irq6;
    for (int i = 0; i < FDC_MAX_DRIVES; i++)
        s->drv[i].fd = -1;
    timer_init(&s->timer, sched, fdc_timer_fire, s, "fdc");
    s->region[0] = bus_map_ports(bus, FDC_IOBASE, 6, &fdc_ops, s);
    s->region[1] = s->region[0] ? bus_map_ports(bus, FDC_IOBASE + 7, 1, &fdc_ops7, s) : NULL;
    if (!s->region[1]) {
        if (s->region[0]) bus_unmap(bus, s->region[0]);
        free(s);
        return NULL;
    }
    fdc_reset(s);
    return s;
}

static void fdc_destroy(void *opaque)
{
    struct fdc *s = opaque;
    timer_del(&s->timer);
    bus_unmap(s->bus, s->region[0]);
    bus_unmap(s->bus, s->region[1]);
    for (int i = 0; i < FDC_MAX_DRIVES; i++) {
        if (s->drv[i].fd < 0) continue;
        if (!s->drv[i].readonly) fsync(s->drv[i].fd);
        close(s->drv[i].fd);
    }
    free(s);
}

static void fdc_info(void *opaque, FILE *out)
{
    struct fdc *s = opaque;
    fprintf(out, "fdc: dor=%02X msr=%02X rate=%u phase=%u int=%d spec=%02X/%02X cfg=%02X%s", s->dor,
            fdc_msr(s), s->rate, s->phase, s->int_latch, s->specify[0], s->specify[1], s->config,
            s->lock ? " locked" : "");
    for (int i = 0; i < FDC_MAX_DRIVES; i++)
        if (s->drv[i].connected)
            fprintf(out, " fd%d: %u/%u/%u pcn=%u%s%s%s", i, s->drv[i].cyls, s->drv[i].heads,
                    s->drv[i].spt, s->drv[i].pcn, s->drv[i].fd < 0 ? " empty" : "",
                    s->drv[i].readonly ? " ro" : "", s->drv[i].changed ? " changed" : "");
    fprintf(out, "\n");
}

const struct device_desc fdc_desc = {
    .name = "fdc",
    .reset = fdc_reset,
    .destroy = fdc_destroy,
    .info = fdc_info,
};
