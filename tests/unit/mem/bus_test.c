/*
 * bus_test.c - mem/bus.c: mapping rules, width adjustment, dispatch, A20,
 * listeners, code-page invalidation and the dirty log.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem/bus.h"
#include "mem/ram.h"

/* ---- a fake device that records every access ---- */

struct access {
    bool write;      /* write (else read) */
    uint32_t offset; /* region-relative offset */
    uint32_t value;  /* value written or returned */
    unsigned size;   /* 1, 2 or 4 */
};

struct fake {
    uint8_t regs[64];      /* backing bytes, little-endian */
    struct access log[64]; /* accesses in order */
    int n;                 /* entries in log */
};

static uint32_t fake_read(void *opaque, uint32_t off, unsigned size)
{
    struct fake *f = opaque;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)f->regs[(off + i) % sizeof(f->regs)] << (8 * i);
    ck_assert_int_lt(f->n, 64);
    f->log[f->n++] = (struct access){false, off, v, size};
    return v;
}

static void fake_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct fake *f = opaque;
    for (unsigned i = 0; i < size; i++)
        f->regs[(off + i) % sizeof(f->regs)] = (uint8_t)(value >> (8 * i));
    ck_assert_int_lt(f->n, 64);
    f->log[f->n++] = (struct access){true, off, value, size};
}

static const struct io_ops any_ops = {fake_read, fake_write, 0, 0, "any"};
static const struct io_ops byte_ops = {fake_read, fake_write, 1, 1, "byte"};
static const struct io_ops word_ops = {fake_read, fake_write, 1, 2, "word"};
static const struct io_ops dword_ops = {fake_read, fake_write, 4, 4, "dword"};

static void fake_fill(struct fake *f)
{
    memset(f, 0, sizeof(*f));
    for (unsigned i = 0; i < sizeof(f->regs); i++)
        f->regs[i] = (uint8_t)(0x10 + i);
}

static void check_access(const struct fake *f, int i, bool write, uint32_t off, uint32_t value,
                         unsigned size)
{
    ck_assert_int_gt(f->n, i);
    ck_assert_msg(f->log[i].write == write, "access %d: write %d", i, f->log[i].write);
    ck_assert_uint_eq(f->log[i].offset, off);
    ck_assert_uint_eq(f->log[i].value, value);
    ck_assert_uint_eq(f->log[i].size, size);
}

/* ---- overlap and argument checks ---- */

START_TEST(test_port_overlap_rejected)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    ck_assert_ptr_nonnull(bus_map_ports(b, 0x60, 5, &any_ops, &f));
    ck_assert_ptr_null(bus_map_ports(b, 0x64, 1, &any_ops, &f));
    ck_assert_ptr_null(bus_map_ports(b, 0x5f, 2, &any_ops, &f));
    ck_assert_ptr_null(bus_map_ports(b, 0x00, 0x100, &any_ops, &f));
    ck_assert_ptr_nonnull(bus_map_ports(b, 0x65, 1, &any_ops, &f));
    ck_assert_ptr_nonnull(bus_map_ports(b, 0x5f, 1, &any_ops, &f));
    /* bad arguments */
    ck_assert_ptr_null(bus_map_ports(b, 0x200, 0, &any_ops, &f));
    ck_assert_ptr_null(bus_map_ports(b, 0xfff0, 0x20, &any_ops, &f));
    ck_assert_ptr_null(bus_map_ports(b, 0x200, 1, NULL, &f));
    static const struct io_ops bad3 = {fake_read, fake_write, 3, 4, "bad"};
    static const struct io_ops bad_order = {fake_read, fake_write, 4, 2, "bad"};
    ck_assert_ptr_null(bus_map_ports(b, 0x200, 1, &bad3, &f));
    ck_assert_ptr_null(bus_map_ports(b, 0x200, 1, &bad_order, &f));
    ck_assert_ptr_nonnull(bus_map_ports(b, 0xfff0, 0x10, &any_ops, &f));
    bus_destroy(b);
}
END_TEST

