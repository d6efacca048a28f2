/*
 * ide_busmaster.c - the PIIX3 IDE bus-master DMA engine of one channel:
 * BMICOM / BMISTA / BMIDTP and the scatter/gather walk of the PRD table.
 *
 * Sources: Intel 82371FB/SB PIIX/PIIX3 datasheet 2.7 (BMICx: start/stop and
 * read/write control, RWCON not changeable while active; BMISx: active,
 * error and interrupt (write 1 to clear), drive 0/1 DMA capable; BMIDTPx:
 * dword-aligned table address) and 2.8.8-2.8.9 (the PRD format: physical
 * base with bit 0 zero, a byte count with bit 0 zero where 0 means 64 KiB,
 * EOT in bit 31 of the second dword; the table must not cross a 64 KiB
 * boundary); SFF-8038i 1.0 3.1-3.2 for the interrupt/active combinations at
 * the end of a transfer (interrupt 1 active 0: table and transfer matched;
 * interrupt 1 active 1: the table was larger; interrupt 0 active 0: the table
 * was too small, an error the driver must clean up).
 *
 * Model: the whole transfer runs in one timer callback (IDE_DMA_NS after the
 * later of the DMA command and the start bit) from the drive's flat buffer
 * straight to or from guest memory through bus_phys_read_block /
 * bus_phys_write_block, so code pages written by DMA are invalidated.  The
 * table walk stops at an EOT entry or at the 64 KiB boundary the table may
 * not cross (at most 8192 entries), so a hostile table can never loop.  A
 * table too small for the transfer ends it with active cleared and no
 * interrupt (the drive goes back to DRDY without DRQ), as QEMU does.
 *
 * Not emulated: bus timing (the transfer takes no virtual time beyond the
 * delay), PCI master/target aborts (BMISTA error is never set by the engine;
 * unmapped memory reads as FFh and swallows writes), the direction bit's
 * effect (the command's direction is used), simplex mode, a region crossing
 * a 64 KiB boundary (done as one contiguous region).
 */
#include <string.h>

#include "devices/ide_internal.h"
#include "mem/bus.h"
#include "mem/log.h"

#define IDE_DMA_NS 2000u /* start bit / DMA command to the end of the transfer */

struct prd_cursor {
    struct bus *bus; /* guest memory */
    uint64_t next;   /* physical address of the next PRD entry */
    uint64_t limit;  /* the 64 KiB boundary the table may not cross */
    uint32_t addr;   /* current region: next byte */
    uint32_t left;   /* bytes left in the current region */
    bool eot;        /* the current region is the table's last */
    bool end;        /* no region is left */
};

static bool prd_load(struct prd_cursor *c)
{
    if (c->eot || c->next + 8 > c->limit) {
        c->end = true;
        return false;
    }
    uint8_t e[8];
    bus_phys_read_block(c->bus, (uint32_t)c->next, e, sizeof(e));
    c->next += 8;
    c->addr =
        ((uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24) & ~1u;
    uint32_t count = ((uint32_t)e[4] | (uint32_t)e[5] << 8) & 0xFFFEu;
    c->left = count ? count : 0x10000u;
    c->eot = e[7] & 0x80;
    return true;
}

/* Move len bytes between buf and the regions; returns the bytes moved (less
 * than len when the table ran out). */
static uint32_t prd_move(struct prd_cursor *c, uint8_t *buf, uint32_t len, bool to_memory)
{
    uint32_t done = 0;
    while (done < len) {
        if (c->left == 0 && !prd_load(c)) break;
        uint32_t n = len - done < c->left ? len - done : c->left;
        if (to_memory)
            bus_phys_write_block(c->bus, c->addr, buf + done, n);
        else
            bus_phys_read_block(c->bus, c->addr, buf + done, n);
        c->addr += n;
        c->left -= n;
        done += n;
    }
    return done;
}

void ide_bm_kick(struct ide_channel *ch)
{
    if (!(ch->bm.cmd & BM_CMD_START)) return;
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        if (d->dma_pending && d->phase == PH_IDLE) ide_schedule(d, PH_DMA, IDE_DMA_NS);
    }
}

