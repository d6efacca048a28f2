/*
 * atapi_test.c - the ATAPI CD-ROM drive through the channel's ports: PACKET
 * protocol (CoD/IO, byte count limit, DRQ chunks), the MMC commands, sense
 * codes for an empty drive, a locked tray and a medium change, and DMA
 * through the bus master.  The medium is a temporary 64-sector "ISO" whose
 * every 2048-byte sector is filled with a pattern of its LBA.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/atapi.h"
#include "devices/block.h"
#include "devices/ide.h"
#include "mem/bus.h"
#include "mem/irq.h"
#include "mem/sched.h"

#define RAM_SIZE (1u << 20)
#define CD_SECTORS 64u
#define CMD 0x170
#define CTL 0x376

static struct bus *bus;
static uint8_t *ram;
static struct sched *sched;
static struct ide_channel *ch;
static int irq_level, irq_rises;
static char img_path[64];
static uint8_t data[128 * 1024]; /* what the last command returned */
static unsigned data_len;        /* bytes in data */
static unsigned chunks;          /* DRQ chunks the last command used */

static void irq_set_fn(void *opaque, int n, int level)
{
    if (level && !irq_level) irq_rises++;
    irq_level = level;
}

static uint8_t pattern(unsigned lba, unsigned i)
{
    return (uint8_t)(lba * 11 + i * 5 + (i >> 8));
}

static struct block *make_iso(void)
{
    strcpy(img_path, "/tmp/atapi_test_XXXXXX");
    int fd = mkstemp(img_path);
    ck_assert_int_ge(fd, 0);
    uint8_t sec[2048];
    for (unsigned lba = 0; lba < CD_SECTORS; lba++) {
        for (unsigned i = 0; i < sizeof(sec); i++)
            sec[i] = pattern(lba, i);
        ck_assert_int_eq(write(fd, sec, sizeof(sec)), (ssize_t)sizeof(sec));
    }
    close(fd);
    struct block_opts o = {.format = BLOCK_FORMAT_RAW, .readonly = true};
    char err[256];
    struct block *b = block_open(img_path, &o, err, sizeof(err));
    if (!b) ck_abort_msg("%s", err);
    return b;
}

static void setup_with(bool medium)
{
    bus = bus_create();
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    sched = sched_create();
    irq_level = irq_rises = 0;
    ch = ide_channel_create(bus, sched, CMD, CTL, (struct irq_line){irq_set_fn, NULL, 15});
    ck_assert_ptr_nonnull(ch);
    char err[256];
    struct block *b = make_iso();
    if (!medium) {
        block_close(b);
        b = NULL;
    }
    ck_assert_int_eq(ide_attach_cdrom(ch, 0, b, err, sizeof(err)), 0);
}

static void setup(void)
{
    setup_with(true);
}

static void setup_empty(void)
{
    setup_with(false);
}

static void teardown(void)
{
    ide_channel_desc.destroy(ch);
    sched_destroy(sched);
    bus_destroy(bus);
    free(ram);
    unlink(img_path);
}

static void outb(uint16_t port, uint8_t v)
{
    bus_port_write(bus, port, v, 1);
}
static uint8_t inb(uint16_t port)
{
    return (uint8_t)bus_port_read(bus, port, 1);
}

static void run_ns(uint64_t ns)
{
    sched_advance(sched, ns);
    sched_run_due(sched);
}

/* Send a packet with PIO data-in and collect the data.  Returns the final
 * status; the data is in data/data_len. */