START_TEST(test_memory_overlap_rules)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    uint8_t *ram = ram_alloc(0x10000);
    ck_assert_ptr_nonnull(bus_map_ram(b, 0, 0x8000, ram, 0));
    ck_assert_ptr_null(bus_map_ram(b, 0x7000, 0x2000, ram, 0));     /* RAM over RAM */
    ck_assert_ptr_null(bus_map_ram(b, 0x8800, 0x1000, ram, 0));     /* misaligned base */
    ck_assert_ptr_null(bus_map_ram(b, 0x9000, 0x800, ram, 0));      /* misaligned length */
    ck_assert_ptr_null(bus_map_ram(b, 0x9000, 0, ram, 0));          /* empty */
    ck_assert_ptr_null(bus_map_ram(b, 0x9000, 0x1000, NULL, 0));    /* no memory */
    ck_assert_ptr_null(bus_map_ram(b, 0x9000, 0x1000, ram, 0x80));  /* unknown flag */
    ck_assert_ptr_null(bus_map_ram(b, 0xfffff000, 0x2000, ram, 0)); /* past 4 GiB */
    ck_assert_ptr_nonnull(bus_map_ram(b, 0xffff0000, 0x10000, ram, BUS_RAM_ROM)); /* to 4 GiB */

    ck_assert_ptr_nonnull(bus_map_mmio(b, 0x2000, 0x10, &any_ops, &f)); /* MMIO over RAM: ok */
    ck_assert_ptr_null(bus_map_mmio(b, 0x200f, 0x10, &any_ops, &f));    /* MMIO over MMIO */
    ck_assert_ptr_null(bus_map_mmio(b, 0x1ff0, 0x11, &any_ops, &f));
    ck_assert_ptr_nonnull(bus_map_mmio(b, 0x2010, 0x10, &any_ops, &f)); /* adjacent */
    ck_assert_ptr_nonnull(bus_map_mmio(b, 0x1ff0, 0x10, &any_ops, &f));
    ck_assert_ptr_null(bus_map_mmio(b, 0xfffffff0, 0x11, &any_ops, &f));
    ck_assert_ptr_nonnull(bus_map_mmio(b, 0xfffffff0, 0x10, &any_ops, &f));
    ck_assert_ptr_null(bus_map_mmio(b, 0x10000, 0, &any_ops, &f));
    bus_destroy(b);
    ram_free(ram, 0x10000);
}
END_TEST

/* ---- width adjustment ---- */

START_TEST(test_port_split_wide_access)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    bus_map_ports(b, 0x100, 8, &byte_ops, &f);
    ck_assert_uint_eq(bus_port_read(b, 0x102, 4), 0x15141312);
    ck_assert_int_eq(f.n, 4);
    for (int i = 0; i < 4; i++)
        check_access(&f, i, false, 2 + i, 0x12 + i, 1);

    f.n = 0;
    bus_port_write(b, 0x104, 0xa1b2c3d4, 4);
    ck_assert_int_eq(f.n, 4);
    check_access(&f, 0, true, 4, 0xd4, 1);
    check_access(&f, 1, true, 5, 0xc3, 1);
    check_access(&f, 2, true, 6, 0xb2, 1);
    check_access(&f, 3, true, 7, 0xa1, 1);

    struct fake g;
    fake_fill(&g);
    bus_map_ports(b, 0x200, 8, &word_ops, &g);
    ck_assert_uint_eq(bus_port_read(b, 0x200, 4), 0x13121110);
    ck_assert_int_eq(g.n, 2);
    check_access(&g, 0, false, 0, 0x1110, 2);
    check_access(&g, 1, false, 2, 0x1312, 2);
    ck_assert_uint_eq(bus_port_read(b, 0x201, 1), 0x11); /* in range: passed through */
    check_access(&g, 2, false, 1, 0x11, 1);
    bus_destroy(b);
}
END_TEST

START_TEST(test_port_widen_narrow_access)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    bus_map_ports(b, 0xcf8, 8, &dword_ops, &f);

    ck_assert_uint_eq(bus_port_read(b, 0xcfa, 1), 0x12);
    ck_assert_int_eq(f.n, 1);
    check_access(&f, 0, false, 0, 0x13121110, 4);

    /* a word straddling two device dwords: two dword reads */
    f.n = 0;
    ck_assert_uint_eq(bus_port_read(b, 0xcfb, 2), 0x1413);
    ck_assert_int_eq(f.n, 2);
    check_access(&f, 0, false, 0, 0x13121110, 4);
    check_access(&f, 1, false, 4, 0x17161514, 4);

    /* narrow write: one dword write, the other bytes zero (no read-modify-write) */
    f.n = 0;
    bus_port_write(b, 0xcf9, 0xab, 1);
    ck_assert_int_eq(f.n, 1);
    check_access(&f, 0, true, 0, 0x0000ab00, 4);
    f.n = 0;
    bus_port_write(b, 0xcfe, 0xbeef, 2);
    ck_assert_int_eq(f.n, 1);
    check_access(&f, 0, true, 4, 0xbeef0000, 4);
    bus_destroy(b);
}
END_TEST

