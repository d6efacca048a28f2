/*
 * ide_test.c - the ATA channel through its ports: a hard disk on a
 * temporary raw image (4 MiB, every sector filled with a pattern of its
 * LBA), RAM on the bus for bus-master DMA, and a fake clock for the BSY
 * phase before every DRQ and interrupt.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/block.h"
#include "devices/ide.h"
#include "mem/bus.h"
#include "mem/irq.h"
#include "mem/sched.h"

#define RAM_SIZE (1u << 20)
#define IMG_SECTORS 8192u
#define CMD 0x1F0
#define CTL 0x3F6

static struct bus *bus;
static uint8_t *ram;
static struct sched *sched;
static struct ide_channel *ch, *ch2;
static int irq_level, irq_rises;
static char img_path[64];

static void irq_set_fn(void *opaque, int n, int level)
{
    if (level && !irq_level) irq_rises++;
    irq_level = level;
}

static uint8_t pattern(unsigned lba, unsigned i)
{
    return (uint8_t)(lba * 13 + i * 7 + (lba >> 8));
}

static void make_image(void)
{
    strcpy(img_path, "/tmp/ide_test_XXXXXX");
    int fd = mkstemp(img_path);
    ck_assert_int_ge(fd, 0);
    uint8_t sec[512];
    for (unsigned lba = 0; lba < IMG_SECTORS; lba++) {
        for (unsigned i = 0; i < 512; i++)
            sec[i] = pattern(lba, i);
        ck_assert_int_eq(write(fd, sec, 512), 512);
    }
    close(fd);
}

static struct block *open_image(bool readonly)
{
    struct block_opts o = {.format = BLOCK_FORMAT_RAW, .readonly = readonly};
    char err[256];
    struct block *b = block_open(img_path, &o, err, sizeof(err));
    if (!b) ck_abort_msg("%s", err);
    return b;
}

static void setup_with(bool readonly)
{
    bus = bus_create();
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    sched = sched_create();
    irq_level = irq_rises = 0;
    ch = ide_channel_create(bus, sched, CMD, CTL, (struct irq_line){irq_set_fn, NULL, 14});
    ck_assert_ptr_nonnull(ch);
    ch2 = ide_channel_create(bus, sched, 0x170, 0x376, (struct irq_line){0});
    ck_assert_ptr_nonnull(ch2);
    make_image();
    char err[256];
    ck_assert_int_eq(ide_attach_disk(ch, 0, open_image(readonly), err, sizeof(err)), 0);
}

static void setup(void)
{
    setup_with(false);
}

static void setup_ro(void)
{
    setup_with(true);
}

static void teardown(void)
{
    ide_channel_desc.destroy(ch);
    ide_channel_desc.destroy(ch2);
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

/* Issue a command: BSY at once and no interrupt until the timer. */
static void command(uint8_t cmd)
{
    outb(CMD + 7, cmd);
    ck_assert_uint_eq(inb(CTL) & 0x80, 0x80);
    run_ns(100000);
}

