/*
 * ide.c - one ATA channel: task-file registers, device selection, SRST,
 * INTRQ, and the ATA command set of hard disks (ATAPI packets: atapi.c; the
 * PIIX bus master: ide_busmaster.c).
 *
 * Sources: ATA/ATAPI-6 (T13 1410D): 6.2 (device 0 / device 1 register
 * behaviour, status 00h from device 0 for an absent device 1), 7.15 (the
 * command and control block registers, HOB), 8 (commands: IDENTIFY DEVICE's
 * words, READ/WRITE SECTORS (EXT), READ/WRITE MULTIPLE (EXT), SET MULTIPLE
 * MODE, READ VERIFY, INITIALIZE DEVICE PARAMETERS, SEEK, READ/WRITE DMA
 * (EXT), FLUSH CACHE (EXT), SET FEATURES, power commands, EXECUTE DEVICE
 * DIAGNOSTIC), 9 (protocols: PIO data-in with an interrupt per DRQ block,
 * PIO data-out with none before the first block, DMA), 9.12 (SRST and the
 * signatures: ATA 01h/01h/00h/00h, PACKET 01h/01h/14h/EBh); QEMU's
 * hw/ide/core.c for what guests expect of details the spec leaves open.
 *
 * Model: every command sets BSY and completes from a short timer on the
 * virtual clock (IDE_CMD_NS), and every PIO DRQ block after the first does
 * too, so a guest polling BSY sees it set before DRQ or INTRQ.  Sector data
 * sits in one flat per-drive buffer (128 KiB, 256 sectors): reads load up to
 * that much with one block_read and PIO walks it a DRQ block at a time;
 * writes collect blocks and write them when the buffer is full or the
 * command ends.  The data port moves 2 or 4 bytes per access with one
 * memcpy.  Writes to the task file go to both devices, as on the cable; the
 * absent device of a populated channel reads 00h, an empty channel floats
 * (FFh).  Default geometry: 16 heads, 63 sectors, up to 16383 cylinders;
 * INITIALIZE DEVICE PARAMETERS sets the translation CHS addresses use.
 *
 * Not emulated: seek and rotation timing, SMART, security, HPA (READ NATIVE
 * MAX), 8-bit PIO, NOP's queue flush (NOP aborts as the spec says), the
 * sleep mode's need for a reset (SLEEP behaves as STANDBY), overlapped and
 * queued commands, CFA, write errors other than a read-only image (ABRT) and
 * host I/O errors (UNC on read, ABRT on write), save state.
 */
#include "devices/ide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/block.h"
#include "devices/ide_internal.h"
#include "mem/bus.h"
#include "mem/log.h"

#define IDE_CMD_NS 2000u   /* command register write to completion */
#define IDE_BLOCK_NS 1000u /* between PIO DRQ blocks */
#define IDE_RESET_NS 5000u /* SRST released to the device being ready */
#define CINDER_FW_REV "0.1.0"

/* ATA commands */
enum {
    CMD_NOP = 0x00,
    CMD_DEVICE_RESET = 0x08,
    CMD_RECALIBRATE = 0x10, /* 10h-1Fh */
    CMD_READ = 0x20,
    CMD_READ_NORETRY = 0x21,
    CMD_READ_EXT = 0x24,
    CMD_READ_DMA_EXT = 0x25,
    CMD_READ_MULTIPLE_EXT = 0x29,
    CMD_WRITE = 0x30,
    CMD_WRITE_NORETRY = 0x31,
    CMD_WRITE_EXT = 0x34,
    CMD_WRITE_DMA_EXT = 0x35,
    CMD_WRITE_MULTIPLE_EXT = 0x39,
    CMD_VERIFY = 0x40,
    CMD_VERIFY_NORETRY = 0x41,
    CMD_VERIFY_EXT = 0x42,
    CMD_SEEK = 0x70, /* 70h-7Fh */
    CMD_EXEC_DIAG = 0x90,
    CMD_INIT_PARAMS = 0x91,
    CMD_STANDBY_IMM_OLD = 0x94,
    CMD_IDLE_IMM_OLD = 0x95,
    CMD_STANDBY_OLD = 0x96,
    CMD_IDLE_OLD = 0x97,
    CMD_CHECK_POWER_OLD = 0x98,
    CMD_SLEEP_OLD = 0x99,
    CMD_PACKET = 0xA0,
    CMD_IDENTIFY_PACKET = 0xA1,
    CMD_READ_MULTIPLE = 0xC4,
    CMD_WRITE_MULTIPLE = 0xC5,
    CMD_SET_MULTIPLE = 0xC6,
    CMD_READ_DMA = 0xC8,
    CMD_READ_DMA_NORETRY = 0xC9,
    CMD_WRITE_DMA = 0xCA,
    CMD_WRITE_DMA_NORETRY = 0xCB,
    CMD_STANDBY_IMM = 0xE0,
    CMD_IDLE_IMM = 0xE1,
    CMD_STANDBY = 0xE2,
    CMD_IDLE = 0xE3,
    CMD_CHECK_POWER = 0xE5,
    CMD_SLEEP = 0xE6,
    CMD_FLUSH_CACHE = 0xE7,
    CMD_FLUSH_CACHE_EXT = 0xEA,
    CMD_IDENTIFY = 0xEC,
    CMD_SET_FEATURES = 0xEF,
};

/* --- interrupt ------------------------------------------------------------ */