START_TEST(test_unmapped_ports_read_all_ones)
{
    struct bus *b = bus_create();
    ck_assert_uint_eq(bus_port_read(b, 0x80, 1), 0xff);
    ck_assert_uint_eq(bus_port_read(b, 0x80, 2), 0xffff);
    ck_assert_uint_eq(bus_port_read(b, 0x80, 4), 0xffffffff);
    ck_assert_uint_eq(bus_port_read(b, 0xffff, 4), 0xffffffff);
    bus_port_write(b, 0x80, 0x12, 1); /* ignored */
    bus_port_write(b, 0xfffe, 0x12345678, 4);
    /* a device without read/write callbacks behaves like open bus */
    static const struct io_ops null_ops = {NULL, NULL, 0, 0, "null"};
    ck_assert_ptr_nonnull(bus_map_ports(b, 0x90, 4, &null_ops, NULL));
    ck_assert_uint_eq(bus_port_read(b, 0x90, 4), 0xffffffff);
    bus_port_write(b, 0x90, 1, 4);
    bus_destroy(b);
}
END_TEST

START_TEST(test_port_access_straddling_regions)
{
    struct bus *b = bus_create();
    struct fake f, g;
    fake_fill(&f);
    fake_fill(&g);
    g.regs[0] = 0xa0;
    g.regs[1] = 0xa1;
    bus_map_ports(b, 0x100, 2, &any_ops, &f);
    bus_map_ports(b, 0x102, 2, &any_ops, &g);
    ck_assert_uint_eq(bus_port_read(b, 0x100, 4), 0xa1a01110);
    ck_assert_int_eq(f.n, 2); /* split per byte */
    check_access(&f, 0, false, 0, 0x10, 1);
    check_access(&f, 1, false, 1, 0x11, 1);
    check_access(&g, 0, false, 0, 0xa0, 1);
    /* running off the end into unmapped ports */
    ck_assert_uint_eq(bus_port_read(b, 0x103, 2), 0xffa1);
    ck_assert_uint_eq(bus_port_read(b, 0x0ff, 2), 0x10ff);

    f.n = g.n = 0;
    bus_port_write(b, 0x101, 0x332211, 4);
    ck_assert_int_eq(f.n, 1);
    check_access(&f, 0, true, 1, 0x11, 1);
    ck_assert_int_eq(g.n, 2);
    check_access(&g, 0, true, 0, 0x22, 1);
    check_access(&g, 1, true, 1, 0x33, 1);
    bus_destroy(b);
}
END_TEST

/* Run fn with stderr captured; returns what it wrote (malloc'd). */
static char *capture_stderr(void (*fn)(void))
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    long n = ftell(tmp);
    char *text = calloc(1, (size_t)n + 1);
    rewind(tmp);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, tmp), (size_t)n);
    fclose(tmp);
    return text;
}

static void poke_unmapped(void)
{
    struct bus *b = bus_create();
    bus_port_read(b, 0x3e8, 1);
    bus_port_read(b, 0x3e8, 2);
    bus_port_read(b, 0x3e9, 1);
    bus_port_write(b, 0x3e8, 0x41, 1);
    bus_port_write(b, 0x3e8, 0x42, 1);
    bus_destroy(b);
}

START_TEST(test_unmapped_logging)
{
    unsetenv("CINDER_LOG_UNMAPPED");
    char *quiet = capture_stderr(poke_unmapped);
    ck_assert_str_eq(quiet, "");
    free(quiet);
    setenv("CINDER_LOG_UNMAPPED", "1", 1);
    char *text = capture_stderr(poke_unmapped);
    unsetenv("CINDER_LOG_UNMAPPED");
    ck_assert_str_eq(text, "unmapped port read 0x3e8\n"
                           "unmapped port read 0x3e9\n"
                           "unmapped port write 0x3e8 = 0x41\n");
    free(text);
}
END_TEST

/* ---- memory ---- */