static void lba28(uint32_t lba, uint8_t count)
{
    outb(CMD + 2, count);
    outb(CMD + 3, (uint8_t)lba);
    outb(CMD + 4, (uint8_t)(lba >> 8));
    outb(CMD + 5, (uint8_t)(lba >> 16));
    outb(CMD + 6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
}

static void lba48(uint64_t lba, uint16_t count)
{
    outb(CMD + 2, (uint8_t)(count >> 8));
    outb(CMD + 3, (uint8_t)(lba >> 24));
    outb(CMD + 4, (uint8_t)(lba >> 32));
    outb(CMD + 5, (uint8_t)(lba >> 40));
    outb(CMD + 2, (uint8_t)count);
    outb(CMD + 3, (uint8_t)lba);
    outb(CMD + 4, (uint8_t)(lba >> 8));
    outb(CMD + 5, (uint8_t)(lba >> 16));
    outb(CMD + 6, 0x40);
}

/* Read one DRQ block of n bytes with size-byte accesses. */
static void read_block(uint8_t *dst, unsigned n, unsigned size)
{
    ck_assert_uint_eq(inb(CTL) & 0x89, 0x08);
    for (unsigned i = 0; i < n; i += size) {
        uint32_t v = bus_port_read(bus, CMD, size);
        memcpy(dst + i, &v, size);
    }
}

static void write_block(const uint8_t *src, unsigned n, unsigned size)
{
    ck_assert_uint_eq(inb(CTL) & 0x89, 0x08);
    for (unsigned i = 0; i < n; i += size) {
        uint32_t v = 0;
        memcpy(&v, src + i, size);
        bus_port_write(bus, CMD, v, size);
    }
}

static void check_sector(const uint8_t *p, unsigned lba)
{
    for (unsigned i = 0; i < 512; i++)
        if (p[i] != pattern(lba, i)) ck_abort_msg("lba %u byte %u: %02X", lba, i, p[i]);
}

static void identify(uint16_t *w)
{
    outb(CMD + 6, 0xA0);
    command(0xEC);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(inb(CMD + 7), 0x58);
    ck_assert_int_eq(irq_level, 0); /* the status read acknowledged it */
    read_block((uint8_t *)w, 512, 2);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
}

START_TEST(test_identify)
{
    uint16_t w[256];
    identify(w);
    ck_assert_uint_eq(w[0], 0x0040);
    ck_assert_uint_eq(w[1], IMG_SECTORS / (16 * 63));
    ck_assert_uint_eq(w[3], 16);
    ck_assert_uint_eq(w[6], 63);
    char model[41];
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(w[27 + i] >> 8);
        model[2 * i + 1] = (char)w[27 + i];
    }
    model[40] = 0;
    ck_assert_str_eq(model, "CINDER HARDDISK                         ");
    ck_assert_uint_eq(w[49] & 0x0300, 0x0300); /* LBA and DMA */
    ck_assert_uint_eq(w[60] | (uint32_t)w[61] << 16, IMG_SECTORS);
    ck_assert_uint_eq(w[100] | (uint32_t)w[101] << 16, IMG_SECTORS);
    ck_assert_uint_eq(w[102] | w[103], 0);
    ck_assert_uint_eq(w[83] & 0x3400, 0x3400); /* LBA48, FLUSH CACHE (EXT) */
    ck_assert_uint_eq(w[86] & 0x3400, 0x3400);
    ck_assert_uint_eq(w[85] & 0x0020, 0x0020); /* write cache on */
    ck_assert_uint_eq(w[63] & 0xFF07, 0x0007); /* MWDMA 0-2, none selected */
    ck_assert_uint_eq(w[88] & 0xFF3F, 0x003F);
    uint8_t sum = 0;
    for (int i = 0; i < 512; i++)
        sum = (uint8_t)(sum + ((uint8_t *)w)[i]);
    ck_assert_uint_eq(sum, 0);
    ck_assert_uint_eq(w[255] & 0xFF, 0xA5);

    /* SET FEATURES: MWDMA 2, write cache off; IDENTIFY reflects both. */
    outb(CMD + 1, 0x03);
    outb(CMD + 2, 0x22);
    command(0xEF);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    outb(CMD + 1, 0x82);
    command(0xEF);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    identify(w);
    ck_assert_uint_eq(w[63] & 0xFF07, 0x0407);
    ck_assert_uint_eq(w[85] & 0x0020, 0);
    outb(CMD + 1, 0x03);
    outb(CMD + 2, 0x45); /* UDMA 5 */
    command(0xEF);
    identify(w);
    ck_assert_uint_eq(w[63] & 0xFF00, 0);
    ck_assert_uint_eq(w[88] & 0xFF00, 0x2000);
    outb(CMD + 1, 0x77); /* unknown subcommand */
    command(0xEF);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x04);
}
END_TEST

