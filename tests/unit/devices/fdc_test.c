/*
 * fdc_test.c - the 82077AA floppy controller through its ports, with a
 * temporary 1.44M image, the real 8237 (channel 2) moving data into RAM on
 * the bus, and a fake clock for the command-completion interrupt.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/dma8237.h"
#include "devices/fdc.h"
#include "mem/bus.h"
#include "mem/irq.h"
#include "mem/sched.h"

#define RAM_SIZE (2u << 20)
#define IMG_SIZE 1474560
#define SPT 18

static struct bus *bus;
static uint8_t *ram;
static struct dma8237 *dma;
static struct sched *sched;
static struct fdc *fdc;
static int irq_level;
static char img_path[64];
static char img2_path[64];

static void irq_set_fn(void *opaque, int n, int level)
{
    irq_level = level;
}

static uint8_t pattern(unsigned lba, unsigned i)
{
    return (uint8_t)(lba * 7 + i * 3 + (lba >> 8));
}

static void make_image(char *path, unsigned size)
{
    strcpy(path, "/tmp/fdc_test_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    uint8_t sec[512];
    for (unsigned lba = 0; lba < size / 512; lba++) {
        for (unsigned i = 0; i < 512; i++)
            sec[i] = pattern(lba, i);
        ck_assert_int_eq(write(fd, sec, 512), 512);
    }
    close(fd);
}

static void setup(void)
{
    bus = bus_create();
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    dma = dma8237_create(bus);
    sched = sched_create();
    ck_assert_ptr_nonnull(dma);
    irq_level = 0;
    fdc = fdc_create(bus, sched, dma, (struct irq_line){irq_set_fn, NULL, 6});
    ck_assert_ptr_nonnull(fdc);
    make_image(img_path, IMG_SIZE);
    img2_path[0] = 0;
    char err[256];
    ck_assert_int_eq(fdc_attach(fdc, 0, img_path, false, err, sizeof(err)), 0);
}

static void teardown(void)
{
    fdc_desc.destroy(fdc);
    dma8237_desc.destroy(dma);
    sched_destroy(sched);
    bus_destroy(bus);
    free(ram);
    unlink(img_path);
    if (img2_path[0]) unlink(img2_path);
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

static void cmd(const uint8_t *bytes, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t msr = inb(0x3F4);
        if ((msr & 0xC0) != 0x80)
            ck_abort_msg("byte %d of command %02X: MSR %02X", i, bytes[0], msr);
        outb(0x3F5, bytes[i]);
    }
}

static int result(uint8_t *out, int max)
{
    int n = 0;
    while (n < max && (inb(0x3F4) & 0xD0) == 0xD0)
        out[n++] = inb(0x3F5);
    ck_assert_uint_eq(inb(0x3F4) & 0xD0, 0x80); /* back in the command phase */
    return n;
}

/* Controller reset through the DOR, then the four polling statuses. */
static void reset_and_sense(void)
{
    outb(0x3F2, 0x00);
    ck_assert_uint_eq(inb(0x3F4), 0x00);
    outb(0x3F2, 0x0C);
    ck_assert_int_eq(irq_level, 0);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    for (int i = 0; i < 4; i++) {
        uint8_t c = 0x08, r[2];
        cmd(&c, 1);
        ck_assert_int_eq(result(r, 2), 2);
        ck_assert_uint_eq(r[0], 0xC0 | i);
        ck_assert_uint_eq(r[1], 0);
        ck_assert_int_eq(irq_level, 0);
    }
}

static void sense(uint8_t st0, uint8_t pcn)
{
    uint8_t c = 0x08, r[2];
    cmd(&c, 1);
    ck_assert_int_eq(result(r, 2), 2);
    ck_assert_uint_eq(r[0], st0);
    ck_assert_uint_eq(r[1], pcn);
}

static void seek(int drive, uint8_t cyl)
{
    uint8_t c[3] = {0x0F, (uint8_t)drive, cyl};
    cmd(c, 3);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    sense((uint8_t)(0x20 | drive), cyl);
    ck_assert_int_eq(irq_level, 0);
}