START_TEST(test_ram_read_write_and_crossing)
{
    struct bus *b = bus_create();
    uint8_t *ram = ram_alloc(0x2000);
    bus_map_ram(b, 0x10000, 0x2000, ram, 0);
    bus_phys_write(b, 0x10ffe, 0x44332211, 4); /* crosses a page inside one region */
    ck_assert_uint_eq(ram[0xffe], 0x11);
    ck_assert_uint_eq(ram[0x1001], 0x44);
    ck_assert_uint_eq(bus_phys_read(b, 0x10ffe, 4), 0x44332211);
    ck_assert_uint_eq(bus_phys_read(b, 0x10fff, 2), 0x3322);
    /* off the end of RAM into unmapped space */
    ram[0x1fff] = 0x5a;
    ck_assert_uint_eq(bus_phys_read(b, 0x11fff, 4), 0xffffff5a);
    bus_phys_write(b, 0x11fff, 0x12345678, 4);
    ck_assert_uint_eq(ram[0x1fff], 0x78);
    /* unmapped */
    ck_assert_uint_eq(bus_phys_read(b, 0x50000, 4), 0xffffffff);
    ck_assert_uint_eq(bus_phys_read(b, 0xfffffffe, 2), 0xffff);
    bus_phys_write(b, 0x50000, 1, 4);
    /* host pointer */
    ck_assert_ptr_eq(bus_ram_ptr(b, 0x10123, false), ram + 0x123);
    ck_assert_ptr_eq(bus_ram_ptr(b, 0x11000, true), ram + 0x1000);
    ck_assert_ptr_null(bus_ram_ptr(b, 0x12000, false));
    struct bus_page pg = bus_page_lookup(b, 0x11abc);
    ck_assert_ptr_eq(pg.host, ram + 0x1000);
    ck_assert(!pg.rom && !pg.code);
    pg = bus_page_lookup(b, 0x9000);
    ck_assert_ptr_null(pg.host);
    bus_destroy(b);
    ram_free(ram, 0x2000);
}
END_TEST

START_TEST(test_rom_write_ignored)
{
    struct bus *b = bus_create();
    uint8_t *rom = ram_alloc(0x1000);
    memset(rom, 0xea, 0x1000);
    bus_map_ram(b, 0xf0000, 0x1000, rom, BUS_RAM_ROM);
    bus_phys_write(b, 0xf0010, 0x11223344, 4);
    bus_phys_write(b, 0xf0ffe, 0x11223344, 4);
    uint8_t junk[16];
    memset(junk, 0, sizeof(junk));
    bus_phys_write_block(b, 0xf0100, junk, sizeof(junk));
    for (int i = 0; i < 0x1000; i++)
        ck_assert_uint_eq(rom[i], 0xea);
    ck_assert_uint_eq(bus_phys_read(b, 0xf0010, 4), 0xeaeaeaea);
    ck_assert_ptr_null(bus_ram_ptr(b, 0xf0010, true));
    ck_assert_ptr_eq(bus_ram_ptr(b, 0xf0010, false), rom + 0x10);
    struct bus_page pg = bus_page_lookup(b, 0xf0000);
    ck_assert_ptr_eq(pg.host, rom);
    ck_assert(pg.rom);
    bus_destroy(b);
    ram_free(rom, 0x1000);
}
END_TEST

START_TEST(test_mmio_dispatch_offsets)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    bus_map_mmio(b, 0xfec00000, 0x20, &any_ops, &f);
    ck_assert_uint_eq(bus_phys_read(b, 0xfec00010, 4), 0x23222120);
    check_access(&f, 0, false, 0x10, 0x23222120, 4);
    bus_phys_write(b, 0xfec00004, 0xbeef, 2);
    check_access(&f, 1, true, 4, 0xbeef, 2);
    /* bytes after the region on the same page are unmapped */
    ck_assert_uint_eq(bus_phys_read(b, 0xfec00020, 1), 0xff);
    ck_assert_int_eq(f.n, 2);
    /* a read running off the end: the device gets the part inside */
    ck_assert_uint_eq(bus_phys_read(b, 0xfec0001e, 4), 0xffff2f2e);
    check_access(&f, 2, false, 0x1e, 0x2f2e, 2);
    ck_assert_ptr_null(bus_page_lookup(b, 0xfec00000).host);
    ck_assert_ptr_null(bus_ram_ptr(b, 0xfec00000, false));

    /* width adjustment applies to MMIO too */
    struct fake g;
    fake_fill(&g);
    bus_map_mmio(b, 0xfed00000, 0x40, &dword_ops, &g);
    ck_assert_uint_eq(bus_phys_read(b, 0xfed00005, 1), 0x15);
    check_access(&g, 0, false, 4, 0x17161514, 4);
    bus_destroy(b);
}
END_TEST