struct ide_drive *ide_selected(struct ide_channel *ch)
{
    return &ch->drive[(ch->drive[0].select & DH_DEV) ? 1 : 0];
}

/* INTRQ comes from the selected device, gated by nIEN (which tri-states it).
 * The PIIX's BMISTA interrupt bit latches every rising edge it sees. */
void ide_update_irq(struct ide_channel *ch)
{
    struct ide_drive *d = ide_selected(ch);
    bool level = d->kind != IDE_NONE && d->intrq && !(ch->devctl & DC_NIEN);
    if (level && !ch->irq_level) ch->bm.status |= BM_ST_INT;
    if (level != ch->irq_level) {
        ch->irq_level = level;
        irq_set(&ch->irq, level);
    }
}

void ide_raise(struct ide_drive *d)
{
    d->intrq = true;
    ide_update_irq(d->ch);
}

void ide_schedule(struct ide_drive *d, enum ide_phase ph, uint64_t delay_ns)
{
    d->phase = (uint8_t)ph;
    timer_mod(&d->timer, sched_now(d->ch->sched) + delay_ns);
}

static uint8_t ready_status(const struct ide_drive *d)
{
    return d->kind == IDE_CDROM ? ST_DRDY : ST_DRDY | ST_DSC;
}

static void ide_error(struct ide_drive *d, uint8_t err)
{
    d->error = err;
    d->status = ready_status(d) | ST_ERR;
    d->xfer = XF_NONE;
    d->dma_pending = false;
    d->data_pos = d->data_end = 0;
    ide_raise(d);
}

void ide_abort(struct ide_drive *d)
{
    ide_error(d, ER_ABRT);
}

static void ide_done(struct ide_drive *d)
{
    d->status = ready_status(d);
    d->xfer = XF_NONE;
    ide_raise(d);
}

/* Open a PIO data window buf[off, off + len) and assert DRQ. */
void ide_pio_start(struct ide_drive *d, uint32_t off, uint32_t len, enum ide_xfer x)
{
    d->data_pos = off;
    d->data_end = off + len;
    d->xfer = (uint8_t)x;
    d->status = ready_status(d) | ST_DRQ;
}

void ide_set_signature(struct ide_drive *d)
{
    d->nsector = d->sector = 1;
    d->hob_nsector = d->hob_sector = 1;
    if (d->kind == IDE_CDROM) {
        d->lcyl = 0x14;
        d->hcyl = 0xEB;
    } else {
        d->lcyl = d->hcyl = 0;
    }
    d->hob_lcyl = d->lcyl;
    d->hob_hcyl = d->hcyl;
    d->select = 0;
}

/* --- addressing --------------------------------------------------------- */

static uint32_t cmd_count(const struct ide_drive *d)
{
    if (d->lba48) {
        uint32_t n = (uint32_t)d->hob_nsector << 8 | d->nsector;
        return n ? n : 65536;
    }
    return d->nsector ? d->nsector : 256;
}

/* The command's starting sector; false for a CHS address outside the
 * current translation. */
static bool cmd_lba(const struct ide_drive *d, uint64_t *lba)
{
    if (d->lba48) {
        *lba = (uint64_t)d->hob_hcyl << 40 | (uint64_t)d->hob_lcyl << 32 |
               (uint64_t)d->hob_sector << 24 | (uint64_t)d->hcyl << 16 | (uint64_t)d->lcyl << 8 |
               d->sector;
        return true;
    }
    if (d->select & DH_LBA) {
        *lba = (uint64_t)(d->select & 0x0F) << 24 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->lcyl << 8 | d->sector;
        return true;
    }
    unsigned cyl = (unsigned)d->hcyl << 8 | d->lcyl, head = d->select & 0x0F;
    if (d->sector == 0 || d->sector > d->lsects || head >= d->lheads || cyl >= d->lcyls)
        return false;
    *lba = ((uint64_t)cyl * d->lheads + head) * d->lsects + d->sector - 1;
    return true;
}

/* Put a sector address back in the task file in the command's form. */
static void set_lba(struct ide_drive *d, uint64_t lba)
{
    if (d->lba48) {
        d->sector = (uint8_t)lba;
        d->lcyl = (uint8_t)(lba >> 8);
        d->hcyl = (uint8_t)(lba >> 16);
        d->hob_sector = (uint8_t)(lba >> 24);
        d->hob_lcyl = (uint8_t)(lba >> 32);
        d->hob_hcyl = (uint8_t)(lba >> 40);
    } else if (d->select & DH_LBA) {
        d->sector = (uint8_t)lba;
        d->lcyl = (uint8_t)(lba >> 8);
        d->hcyl = (uint8_t)(lba >> 16);
        d->select = (uint8_t)((d->select & 0xF0) | ((lba >> 24) & 0x0F));
    } else if (d->lheads && d->lsects) {
        uint64_t per_cyl = (uint64_t)d->lheads * d->lsects;
        uint64_t cyl = lba / per_cyl, r = lba % per_cyl;
        d->lcyl = (uint8_t)cyl;
        d->hcyl = (uint8_t)(cyl >> 8);
        d->select = (uint8_t)((d->select & 0xF0) | (r / d->lsects));
        d->sector = (uint8_t)(r % d->lsects + 1);
    }
}

/* Decode the command's range into d->lba / d->remaining; on a bad address
 * the command ends with IDNF and false is returned. */