static void program_dma(uint8_t mode, uint32_t addr, uint16_t count)
{
    outb(0x0A, 0x06);
    outb(0x0B, (uint8_t)(mode | 2));
    outb(0x0C, 0);
    outb(0x04, (uint8_t)addr);
    outb(0x04, (uint8_t)(addr >> 8));
    outb(0x81, (uint8_t)(addr >> 16));
    outb(0x05, (uint8_t)count);
    outb(0x05, (uint8_t)(count >> 8));
    outb(0x0A, 0x02);
}

/* READ/WRITE DATA with 7 result bytes after the timer. */
static void xfer(uint8_t op, uint8_t hd_ds, uint8_t c, uint8_t h, uint8_t r, uint8_t eot,
                 uint8_t *res)
{
    uint8_t b[9] = {op, hd_ds, c, h, r, 2, eot, 0x1B, 0xFF};
    cmd(b, 9);
    ck_assert_uint_eq(inb(0x3F4) & 0xD0, 0x10); /* busy, no request */
    ck_assert_int_eq(irq_level, 0);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_int_eq(result(res, 7), 7);
    ck_assert_int_eq(irq_level, 0);
}

static unsigned lba_of(unsigned c, unsigned h, unsigned s)
{
    return (c * 2 + h) * SPT + s - 1;
}

static void check_sector(const uint8_t *p, unsigned lba)
{
    for (unsigned i = 0; i < 512; i++)
        if (p[i] != pattern(lba, i)) ck_abort_msg("lba %u byte %u: %02X", lba, i, p[i]);
}

static void ready_144(void)
{
    reset_and_sense();
    uint8_t spec[3] = {0x03, 0xDF, 0x02};
    cmd(spec, 3);
    outb(0x3F7, 0x00); /* 500 kb/s */
}

START_TEST(test_reset_and_sense_interrupt)
{
    /* Power-on DOR is 0: the controller is held in reset. */
    ck_assert_uint_eq(inb(0x3F2), 0x00);
    reset_and_sense();
    ck_assert_uint_eq(inb(0x3F4), 0x80);
    /* Nothing pending: SENSE INTERRUPT STATUS is an invalid command. */
    uint8_t c = 0x08, r[2];
    cmd(&c, 1);
    ck_assert_int_eq(result(r, 2), 1);
    ck_assert_uint_eq(r[0], 0x80);
    /* DSR software reset: the same interrupt and statuses. */
    outb(0x3F4, 0x80);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    sense(0xC0, 0);
    /* Without the DMA gate bit the interrupt output is tri-stated. */
    outb(0x3F2, 0x08);
    outb(0x3F2, 0x04);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(inb(0x3F0) & 0x80, 0x80); /* SRA: interrupt pending */
    outb(0x3F2, 0x0C);
    ck_assert_int_eq(irq_level, 1);
}
END_TEST

START_TEST(test_specify_recalibrate_seek)
{
    ready_144();
    ck_assert_uint_eq(inb(0x3F4), 0x80);
    uint8_t c[3] = {0x0F, 0x00, 30};
    cmd(c, 3);
    ck_assert_uint_eq(inb(0x3F4), 0x81); /* drive 0 busy seeking, controller free */
    ck_assert_int_eq(irq_level, 0);
    run_ns(100000);
    ck_assert_uint_eq(inb(0x3F4), 0x80);
    sense(0x20, 30);
    /* Relative seek in (RS, DIR=1) by 5, then out by 100 (stops at 0). */
    uint8_t rin[3] = {0xCF, 0x00, 5};
    cmd(rin, 3);
    run_ns(100000);
    sense(0x20, 35);
    uint8_t rout[3] = {0x8F, 0x04, 100};
    cmd(rout, 3);
    run_ns(100000);
    sense(0x24, 0);
    seek(0, 79);
    uint8_t st3c[2] = {0x04, 0x00}, st3;
    cmd(st3c, 2);
    ck_assert_int_eq(result(&st3, 1), 1);
    ck_assert_uint_eq(st3, 0x28); /* not track 0, not protected */
    uint8_t recal[2] = {0x07, 0x00};
    cmd(recal, 2);
    run_ns(100000);
    sense(0x20, 0);
    cmd(st3c, 2);
    result(&st3, 1);
    ck_assert_uint_eq(st3, 0x38); /* track 0 */
    /* No drive 1: recalibrate ends with equipment check. */
    uint8_t recal1[2] = {0x07, 0x01};
    cmd(recal1, 2);
    run_ns(100000);
    sense(0x71, 0);
    /* Drives 2 and 3 are never connected: same answer. */
    uint8_t seek3[3] = {0x0F, 0x03, 9};
    cmd(seek3, 3);
    ck_assert_uint_eq(inb(0x3F4), 0x88);
    run_ns(100000);
    sense(0x73, 0);
}
END_TEST