START_TEST(test_pio_round_trip)
{
    uint8_t buf[3 * 512], back[3 * 512];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 31 + 5);
    lba28(100, 3);
    outb(CMD + 7, 0x30);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 0); /* no interrupt before the first block */
    for (int b = 0; b < 3; b++) {
        write_block(buf + 512 * b, 512, 2);
        ck_assert_uint_eq(inb(CTL) & 0x80, 0x80); /* BSY while the block is taken */
        run_ns(100000);
        ck_assert_int_eq(irq_level, 1);
        inb(CMD + 7);
    }
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    /* registers hold the last sector written */
    ck_assert_uint_eq(inb(CMD + 3), 102);
    /* the file has it */
    int fd = open(img_path, 0);
    ck_assert_int_eq(pread(fd, back, sizeof(back), 100 * 512), (ssize_t)sizeof(back));
    close(fd);
    ck_assert_mem_eq(back, buf, sizeof(buf));
    /* and READ SECTORS gets it back, with an interrupt per block, 4-byte reads */
    memset(back, 0, sizeof(back));
    irq_rises = 0;
    lba28(99, 5);
    command(0x20);
    uint8_t sec[512];
    for (int b = 0; b < 5; b++) {
        ck_assert_int_eq(irq_level, 1);
        ck_assert_uint_eq(inb(CMD + 7), 0x58);
        read_block(sec, 512, 4);
        if (b == 0 || b == 4)
            check_sector(sec, 99 + (unsigned)b);
        else
            ck_assert_mem_eq(sec, buf + 512 * (b - 1), 512);
        run_ns(100000);
    }
    ck_assert_int_eq(irq_rises, 5);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
}
END_TEST

START_TEST(test_multiple)
{
    /* READ MULTIPLE without SET MULTIPLE MODE aborts. */
    lba28(0, 8);
    command(0xC4);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x04);
    /* Not a power of two: aborted. */
    outb(CMD + 2, 3);
    command(0xC6);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    outb(CMD + 2, 4);
    command(0xC6);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    irq_rises = 0;
    lba28(40, 10); /* blocks of 4, 4, 2 */
    command(0xC4);
    uint8_t blk[4 * 512];
    unsigned lba = 40;
    for (unsigned n = 4; lba < 50; n = 50 - lba < 4 ? 50 - lba : 4) {
        inb(CMD + 7);
        read_block(blk, n * 512, 4);
        for (unsigned k = 0; k < n; k++)
            check_sector(blk + 512 * k, lba + k);
        lba += n;
        run_ns(100000);
    }
    ck_assert_int_eq(irq_rises, 3);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    /* WRITE MULTIPLE of two blocks */
    uint8_t data[8 * 512];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i ^ 0x5A);
    lba28(200, 8);
    command(0xC5);
    ck_assert_int_eq(irq_level, 0);
    write_block(data, 4 * 512, 4);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    write_block(data + 4 * 512, 4 * 512, 4);
    run_ns(100000);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    uint8_t back[sizeof(data)];
    int fd = open(img_path, 0);
    ck_assert_int_eq(pread(fd, back, sizeof(back), 200 * 512), (ssize_t)sizeof(back));
    close(fd);
    ck_assert_mem_eq(back, data, sizeof(data));
}
END_TEST

START_TEST(test_lba48_and_hob)
{
    lba48(5000, 2);
    /* HOB readback: the previous (high-order) bytes */
    outb(CTL, 0x80);
    ck_assert_uint_eq(inb(CMD + 2), 0);
    ck_assert_uint_eq(inb(CMD + 3), 0);
    outb(CTL, 0x00);
    ck_assert_uint_eq(inb(CMD + 2), 2);
    ck_assert_uint_eq(inb(CMD + 3), (uint8_t)5000);
    ck_assert_uint_eq(inb(CMD + 4), 5000 >> 8);
    command(0x24);
    uint8_t sec[512];
    for (int b = 0; b < 2; b++) {
        inb(CMD + 7);
        read_block(sec, 512, 2);
        check_sector(sec, 5000 + (unsigned)b);
        run_ns(100000);
    }
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    /* an LBA above 2^32: IDNF */
    lba48(1ull << 32, 1);
    command(0x24);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
    /* READ VERIFY EXT of the last sectors: fine, no data */
    lba48(IMG_SECTORS - 4, 4);
    command(0x42);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    /* one past the end: IDNF */
    lba48(IMG_SECTORS - 4, 5);
    command(0x42);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
}
END_TEST

