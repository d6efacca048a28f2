/*
 * atapi.c - the ATAPI CD-ROM drive: the PACKET protocol and the MMC command
 * set over a 2048-byte-sector image (an ISO file).
 *
 * Sources: ATA/ATAPI-6 9.10-9.11 (PACKET protocol: CoD/IO interrupt reason in
 * the sector count register, byte count limit in the cylinder registers, one
 * DRQ chunk per interrupt, the final status with IO|CoD), 8.15 and 8.23
 * (IDENTIFY PACKET DEVICE, DEVICE RESET); SPC-3 (INQUIRY, REQUEST SENSE fixed
 * format, TEST UNIT READY, PREVENT ALLOW MEDIUM REMOVAL, START STOP UNIT,
 * sense keys and codes); MMC-5 (READ CAPACITY, READ(10)/(12), READ CD, READ
 * TOC formats 0000b/0001b/0010b, MODE SENSE(10) pages 01h/0Dh/0Eh/2Ah,
 * GET CONFIGURATION, GET EVENT STATUS NOTIFICATION media class, READ DISC
 * INFORMATION, MECHANISM STATUS); QEMU's hw/ide/atapi.c for which commands
 * may report a pending unit attention and which need a medium.
 *
 * Model: a command's reply is built in the drive's flat buffer; sector reads
 * stream through it 64 CD sectors at a time (one block_read of 128 KiB).  PIO
 * moves min(byte count limit, what the buffer holds) per DRQ chunk with an
 * interrupt each; DMA hands everything to the PIIX bus master.  The sense of
 * the last failing command is kept for REQUEST SENSE, which clears it.  A
 * medium change (START STOP UNIT load, ide_cdrom_change) makes the next
 * command other than INQUIRY, REQUEST SENSE, GET CONFIGURATION and GET EVENT
 * STATUS NOTIFICATION fail with UNIT ATTENTION / MEDIUM MAY HAVE CHANGED.
 *
 * Not emulated: audio (PLAY, the audio page's effect), raw sector forms of
 * READ CD (sync, headers, EDC/ECC, subchannels) and mode 2 sectors, writing
 * (CD-R/RW, DVD profiles), MODE SELECT, asynchronous event notification,
 * multi-session discs, a changer, save state.
 */
#include "devices/atapi.h"

#include <string.h>

#include "devices/block.h"
#include "devices/ide_internal.h"
#include "mem/log.h"

#define CD_BUF_SECTORS (IDE_BUF_BYTES / CD_SECTOR)

static uint32_t cd_sectors(const struct ide_drive *d)
{
    uint64_t n = d->blk ? block_size(d->blk) / CD_SECTOR : 0;
    return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)n;
}

/* An image shorter than one CD sector counts as no medium. */
static bool has_medium(const struct ide_drive *d)
{
    return d->blk && !d->atapi.tray_open && cd_sectors(d) > 0;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* LBA to the 4-byte address field of READ TOC: MSF (00 M S F, 2 s pregap) or LBA. */
static void put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        uint32_t f = lba + 150;
        p[0] = 0;
        p[1] = (uint8_t)(f / (75 * 60));
        p[2] = (uint8_t)(f / 75 % 60);
        p[3] = (uint8_t)(f % 75);
    } else {
        put32(p, lba);
    }
}

/* --- completion ------------------------------------------------------------ */

static void atapi_ok(struct ide_drive *d)
{
    d->atapi.bytes_left = 0;
    d->nsector = IR_IO | IR_COD;
    d->error = 0;
    d->status = ST_DRDY;
    d->xfer = XF_NONE;
    d->dma_pending = false;
    ide_raise(d);
}

/* CHECK CONDITION: the sense is kept for REQUEST SENSE; the error register
 * carries the sense key in bits 7-4 (ATA-6 9.11), ABRT for illegal requests. */