static bool cmd_range(struct ide_drive *d)
{
    uint64_t lba;
    uint32_t n = cmd_count(d);
    if (!cmd_lba(d, &lba) || lba >= d->sectors || n > d->sectors - lba) {
        LOG(LOG_IDE, "ide%u: cmd %02X sectors %u at %llu: out of range", d->unit, d->cmd, n,
            (unsigned long long)(cmd_lba(d, &lba) ? lba : ~0ull));
        ide_error(d, ER_IDNF);
        return false;
    }
    d->lba = lba;
    d->remaining = n;
    return true;
}

/* --- IDENTIFY DEVICE ----------------------------------------------------- */

static void put_string(uint16_t *w, const char *s, unsigned words)
{
    size_t len = strlen(s);
    for (unsigned i = 0; i < words; i++) {
        uint8_t hi = 2 * i < len ? (uint8_t)s[2 * i] : ' ';
        uint8_t lo = 2 * i + 1 < len ? (uint8_t)s[2 * i + 1] : ' ';
        w[i] = (uint16_t)(hi << 8 | lo);
    }
}

/* Identify data words common to ATA and ATAPI: strings, DMA/PIO modes. */
static void identify_common(struct ide_drive *d, uint16_t *w, const char *model)
{
    put_string(w + 10, d->serial, 10);
    put_string(w + 23, CINDER_FW_REV, 4);
    put_string(w + 27, model, 20);
    w[53] = 0x0007; /* words 54-58, 64-70 and 88 are valid */
    w[63] = 0x0007; /* multiword DMA modes 0-2 supported */
    if ((d->xfer_mode & 0xF8) == 0x20) w[63] |= (uint16_t)(0x100 << (d->xfer_mode & 7));
    w[64] = 0x0003;                      /* PIO modes 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120; /* cycle times, ns */
    w[88] = 0x003F;                      /* UDMA modes 0-5 supported */
    if ((d->xfer_mode & 0xF8) == 0x40) w[88] |= (uint16_t)(0x100 << (d->xfer_mode & 7));
    /* Word 93: reset results: bit 14 set, bit 13 80-conductor cable; bits 0/8 say
     * which device this is. */
    w[93] = (uint16_t)(0x6000 | (d->unit ? 0x0100 : 0x0001));
}

static void identify_checksum(uint16_t *w)
{
    w[255] = 0x00A5;
    uint8_t sum = 0;
    const uint8_t *b = (const uint8_t *)w;
    for (int i = 0; i < 511; i++)
        sum = (uint8_t)(sum + b[i]);
    w[255] = (uint16_t)((uint8_t)(-sum) << 8 | 0xA5);
}

static void ata_identify(struct ide_drive *d, uint16_t *w)
{
    memset(w, 0, 512);
    w[0] = 0x0040; /* fixed device */
    w[1] = d->cyls;
    w[3] = d->heads;
    w[6] = d->sects;
    identify_common(d, w, "CINDER HARDDISK");
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[49] = 0x0B00; /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = w[52] = 0x0200; /* PIO / DMA timing mode 2 (obsolete words) */
    uint64_t cur = (uint64_t)d->lcyls * d->lheads * d->lsects;
    if (cur > d->sectors) cur = d->sectors;
    w[54] = d->lcyls;
    w[55] = d->lheads;
    w[56] = d->lsects;
    w[57] = (uint16_t)cur;
    w[58] = (uint16_t)(cur >> 16);
    w[59] = d->mult ? (uint16_t)(0x100 | d->mult) : 0;
    uint64_t lba28 = d->sectors < 0x0FFFFFFF ? d->sectors : 0x0FFFFFFF;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[80] = 0x007E; /* ATA-1 to ATA-6 */
    w[82] = 0x4020; /* NOP, write cache */
    w[83] = 0x7400; /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit address */
    w[84] = 0x4000;
    w[85] = (uint16_t)(0x4000 | (d->wcache ? 0x0020 : 0));
    w[86] = 0x3400;
    w[87] = 0x4000;
    for (int i = 0; i < 4; i++)
        w[100 + i] = (uint16_t)(d->sectors >> (16 * i));
    identify_checksum(w);
}