START_TEST(test_mmio_over_ram)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    uint8_t *ram = ram_alloc(0x4000);
    memset(ram, 0x77, 0x4000);
    bus_map_ram(b, 0, 0x4000, ram, 0);
    struct region *m = bus_map_mmio(b, 0x1100, 0x10, &any_ops, &f);
    ck_assert_ptr_nonnull(m);
    /* the page with MMIO has no host pointer; its neighbours keep theirs */
    ck_assert_ptr_null(bus_page_lookup(b, 0x1000).host);
    ck_assert_ptr_null(bus_ram_ptr(b, 0x1000, false));
    ck_assert_ptr_eq(bus_page_lookup(b, 0x0000).host, ram);
    ck_assert_ptr_eq(bus_page_lookup(b, 0x2000).host, ram + 0x2000);
    /* MMIO wins where it is, RAM shows elsewhere on the page */
    ck_assert_uint_eq(bus_phys_read(b, 0x1100, 1), 0x10);
    ck_assert_uint_eq(bus_phys_read(b, 0x10fe, 4), 0x11107777);
    bus_phys_write(b, 0x110e, 0xaabbccdd, 4);
    ck_assert_uint_eq(f.regs[0xe], 0xdd);
    ck_assert_uint_eq(f.regs[0xf], 0xcc);
    ck_assert_uint_eq(ram[0x110e], 0x77); /* shadowed RAM untouched */
    ck_assert_uint_eq(ram[0x1110], 0xbb);
    ck_assert_uint_eq(ram[0x1111], 0xaa);

    /* block transfers across RAM, MMIO and the rest of the page */
    uint8_t buf[0x30];
    bus_phys_read_block(b, 0x10f8, buf, sizeof(buf));
    ck_assert_uint_eq(buf[0], 0x77);
    ck_assert_uint_eq(buf[8], 0x10);
    ck_assert_uint_eq(buf[0x16], 0xdd);
    ck_assert_uint_eq(buf[0x18], 0xbb);
    memset(buf, 0x5c, sizeof(buf));
    bus_phys_write_block(b, 0x10f8, buf, sizeof(buf));
    ck_assert_uint_eq(ram[0x10f8], 0x5c);
    ck_assert_uint_eq(ram[0x1100], 0x77); /* under MMIO */
    ck_assert_uint_eq(f.regs[0], 0x5c);
    ck_assert_uint_eq(ram[0x1127], 0x5c);

    /* two MMIO regions on one page */
    struct fake g;
    fake_fill(&g);
    ck_assert_ptr_nonnull(bus_map_mmio(b, 0x1200, 0x10, &any_ops, &g));
    ck_assert_uint_eq(bus_phys_read(b, 0x1201, 1), 0x11);
    ck_assert_int_eq(g.n, 1);
    ck_assert_uint_eq(bus_phys_read(b, 0x1180, 1), 0x77);

    /* unmapping the MMIO uncovers the RAM */
    bus_unmap(b, m);
    ck_assert_uint_eq(bus_phys_read(b, 0x1100, 1), 0x77);
    ck_assert_ptr_null(bus_page_lookup(b, 0x1000).host); /* still the other region */
    bus_destroy(b);
    ram_free(ram, 0x4000);
}
END_TEST

START_TEST(test_block_transfers)
{
    struct bus *b = bus_create();
    uint8_t *ram = ram_alloc(0x3000);
    bus_map_ram(b, 0x100000, 0x3000, ram, 0);
    uint8_t src[0x2100], dst[0x2200];
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)(i * 7);
    bus_phys_write_block(b, 0x100f00, src, sizeof(src));
    ck_assert_int_eq(memcmp(ram + 0xf00, src, sizeof(src)), 0);
    bus_phys_read_block(b, 0x101000, dst, sizeof(dst)); /* runs 0x200 past the end */
    ck_assert_int_eq(memcmp(dst, src + 0x100, 0x2000), 0);
    for (size_t i = 0x2000; i < sizeof(dst); i++)
        ck_assert_uint_eq(dst[i], 0xff);
    bus_destroy(b);
    ram_free(ram, 0x3000);
}
END_TEST

/* ---- moving and unmapping ---- */

static void count_calls(void *opaque)
{
    ++*(int *)opaque;
}