static uint8_t packet_limit(const uint8_t *cdb, uint16_t limit, bool dma)
{
    outb(CMD + 6, 0xA0);
    outb(CMD + 1, dma ? 1 : 0);
    outb(CMD + 4, (uint8_t)limit);
    outb(CMD + 5, (uint8_t)(limit >> 8));
    outb(CMD + 7, 0xA0);
    ck_assert_uint_eq(inb(CTL) & 0x80, 0x80);
    run_ns(100000);
    ck_assert_uint_eq(inb(CTL) & 0x88, 0x08);  /* DRQ for the packet */
    ck_assert_uint_eq(inb(CMD + 2) & 3, 0x01); /* CoD, to the device */
    ck_assert_int_eq(irq_level, 0);
    for (int i = 0; i < 12; i += 2)
        bus_port_write(bus, CMD, (uint32_t)(cdb[i] | cdb[i + 1] << 8), 2);
    ck_assert_uint_eq(inb(CTL) & 0x80, 0x80);
    data_len = chunks = 0;
    for (;;) {
        for (int k = 0; k < 4 && !irq_level; k++) /* a DMA transfer takes one more step */
            run_ns(100000);
        ck_assert_int_eq(irq_level, 1);
        uint8_t st = inb(CMD + 7);
        ck_assert_int_eq(irq_level, 0);
        if (!(st & 0x08)) {
            ck_assert_uint_eq(inb(CMD + 2) & 3, 0x03); /* IO + CoD: status */
            return st;
        }
        ck_assert_uint_eq(inb(CMD + 2) & 3, 0x02); /* IO: data to the host */
        unsigned n = inb(CMD + 4) | inb(CMD + 5) << 8;
        ck_assert_uint_le(n, limit ? limit : 0xFFFE);
        ck_assert_uint_le(data_len + n, sizeof(data));
        for (unsigned i = 0; i < n; i += 2) {
            uint32_t v = bus_port_read(bus, CMD, 2);
            memcpy(data + data_len + i, &v, n - i >= 2 ? 2 : 1);
        }
        data_len += n;
        chunks++;
    }
}

static uint8_t packet(const uint8_t *cdb)
{
    return packet_limit(cdb, 0xFFFE, false);
}

static void expect_sense(uint8_t key, uint8_t asc, uint8_t ascq)
{
    uint8_t rs[12] = {ATAPI_REQUEST_SENSE, 0, 0, 0, 18};
    ck_assert_uint_eq(packet(rs), 0x40);
    ck_assert_uint_eq(data_len, 18);
    ck_assert_uint_eq(data[0], 0x70);
    ck_assert_uint_eq(data[2] & 0x0F, key);
    ck_assert_uint_eq(data[12], asc);
    ck_assert_uint_eq(data[13], ascq);
}

static void expect_check(const uint8_t *cdb, uint8_t key, uint8_t asc, uint8_t ascq)
{
    uint8_t st = packet(cdb);
    ck_assert_uint_eq(st & 0x01, 0x01);
    ck_assert_uint_eq(inb(CMD + 1) >> 4, key);
    expect_sense(key, asc, ascq);
}

START_TEST(test_signature_and_identify)
{
    ck_assert_uint_eq(inb(CMD + 4), 0x14);
    ck_assert_uint_eq(inb(CMD + 5), 0xEB);
    ck_assert_uint_eq(inb(CMD + 7), 0x00);
    /* IDENTIFY DEVICE aborts and leaves the signature */
    outb(CMD + 4, 0);
    outb(CMD + 7, 0xEC);
    run_ns(100000);
    ck_assert_uint_eq(inb(CMD + 7) & 0x01, 0x01);
    ck_assert_uint_eq(inb(CMD + 1) & 0x04, 0x04);
    ck_assert_uint_eq(inb(CMD + 4), 0x14);
    ck_assert_uint_eq(inb(CMD + 5), 0xEB);
    outb(CMD + 7, 0xA1);
    run_ns(100000);
    ck_assert_uint_eq(inb(CMD + 7), 0x48);
    uint16_t w[256];
    for (int i = 0; i < 256; i++)
        w[i] = (uint16_t)bus_port_read(bus, CMD, 2);
    ck_assert_uint_eq(w[0], 0x85C0);
    ck_assert_uint_eq(w[49] & 0x0300, 0x0300);
    ck_assert_uint_eq(w[27], ('C' << 8) | 'I');
    ck_assert_uint_eq(inb(CMD + 7) & 0x08, 0);
}
END_TEST