static void atapi_fail(struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    LOG(LOG_IDE, "atapi%u: cmd %02X: sense %X/%02X/%02X", d->unit, d->atapi.packet[0], key, asc,
        ascq);
    d->atapi.sense_key = key;
    d->atapi.asc = asc;
    d->atapi.ascq = ascq;
    d->atapi.bytes_left = 0;
    d->nsector = IR_IO | IR_COD;
    d->error = (uint8_t)(key << 4 | (key == SENSE_ILLEGAL_REQUEST ? ER_ABRT : 0));
    d->status = ST_DRDY | ST_ERR;
    d->xfer = XF_NONE;
    d->dma_pending = false;
    ide_raise(d);
}

static void invalid_field(struct ide_drive *d)
{
    atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

/* --- data-in --------------------------------------------------------------- */

/* Make buf[buf_pos, buf_len) non-empty: 1, or 0 when no data is left, -1 on a
 * read error. */
static int refill(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    if (a->bytes_left == 0) return 0;
    if (a->buf_pos < a->buf_len) return 1;
    if (a->sectors_left == 0) return 0;
    if (!has_medium(d)) return -1; /* the medium went away in the middle of a read */
    uint32_t n = a->sectors_left < CD_BUF_SECTORS ? a->sectors_left : CD_BUF_SECTORS;
    if (block_read(d->blk, (uint64_t)a->lba * CD_SECTOR, d->buf, (size_t)n * CD_SECTOR) != 0)
        return -1;
    a->lba += n;
    a->sectors_left -= n;
    a->buf_pos = 0;
    a->buf_len = n * CD_SECTOR;
    return 1;
}

void atapi_pio_next(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    a->buf_pos += a->chunk; /* the chunk the host just read */
    a->bytes_left -= a->chunk;
    a->chunk = 0;
    int r = refill(d);
    if (r < 0) {
        atapi_fail(d, SENSE_MEDIUM_ERROR, ASC_READ_ERROR, 0);
        return;
    }
    if (r == 0) {
        atapi_ok(d);
        return;
    }
    uint32_t limit = a->byte_limit;
    if (limit == 0 || limit == 0xFFFF) limit = 0xFFFE; /* 0 is invalid; FFFFh means "as much" */
    limit &= ~1u;
    uint32_t n = a->buf_len - a->buf_pos;
    if (n > a->bytes_left) n = a->bytes_left;
    if (n > limit) n = limit;
    a->chunk = (uint16_t)n;
    d->lcyl = (uint8_t)n;
    d->hcyl = (uint8_t)(n >> 8);
    d->nsector = IR_IO;
    ide_pio_start(d, a->buf_pos, n, XF_ATAPI_IN);
    d->status = ST_DRDY | ST_DRQ;
    ide_raise(d);
}

int atapi_dma_refill(struct ide_drive *d)
{
    return refill(d);
}

void atapi_dma_done(struct ide_drive *d, bool ok)
{
    if (ok)
        atapi_ok(d);
    else
        atapi_fail(d, SENSE_MEDIUM_ERROR, ASC_READ_ERROR, 0);
}

static void start_data(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    a->chunk = 0;
    if (a->bytes_left == 0) {
        atapi_ok(d);
        return;
    }
    if (a->dma) {
        d->dma_pending = true;
        d->dma_to_device = false;
        d->nsector = IR_IO;
        d->status = ST_DRDY | ST_DRQ;
        ide_bm_kick(d->ch);
        return;
    }
    atapi_pio_next(d);
}

/* A reply of len bytes built at buf[0], cut to the allocation length. */
static void reply(struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    struct atapi_state *a = &d->atapi;
    a->sectors_left = 0;
    a->buf_pos = 0;
    a->buf_len = a->bytes_left = len < alloc ? len : alloc;
    start_data(d);
}

static void read_sectors(struct ide_drive *d, uint32_t lba, uint32_t n)
{
    struct atapi_state *a = &d->atapi;
    uint32_t total = cd_sectors(d);
    if (lba > total || n > total - lba) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    if ((uint64_t)n * CD_SECTOR > 0xFFFFFFFFu) { /* bytes_left is 32 bits */
        invalid_field(d);
        return;
    }
    a->lba = lba;
    a->sectors_left = n;
    a->buf_pos = a->buf_len = 0;
    a->bytes_left = n * CD_SECTOR;
    start_data(d);
}

/* --- commands -------------------------------------------------------------- */

static uint32_t inquiry(struct ide_drive *d, uint8_t *b)
{
    memset(b, 0, 36);
    b[0] = 0x05; /* CD/DVD device */
    b[1] = 0x80; /* removable */
    b[2] = 0x00;
    b[3] = 0x21; /* ATAPI, response data format 1 */
    b[4] = 31;   /* additional length */
    memcpy(b + 8, "CINDER  ", 8);
    memcpy(b + 16, "CINDER CD-ROM   ", 16);
    memcpy(b + 32, "0.1 ", 4);
    return 36;
}

static uint32_t read_toc(struct ide_drive *d, uint8_t *b, const uint8_t *p, bool *bad)
{
    bool msf = p[1] & 0x02;
    unsigned format = p[2] & 0x0F;
    if (format == 0 && (p[9] >> 6)) format = p[9] >> 6; /* the old SFF-8020 place */
    uint8_t start = p[6];
    uint32_t end = cd_sectors(d);
    uint32_t n = 4;
    memset(b, 0, 64);
    switch (format) {
    case 0:
        if (start > 1 && start != 0xAA) {
            *bad = true;
            return 0;
        }
        b[2] = b[3] = 1; /* first and last track */
        if (start <= 1) {
            b[n + 1] = 0x14; /* ADR 1, data track */
            b[n + 2] = 1;
            put_addr(b + n + 4, 0, msf);
            n += 8;
        }
        b[n + 1] = 0x14;
        b[n + 2] = 0xAA; /* lead-out */
        put_addr(b + n + 4, end, msf);
        n += 8;
        break;
    case 1: /* session info: one session starting with track 1 */
        b[2] = b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        put_addr(b + 8, 0, msf);
        n = 12;
        break;
    case 2: { /* raw TOC: points A0, A1, A2 and track 1, addresses in MSF */
        b[2] = b[3] = 1;
        static const uint8_t points[4] = {0xA0, 0xA1, 0xA2, 0x01};
        for (int i = 0; i < 4; i++) {
            uint8_t *e = b + n;
            e[0] = 1;    /* session */
            e[1] = 0x14; /* ADR 1, data */
            e[3] = points[i];
            if (points[i] == 0xA0 || points[i] == 0xA1) {
                e[8] = 1; /* first / last track number; A0's PSEC = disc type 00h */
            } else {
                uint8_t a[4];
                put_addr(a, points[i] == 0xA2 ? end : 0, true);
                e[8] = a[1];
                e[9] = a[2];
                e[10] = a[3];
            }
            n += 11;
        }
        break;
    }
    default: *bad = true; return 0;
    }
    put16(b, n - 2);
    return n;
}

/* One mode page at b (current or, with changeable, a mask of zeros). */
static uint32_t mode_page(struct ide_drive *d, uint8_t page, bool changeable, uint8_t *b)
{
    uint32_t len;
    switch (page) {
    case 0x01: /* read/write error recovery */
        len = 8;
        memset(b, 0, len);
        b[3] = 5; /* read retry count */
        break;
    case 0x0D: /* CD device parameters */
        len = 8;
        memset(b, 0, len);
        b[5] = 60; /* S units per M */
        b[7] = 75; /* F units per S */
        break;
    case 0x0E: /* CD audio control */
        len = 16;
        memset(b, 0, len);
        b[2] = 0x04; /* IMMED */
        b[8] = 0x01; /* port 0: channel 0 */
        b[9] = 0xFF;
        b[10] = 0x02;
        b[11] = 0xFF;
        break;
    case 0x2A: /* capabilities and mechanical status */
        len = 20;
        memset(b, 0, len);
        b[4] = 0x71; /* audio play, mode 2 form 1/2, multi-session */
        b[5] = 0x7F;
        b[6] = (uint8_t)(0x29 | (d->atapi.locked ? 0x02 : 0)); /* lock, eject, tray */
        put16(b + 8, 706);                                     /* max read speed, KB/s (4x) */
        put16(b + 10, 2);                                      /* volume levels */
        put16(b + 12, 512);                                    /* buffer, KB */
        put16(b + 14, 706);
        break;
    default: return 0;
    }
    if (changeable) memset(b + 2, 0, len - 2);
    b[0] = page;
    b[1] = (uint8_t)(len - 2);
    return len;
}

static void mode_sense(struct ide_drive *d, const uint8_t *p)
{
    unsigned pc = p[2] >> 6, page = p[2] & 0x3F;
    if (pc == 3) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    b[2] = d->atapi.tray_open ? 0x71 : !d->blk ? 0x70 : 0x01; /* medium type */
    uint32_t n = 8;
    if (page == 0x3F) {
        static const uint8_t all[4] = {0x01, 0x0D, 0x0E, 0x2A};
        for (int i = 0; i < 4; i++)
            n += mode_page(d, all[i], pc == 1, b + n);
    } else {
        uint32_t len = mode_page(d, (uint8_t)page, pc == 1, b + n);
        if (!len) {
            invalid_field(d);
            return;
        }
        n += len;
    }
    put16(b, n - 2);
    reply(d, n, be16(p + 7));
}

static void get_configuration(struct ide_drive *d, const uint8_t *p)
{
    unsigned rt = p[1] & 3, start = be16(p + 2);
    if (rt == 3) {
        invalid_field(d);
        return;
    }
    bool medium = has_medium(d);
    uint8_t *b = d->buf;
    memset(b, 0, 64);
    put16(b + 6, medium ? 0x0008 : 0); /* current profile: CD-ROM */
    uint32_t n = 8;
    struct {
        uint16_t code;
        bool current;
        uint8_t len;
        uint8_t data[8];
    } feats[] = {
        {0x0000, true, 4, {0x00, 0x08, (uint8_t)(medium ? 1 : 0), 0}}, /* profile list */
        {0x0001, true, 8, {0, 0, 0, 2, 0x01, 0, 0, 0}},                /* core: ATAPI, DBE */
        {0x0003,
         true,
         4,
         {(uint8_t)(0x29 | (d->atapi.locked ? 0x04 : 0)), 0, 0, 0}}, /* removable */
        {0x0010, medium, 8, {0, 0, 0x08, 0, 0, 1, 0, 0}},            /* random readable, 2048 */
        {0x001E, medium, 4, {0, 0, 0, 0}},                           /* CD read */
    };
    for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
        if (feats[i].code < start) continue;
        if (rt == 1 && !feats[i].current) continue;
        if (rt == 2 && feats[i].code != start) continue;
        uint8_t *f = b + n;
        put16(f, feats[i].code);
        uint8_t version = feats[i].code == 0x0001 ? 1 : 0;
        f[2] = (uint8_t)(version << 2 | (feats[i].code <= 0x0003 ? 0x02 : 0) |
                         (feats[i].current ? 1 : 0));
        f[3] = feats[i].len;
        memcpy(f + 4, feats[i].data, feats[i].len);
        n += 4u + feats[i].len;
    }
    put32(b, n - 4);
    reply(d, n, be16(p + 7));
}