START_TEST(test_move_and_unmap)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    int changes = 0;
    bus_add_map_listener(b, count_calls, &changes);

    struct region *p = bus_map_ports(b, 0x300, 4, &any_ops, &f);
    struct region *q = bus_map_ports(b, 0x310, 4, &any_ops, &f);
    ck_assert_int_eq(changes, 2);
    ck_assert(bus_move(b, p, 0x302)); /* overlapping its own old place is fine */
    ck_assert_uint_eq(bus_region_base(p), 0x302);
    ck_assert_uint_eq(bus_port_read(b, 0x300, 1), 0xff);
    ck_assert_uint_eq(bus_port_read(b, 0x302, 1), 0x10);
    ck_assert_uint_eq(bus_port_read(b, 0x305, 1), 0x13);
    ck_assert(!bus_move(b, p, 0x30e)); /* would overlap q */
    ck_assert(!bus_move(b, p, 0xfffe));
    ck_assert_uint_eq(bus_region_base(p), 0x302);
    ck_assert_int_eq(changes, 3);
    bus_unmap(b, q);
    ck_assert_int_eq(changes, 4);
    ck_assert_uint_eq(bus_port_read(b, 0x310, 1), 0xff);

    struct region *m = bus_map_mmio(b, 0xe0000000, 0x100, &any_ops, &f);
    struct region *m2 = bus_map_mmio(b, 0xe0001000, 0x100, &any_ops, &f);
    ck_assert(bus_move(b, m, 0xe0800080));
    ck_assert_uint_eq(bus_phys_read(b, 0xe0000000, 1), 0xff);
    ck_assert_uint_eq(bus_phys_read(b, 0xe0800081, 1), 0x11);
    ck_assert(!bus_move(b, m, 0xe0000f80)); /* overlaps m2 */
    ck_assert(!bus_move(b, m, 0xffffff80));
    ck_assert_uint_eq(bus_phys_read(b, 0xe0800081, 1), 0x11);
    bus_unmap(b, m2);
    ck_assert_uint_eq(bus_phys_read(b, 0xe0001000, 1), 0xff);

    uint8_t *ram = ram_alloc(0x2000);
    ram[0] = 0x42;
    struct region *r = bus_map_ram(b, 0xc0000, 0x2000, ram, 0);
    struct region *r2 = bus_map_ram(b, 0xd0000, 0x1000, ram, 0);
    int before = changes;
    ck_assert(bus_move(b, r, 0xa0000));
    ck_assert_int_eq(changes, before + 1);
    ck_assert_uint_eq(bus_phys_read(b, 0xa0000, 1), 0x42);
    ck_assert_uint_eq(bus_phys_read(b, 0xc0000, 1), 0xff);
    ck_assert_ptr_eq(bus_page_lookup(b, 0xa1000).host, ram + 0x1000);
    ck_assert_ptr_null(bus_page_lookup(b, 0xc1000).host);
    ck_assert(!bus_move(b, r, 0xcf000)); /* overlaps r2 */
    ck_assert(!bus_move(b, r, 0xa0800)); /* misaligned */
    ck_assert_int_eq(changes, before + 1);
    ck_assert(bus_move(b, r, 0xa0000)); /* same place: nothing to do */
    bus_unmap(b, r);
    bus_unmap(b, r2);
    bus_unmap(b, NULL);
    ck_assert_uint_eq(bus_phys_read(b, 0xa0000, 1), 0xff);
    ck_assert_ptr_null(bus_ram_ptr(b, 0xd0000, false));
    bus_destroy(b);
    ram_free(ram, 0x2000);
}
END_TEST

START_TEST(test_map_listeners_and_a20)
{
    struct bus *b = bus_create();
    int n1 = 0, n2 = 0;
    bus_add_map_listener(b, count_calls, &n1);
    bus_add_map_listener(b, count_calls, &n2);
    ck_assert(bus_a20(b));
    ck_assert_uint_eq(bus_a20_mask(b), 0xffffffff);
    bus_set_a20(b, true); /* no change, no call */
    ck_assert_int_eq(n1, 0);
    bus_set_a20(b, false);
    ck_assert(!bus_a20(b));
    ck_assert_uint_eq(bus_a20_mask(b), 0xffefffff);
    ck_assert_uint_eq(0x100000u & bus_a20_mask(b), 0); /* wraps like an 8086 */
    ck_assert_int_eq(n1, 1);
    ck_assert_int_eq(n2, 1);
    bus_set_a20(b, true);
    ck_assert_int_eq(n1, 2);
    uint8_t *ram = ram_alloc(0x1000);
    struct region *r = bus_map_ram(b, 0, 0x1000, ram, 0);
    ck_assert_int_eq(n1, 3);
    ck_assert_ptr_null(bus_map_ram(b, 0, 0x1000, ram, 0)); /* failed map: no call */
    ck_assert_int_eq(n1, 3);
    bus_unmap(b, r);
    ck_assert_int_eq(n1, 4);
    ck_assert_int_eq(n2, 4);
    bus_destroy(b);
    ram_free(ram, 0x1000);
}
END_TEST

/* ---- code pages ---- */

struct code_watch {
    struct bus *bus;     /* bus under test */
    int calls;           /* invalidations seen */
    uint32_t paddr, len; /* last invalidation */
    bool had_code;       /* bus_code_page_has_code at the last call */
    int pages;           /* page_became_code calls */
    uint32_t page;       /* last page reported */
};