static void identify_to_buf(struct ide_drive *d, bool packet)
{
    uint16_t w[256];
    if (packet) {
        memset(w, 0, sizeof(w));
        atapi_identify(d, w);
        identify_common(d, w, "CINDER CD-ROM");
        identify_checksum(w);
    } else {
        ata_identify(d, w);
    }
    for (int i = 0; i < 256; i++) { /* little-endian words on the data port */
        d->buf[2 * i] = (uint8_t)w[i];
        d->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    ide_pio_start(d, 0, 512, XF_IN_LAST);
    ide_raise(d);
}

/* --- ATA PIO and DMA transfers ---------------------------------------------- */

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Present the next DRQ block of a PIO read, loading the buffer if it does
 * not hold it. */
static void ata_pio_read_next(struct ide_drive *d)
{
    uint32_t n = min_u32(d->drq_sectors, d->remaining);
    if (d->lba < d->buf_lba || d->lba + n > d->buf_lba + d->buf_sectors) {
        uint32_t m = min_u32(d->remaining, IDE_BUF_SECTORS);
        if (block_read(d->blk, d->lba * IDE_SECTOR, d->buf, (size_t)m * IDE_SECTOR) != 0) {
            set_lba(d, d->lba);
            ide_error(d, ER_UNC);
            return;
        }
        d->buf_lba = d->lba;
        d->buf_sectors = m;
    }
    ide_pio_start(d, (uint32_t)(d->lba - d->buf_lba) * IDE_SECTOR, n * IDE_SECTOR, XF_ATA_READ);
    ide_raise(d);
}

/* Write the collected sectors; false (the command ended with an error) on failure. */
static bool ata_write_out(struct ide_drive *d)
{
    if (!d->buf_sectors) return true;
    int r =
        block_write(d->blk, d->buf_lba * IDE_SECTOR, d->buf, (size_t)d->buf_sectors * IDE_SECTOR);
    if (r == 0 && !d->wcache) r = block_flush(d->blk);
    if (r != 0) {
        LOG(LOG_IDE, "ide%u: write at %llu failed (%d)", d->unit, (unsigned long long)d->buf_lba,
            r);
        set_lba(d, d->buf_lba);
        ide_error(d, ER_ABRT);
        return false;
    }
    d->buf_lba += d->buf_sectors;
    d->buf_sectors = 0;
    return true;
}

/* A DRQ block of a PIO write has arrived in buf. */
static void ata_pio_write_block(struct ide_drive *d)
{
    uint32_t n = min_u32(d->drq_sectors, d->remaining);
    d->buf_sectors += n;
    d->lba += n;
    d->remaining -= n;
    uint32_t next = min_u32(d->drq_sectors, d->remaining);
    if (d->remaining == 0 || d->buf_sectors + next > IDE_BUF_SECTORS) {
        if (!ata_write_out(d)) return;
    }
    if (d->remaining == 0) {
        set_lba(d, d->lba - 1);
        ide_done(d);
        return;
    }
    ide_pio_start(d, d->buf_sectors * IDE_SECTOR, next * IDE_SECTOR, XF_ATA_WRITE);
    ide_raise(d);
}

int ata_dma_fill(struct ide_drive *d)
{
    uint32_t m = min_u32(d->remaining, IDE_BUF_SECTORS);
    if (block_read(d->blk, d->lba * IDE_SECTOR, d->buf, (size_t)m * IDE_SECTOR) != 0) return -1;
    d->buf_lba = d->lba;
    d->buf_sectors = m;
    return (int)(m * IDE_SECTOR);
}

int ata_dma_flush(struct ide_drive *d, uint32_t n)
{
    d->buf_lba = d->lba;
    d->buf_sectors = n;
    int r = block_write(d->blk, d->lba * IDE_SECTOR, d->buf, (size_t)n * IDE_SECTOR);
    if (r == 0 && !d->wcache) r = block_flush(d->blk);
    d->buf_sectors = 0;
    return r;
}

void ata_dma_done(struct ide_drive *d, int err)
{
    d->dma_pending = false;
    if (err) {
        set_lba(d, d->lba);
        ide_error(d, (uint8_t)err);
        return;
    }
    set_lba(d, d->lba - 1);
    ide_done(d);
}

static void ata_rw_start(struct ide_drive *d, bool write, bool dma, uint32_t per_block)
{
    if (!cmd_range(d)) return;
    d->drq_sectors = per_block;
    d->buf_sectors = 0;
    d->buf_lba = d->lba;
    if (dma) {
        d->dma_pending = true;
        d->dma_to_device = write;
        d->status = ready_status(d) | ST_DRQ;
        ide_bm_kick(d->ch);
    } else if (write) {
        ide_pio_start(d, 0, min_u32(per_block, d->remaining) * IDE_SECTOR, XF_ATA_WRITE);
    } else {
        ata_pio_read_next(d);
    }
}

/* The end of a PIO data window. */
static void pio_window_end(struct ide_drive *d)
{
    d->status &= (uint8_t)~ST_DRQ;
    switch (d->xfer) {
    case XF_IN_LAST:
        d->status = ready_status(d);
        d->xfer = XF_NONE;
        break;
    case XF_ATA_READ: {
        uint32_t n = min_u32(d->drq_sectors, d->remaining);
        d->lba += n;
        d->remaining -= n;
        if (d->remaining == 0) {
            set_lba(d, d->lba - 1);
            d->status = ready_status(d);
            d->xfer = XF_NONE;
        } else {
            d->status = ST_BSY;
            ide_schedule(d, PH_READ_NEXT, IDE_BLOCK_NS);
        }
        break;
    }
    case XF_ATA_WRITE:
        d->status = ST_BSY;
        ide_schedule(d, PH_WRITE_BLOCK, IDE_BLOCK_NS);
        break;
    case XF_PACKET:
        d->status = ST_BSY;
        ide_schedule(d, PH_PACKET, IDE_BLOCK_NS);
        break;
    case XF_ATAPI_IN:
        d->status = ST_BSY;
        ide_schedule(d, PH_ATAPI_NEXT, IDE_BLOCK_NS);
        break;
    default: d->xfer = XF_NONE; break;
    }
}

/* --- commands ------------------------------------------------------------- */

static void set_features(struct ide_drive *d)
{
    switch (d->feature) {
    case 0x02: d->wcache = true; break;
    case 0x82: d->wcache = false; break;
    case 0x03: { /* transfer mode from the sector count */
        uint8_t m = d->nsector;
        bool ok = m <= 0x01 || (m >= 0x08 && m <= 0x0C) || (m >= 0x20 && m <= 0x22) ||
                  (m >= 0x40 && m <= 0x45);
        if (!ok) {
            ide_abort(d);
            return;
        }
        d->xfer_mode = m <= 0x01 ? 0 : m;
        break;
    }
    case 0x55:
    case 0xAA: /* read look-ahead off/on */
    case 0x66:
    case 0xCC: /* reverting to defaults off/on */ break;
    default:
        LOG(LOG_IDE, "ide%u: SET FEATURES %02X not supported", d->unit, d->feature);
        ide_abort(d);
        return;
    }
    ide_done(d);
}

static void init_params(struct ide_drive *d)
{
    unsigned heads = (d->select & 0x0F) + 1u, spt = d->nsector;
    if (spt == 0) {
        ide_abort(d);
        return;
    }
    uint64_t cyls = d->sectors / ((uint64_t)heads * spt);
    d->lheads = (uint16_t)heads;
    d->lsects = (uint16_t)spt;
    d->lcyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
    ide_done(d);
}

/* EXECUTE DEVICE DIAGNOSTIC: both devices run it; device 0 reports. */
static void exec_diag(struct ide_channel *ch)
{
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        if (d->kind == IDE_NONE) continue;
        timer_del(&d->timer);
        d->phase = PH_IDLE;
        d->xfer = XF_NONE;
        d->dma_pending = false;
        ide_set_signature(d);
        d->error = 0x01; /* passed (device 1 passed, or absent) */
        d->status = ready_status(d);
        d->intrq = false;
    }
    ch->drive[0].select = ch->drive[1].select = 0; /* device 0 selected */
    struct ide_drive *d0 = &ch->drive[0];
    if (d0->kind == IDE_NONE) d0 = &ch->drive[1];
    ide_raise(d0);
}