START_TEST(test_idnf_abrt)
{
    lba28(IMG_SECTORS, 1);
    command(0x20);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
    lba28(IMG_SECTORS - 1, 2); /* runs past the end */
    command(0x30);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
    command(0xFF); /* no such command */
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x04);
    command(0xA0); /* PACKET to a hard disk */
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x04);
    /* a command that works clears the error */
    lba28(1, 1);
    command(0x40);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    ck_assert_uint_eq(inb(CMD + 1), 0x00);
    /* SEEK outside the disk */
    lba28(IMG_SECTORS + 10, 1);
    command(0x70);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
}
END_TEST

START_TEST(test_chs_translation)
{
    /* Default translation 16/63: C/H/S 0/1/1 is LBA 63. */
    outb(CMD + 2, 1);
    outb(CMD + 3, 1);
    outb(CMD + 4, 0);
    outb(CMD + 5, 0);
    outb(CMD + 6, 0xA1);
    command(0x20);
    uint8_t sec[512];
    inb(CMD + 7);
    read_block(sec, 512, 2);
    check_sector(sec, 63);
    run_ns(100000);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors per track. */
    outb(CMD + 2, 32);
    outb(CMD + 6, 0xA3);
    command(0x91);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    uint16_t w[256];
    identify(w);
    ck_assert_uint_eq(w[54], IMG_SECTORS / (4 * 32));
    ck_assert_uint_eq(w[55], 4);
    ck_assert_uint_eq(w[56], 32);
    /* C/H/S 1/2/3 = (1 * 4 + 2) * 32 + 2 = 194 */
    outb(CMD + 2, 1);
    outb(CMD + 3, 3);
    outb(CMD + 4, 1);
    outb(CMD + 5, 0);
    outb(CMD + 6, 0xA2);
    command(0x20);
    inb(CMD + 7);
    read_block(sec, 512, 2);
    check_sector(sec, 194);
    run_ns(100000);
    /* sector 0 and head 4 do not exist in this translation */
    outb(CMD + 3, 0);
    outb(CMD + 6, 0xA0);
    command(0x20);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
    outb(CMD + 3, 1);
    outb(CMD + 6, 0xA4);
    command(0x20);
    ck_assert_uint_eq(inb(CMD + 1), 0x10);
}
END_TEST

START_TEST(test_srst_signature)
{
    lba28(0x123456, 7);
    outb(CTL, 0x04);
    ck_assert_uint_eq(inb(CTL) & 0x80, 0x80);
    outb(CTL, 0x00);
    ck_assert_uint_eq(inb(CTL) & 0x80, 0x80);
    run_ns(100000);
    ck_assert_uint_eq(inb(CTL), 0x50);
    ck_assert_uint_eq(inb(CMD + 1), 0x01);
    ck_assert_uint_eq(inb(CMD + 2), 0x01);
    ck_assert_uint_eq(inb(CMD + 3), 0x01);
    ck_assert_uint_eq(inb(CMD + 4), 0x00);
    ck_assert_uint_eq(inb(CMD + 5), 0x00);
    ck_assert_uint_eq(inb(CMD + 6) & 0x10, 0); /* device 0 selected */
    ck_assert_int_eq(irq_level, 0);
    /* EXECUTE DEVICE DIAGNOSTIC: signature too, with an interrupt */
    lba28(77, 9);
    command(0x90);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(inb(CMD + 1), 0x01);
    ck_assert_uint_eq(inb(CMD + 2), 0x01);
    ck_assert_uint_eq(inb(CMD + 4), 0x00);
}
END_TEST