START_TEST(test_read_dma_multitrack)
{
    ready_144();
    seek(0, 1);
    memset(ram + 0x10000, 0, 4096);
    program_dma(0x46, 0x10000, 3 * 512 - 1); /* three sectors to 0x10000 */
    uint8_t r[7];
    xfer(0xE6, 0x00, 1, 0, 17, 18, r); /* MT: 1/0/17, 1/0/18, 1/1/1 */
    ck_assert_uint_eq(r[0], 0x04);     /* normal, head 1 */
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(r[2], 0);
    ck_assert_uint_eq(r[3], 1);
    ck_assert_uint_eq(r[4], 1);
    ck_assert_uint_eq(r[5], 2);
    ck_assert_uint_eq(r[6], 2);
    check_sector(ram + 0x10000, lba_of(1, 0, 17));
    check_sector(ram + 0x10200, lba_of(1, 0, 18));
    check_sector(ram + 0x10400, lba_of(1, 1, 1));
    ck_assert_uint_eq(ram[0x10600], 0);
    /* Terminal count on the last sector of the track: normal termination,
     * C/H/R point past it (MT, head 1 at EOT: C+1, H complemented, R 1). */
    program_dma(0x46, 0x20000, 2 * 512 - 1);
    xfer(0xC6, 0x04, 1, 1, 17, 18, r);
    ck_assert_uint_eq(r[0] & 0xC0, 0);
    ck_assert_uint_eq(r[3], 2);
    ck_assert_uint_eq(r[4], 0);
    ck_assert_uint_eq(r[5], 1);
    check_sector(ram + 0x20200, lba_of(1, 1, 18));
}
END_TEST

START_TEST(test_read_end_of_cylinder)
{
    ready_144();
    seek(0, 2);
    program_dma(0x46, 0x10000, 8 * 512 - 1); /* more than the track holds */
    uint8_t r[7];
    xfer(0x46, 0x00, 2, 0, 17, 18, r); /* no MT: 17, 18, then the end of the cylinder */
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x80); /* EN */
    ck_assert_uint_eq(r[3], 3);
    ck_assert_uint_eq(r[4], 0);
    ck_assert_uint_eq(r[5], 1);
    check_sector(ram + 0x10200, lba_of(2, 0, 18));
}
END_TEST

START_TEST(test_write_dma_reaches_file)
{
    ready_144();
    seek(0, 5);
    for (unsigned i = 0; i < 1024; i++)
        ram[0x30000 + i] = (uint8_t)(0xA5 ^ i);
    program_dma(0x4A, 0x30000, 1023); /* memory to device */
    uint8_t r[7];
    xfer(0x45, 0x04, 5, 1, 3, 18, r);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(r[5], 5);
    fdc_flush(fdc);
    int fd = open(img_path, O_RDONLY);
    uint8_t buf[1024];
    ck_assert_int_eq(pread(fd, buf, 1024, (off_t)lba_of(5, 1, 3) * 512), 1024);
    close(fd);
    ck_assert_mem_eq(buf, ram + 0x30000, 1024);
    /* Reading it back through DMA gives the same bytes. */
    program_dma(0x46, 0x40000, 1023);
    xfer(0x46, 0x04, 5, 1, 3, 18, r);
    ck_assert_mem_eq(ram + 0x40000, ram + 0x30000, 1024);
}
END_TEST

START_TEST(test_read_id)
{
    ready_144();
    seek(0, 7);
    uint8_t c[2] = {0x4A, 0x04}, r[7];
    cmd(c, 2);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_int_eq(result(r, 7), 7);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[3], 7);
    ck_assert_uint_eq(r[4], 1);
    ck_assert_uint_eq(r[6], 2);
    uint8_t first = r[5];
    cmd(c, 2);
    run_ns(100000);
    result(r, 7);
    ck_assert_uint_eq(r[5], first % SPT + 1); /* the next sector passes the head */
    /* Wrong data rate (250 kb/s for a 1.44M disk): no address mark. */
    outb(0x3F7, 0x02);
    cmd(c, 2);
    run_ns(100000);
    result(r, 7);
    ck_assert_uint_eq(r[0], 0x44);
    ck_assert_uint_eq(r[1], 0x01);
}
END_TEST