static bool is_power_cmd(uint8_t c, bool *standby)
{
    switch (c) {
    case CMD_STANDBY_IMM:
    case CMD_STANDBY:
    case CMD_SLEEP:
    case CMD_STANDBY_IMM_OLD:
    case CMD_STANDBY_OLD:
    case CMD_SLEEP_OLD: *standby = true; return true;
    case CMD_IDLE_IMM:
    case CMD_IDLE:
    case CMD_IDLE_IMM_OLD:
    case CMD_IDLE_OLD: *standby = false; return true;
    default: return false;
    }
}

/* Commands both kinds of device accept; true if handled. */
static bool common_cmd(struct ide_drive *d)
{
    bool standby;
    if (is_power_cmd(d->cmd, &standby)) {
        d->standby = standby;
        ide_done(d);
        return true;
    }
    switch (d->cmd) {
    case CMD_CHECK_POWER:
    case CMD_CHECK_POWER_OLD:
        d->nsector = d->standby ? 0x00 : 0xFF;
        ide_done(d);
        return true;
    case CMD_SET_FEATURES: set_features(d); return true;
    case CMD_EXEC_DIAG: exec_diag(d->ch); return true;
    default: return false;
    }
}

static void ata_exec(struct ide_drive *d)
{
    uint8_t c = d->cmd;
    d->lba48 = false;
    if (common_cmd(d)) return;
    if (c != CMD_IDENTIFY && c != CMD_INIT_PARAMS) d->standby = false; /* media access wakes */
    switch (c) {
    case CMD_IDENTIFY: identify_to_buf(d, false); return;
    case CMD_READ_EXT:
    case CMD_WRITE_EXT:
    case CMD_READ_DMA_EXT:
    case CMD_WRITE_DMA_EXT:
    case CMD_READ_MULTIPLE_EXT:
    case CMD_WRITE_MULTIPLE_EXT:
    case CMD_VERIFY_EXT:
    case CMD_FLUSH_CACHE_EXT: d->lba48 = true; break;
    default: break;
    }
    switch (c) {
    case CMD_READ:
    case CMD_READ_NORETRY:
    case CMD_READ_EXT: ata_rw_start(d, false, false, 1); return;
    case CMD_WRITE:
    case CMD_WRITE_NORETRY:
    case CMD_WRITE_EXT: ata_rw_start(d, true, false, 1); return;
    case CMD_READ_MULTIPLE:
    case CMD_READ_MULTIPLE_EXT:
    case CMD_WRITE_MULTIPLE:
    case CMD_WRITE_MULTIPLE_EXT:
        if (!d->mult) {
            ide_abort(d);
            return;
        }
        ata_rw_start(d, c == CMD_WRITE_MULTIPLE || c == CMD_WRITE_MULTIPLE_EXT, false, d->mult);
        return;
    case CMD_READ_DMA:
    case CMD_READ_DMA_NORETRY:
    case CMD_READ_DMA_EXT: ata_rw_start(d, false, true, 0); return;
    case CMD_WRITE_DMA:
    case CMD_WRITE_DMA_NORETRY:
    case CMD_WRITE_DMA_EXT: ata_rw_start(d, true, true, 0); return;
    case CMD_VERIFY:
    case CMD_VERIFY_NORETRY:
    case CMD_VERIFY_EXT:
        if (!cmd_range(d)) return;
        set_lba(d, d->lba + d->remaining - 1);
        ide_done(d);
        return;
    case CMD_SET_MULTIPLE: {
        uint8_t n = d->nsector;
        if (n > IDE_MAX_MULT || (n & (n - 1))) {
            ide_abort(d);
            return;
        }
        d->mult = n;
        ide_done(d);
        return;
    }
    case CMD_INIT_PARAMS: init_params(d); return;
    case CMD_FLUSH_CACHE:
    case CMD_FLUSH_CACHE_EXT:
        if (!block_readonly(d->blk) && block_flush(d->blk) != 0) {
            ide_abort(d);
            return;
        }
        ide_done(d);
        return;
    default: break;
    }
    if ((c & 0xF0) == CMD_RECALIBRATE) {
        d->hcyl = d->lcyl = 0;
        ide_done(d);
        return;
    }
    if ((c & 0xF0) == CMD_SEEK) {
        uint64_t lba;
        if (!cmd_lba(d, &lba) || lba >= d->sectors)
            ide_error(d, ER_IDNF);
        else
            ide_done(d);
        return;
    }
    LOG(LOG_IDE, "ide%u: unknown ATA command %02X", d->unit, c);
    ide_abort(d);
}

