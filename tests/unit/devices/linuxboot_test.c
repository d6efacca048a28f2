/*
 * linuxboot_test.c - the Linux/x86 32-bit boot protocol loader on synthetic
 * bzImage files (setup header built byte by byte, boot.rst offsets), loaded
 * into a host buffer standing for guest RAM: the protected-mode kernel at
 * 1 MiB, boot_params with the header filled in, the command line, initrd
 * placement, the E820 map, the GDT, the ACPI tables; and one clear error,
 * with nothing written, for truncated, garbage, old and oversized inputs.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/linuxboot.h"

#define RAM_SIZE (32u << 20)
#define SETUP_SECTS 4
#define KSIZE 8192u

static uint8_t *ram;
static unsigned writes;

static void ram_write(void *opaque, uint32_t paddr, const void *src, size_t len)
{
    (void)opaque;
    ck_assert_uint_le((uint64_t)paddr + len, RAM_SIZE);
    writes++;
    if (src)
        memcpy(ram + paddr, src, len);
    else
        memset(ram + paddr, 0, len);
}

static const struct lb_mem mem = {ram_write, NULL, RAM_SIZE, 0x40000};
static const struct lb_acpi acpi = {0x600, 9, 0xB2, 0xF1, 0xF0, {10, 10, 11, 11}, 0x10000000};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v), wr16(p + 2, (uint16_t)(v >> 16)); }

static uint8_t img[(SETUP_SECTS + 1) * 512 + KSIZE];

/* A protocol 2.15 bzImage: 4 setup sectors, 8 KiB of "kernel". */
static void make_bzimage(uint16_t version)
{
    memset(img, 0, sizeof(img));
    img[0x1F1] = SETUP_SECTS;
    wr16(img + 0x1FE, 0xAA55);
    img[0x200] = 0xEB;
    img[0x201] = 0x6A; /* header ends at 0x26C */
    memcpy(img + 0x202, "HdrS", 4);
    wr16(img + 0x206, version);
    img[0x211] = 0x01;                 /* LOADED_HIGH */
    wr32(img + 0x214, 0x100000);       /* code32_start */
    wr32(img + 0x22C, 0x7FFFFFFF);     /* initrd_addr_max */
    wr32(img + 0x238, 2048);           /* cmdline_size */
    wr32(img + 0x260, 0x10000);        /* init_size: 64 KiB */
    for (unsigned i = 0; i < KSIZE; i++)
        img[(SETUP_SECTS + 1) * 512 + i] = (uint8_t)(i * 7 + 1);
}

static void setup(void)
{
    ram = malloc(RAM_SIZE);
    memset(ram, 0xAA, RAM_SIZE);
    writes = 0;
    make_bzimage(0x020F);
}
static void teardown(void) { free(ram); }

static char err[512];

static int load(size_t len, const char *cmdline, const uint8_t *rd, size_t rdlen,
                struct lb_boot *b)
{
    err[0] = 0;
    return linuxboot_load(&mem, "vmlinuz", img, len, cmdline, rd, rdlen, "initrd.gz", &acpi, b,
                          err, sizeof(err));
}

static void expect_error(size_t len, const char *rd_note, size_t rdlen, const char *want)
{
    struct lb_boot b;
    static uint8_t rd[1];
    ck_assert_int_eq(load(len, "x", rd_note ? rd : NULL, rdlen, &b), -1);
    ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" lacks \"%s\"", err, want);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_uint_eq(writes, 0);
}

START_TEST(test_detect)
{
    ck_assert(linuxboot_is_bzimage(img, sizeof(img)));
    ck_assert(!linuxboot_is_bzimage(img, 0x205));
    img[0x202] = 'X';
    ck_assert(!linuxboot_is_bzimage(img, sizeof(img)));
}
END_TEST