START_TEST(test_media_change)
{
    outb(0x3F2, 0x1C);                          /* drive 0 selected, motor on */
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0x80); /* set by the insertion */
    ready_144();
    outb(0x3F2, 0x1C);
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0x80); /* a reset does not clear it */
    seek(0, 1);
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0);
    fdc_eject(fdc, 0);
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0x80);
    seek(0, 2); /* no disk: the line stays up */
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0x80);
    uint8_t r[7];
    program_dma(0x46, 0x10000, 511);
    xfer(0x46, 0x00, 2, 0, 1, 18, r);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x01);
    char err[256];
    ck_assert_int_eq(fdc_attach(fdc, 0, img_path, false, err, sizeof(err)), 0);
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0x80);
    seek(0, 3);
    ck_assert_uint_eq(inb(0x3F7) & 0x80, 0);
}
END_TEST

START_TEST(test_write_protect)
{
    char err[256];
    make_image(img2_path, 737280);
    ck_assert_int_eq(chmod(img2_path, 0444), 0);
    /* A file that cannot be written is attached write-protected (root can
     * write anything, so ask for read-only explicitly too). */
    ck_assert_int_eq(fdc_attach(fdc, 1, img2_path, geteuid() == 0, err, sizeof(err)), 0);
    ck_assert_int_eq(fdc_drive_type(fdc, 1), FDC_TYPE_720K);
    ready_144();
    outb(0x3F7, 0x02); /* 250 kb/s for 720K */
    seek(1, 0);
    uint8_t st3c[2] = {0x04, 0x01}, st3;
    cmd(st3c, 2);
    result(&st3, 1);
    ck_assert_uint_eq(st3, 0x79); /* protected, track 0, drive 1 */
    program_dma(0x4A, 0x30000, 511);
    uint8_t r[7];
    xfer(0x45, 0x01, 0, 0, 1, 9, r);
    ck_assert_uint_eq(r[0], 0x41);
    ck_assert_uint_eq(r[1], 0x02); /* NW */
    int fd = open(img2_path, O_RDONLY);
    uint8_t b;
    ck_assert_int_eq(pread(fd, &b, 1, 0), 1);
    close(fd);
    ck_assert_uint_eq(b, pattern(0, 0));
    /* Reading works. */
    program_dma(0x46, 0x10000, 511);
    xfer(0x46, 0x01, 0, 0, 9, 9, r);
    ck_assert_uint_eq(r[0], 0x01);
    check_sector(ram + 0x10000, 8);
}
END_TEST

START_TEST(test_bad_sector_and_wrong_cylinder)
{
    ready_144();
    seek(0, 4);
    program_dma(0x46, 0x10000, 511);
    uint8_t r[7];
    xfer(0x46, 0x00, 4, 0, 19, 19, r); /* sector 19 does not exist */
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x04); /* ND */
    ck_assert_uint_eq(r[2], 0);
    xfer(0x46, 0x00, 9, 0, 1, 18, r); /* the head is on 4, not 9 */
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x04);
    ck_assert_uint_eq(r[2], 0x10); /* WC */
    /* DMA channel masked: overrun. */
    outb(0x0A, 0x06);
    xfer(0x46, 0x00, 4, 0, 1, 18, r);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x10);
    /* Missing drive 1. */
    xfer(0x46, 0x01, 0, 0, 1, 18, r);
    ck_assert_uint_eq(r[0], 0x41);
    ck_assert_uint_eq(r[1], 0x01);
}
END_TEST