static void cdrom_exec(struct ide_drive *d)
{
    d->lba48 = false;
    if (common_cmd(d)) return;
    switch (d->cmd) {
    case CMD_IDENTIFY_PACKET: identify_to_buf(d, true); return;
    case CMD_PACKET: atapi_packet_cmd(d); return;
    case CMD_DEVICE_RESET:
        atapi_reset(d, false);
        ide_set_signature(d);
        d->error = 0x01;
        d->status = 0;
        return; /* no interrupt */
    default:
        /* An ATA command to a packet device: abort and show the signature
         * (ATA-6 8.x "packet devices shall abort"), which is how drivers find
         * ATAPI devices with IDENTIFY DEVICE. */
        LOG(LOG_IDE, "ide%u: ATA command %02X to a packet device", d->unit, d->cmd);
        ide_set_signature(d);
        d->select = (uint8_t)(d->unit ? DH_DEV : 0);
        ide_abort(d);
        return;
    }
}

static void ide_reset_done(struct ide_drive *d)
{
    ide_set_signature(d);
    d->ch->drive[0].select = d->ch->drive[1].select = 0; /* device 0 selected */
    d->error = 0x01;
    d->status = d->kind == IDE_CDROM ? 0 : ready_status(d);
    d->intrq = false;
    ide_update_irq(d->ch);
}

static void ide_timer(void *opaque)
{
    struct ide_drive *d = opaque;
    enum ide_phase ph = (enum ide_phase)d->phase;
    d->phase = PH_IDLE;
    switch (ph) {
    case PH_COMMAND:
        if (d->kind == IDE_CDROM)
            cdrom_exec(d);
        else
            ata_exec(d);
        break;
    case PH_READ_NEXT: ata_pio_read_next(d); break;
    case PH_WRITE_BLOCK: ata_pio_write_block(d); break;
    case PH_PACKET: atapi_exec(d); break;
    case PH_ATAPI_NEXT: atapi_pio_next(d); break;
    case PH_DMA: ide_bm_run(d); break;
    case PH_RESET_DONE: ide_reset_done(d); break;
    case PH_IDLE: break;
    }
}

/* --- register file --------------------------------------------------------- */

static bool channel_empty(const struct ide_channel *ch)
{
    return ch->drive[0].kind == IDE_NONE && ch->drive[1].kind == IDE_NONE;
}

static uint32_t data_read(struct ide_drive *d, unsigned size)
{
    if (!(d->status & ST_DRQ) || d->data_pos >= d->data_end ||
        (d->xfer != XF_IN_LAST && d->xfer != XF_ATA_READ && d->xfer != XF_ATAPI_IN))
        return 0xFFFFFFFFu >> (32 - 8 * size);
    uint32_t v = 0, n = min_u32(size, d->data_end - d->data_pos);
    memcpy(&v, d->buf + d->data_pos, n);
    d->data_pos += n;
    if (d->data_pos >= d->data_end) pio_window_end(d);
    return v;
}

static void data_write(struct ide_drive *d, uint32_t v, unsigned size)
{
    if (!(d->status & ST_DRQ) || d->data_pos >= d->data_end ||
        (d->xfer != XF_ATA_WRITE && d->xfer != XF_PACKET))
        return;
    uint32_t n = min_u32(size, d->data_end - d->data_pos);
    memcpy(d->buf + d->data_pos, &v, n);
    d->data_pos += n;
    if (d->data_pos >= d->data_end) pio_window_end(d);
}

static uint8_t reg_read(struct ide_channel *ch, unsigned reg)
{
    struct ide_drive *d = ide_selected(ch);
    if (channel_empty(ch)) return 0xFF;
    if (d->kind == IDE_NONE) return reg == 6 ? d->select : 0;
    bool hob = ch->devctl & DC_HOB;
    switch (reg) {
    case 1: return d->error; /* the same with HOB: features is write-only */
    case 2: return hob ? d->hob_nsector : d->nsector;
    case 3: return hob ? d->hob_sector : d->sector;
    case 4: return hob ? d->hob_lcyl : d->lcyl;
    case 5: return hob ? d->hob_hcyl : d->hcyl;
    case 6: return d->select;
    default: /* 7: status; reading it acknowledges the interrupt */
        d->intrq = false;
        ide_update_irq(ch);
        return d->status;
    }
}