static void on_invalidate(void *opaque, uint32_t paddr, uint32_t len)
{
    struct code_watch *w = opaque;
    w->calls++;
    w->paddr = paddr;
    w->len = len;
    w->had_code = bus_code_page_has_code(w->bus, paddr);
}

static void on_page(void *opaque, uint32_t page)
{
    struct code_watch *w = opaque;
    w->pages++;
    w->page = page;
}

START_TEST(test_code_marks)
{
    struct bus *b = bus_create();
    uint8_t *ram = ram_alloc(0x4000);
    bus_map_ram(b, 0, 0x4000, ram, 0);
    struct code_watch w = {.bus = b};
    bus_code_add_listener(b, on_invalidate, &w);
    bus_code_add_page_listener(b, on_page, &w);

    ck_assert(!bus_code_page_has_code(b, 0x1000));
    ck_assert(!bus_page_lookup(b, 0x1000).code);
    bus_code_mark(b, 0x1040, 0x10); /* chunk 0 of page 1 */
    ck_assert_int_eq(w.pages, 1);
    ck_assert_uint_eq(w.page, 0x1000);
    ck_assert(bus_code_page_has_code(b, 0x1fff));
    ck_assert(bus_page_lookup(b, 0x1000).code);
    ck_assert(!bus_page_lookup(b, 0x2000).code);
    bus_code_mark(b, 0x1000, 1); /* same page again: not reported */
    ck_assert_int_eq(w.pages, 1);

    /* a write to the marked chunk: one call, chunk span, marks already clear */
    bus_phys_write(b, 0x1044, 0x90909090, 4);
    ck_assert_int_eq(w.calls, 1);
    ck_assert_uint_eq(w.paddr, 0x1000);
    ck_assert_uint_eq(w.len, 0x80);
    ck_assert(!w.had_code);
    ck_assert(!bus_code_page_has_code(b, 0x1000));
    ck_assert_uint_eq(ram[0x1044], 0x90);
    bus_phys_write(b, 0x1044, 0, 4); /* marks gone: no further call */
    ck_assert_int_eq(w.calls, 1);

    /* a write to an unmarked chunk of a code page: no call, marks stay */
    bus_code_mark(b, 0x1000, 0x80);
    bus_code_mark(b, 0x1280, 0x80);
    ck_assert_int_eq(w.pages, 2); /* became code again */
    bus_phys_write(b, 0x1180, 0xff, 1);
    bus_phys_write(b, 0x107f + 0x81, 0xffff, 2);
    ck_assert_int_eq(w.calls, 1);
    ck_assert(bus_code_page_has_code(b, 0x1000));

    /* a write touching two marked chunks across a page boundary: one call per page */
    bus_code_mark(b, 0x1f80, 0x100); /* last chunk of page 1, first of page 2 */
    ck_assert_int_eq(w.pages, 3);
    ck_assert_uint_eq(w.page, 0x2000);
    bus_phys_write(b, 0x1ffe, 0x12345678, 4);
    ck_assert_int_eq(w.calls, 3);
    ck_assert_uint_eq(w.paddr, 0x2000);
    ck_assert_uint_eq(w.len, 0x80);
    ck_assert(bus_code_page_has_code(b, 0x1000)); /* chunks 0 and 5 remain */

    /* a block write covering several marked chunks of one page: one call spanning them */
    w.calls = 0;
    uint8_t zeros[0x400] = {0};
    bus_phys_write_block(b, 0x1000, zeros, sizeof(zeros));
    ck_assert_int_eq(w.calls, 1);
    ck_assert_uint_eq(w.paddr, 0x1000);
    ck_assert_uint_eq(w.len, 0x300);
    ck_assert(!bus_code_page_has_code(b, 0x1000));

    /* the CPU's own slow-path report */
    bus_code_mark(b, 0x3100, 4);
    bus_code_write_check(b, 0x30fc, 4);
    ck_assert_int_eq(w.calls, 1);
    bus_code_write_check(b, 0x30fe, 4);
    ck_assert_int_eq(w.calls, 2);
    ck_assert_uint_eq(w.paddr, 0x3100);

    /* a map change under marked code invalidates it */
    bus_code_mark(b, 0x2000, 0x1000);
    w.calls = 0;
    struct region *r2 = bus_map_ram(b, 0x8000, 0x1000, ram, 0);
    ck_assert_int_eq(w.calls, 0);
    bus_unmap(b, r2);
    struct fake f;
    fake_fill(&f);
    ck_assert_ptr_nonnull(bus_map_mmio(b, 0x2800, 4, &any_ops, &f));
    ck_assert_int_eq(w.calls, 1);
    ck_assert_uint_eq(w.paddr, 0x2800);
    ck_assert_uint_eq(w.len, 0x80);

    /* marks far away (lazily allocated groups) and at the top of 4 GiB */
    bus_code_mark(b, 0xfffffff0, 0x20); /* wraps to 0 */
    ck_assert(bus_code_page_has_code(b, 0xfffff000));
    ck_assert(bus_code_page_has_code(b, 0));
    w.calls = 0;
    bus_code_write_check(b, 0xfffffffe, 4);
    ck_assert_int_eq(w.calls, 2);
    bus_destroy(b);
    ram_free(ram, 0x4000);
}
END_TEST