void ide_bm_run(struct ide_drive *d)
{
    struct ide_channel *ch = d->ch;
    if (!d->dma_pending || !(ch->bm.cmd & BM_CMD_START)) return;
    struct prd_cursor c = {
        .bus = ch->bus,
        .next = ch->bm.prdt,
        .limit = ((uint64_t)ch->bm.prdt & ~0xFFFFull) + 0x10000u,
    };
    bool short_table = false;
    int err = 0;
    if (d->kind == IDE_DISK) {
        while (d->remaining && !err && !short_table) {
            uint32_t n;
            if (!d->dma_to_device) {
                int got = ata_dma_fill(d);
                if (got < 0) {
                    err = ER_UNC;
                    break;
                }
                n = (uint32_t)got / IDE_SECTOR;
                if (prd_move(&c, d->buf, n * IDE_SECTOR, true) < n * IDE_SECTOR) {
                    short_table = true;
                    break;
                }
            } else {
                n = d->remaining < IDE_BUF_SECTORS ? d->remaining : IDE_BUF_SECTORS;
                if (prd_move(&c, d->buf, n * IDE_SECTOR, false) < n * IDE_SECTOR) {
                    short_table = true;
                    break;
                }
                if (ata_dma_flush(d, n) != 0) {
                    err = ER_ABRT;
                    break;
                }
            }
            d->lba += n;
            d->remaining -= n;
        }
    } else {
        struct atapi_state *a = &d->atapi;
        for (;;) {
            int r = atapi_dma_refill(d);
            if (r < 0) err = 1;
            if (r <= 0) break;
            uint32_t n = a->buf_len - a->buf_pos;
            if (n > a->bytes_left) n = a->bytes_left;
            uint32_t moved = prd_move(&c, d->buf + a->buf_pos, n, true);
            a->buf_pos += moved;
            a->bytes_left -= moved;
            if (moved < n) {
                short_table = true;
                break;
            }
        }
    }
    if (short_table) {
        LOG(LOG_DMA, "ide%u: PRD table at 0x%x shorter than the transfer", d->unit, ch->bm.prdt);
        d->dma_pending = false;
        d->status = d->kind == IDE_CDROM ? ST_DRDY : ST_DRDY | ST_DSC;
        d->xfer = XF_NONE;
        ch->bm.status &= (uint8_t)~BM_ST_ACTIVE;
        return;
    }
    if (c.end || (c.eot && c.left == 0)) ch->bm.status &= (uint8_t)~BM_ST_ACTIVE;
    if (d->kind == IDE_DISK)
        ata_dma_done(d, err);
    else
        atapi_dma_done(d, !err);
}

/* --- registers --------------------------------------------------------------- */

static uint8_t bm_read_byte(const struct ide_channel *ch, uint32_t off)
{
    switch (off) {
    case 0: return ch->bm.cmd;
    case 2: return ch->bm.status;
    case 4:
    case 5:
    case 6:
    case 7: return (uint8_t)(ch->bm.prdt >> (8 * (off - 4)));
    default: return 0;
    }
}

uint32_t ide_bm_read(struct ide_channel *ch, uint32_t off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < IDE_BM_LEN; i++)
        v |= (uint32_t)bm_read_byte(ch, off + i) << (8 * i);
    return v;
}

static void bm_write_byte(struct ide_channel *ch, uint32_t off, uint8_t b)
{
    struct ide_bm *bm = &ch->bm;
    switch (off) {
    case 0: {
        uint8_t old = bm->cmd;
        uint8_t dir = (old & BM_CMD_START) ? (old & BM_CMD_TO_MEMORY) : (b & BM_CMD_TO_MEMORY);
        bm->cmd = (uint8_t)((b & BM_CMD_START) | dir);
        if (!(old & BM_CMD_START) && (b & BM_CMD_START)) {
            bm->status |= BM_ST_ACTIVE;
            ide_bm_kick(ch);
        } else if ((old & BM_CMD_START) && !(b & BM_CMD_START)) {
            /* Stop: a transfer not yet run stays pending in its drive. */
            bm->status &= (uint8_t)~BM_ST_ACTIVE;
            for (int i = 0; i < 2; i++) {
                struct ide_drive *d = &ch->drive[i];
                if (d->phase == PH_DMA) {
                    timer_del(&d->timer);
                    d->phase = PH_IDLE;
                }
            }
        }
        break;
    }
    case 2:
        bm->status = (uint8_t)((bm->status & BM_ST_ACTIVE) |
                               (bm->status & (BM_ST_ERROR | BM_ST_INT) & ~b) | (b & BM_ST_DRV_CAP));
        break;
    case 4:
    case 5:
    case 6:
    case 7: {
        unsigned sh = 8 * (off - 4);
        bm->prdt = (bm->prdt & ~(0xFFu << sh)) | ((uint32_t)b << sh);
        bm->prdt &= ~3u;
        break;
    }
    default: break;
    }
}

void ide_bm_write(struct ide_channel *ch, uint32_t off, uint32_t value, unsigned size)
{
    for (unsigned i = 0; i < size && off + i < IDE_BM_LEN; i++)
        bm_write_byte(ch, off + i, (uint8_t)(value >> (8 * i)));
}