static void command_write(struct ide_channel *ch, uint8_t v)
{
    struct ide_drive *d = ide_selected(ch);
    if (v == CMD_EXEC_DIAG) {
        /* Executed by both devices whichever is selected; device 0 reports. */
        struct ide_drive *d0 = ch->drive[0].kind != IDE_NONE ? &ch->drive[0] : &ch->drive[1];
        if (d0->kind == IDE_NONE || (d0->status & ST_BSY)) return;
        for (int i = 0; i < 2; i++)
            if (ch->drive[i].kind != IDE_NONE) ch->drive[i].status = ST_BSY;
        d0->cmd = v;
        d0->intrq = false;
        ide_update_irq(ch);
        ide_schedule(d0, PH_COMMAND, IDE_CMD_NS);
        return;
    }
    if (d->kind == IDE_NONE) return;
    bool atapi_reset_cmd = d->kind == IDE_CDROM && v == CMD_DEVICE_RESET;
    if ((d->status & ST_BSY) && !atapi_reset_cmd) {
        LOG(LOG_GUEST_ERRORS, "ide%u: command %02X while busy ignored", d->unit, v);
        return;
    }
    LOG(LOG_IDE, "ide%x.%u: command %02X (features %02X count %02X lba %02X%02X%02X dev %02X)",
        ch->cmd_base, d->unit, v, d->feature, d->nsector, d->hcyl, d->lcyl, d->sector, d->select);
    timer_del(&d->timer);
    d->cmd = v;
    d->error = 0;
    d->xfer = XF_NONE;
    d->dma_pending = false;
    d->data_pos = d->data_end = 0;
    d->status = (uint8_t)(ST_BSY | (d->status & ST_DRDY));
    d->intrq = false;
    ide_update_irq(ch);
    ide_schedule(d, PH_COMMAND, IDE_CMD_NS);
}

static void reg_write(struct ide_channel *ch, unsigned reg, uint8_t v)
{
    if (reg == 7) {
        command_write(ch, v);
        return;
    }
    ch->devctl &= (uint8_t)~DC_HOB; /* a task-file write clears HOB (ATA-6 7.9) */
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        switch (reg) {
        case 1:
            d->hob_feature = d->feature;
            d->feature = v;
            break;
        case 2:
            d->hob_nsector = d->nsector;
            d->nsector = v;
            break;
        case 3:
            d->hob_sector = d->sector;
            d->sector = v;
            break;
        case 4:
            d->hob_lcyl = d->lcyl;
            d->lcyl = v;
            break;
        case 5:
            d->hob_hcyl = d->hcyl;
            d->hcyl = v;
            break;
        case 6: d->select = v; break;
        default: break;
        }
    }
    if (reg == 6) ide_update_irq(ch); /* INTRQ follows the selected device */
}

static uint32_t cmd_io_read(void *opaque, uint32_t off, unsigned size)
{
    struct ide_channel *ch = opaque;
    if (off == 0 && !channel_empty(ch)) {
        struct ide_drive *d = ide_selected(ch);
        if (d->kind == IDE_NONE) return 0;
        return data_read(d, size);
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < 8; i++)
        v |= (uint32_t)(off + i == 0 ? 0xFF : reg_read(ch, off + i)) << (8 * i);
    return v;
}

static void cmd_io_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct ide_channel *ch = opaque;
    if (off == 0) {
        struct ide_drive *d = ide_selected(ch);
        if (d->kind != IDE_NONE) data_write(d, value, size);
        return;
    }
    for (unsigned i = 0; i < size && off + i < 8; i++)
        reg_write(ch, off + i, (uint8_t)(value >> (8 * i)));
}

static const struct io_ops cmd_io_ops = {cmd_io_read, cmd_io_write, 1, 4, "ide"};

static uint32_t ctl_io_read(void *opaque, uint32_t off, unsigned size)
{
    struct ide_channel *ch = opaque;
    struct ide_drive *d = ide_selected(ch);
    if (channel_empty(ch)) return 0xFF;
    return d->kind == IDE_NONE ? 0 : d->status; /* alternate status: no acknowledge */
}

static void ctl_io_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct ide_channel *ch = opaque;
    uint8_t old = ch->devctl;
    ch->devctl = (uint8_t)value;
    if (!(old & DC_SRST) && (value & DC_SRST)) {
        for (int i = 0; i < 2; i++) {
            struct ide_drive *d = &ch->drive[i];
            if (d->kind == IDE_NONE) continue;
            timer_del(&d->timer);
            d->phase = PH_IDLE;
            d->xfer = XF_NONE;
            d->dma_pending = false;
            d->data_pos = d->data_end = 0;
            d->status = ST_BSY;
            d->intrq = false;
            if (d->kind == IDE_CDROM) d->atapi.bytes_left = 0;
        }
    } else if ((old & DC_SRST) && !(value & DC_SRST)) {
        for (int i = 0; i < 2; i++)
            if (ch->drive[i].kind != IDE_NONE)
                ide_schedule(&ch->drive[i], PH_RESET_DONE, IDE_RESET_NS);
    }
    ide_update_irq(ch);
}

static const struct io_ops ctl_io_ops = {ctl_io_read, ctl_io_write, 1, 1, "ide-ctl"};

/* --- drives ------------------------------------------------------------------ */