START_TEST(test_absent_and_nien)
{
    /* The missing slave of a populated channel reads 00h; an empty channel floats. */
    outb(CMD + 6, 0xB0);
    ck_assert_uint_eq(inb(CMD + 7), 0x00);
    ck_assert_uint_eq(inb(CTL), 0x00);
    outb(CMD + 2, 0x55);
    ck_assert_uint_eq(inb(CMD + 2), 0x00);
    outb(CMD + 7, 0xEC); /* nobody answers */
    run_ns(100000);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(inb(CMD + 7), 0x00);
    ck_assert_uint_eq(inb(0x177), 0xFF);
    ck_assert_uint_eq(inb(0x376), 0xFF);
    ck_assert_uint_eq(inb(0x172), 0xFF);
    /* nIEN masks INTRQ; clearing it shows the pending interrupt */
    outb(CMD + 6, 0xA0);
    outb(CTL, 0x02);
    command(0xE5);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(inb(CMD + 2), 0xFF); /* active */
    outb(CTL, 0x00);
    ck_assert_int_eq(irq_level, 1);
    inb(CMD + 7);
    ck_assert_int_eq(irq_level, 0);
    /* power commands */
    command(0xE0);
    command(0xE5);
    ck_assert_uint_eq(inb(CMD + 2), 0x00); /* standby */
    command(0xE1);
    command(0xE5);
    ck_assert_uint_eq(inb(CMD + 2), 0xFF);
    command(0xE7); /* FLUSH CACHE */
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    command(0xEA);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    command(0x10); /* RECALIBRATE */
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
}
END_TEST

/* --- bus-master DMA -------------------------------------------------------- */

#define PRDT 0x1000u

static void prd(unsigned i, uint32_t addr, uint32_t count, bool eot)
{
    uint8_t *e = ram + PRDT + 8 * i;
    memcpy(e, &addr, 4);
    e[4] = (uint8_t)count;
    e[5] = (uint8_t)(count >> 8);
    e[6] = 0;
    e[7] = eot ? 0x80 : 0;
}

static void bm_start(bool to_memory)
{
    ide_bm_write(ch, 4, PRDT, 4);
    ide_bm_write(ch, 2, 0x06, 1); /* clear INT and ERR */
    ide_bm_write(ch, 0, to_memory ? 0x09 : 0x01, 1);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 1, 1); /* active */
}

static int code_hits;

static void code_written(void *opaque, uint32_t paddr, uint32_t len)
{
    code_hits++;
}

START_TEST(test_dma_read_write)
{
    /* A DMA write over decoded code must invalidate it, as a CPU store does. */
    code_hits = 0;
    bus_code_add_listener(bus, code_written, NULL);
    bus_code_mark(bus, 0x30400, 128);
    prd(0, 0x10000, 4096, false);
    prd(1, 0x30000, 2048, true);
    lba28(300, 12);
    command(0xC8);
    ck_assert_int_eq(irq_level, 0); /* waits for the bus master */
    bm_start(true);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x04); /* INT, not active */
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    for (unsigned k = 0; k < 8; k++)
        check_sector(ram + 0x10000 + 512 * k, 300 + k);
    for (unsigned k = 0; k < 4; k++)
        check_sector(ram + 0x30000 + 512 * k, 308 + k);
    ck_assert_int_eq(code_hits, 1);
    ide_bm_write(ch, 0, 0x00, 1);

    /* WRITE DMA EXT from one region */
    for (unsigned i = 0; i < 4096; i++)
        ram[0x40000 + i] = (uint8_t)(i * 3 + 1);
    prd(0, 0x40000, 4096, true);
    lba48(1000, 8);
    command(0x35);
    bm_start(false);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x04);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    uint8_t back[4096];
    int fd = open(img_path, 0);
    ck_assert_int_eq(pread(fd, back, sizeof(back), 1000 * 512), (ssize_t)sizeof(back));
    close(fd);
    ck_assert_mem_eq(back, ram + 0x40000, sizeof(back));
}
END_TEST

START_TEST(test_dma_start_first)
{
    /* The start bit may come before the command. */
    prd(0, 0x10000, 512, true);
    bm_start(true);
    lba28(7, 1);
    command(0xC8);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    check_sector(ram + 0x10000, 7);
}
END_TEST