START_TEST(test_version_configure_dumpreg_lock)
{
    ready_144();
    uint8_t v = 0x10, r[10];
    cmd(&v, 1);
    ck_assert_int_eq(result(r, 10), 1);
    ck_assert_uint_eq(r[0], 0x90);
    ck_assert_int_eq(irq_level, 0);
    uint8_t conf[4] = {0x13, 0x00, 0x18, 0x05}; /* polling off, threshold 8, pretrk 5 */
    cmd(conf, 4);
    ck_assert_uint_eq(inb(0x3F4), 0x80);
    seek(0, 12);
    uint8_t perp[2] = {0x12, 0x84}; /* OW, drive 0 perpendicular */
    cmd(perp, 2);
    uint8_t dump = 0x0E;
    cmd(&dump, 1);
    ck_assert_int_eq(result(r, 10), 10);
    ck_assert_uint_eq(r[0], 12);
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(r[4], 0xDF);
    ck_assert_uint_eq(r[5], 0x02);
    ck_assert_uint_eq(r[7], 0x04);
    ck_assert_uint_eq(r[8], 0x18);
    ck_assert_uint_eq(r[9], 0x05);
    uint8_t lock = 0x94;
    cmd(&lock, 1);
    ck_assert_int_eq(result(r, 10), 1);
    ck_assert_uint_eq(r[0], 0x10);
    /* Software reset: the locked configuration survives; polling is off, so
     * no reset interrupt. */
    outb(0x3F4, 0x80);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 0);
    cmd(&dump, 1);
    result(r, 10);
    ck_assert_uint_eq(r[7], 0x84);
    ck_assert_uint_eq(r[8], 0x18);
    ck_assert_uint_eq(r[9], 0x05);
    uint8_t unlock = 0x14;
    cmd(&unlock, 1);
    result(r, 10);
    ck_assert_uint_eq(r[0], 0x00);
    outb(0x3F2, 0x08);
    outb(0x3F2, 0x0C);
    cmd(&dump, 1);
    result(r, 10);
    ck_assert_uint_eq(r[8], 0x20); /* defaults again */
    ck_assert_uint_eq(r[9], 0);
}
END_TEST

START_TEST(test_invalid_command)
{
    ready_144();
    static const uint8_t bad[] = {0x00, 0x01, 0x1F, 0x11, 0x43, 0x0C, 0xFF};
    for (size_t i = 0; i < sizeof(bad); i++) {
        outb(0x3F5, bad[i]);
        ck_assert_uint_eq(inb(0x3F4), 0xD0);
        ck_assert_uint_eq(inb(0x3F5), 0x80);
        ck_assert_uint_eq(inb(0x3F4), 0x80);
        ck_assert_int_eq(irq_level, 0);
    }
}
END_TEST

START_TEST(test_pio_read_and_write)
{
    ready_144();
    uint8_t spec[3] = {0x03, 0xDF, 0x03}; /* ND: non-DMA */
    cmd(spec, 3);
    seek(0, 6);
    uint8_t b[9] = {0x46, 0x00, 6, 0, 17, 2, 18, 0x1B, 0xFF};
    cmd(b, 9);
    run_ns(100000);
    uint8_t buf[1024];
    for (int i = 0; i < 1024; i++) {
        uint8_t msr = inb(0x3F4);
        if (msr != 0xF0) ck_abort_msg("byte %d: MSR %02X", i, msr);
        if (!irq_level) ck_abort_msg("byte %d: no data request interrupt", i);
        buf[i] = inb(0x3F5);
    }
    check_sector(buf, lba_of(6, 0, 17));
    check_sector(buf + 512, lba_of(6, 0, 18));
    uint8_t r[7];
    ck_assert_int_eq(irq_level, 1);
    ck_assert_int_eq(result(r, 7), 7);
    ck_assert_uint_eq(r[0], 0x40); /* no terminal count without DMA: EN */
    ck_assert_uint_eq(r[1], 0x80);
    ck_assert_uint_eq(r[3], 7);
    ck_assert_uint_eq(r[5], 1);
    /* PIO write of one sector. */
    uint8_t w[9] = {0x45, 0x00, 6, 0, 18, 2, 18, 0x1B, 0xFF};
    cmd(w, 9);
    run_ns(100000);
    for (int i = 0; i < 512; i++) {
        if (inb(0x3F4) != 0xB0) ck_abort_msg("write byte %d: MSR %02X", i, inb(0x3F4));
        outb(0x3F5, (uint8_t)(i ^ 0x5A));
    }
    ck_assert_int_eq(result(r, 7), 7);
    ck_assert_uint_eq(r[1], 0x80);
    int fd = open(img_path, O_RDONLY);
    ck_assert_int_eq(pread(fd, buf, 512, (off_t)lba_of(6, 0, 18) * 512), 512);
    close(fd);
    for (int i = 0; i < 512; i++)
        if (buf[i] != (uint8_t)(i ^ 0x5A)) ck_abort_msg("file byte %d", i);
}
END_TEST