START_TEST(test_inquiry_capacity)
{
    uint8_t inq[12] = {ATAPI_INQUIRY, 0, 0, 0, 36};
    ck_assert_uint_eq(packet(inq), 0x40);
    ck_assert_uint_eq(data_len, 36);
    ck_assert_uint_eq(data[0], 0x05);
    ck_assert_uint_eq(data[1], 0x80);
    ck_assert_mem_eq(data + 8, "CINDER  ", 8);
    /* the allocation length cuts the reply */
    inq[4] = 5;
    ck_assert_uint_eq(packet(inq), 0x40);
    ck_assert_uint_eq(data_len, 5);
    uint8_t cap[12] = {ATAPI_READ_CAPACITY};
    ck_assert_uint_eq(packet(cap), 0x40);
    ck_assert_uint_eq(data_len, 8);
    ck_assert_uint_eq(data[3], CD_SECTORS - 1);
    ck_assert_uint_eq(data[6], 0x08); /* 2048 */
    uint8_t tur[12] = {ATAPI_TEST_UNIT_READY};
    ck_assert_uint_eq(packet(tur), 0x40);
    ck_assert_uint_eq(data_len, 0);
}
END_TEST

START_TEST(test_read10_pio)
{
    uint8_t rd[12] = {ATAPI_READ_10, 0, 0, 0, 0, 5, 0, 0, 3};
    ck_assert_uint_eq(packet_limit(rd, 2048, false), 0x40);
    ck_assert_uint_eq(data_len, 3 * 2048);
    ck_assert_uint_eq(chunks, 3);
    for (unsigned k = 0; k < 3; k++)
        for (unsigned i = 0; i < 2048; i++)
            if (data[k * 2048 + i] != pattern(5 + k, i)) ck_abort_msg("sector %u byte %u", k, i);
    /* an odd limit is rounded down to even: 1001 -> 1000-byte chunks */
    rd[8] = 1;
    ck_assert_uint_eq(packet_limit(rd, 1001, false), 0x40);
    ck_assert_uint_eq(data_len, 2048);
    ck_assert_uint_eq(chunks, 3);
    for (unsigned i = 0; i < 2048; i++)
        ck_assert_uint_eq(data[i], pattern(5, i));
    /* READ(12) of more than the buffer holds at once (64 sectors), big limit */
    uint8_t rd12[12] = {ATAPI_READ_12, 0, 0, 0, 0, 0, 0, 0, 0, CD_SECTORS};
    ck_assert_uint_eq(packet(rd12), 0x40);
    ck_assert_uint_eq(data_len, CD_SECTORS * 2048);
    for (unsigned k = 0; k < CD_SECTORS; k += 9)
        ck_assert_uint_eq(data[k * 2048 + 77], pattern(k, 77));
    /* READ CD, user data */
    uint8_t rcd[12] = {ATAPI_READ_CD, 0, 0, 0, 0, 9, 0, 0, 1, 0x10};
    ck_assert_uint_eq(packet(rcd), 0x40);
    ck_assert_uint_eq(data_len, 2048);
    ck_assert_uint_eq(data[100], pattern(9, 100));
    /* past the end */
    uint8_t bad[12] = {ATAPI_READ_10, 0, 0, 0, 0, CD_SECTORS - 1, 0, 0, 2};
    expect_check(bad, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
}
END_TEST

START_TEST(test_unknown_and_sense)
{
    uint8_t op[12] = {0xFF};
    expect_check(op, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
    /* REQUEST SENSE cleared it */
    expect_sense(SENSE_NONE, 0, 0);
    /* MODE SENSE with saved values is refused */
    uint8_t ms[12] = {ATAPI_MODE_SENSE_10, 0, 0xEA, 0, 0, 0, 0, 0, 64};
    expect_check(ms, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
}
END_TEST

START_TEST(test_toc_and_pages)
{
    uint8_t toc[12] = {ATAPI_READ_TOC, 0, 0, 0, 0, 0, 1, 0, 100};
    ck_assert_uint_eq(packet(toc), 0x40);
    ck_assert_uint_eq(data_len, 20);
    ck_assert_uint_eq(data[1], 18);
    ck_assert_uint_eq(data[2], 1);
    ck_assert_uint_eq(data[6], 1);     /* track 1 */
    ck_assert_uint_eq(data[14], 0xAA); /* lead-out */
    ck_assert_uint_eq(data[19], CD_SECTORS);
    toc[1] = 0x02; /* MSF: lead-out at 64 + 150 frames = 00:02:64 */
    ck_assert_uint_eq(packet(toc), 0x40);
    ck_assert_uint_eq(data[11], 0);
    ck_assert_uint_eq(data[10], 2);
    ck_assert_uint_eq(data[17], 0);
    ck_assert_uint_eq(data[18], 2);
    ck_assert_uint_eq(data[19], 64);
    toc[2] = 1; /* session info */
    ck_assert_uint_eq(packet(toc), 0x40);
    ck_assert_uint_eq(data_len, 12);
    toc[2] = 2; /* raw TOC: A0, A1, A2, track 1 */
    ck_assert_uint_eq(packet(toc), 0x40);
    ck_assert_uint_eq(data_len, 4 + 4 * 11);
    ck_assert_uint_eq(data[4 + 3], 0xA0);
    ck_assert_uint_eq(data[4 + 22 + 3], 0xA2);
    toc[2] = 5;
    expect_check(toc, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);

    uint8_t ms[12] = {ATAPI_MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 64};
    ck_assert_uint_eq(packet(ms), 0x40);
    ck_assert_uint_eq(data[8], 0x2A);
    ck_assert_uint_eq(data_len, 8u + 2u + data[9]);
    ms[2] = 0x3F;
    ck_assert_uint_eq(packet(ms), 0x40);
    ck_assert_uint_eq(data_len, 8 + 8 + 8 + 16 + 20);
    ms[2] = 0x05;
    expect_check(ms, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);

    uint8_t gc[12] = {ATAPI_GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 255};
    ck_assert_uint_eq(packet(gc), 0x40);
    ck_assert_uint_eq(data[7], 0x08);        /* current profile CD-ROM */
    ck_assert_uint_eq(data[8] | data[9], 0); /* feature 0 first */
    uint8_t di[12] = {ATAPI_READ_DISC_INFO, 0, 0, 0, 0, 0, 0, 0, 34};
    ck_assert_uint_eq(packet(di), 0x40);
    ck_assert_uint_eq(data_len, 34);
    ck_assert_uint_eq(data[2] & 3, 2); /* complete disc */
    uint8_t mech[12] = {ATAPI_MECHANISM_STATUS, 0, 0, 0, 0, 0, 0, 0, 0, 8};
    ck_assert_uint_eq(packet(mech), 0x40);
    ck_assert_uint_eq(data_len, 8);
}
END_TEST

START_TEST(test_eject_locked_and_change)
{
    uint8_t lock[12] = {ATAPI_PREVENT_ALLOW, 0, 0, 0, 1};
    uint8_t eject[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 0x02};
    uint8_t load[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 0x03};
    uint8_t tur[12] = {ATAPI_TEST_UNIT_READY};
    uint8_t gesn[12] = {ATAPI_GET_EVENT_STATUS, 1, 0, 0, 0x10, 0, 0, 0, 8};
    ck_assert_uint_eq(packet(lock), 0x40);
    expect_check(eject, SENSE_NOT_READY, ASC_MEDIUM_REMOVAL_PREVENTED, 0x02);
    ck_assert_uint_eq(packet(tur), 0x40); /* still there */
    lock[4] = 0;
    ck_assert_uint_eq(packet(lock), 0x40);
    ck_assert_uint_eq(packet(eject), 0x40);
    expect_check(tur, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
    ck_assert_uint_eq(packet(gesn), 0x40);
    ck_assert_uint_eq(data[4], 3);    /* media removal */
    ck_assert_uint_eq(data[5], 0x01); /* tray open, no medium */
    ck_assert_uint_eq(packet(load), 0x40);
    ck_assert_uint_eq(packet(gesn), 0x40); /* allowed with a unit attention pending */
    ck_assert_uint_eq(data[4], 2);         /* new medium */
    ck_assert_uint_eq(data[5], 0x02);
    expect_check(tur, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
    ck_assert_uint_eq(packet(tur), 0x40);
    /* asynchronous GESN is not supported */
    gesn[1] = 0;
    expect_check(gesn, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
    /* a medium change from the host */
    ck_assert_int_eq(ide_cdrom_change(ch, 0, NULL), 0);
    expect_check(tur, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
    expect_check(tur, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
    ck_assert_int_eq(ide_cdrom_change(ch, 1, NULL), -1);
}
END_TEST

START_TEST(test_empty_drive)
{
    uint8_t tur[12] = {ATAPI_TEST_UNIT_READY};
    uint8_t cap[12] = {ATAPI_READ_CAPACITY};
    uint8_t rd[12] = {ATAPI_READ_10, 0, 0, 0, 0, 0, 0, 0, 1};
    expect_check(tur, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
    expect_check(cap, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
    expect_check(rd, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
    uint8_t inq[12] = {ATAPI_INQUIRY, 0, 0, 0, 36};
    ck_assert_uint_eq(packet(inq), 0x40);
    uint8_t gc[12] = {ATAPI_GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 255};
    ck_assert_uint_eq(packet(gc), 0x40);
    ck_assert_uint_eq(data[6] | data[7], 0); /* no current profile */
}
END_TEST

START_TEST(test_dma_read)
{
    uint8_t *e = ram + 0x1000;
    uint32_t a0 = 0x10000, a1 = 0x20000;
    memcpy(e, &a0, 4);
    e[4] = 0x00, e[5] = 0x08, e[6] = 0, e[7] = 0; /* 2048 */
    memcpy(e + 8, &a1, 4);
    e[12] = 0x00, e[13] = 0x10, e[14] = 0, e[15] = 0x80; /* 4096, EOT */
    ide_bm_write(ch, 4, 0x1000, 4);
    ide_bm_write(ch, 0, 0x09, 1);
    uint8_t rd[12] = {ATAPI_READ_10, 0, 0, 0, 0, 20, 0, 0, 3};
    ck_assert_uint_eq(packet_limit(rd, 0, true), 0x40);
    ck_assert_uint_eq(data_len, 0); /* no PIO data */
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x04);
    for (unsigned i = 0; i < 2048; i++) {
        ck_assert_uint_eq(ram[0x10000 + i], pattern(20, i));
        ck_assert_uint_eq(ram[0x20000 + i], pattern(21, i));
        ck_assert_uint_eq(ram[0x20800 + i], pattern(22, i));
    }
}
END_TEST

static Suite *atapi_suite(void)
{
    Suite *s = suite_create("atapi");
    TCase *tc = tcase_create("cdrom");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_signature_and_identify);
    tcase_add_test(tc, test_inquiry_capacity);
    tcase_add_test(tc, test_read10_pio);
    tcase_add_test(tc, test_unknown_and_sense);
    tcase_add_test(tc, test_toc_and_pages);
    tcase_add_test(tc, test_eject_locked_and_change);
    tcase_add_test(tc, test_dma_read);
    suite_add_tcase(s, tc);
    TCase *empty = tcase_create("empty");
    tcase_add_checked_fixture(empty, setup_empty, teardown);
    tcase_add_test(empty, test_empty_drive);
    suite_add_tcase(s, empty);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(atapi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