START_TEST(test_prd_bounds)
{
    /* Count 0 means 64 KiB. */
    prd(0, 0x20000, 0, true);
    lba28(0, 128);
    command(0xC8);
    bm_start(true);
    run_ns(100000);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x04);
    for (unsigned k = 0; k < 128; k += 37)
        check_sector(ram + 0x20000 + 512 * k, k);
    ide_bm_write(ch, 0, 0, 1);
    inb(CMD + 7);

    /* Table larger than the transfer: interrupt, still active. */
    prd(0, 0x10000, 8192, true);
    lba28(50, 2);
    command(0xC8);
    bm_start(true);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x05);
    ide_bm_write(ch, 0, 0, 1);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 1, 0);
    inb(CMD + 7);

    /* Table too small: no interrupt, not active, drive idle without DRQ. */
    memset(ram + 0x50000, 0, 1024);
    prd(0, 0x50000, 512, true);
    lba28(60, 2);
    command(0xC8);
    bm_start(true);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x00);
    ck_assert_uint_eq(inb(CMD + 7), 0x50);
    ide_bm_write(ch, 0, 0, 1);

    /* A table with no EOT ends at the 64 KiB boundary it may not cross: the
     * 512 entries of 2 bytes below 0x70000 cannot hold 16 sectors, and the
     * entries past the boundary are never used. */
    uint32_t table = 0x6F000;
    for (unsigned i = 0; i < 8192; i++) {
        uint8_t *e = ram + table + 8 * i;
        uint32_t a = 0x90000;
        memcpy(e, &a, 4);
        e[4] = 2;
        e[5] = e[6] = e[7] = 0;
    }
    lba28(0, 16);
    command(0xC8);
    ide_bm_write(ch, 4, table, 4);
    ide_bm_write(ch, 2, 0x06, 1);
    ide_bm_write(ch, 0, 0x09, 1);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1) & 7, 0x00);

    /* Register file: BMIDTP is dword aligned; INT/ERR are write-1-to-clear. */
    ide_bm_write(ch, 4, 0x12345677, 4);
    ck_assert_uint_eq(ide_bm_read(ch, 4, 4), 0x12345674);
    ide_bm_write(ch, 2, 0x60, 1);
    ck_assert_uint_eq(ide_bm_read(ch, 2, 1), 0x60);
}
END_TEST

START_TEST(test_readonly_write)
{
    uint8_t sec[512] = {1, 2, 3};
    lba28(10, 1);
    command(0x30);
    write_block(sec, 512, 2);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x04);
    uint8_t back[512];
    int fd = open(img_path, 0);
    ck_assert_int_eq(pread(fd, back, 512, 10 * 512), 512);
    close(fd);
    check_sector(back, 10);
    /* DMA write: the same */
    prd(0, 0x10000, 512, true);
    lba28(10, 1);
    command(0xCA);
    bm_start(false);
    run_ns(100000);
    ck_assert_uint_eq(inb(CMD + 7), 0x51);
    ck_assert_uint_eq(inb(CMD + 1), 0x04);
    /* reads still work */
    lba28(10, 1);
    command(0x20);
    inb(CMD + 7);
    read_block(sec, 512, 2);
    check_sector(sec, 10);
}
END_TEST

static Suite *ide_suite(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = tcase_create("ata");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_identify);
    tcase_add_test(tc, test_pio_round_trip);
    tcase_add_test(tc, test_multiple);
    tcase_add_test(tc, test_lba48_and_hob);
    tcase_add_test(tc, test_idnf_abrt);
    tcase_add_test(tc, test_chs_translation);
    tcase_add_test(tc, test_srst_signature);
    tcase_add_test(tc, test_absent_and_nien);
    tcase_add_test(tc, test_dma_read_write);
    tcase_add_test(tc, test_dma_start_first);
    tcase_add_test(tc, test_prd_bounds);
    suite_add_tcase(s, tc);
    TCase *ro = tcase_create("readonly");
    tcase_add_checked_fixture(ro, setup_ro, teardown);
    tcase_add_test(ro, test_readonly_write);
    suite_add_tcase(s, ro);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ide_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