START_TEST(test_load_good)
{
    static uint8_t rd[10000];
    for (unsigned i = 0; i < sizeof(rd); i++)
        rd[i] = (uint8_t)(i ^ 0x5A);
    struct lb_boot b;
    ck_assert_int_eq(load(sizeof(img), "console=ttyS0 quiet", rd, sizeof(rd), &b), 0);
    ck_assert_str_eq(err, "");
    /* kernel at 1 MiB */
    ck_assert_mem_eq(ram + 0x100000, img + 5 * 512, KSIZE);
    ck_assert_uint_eq(b.entry, 0x100000);
    ck_assert_uint_eq(b.params, LINUXBOOT_PARAMS_ADDR);
    ck_assert_uint_eq(b.protocol, 0x020F);
    ck_assert_uint_eq(b.kernel_end, 0x110000); /* init_size beats the file size */
    /* boot_params: header copied and filled */
    const uint8_t *bp = ram + LINUXBOOT_PARAMS_ADDR;
    ck_assert_mem_eq(bp + 0x202, "HdrS", 4);
    ck_assert_uint_eq(bp[0x1F1], SETUP_SECTS);
    ck_assert_uint_eq(rd16(bp + 0x1FA), 0xFFFF);
    ck_assert_uint_eq(bp[0x210], 0xFF);
    ck_assert_uint_eq(bp[0x211], 0x81); /* LOADED_HIGH | CAN_USE_HEAP */
    ck_assert_uint_eq(rd16(bp + 0x224), 0xFE00);
    ck_assert_uint_eq(rd32(bp + 0x228), LINUXBOOT_CMDLINE_ADDR);
    ck_assert_str_eq((const char *)ram + LINUXBOOT_CMDLINE_ADDR, "console=ttyS0 quiet");
    ck_assert_uint_eq(bp[0x1EF], 0); /* sentinel stays 0: the kernel keeps our fields */
    ck_assert_uint_eq(bp[0x26C], 0); /* past the header: not copied */
    /* initrd: page-aligned, as high as RAM allows */
    uint32_t ra = rd32(bp + 0x218);
    ck_assert_uint_eq(rd32(bp + 0x21C), sizeof(rd));
    ck_assert_uint_eq(ra % 4096, 0);
    ck_assert_uint_le(ra + sizeof(rd), RAM_SIZE);
    ck_assert_uint_gt(ra + sizeof(rd) + 4096, RAM_SIZE);
    ck_assert_uint_eq(ra, b.initrd_addr);
    ck_assert_mem_eq(ram + ra, rd, sizeof(rd));
    /* memory sizes and E820 */
    ck_assert_uint_eq(rd32(bp + 0x1E0), (RAM_SIZE - 0x100000) / 1024);
    ck_assert_uint_eq(rd16(bp + 0x002), (RAM_SIZE - 0x100000) / 1024);
    ck_assert_uint_eq(bp[0x1E8], 5);
    const uint8_t *e = bp + 0x2D0;
    ck_assert_uint_eq(rd32(e + 0), 0);                  /* low RAM */
    ck_assert_uint_eq(rd32(e + 8), 0x9F000);
    ck_assert_uint_eq(rd32(e + 16), 1);
    ck_assert_uint_eq(rd32(e + 60), 0x100000);          /* high RAM */
    ck_assert_uint_eq(rd32(e + 68), RAM_SIZE - 0x100000);
    ck_assert_uint_eq(rd32(e + 76), 1);
    ck_assert_uint_eq(rd32(e + 80), 0xFFFC0000u);       /* BIOS ROM */
    ck_assert_uint_eq(rd32(e + 96), 2);
    /* GDT: flat code at 0x10, data at 0x18 */
    const uint8_t *g = ram + b.gdt_base;
    ck_assert_uint_eq(b.gdt_limit, 31);
    ck_assert_uint_eq(rd32(g + 16), 0x0000FFFF);
    ck_assert_uint_eq(rd32(g + 20), 0x00CF9B00);
    ck_assert_uint_eq(rd32(g + 28), 0x00CF9300);
    /* ACPI: RSDP address and checksums */
    uint32_t rsdp = rd32(bp + 0x70);
    ck_assert_uint_eq(rsdp, LINUXBOOT_ACPI_ADDR);
    ck_assert_mem_eq(ram + rsdp, "RSD PTR ", 8);
    uint8_t sum = 0;
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + ram[rsdp + i]);
    ck_assert_uint_eq(sum, 0);
    uint32_t rsdt = rd32(ram + rsdp + 16), fadt = rd32(ram + rsdt + 36);
    ck_assert_mem_eq(ram + fadt, "FACP", 4);
    sum = 0;
    for (uint32_t i = 0; i < rd32(ram + fadt + 4); i++)
        sum = (uint8_t)(sum + ram[fadt + i]);
    ck_assert_uint_eq(sum, 0);
    ck_assert_uint_eq(rd16(ram + fadt + 46), 9);         /* SCI */
    ck_assert_uint_eq(rd32(ram + fadt + 76), 0x608);     /* PM timer */
    uint32_t dsdt = rd32(ram + fadt + 40);
    ck_assert_mem_eq(ram + dsdt + 36, "\x08_S5_", 5);
    uint32_t dlen = rd32(ram + dsdt + 4);
    ck_assert_uint_le(dsdt + dlen, LINUXBOOT_ACPI_ADDR + 0x1000);
    sum = 0;
    for (uint32_t i = 0; i < dlen; i++)
        sum = (uint8_t)(sum + ram[dsdt + i]);
    ck_assert_uint_eq(sum, 0);
    /* \_SB.PCI0 with _HID PNP0A03, and the _PRT's QEMU-style PIRQ swizzle:
     * slot 2 INTA -> PIRQB (IRQ 10), slot 3 INTB -> PIRQD (IRQ 11). */
    const uint8_t *dt = ram + dsdt;
    ck_assert_ptr_nonnull(memmem(dt, dlen, "PCI0\x08_HID\x0C\x41\xD0\x0A\x03", 14));
    static const uint8_t slot2_inta[] = {0x12, 0x0B, 0x04, 0x0C, 0xFF, 0xFF, 0x02, 0x00,
                                         0x00, 0x00, 0x0A, 0x0A};
    static const uint8_t slot3_intb[] = {0x12, 0x0B, 0x04, 0x0C, 0xFF, 0xFF, 0x03, 0x00,
                                         0x01, 0x00, 0x0A, 0x0B};
    ck_assert_ptr_nonnull(memmem(dt, dlen, slot2_inta, sizeof(slot2_inta)));
    ck_assert_ptr_nonnull(memmem(dt, dlen, slot3_intb, sizeof(slot3_intb)));
}
END_TEST