static void get_event_status(struct ide_drive *d, const uint8_t *p)
{
    if (!(p[1] & 1)) { /* asynchronous notification is not supported */
        invalid_field(d);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    b[3] = 0x10; /* supported classes: media */
    uint32_t n;
    if (p[4] & 0x10) {
        put16(b, 6);
        b[2] = 0x04; /* media class */
        b[4] = d->atapi.media_event;
        b[5] = (uint8_t)((has_medium(d) ? 0x02 : 0) | (d->atapi.tray_open ? 0x01 : 0));
        d->atapi.media_event = 0;
        n = 8;
    } else {
        put16(b, 2);
        b[2] = 0x80; /* NEA: no event of a requested class */
        n = 4;
    }
    reply(d, n, be16(p + 7));
}

static void start_stop(struct ide_drive *d, const uint8_t *p)
{
    struct atapi_state *a = &d->atapi;
    bool start = p[4] & 1, loej = p[4] & 2;
    if (loej) {
        if (!start) {
            if (a->locked) {
                atapi_fail(d, SENSE_NOT_READY, ASC_MEDIUM_REMOVAL_PREVENTED, 0x02);
                return;
            }
            if (!a->tray_open && d->blk) a->media_event = 3; /* medium removal */
            a->tray_open = true;
        } else if (a->tray_open) {
            a->tray_open = false;
            if (d->blk) {
                a->media_event = 2; /* new medium */
                a->unit_attention = true;
            }
        }
    }
    atapi_ok(d);
}

void atapi_exec(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    memcpy(a->packet, d->buf, sizeof(a->packet));
    const uint8_t *p = a->packet;
    uint8_t op = p[0];
    uint8_t *b = d->buf;

    bool allow_ua = op == ATAPI_INQUIRY || op == ATAPI_REQUEST_SENSE ||
                    op == ATAPI_GET_CONFIGURATION || op == ATAPI_GET_EVENT_STATUS;
    bool needs_medium = op == ATAPI_TEST_UNIT_READY || op == ATAPI_READ_CAPACITY ||
                        op == ATAPI_READ_10 || op == ATAPI_READ_12 || op == ATAPI_READ_CD ||
                        op == ATAPI_READ_TOC || op == ATAPI_READ_DISC_INFO || op == ATAPI_SEEK_10;
    if (op != ATAPI_REQUEST_SENSE) a->sense_key = a->asc = a->ascq = 0;
    if (a->unit_attention && !allow_ua) {
        a->unit_attention = false;
        atapi_fail(d, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
        return;
    }
    if (needs_medium && !has_medium(d)) {
        atapi_fail(d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
        return;
    }
    switch (op) {
    case ATAPI_TEST_UNIT_READY:
    case ATAPI_SEEK_10:
    case ATAPI_SET_CD_SPEED: atapi_ok(d); return;
    case ATAPI_REQUEST_SENSE:
        memset(b, 0, 18);
        b[0] = 0x70; /* current error, fixed format */
        b[2] = a->sense_key;
        b[7] = 10;
        b[12] = a->asc;
        b[13] = a->ascq;
        a->sense_key = a->asc = a->ascq = 0;
        reply(d, 18, p[4]);
        return;
    case ATAPI_INQUIRY:
        if (p[1] & 1) { /* EVPD pages */
            invalid_field(d);
            return;
        }
        reply(d, inquiry(d, b), p[4]);
        return;
    case ATAPI_START_STOP_UNIT: start_stop(d, p); return;
    case ATAPI_PREVENT_ALLOW:
        a->locked = p[4] & 1;
        atapi_ok(d);
        return;
    case ATAPI_READ_CAPACITY:
        put32(b, cd_sectors(d) - 1);
        put32(b + 4, CD_SECTOR);
        reply(d, 8, 8);
        return;
    case ATAPI_READ_10: read_sectors(d, be32(p + 2), be16(p + 7)); return;
    case ATAPI_READ_12: read_sectors(d, be32(p + 2), be32(p + 6)); return;
    case ATAPI_READ_CD: {
        unsigned type = (p[1] >> 2) & 7;
        uint32_t n = (uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8];
        if (type != 0 && type != 2) {
            invalid_field(d);
            return;
        }
        if (p[9] == 0x00) { /* nothing selected: no data */
            atapi_ok(d);
            return;
        }
        if (p[9] != 0x10) { /* only the user-data form (2048 bytes) */
            LOG_UNIMPL_ONCE("atapi: READ CD with headers, EDC/ECC or subchannels");
            invalid_field(d);
            return;
        }
        read_sectors(d, be32(p + 2), n);
        return;
    }
    case ATAPI_READ_TOC: {
        bool bad = false;
        uint32_t n = read_toc(d, b, p, &bad);
        if (bad) {
            invalid_field(d);
            return;
        }
        reply(d, n, be16(p + 7));
        return;
    }
    case ATAPI_MODE_SENSE_10: mode_sense(d, p); return;
    case ATAPI_GET_CONFIGURATION: get_configuration(d, p); return;
    case ATAPI_GET_EVENT_STATUS: get_event_status(d, p); return;
    case ATAPI_READ_DISC_INFO:
        if (p[1] & 7) {
            invalid_field(d);
            return;
        }
        memset(b, 0, 34);
        put16(b, 32);
        b[2] = 0x0E;               /* last session complete, disc complete */
        b[3] = 1;                  /* first track */
        b[4] = 1;                  /* sessions */
        b[5] = 1;                  /* first track of the last session */
        b[6] = 1;                  /* last track of the last session */
        put32(b + 16, 0xFFFFFFFF); /* last session lead-in start: none */
        put32(b + 20, 0xFFFFFFFF); /* last possible lead-out start: none */
        reply(d, 34, be16(p + 7));
        return;
    case ATAPI_MECHANISM_STATUS:
        memset(b, 0, 8);
        b[1] = a->tray_open ? 0x10 : 0; /* door open */
        reply(d, 8, be16(p + 8));
        return;
    default:
        LOG(LOG_IDE, "atapi%u: unknown packet command %02X", d->unit, op);
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        return;
    }
}

void atapi_packet_cmd(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    a->dma = d->feature & 1;
    a->byte_limit = (uint16_t)(d->hcyl << 8 | d->lcyl);
    a->bytes_left = 0;
    a->chunk = 0;
    d->nsector = IR_COD; /* command packet wanted */
    ide_pio_start(d, 0, sizeof(a->packet), XF_PACKET);
    d->status = ST_DRDY | ST_DRQ; /* accelerated DRQ: no interrupt for the packet */
}

void atapi_identify(struct ide_drive *d, uint16_t *w)
{
    w[0] = 0x85C0;  /* ATAPI, CD-ROM, removable, accelerated DRQ, 12-byte packets */
    w[49] = 0x0B00; /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[71] = w[72] = 30; /* typical release / service times, us */
    w[80] = 0x001E;     /* ATA-1 to ATA-4 */
    w[82] = 0x4210;     /* NOP, DEVICE RESET, PACKET */
    w[83] = 0x4000;
    w[84] = 0x4000;
    w[85] = 0x4210;
    w[87] = 0x4000;
}

void atapi_reset(struct ide_drive *d, bool power_on)
{
    struct atapi_state *a = &d->atapi;
    a->bytes_left = a->sectors_left = 0;
    a->buf_pos = a->buf_len = 0;
    a->chunk = 0;
    a->dma = false;
    if (power_on) {
        a->sense_key = a->asc = a->ascq = 0;
        a->tray_open = false;
        a->locked = false;
        a->unit_attention = false;
        a->media_event = 0;
    }
}

int ide_cdrom_change(struct ide_channel *ch, unsigned unit, struct block *blk)
{
    if (unit > 1 || ch->drive[unit].kind != IDE_CDROM) return -1;
    struct ide_drive *d = &ch->drive[unit];
    block_close(d->blk);
    d->blk = blk;
    d->sectors = blk ? block_size(blk) / IDE_SECTOR : 0;
    d->atapi.tray_open = false;
    d->atapi.unit_attention = true;
    d->atapi.media_event = blk ? 2 : 3;
    return 0;
}