static void drive_power_on(struct ide_drive *d)
{
    timer_del(&d->timer);
    d->phase = PH_IDLE;
    d->xfer = XF_NONE;
    d->dma_pending = false;
    d->data_pos = d->data_end = 0;
    d->feature = d->hob_feature = 0;
    ide_set_signature(d);
    d->error = 0x01;
    d->status = d->kind == IDE_CDROM ? 0 : ready_status(d);
    d->intrq = false;
    d->lcyls = d->cyls;
    d->lheads = d->heads;
    d->lsects = d->sects;
    d->mult = 0;
    d->xfer_mode = 0;
    d->wcache = true;
    d->standby = false;
    d->buf_sectors = 0;
    if (d->kind == IDE_CDROM) atapi_reset(d, true);
}

static int drive_attach(struct ide_channel *ch, unsigned unit, enum ide_kind kind,
                        struct block *blk, char *err, size_t errlen)
{
    if (unit > 1 || ch->drive[unit].kind != IDE_NONE) {
        snprintf(err, errlen, "IDE unit %u is taken or does not exist", unit);
        return -1;
    }
    struct ide_drive *d = &ch->drive[unit];
    d->buf = calloc(1, IDE_BUF_BYTES);
    if (!d->buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    d->kind = (uint8_t)kind;
    d->blk = blk;
    d->sectors = blk ? block_size(blk) / IDE_SECTOR : 0;
    snprintf(d->serial, sizeof(d->serial), "CINDER%04X%u", ch->cmd_base, unit);
    if (kind == IDE_DISK) {
        uint64_t cyls = d->sectors / (16 * 63);
        if (cyls > 16383) cyls = 16383;
        if (cyls == 0) cyls = 1;
        d->cyls = (uint16_t)cyls;
        d->heads = 16;
        d->sects = 63;
    }
    drive_power_on(d);
    ide_update_irq(ch);
    return 0;
}

int ide_attach_disk(struct ide_channel *ch, unsigned unit, struct block *blk, char *err,
                    size_t errlen)
{
    if (!blk) {
        snprintf(err, errlen, "a hard disk needs an image");
        return -1;
    }
    return drive_attach(ch, unit, IDE_DISK, blk, err, errlen);
}

int ide_attach_cdrom(struct ide_channel *ch, unsigned unit, struct block *blk, char *err,
                     size_t errlen)
{
    return drive_attach(ch, unit, IDE_CDROM, blk, err, errlen);
}

bool ide_disk_geometry(const struct ide_channel *ch, unsigned unit, unsigned *cyls, unsigned *heads,
                       unsigned *sects)
{
    if (unit > 1 || ch->drive[unit].kind != IDE_DISK) return false;
    *cyls = ch->drive[unit].cyls;
    *heads = ch->drive[unit].heads;
    *sects = ch->drive[unit].sects;
    return true;
}

/* --- device ------------------------------------------------------------------ */

static void ide_channel_reset(void *opaque)
{
    struct ide_channel *ch = opaque;
    ch->devctl = 0;
    memset(&ch->bm, 0, sizeof(ch->bm));
    for (int i = 0; i < 2; i++)
        if (ch->drive[i].kind != IDE_NONE) drive_power_on(&ch->drive[i]);
    ide_update_irq(ch);
}

static void ide_channel_destroy(void *opaque)
{
    struct ide_channel *ch = opaque;
    if (!ch) return;
    for (int i = 0; i < 2; i++) {
        timer_del(&ch->drive[i].timer);
        block_close(ch->drive[i].blk);
        free(ch->drive[i].buf);
    }
    bus_unmap(ch->bus, ch->cmd_io);
    bus_unmap(ch->bus, ch->ctl_io);
    free(ch);
}

struct ide_channel *ide_channel_create(struct bus *bus, struct sched *sched, uint16_t cmd_base,
                                       uint16_t ctl_base, struct irq_line irq)
{
    struct ide_channel *ch = calloc(1, sizeof(*ch));
    if (!ch) return NULL;
    ch->bus = bus;
    ch->sched = sched;
    ch->irq = irq;
    ch->cmd_base = cmd_base;
    for (int i = 0; i < 2; i++) {
        ch->drive[i].ch = ch;
        ch->drive[i].unit = (uint8_t)i;
        timer_init(&ch->drive[i].timer, sched, ide_timer, &ch->drive[i], "ide");
    }
    ch->cmd_io = bus_map_ports(bus, cmd_base, 8, &cmd_io_ops, ch);
    ch->ctl_io = bus_map_ports(bus, ctl_base, 1, &ctl_io_ops, ch);
    if (!ch->cmd_io || !ch->ctl_io) {
        ide_channel_destroy(ch);
        return NULL;
    }
    return ch;
}

static void ide_channel_info(void *opaque, FILE *out)
{
    struct ide_channel *ch = opaque;
    fprintf(out, "ide 0x%x: devctl=%02X bm cmd=%02X st=%02X prdt=%08X irq=%d", ch->cmd_base,
            ch->devctl, ch->bm.cmd, ch->bm.status, ch->bm.prdt, ch->irq_level);
    for (int i = 0; i < 2; i++) {
        const struct ide_drive *d = &ch->drive[i];
        if (d->kind == IDE_NONE) continue;
        fprintf(out, "; %s%d %s status=%02X error=%02X cmd=%02X", i ? "slave" : "master", i,
                d->kind == IDE_CDROM ? "cd" : "hd", d->status, d->error, d->cmd);
    }
    fputc('\n', out);
}

const struct device_desc ide_channel_desc = {
    .name = "ide",
    .reset = ide_channel_reset,
    .destroy = ide_channel_destroy,
    .info = ide_channel_info,
};