START_TEST(test_format_track)
{
    ready_144();
    seek(0, 10);
    for (int s = 0; s < SPT; s++) {
        uint8_t *id = ram + 0x50000 + 4 * s;
        id[0] = 10, id[1] = 1, id[2] = (uint8_t)(s + 1), id[3] = 2;
    }
    program_dma(0x4A, 0x50000, 4 * SPT - 1);
    uint8_t f[6] = {0x4D, 0x04, 2, SPT, 0x54, 0xE5}, r[7];
    cmd(f, 6);
    run_ns(100000);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_int_eq(result(r, 7), 7);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0);
    int fd = open(img_path, O_RDONLY);
    uint8_t buf[SPT * 512];
    ck_assert_int_eq(pread(fd, buf, sizeof(buf), (off_t)lba_of(10, 1, 1) * 512), sizeof(buf));
    uint8_t after[512];
    ck_assert_int_eq(pread(fd, after, 512, (off_t)lba_of(11, 0, 1) * 512), 512);
    close(fd);
    for (size_t i = 0; i < sizeof(buf); i++)
        if (buf[i] != 0xE5) ck_abort_msg("byte %zu not filled", i);
    check_sector(after, lba_of(11, 0, 1));
}
END_TEST

START_TEST(test_attach_errors_and_geometry)
{
    char err[256], odd[64];
    make_image(odd, 1474560 - 512);
    ck_assert_int_eq(fdc_attach(fdc, 1, odd, false, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a floppy image size"));
    unlink(odd);
    ck_assert_int_eq(fdc_attach(fdc, 1, "/nonexistent/x.img", false, err, sizeof(err)), -1);
    ck_assert_int_eq(fdc_attach(fdc, 2, img_path, false, err, sizeof(err)), -1);
    ck_assert_int_eq(fdc_drive_type(fdc, 0), FDC_TYPE_1_44M);
    ck_assert_int_eq(fdc_drive_type(fdc, 1), FDC_TYPE_NONE);
    static const struct {
        unsigned size;
        int type;
    } t[] = {{163840, FDC_TYPE_360K},
             {368640, FDC_TYPE_360K},
             {1228800, FDC_TYPE_1_2M},
             {2949120, FDC_TYPE_2_88M}};
    for (size_t i = 0; i < 4; i++) {
        make_image(odd, t[i].size);
        ck_assert_int_eq(fdc_attach(fdc, 1, odd, false, err, sizeof(err)), 0);
        ck_assert_int_eq(fdc_drive_type(fdc, 1), t[i].type);
        unlink(odd);
    }
}
END_TEST

START_TEST(test_fuzz_and_info)
{
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint16_t port = (uint16_t)(0x3F0 + ((x >> 16) & 7));
        if ((x >> 8) & 1)
            outb(port, (uint8_t)(x >> 24));
        else
            (void)inb(port);
        if ((i & 63) == 0) run_ns(20000);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fdc_desc.info(fdc, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "fdc: dor="));
    free(text);
    fdc_desc.reset(fdc);
    ck_assert_uint_eq(inb(0x3F2), 0);
    ck_assert_int_eq(irq_level, 0);
}
END_TEST

static Suite *fdc_suite(void)
{
    Suite *s = suite_create("fdc");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_and_sense_interrupt);
    tcase_add_test(tc, test_specify_recalibrate_seek);
    tcase_add_test(tc, test_read_dma_multitrack);
    tcase_add_test(tc, test_read_end_of_cylinder);
    tcase_add_test(tc, test_write_dma_reaches_file);
    tcase_add_test(tc, test_read_id);
    tcase_add_test(tc, test_media_change);
    tcase_add_test(tc, test_write_protect);
    tcase_add_test(tc, test_bad_sector_and_wrong_cylinder);
    tcase_add_test(tc, test_version_configure_dumpreg_lock);
    tcase_add_test(tc, test_invalid_command);
    tcase_add_test(tc, test_pio_read_and_write);
    tcase_add_test(tc, test_format_track);
    tcase_add_test(tc, test_attach_errors_and_geometry);
    tcase_add_test(tc, test_fuzz_and_info);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fdc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