START_TEST(test_initrd_addr_max)
{
    wr32(img + 0x22C, 0x00FFFFFF); /* 16 MiB - 1 */
    static uint8_t rd[5000];
    struct lb_boot b;
    ck_assert_int_eq(load(sizeof(img), NULL, rd, sizeof(rd), &b), 0);
    ck_assert_uint_eq(b.initrd_addr, (0x1000000 - 5000) & ~0xFFFu);
    ck_assert_str_eq((const char *)ram + LINUXBOOT_CMDLINE_ADDR, "");
}
END_TEST

START_TEST(test_protocol_202)
{
    make_bzimage(0x0202); /* no initrd_addr_max: 0x37FFFFFF; cmdline 255 */
    struct lb_boot b;
    ck_assert_int_eq(load(sizeof(img), "a", NULL, 0, &b), 0);
    ck_assert_uint_eq(b.initrd_addr, 0);
    ck_assert_uint_eq(b.kernel_end, 0x100000 + KSIZE); /* no init_size before 2.10 */
    char longline[300];
    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = 0;
    writes = 0;
    ck_assert_int_eq(load(sizeof(img), longline, NULL, 0, &b), -1);
    ck_assert_ptr_nonnull(strstr(err, "at most 255"));
    ck_assert_uint_eq(writes, 0);
}
END_TEST

START_TEST(test_bad)
{
    expect_error(0x100, NULL, 0, "no \"HdrS\"");
    make_bzimage(0x0201);
    expect_error(sizeof(img), NULL, 0, "2.01 is too old");
    make_bzimage(0x020F);
    img[0x211] = 0;
    expect_error(sizeof(img), NULL, 0, "zImage");
    make_bzimage(0x020F);
    wr16(img + 0x1FE, 0x1234);
    expect_error(sizeof(img), NULL, 0, "boot_flag");
    make_bzimage(0x020F);
    expect_error(5 * 512, NULL, 0, "truncated");   /* setup only, no kernel */
    expect_error(0x300, NULL, 0, "truncated");
    img[0x1F1] = 200;                               /* setup bigger than the file */
    expect_error(sizeof(img), NULL, 0, "truncated");
    make_bzimage(0x020F);
    wr32(img + 0x260, 0x7FFFFFFF);                  /* init_size beyond RAM */
    expect_error(sizeof(img), NULL, 0, "RAM has only");
    make_bzimage(0x020F);
    expect_error(sizeof(img), "rd", RAM_SIZE, "initrd.gz: ");        /* bigger than RAM */
    expect_error(sizeof(img), "rd", RAM_SIZE - 0x100000, "do not fit"); /* over the kernel */
    wr32(img + 0x22C, 0x000FFFFF);                  /* initrd_addr_max below the kernel */
    expect_error(sizeof(img), "rd", 1, "do not fit");
}
END_TEST

START_TEST(test_setup_sects_default)
{
    static uint8_t big[(4 + 1) * 512 + 100];
    memcpy(big, img, sizeof(big));
    big[0x1F1] = 0; /* means 4 */
    struct lb_boot b;
    err[0] = 0;
    ck_assert_int_eq(linuxboot_load(&mem, "k", big, sizeof(big), NULL, NULL, 0, NULL, NULL, &b,
                                    err, sizeof(err)),
                     0);
    ck_assert_mem_eq(ram + 0x100000, big + 5 * 512, 100);
    ck_assert_uint_eq(rd32(ram + LINUXBOOT_PARAMS_ADDR + 0x70), 0); /* no ACPI asked */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linuxboot");
    TCase *t = tcase_create("linuxboot");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_detect);
    tcase_add_test(t, test_load_good);
    tcase_add_test(t, test_initrd_addr_max);
    tcase_add_test(t, test_protocol_202);
    tcase_add_test(t, test_bad);
    tcase_add_test(t, test_setup_sects_default);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