START_TEST(test_dirty_log)
{
    struct bus *b = bus_create();
    uint8_t *vram = ram_alloc(0x4000);
    struct region *r = bus_map_ram(b, 0xe0000000, 0x4000, vram, BUS_RAM_DIRTY_LOG);
    ck_assert_ptr_nonnull(r);
    ck_assert(bus_ram_dirty_test_and_clear(b, r, 0, 0x4000)); /* starts dirty */
    ck_assert(!bus_ram_dirty_test_and_clear(b, r, 0, 0x4000));
    ck_assert(bus_page_lookup(b, 0xe0000000).code); /* writes must be reported */
    bus_phys_write(b, 0xe0002010, 1, 1);
    ck_assert(!bus_ram_dirty_test_and_clear(b, r, 0, 0x2000));
    ck_assert(bus_ram_dirty_test_and_clear(b, r, 0x2fff, 1));
    ck_assert(!bus_ram_dirty_test_and_clear(b, r, 0x2000, 0x1000));
    bus_code_write_check(b, 0xe0003ffe, 2); /* CPU slow path */
    ck_assert(bus_ram_dirty_test_and_clear(b, r, 0x3000, 0x1000));
    ck_assert_ptr_nonnull(bus_ram_ptr(b, 0xe0001000, true)); /* a writer's pointer */
    ck_assert(bus_ram_dirty_test_and_clear(b, r, 0x1000, 1));
    uint8_t buf[0x1800] = {0};
    bus_phys_write_block(b, 0xe0000800, buf, sizeof(buf));
    ck_assert(bus_ram_dirty_test_and_clear(b, r, 0, 1));
    ck_assert(bus_ram_dirty_test_and_clear(b, r, 0x1000, 1));
    ck_assert(!bus_ram_dirty_test_and_clear(b, r, 0x2000, 0x2000));
    ck_assert(!bus_ram_dirty_test_and_clear(b, r, 0x5000, 1)); /* outside */
    bus_destroy(b);
    ram_free(vram, 0x4000);
}
END_TEST

START_TEST(test_info_lists_regions)
{
    struct bus *b = bus_create();
    struct fake f;
    fake_fill(&f);
    uint8_t *ram = ram_alloc(0x1000);
    bus_map_ram(b, 0xf0000, 0x1000, ram, BUS_RAM_ROM);
    bus_map_ports(b, 0x3f8, 8, &byte_ops, &f);
    bus_map_mmio(b, 0xa0000, 0x20000, &any_ops, &f);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    bus_info(b, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "port  03f8-03ff     byte"));
    ck_assert_ptr_nonnull(strstr(text, "mmio  000a0000-000bffff any"));
    ck_assert_ptr_nonnull(strstr(text, "rom   000f0000-000f0fff"));
    ck_assert(strstr(text, "port") < strstr(text, "mmio"));
    free(text);
    bus_destroy(b);
    ram_free(ram, 0x1000);
}
END_TEST

static Suite *bus_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_port_overlap_rejected);
    tcase_add_test(tc, test_memory_overlap_rules);
    tcase_add_test(tc, test_port_split_wide_access);
    tcase_add_test(tc, test_port_widen_narrow_access);
    tcase_add_test(tc, test_unmapped_ports_read_all_ones);
    tcase_add_test(tc, test_port_access_straddling_regions);
    tcase_add_test(tc, test_unmapped_logging);
    tcase_add_test(tc, test_ram_read_write_and_crossing);
    tcase_add_test(tc, test_rom_write_ignored);
    tcase_add_test(tc, test_mmio_dispatch_offsets);
    tcase_add_test(tc, test_mmio_over_ram);
    tcase_add_test(tc, test_block_transfers);
    tcase_add_test(tc, test_move_and_unmap);
    tcase_add_test(tc, test_map_listeners_and_a20);
    tcase_add_test(tc, test_code_marks);
    tcase_add_test(tc, test_dirty_log);
    tcase_add_test(tc, test_info_lists_regions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bus_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
