/*
 * board_test.c - the board's pure parts: multiboot loading, BIOS size rules,
 * isa-debug-exit status, and the small port devices driven through the bus.
 *
 * Kernel images are built here byte by byte (ELF32 with one PT_LOAD, a.out
 * kludge images, and broken variants), loaded into a host buffer that stands
 * for guest RAM, and checked against the Multiboot 0.6.96 spec layout.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bios_rom.h"
#include "devices/debug_exit.h"
#include "devices/debugcon.h"
#include "devices/multiboot.h"
#include "devices/port92.h"
#include "mem/bus.h"

#define RAM_SIZE (16u << 20)

static uint8_t *ram;

static void ram_write(void *opaque, uint32_t paddr, const void *src, size_t len)
{
    ck_assert_uint_le((uint64_t)paddr + len, RAM_SIZE);
    if (src)
        memcpy(ram + paddr, src, len);
    else
        memset(ram + paddr, 0, len);
}

static const struct mb_mem mem = {ram_write, NULL, RAM_SIZE, 0x40000};

static void setup(void)
{
    ram = malloc(RAM_SIZE);
    memset(ram, 0xAA, RAM_SIZE);
}
static void teardown(void) { free(ram); }

static void w16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void w32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t r32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void mb_header(uint8_t *p, uint32_t flags)
{
    w32(p, MULTIBOOT_HEADER_MAGIC);
    w32(p + 4, flags);
    w32(p + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/* ELF32 i386 executable, one PT_LOAD of 0x40 file bytes at paddr with memsz,
 * multiboot header at the start of the segment (file offset 0x60). */
#define ELF_LEN 0xA0
static void make_elf(uint8_t *f, uint32_t paddr, uint32_t memsz)
{
    memset(f, 0, ELF_LEN);
    memcpy(f, "\177ELF", 4);
    f[4] = 1; /* ELFCLASS32 */
    f[5] = 1; /* little-endian */
    f[6] = 1;
    w16(f + 16, 2);  /* ET_EXEC */
    w16(f + 18, 3);  /* EM_386 */
    w32(f + 20, 1);
    w32(f + 24, paddr + 0xC); /* entry */
    w32(f + 28, 52); /* phoff */
    w16(f + 40, 52);
    w16(f + 42, 32); /* phentsize */
    w16(f + 44, 1);  /* phnum */
    uint8_t *ph = f + 52;
    w32(ph, 1); /* PT_LOAD */
    w32(ph + 4, 0x60);
    w32(ph + 8, paddr);
    w32(ph + 12, paddr);
    w32(ph + 16, 0x40);
    w32(ph + 20, memsz);
    mb_header(f + 0x60, 0x3); /* page-align modules, memory info: both supported */
    for (int i = 12; i < 0x40; i++)
        f[0x60 + i] = (uint8_t)(0x90 + i);
}

static int load(const uint8_t *img, size_t len, struct mb_boot *b, char *err)
{
    return multiboot_load(&mem, "k.bin", img, len, "k.bin console=ttyS0", NULL, 0, b, err, 256);
}

START_TEST(elf_good)
{
    uint8_t f[ELF_LEN];
    make_elf(f, 0x100000, 0x1000);
    static const uint8_t modata[] = "module-bytes";
    struct mb_module mod = {modata, sizeof(modata), "initrd.img arg1"};
    struct mb_boot b;
    char err[256] = "";
    int r = multiboot_load(&mem, "k.elf", f, sizeof(f), "k.elf console=ttyS0", &mod, 1, &b, err,
                           sizeof(err));
    ck_assert_msg(r == 0, "%s", err);
    ck_assert_uint_eq(b.entry, 0x10000C);
    ck_assert_uint_eq(b.info_addr, MULTIBOOT_INFO_ADDR);
    ck_assert_uint_eq(b.kernel_start, 0x100000);
    ck_assert_uint_eq(b.kernel_end, 0x101000);
    ck_assert(!b.aout_kludge);
    ck_assert_mem_eq(ram + 0x100000, f + 0x60, 0x40);
    for (uint32_t a = 0x100040; a < 0x101000; a++)
        ck_assert_uint_eq(ram[a], 0);
    ck_assert_uint_eq(ram[0x101000 + sizeof(modata)], 0xAA); /* nothing beyond */

    const uint8_t *info = ram + b.info_addr;
    uint32_t flags = r32(info);
    ck_assert_uint_eq(flags & (MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME),
                      MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME);
    ck_assert_uint_eq(r32(info + 4), 640);
    ck_assert_uint_eq(r32(info + 8), (RAM_SIZE - 0x100000) / 1024);
    ck_assert_str_eq((const char *)ram + r32(info + 16), "k.elf console=ttyS0");
    ck_assert_str_eq((const char *)ram + r32(info + 64), "cinder");
    /* one module, page-aligned above the kernel */
    ck_assert_uint_eq(r32(info + 20), 1);
    const uint8_t *m = ram + r32(info + 24);
    ck_assert_uint_eq(r32(m), 0x101000);
    ck_assert_uint_eq(r32(m + 4), 0x101000 + sizeof(modata));
    ck_assert_str_eq((const char *)ram + r32(m + 8), "initrd.img arg1");
    ck_assert_mem_eq(ram + 0x101000, modata, sizeof(modata));
    /* memory map: low RAM, the 640K-1M hole, high RAM, the BIOS */
    uint32_t mlen = r32(info + 44), maddr = r32(info + 48);
    ck_assert_uint_eq(mlen, 4 * 24);
    const uint8_t *e = ram + maddr;
    ck_assert_uint_eq(r32(e), 20);
    ck_assert_uint_eq(r32(e + 4), 0);
    ck_assert_uint_eq(r32(e + 12), 0xA0000);
    ck_assert_uint_eq(r32(e + 20), 1);
    ck_assert_uint_eq(r32(e + 24 + 4), 0xA0000);
    ck_assert_uint_eq(r32(e + 24 + 20), 2);
    ck_assert_uint_eq(r32(e + 48 + 4), 0x100000);
    ck_assert_uint_eq(r32(e + 48 + 12), RAM_SIZE - 0x100000);
    ck_assert_uint_eq(r32(e + 48 + 20), 1);
    ck_assert_uint_eq(r32(e + 72 + 4), 0xFFFC0000u);
    ck_assert_uint_eq(r32(e + 72 + 20), 2);
}
END_TEST

START_TEST(aout_kludge_good)
{
    uint8_t f[0x100];
    memset(f, 0x5A, sizeof(f));
    /* header at file offset 0x10, loaded so that file offset 0 is at 0x200000 */
    mb_header(f + 0x10, MULTIBOOT_AOUT_KLUDGE);
    w32(f + 0x1C, 0x200010);          /* header_addr */
    w32(f + 0x20, 0x200000);          /* load_addr */
    w32(f + 0x24, 0x200080);          /* load_end_addr: first 0x80 bytes */
    w32(f + 0x28, 0x201000);          /* bss_end_addr */
    w32(f + 0x2C, 0x200040);          /* entry */
    struct mb_boot b;
    char err[256] = "";
    ck_assert_msg(load(f, sizeof(f), &b, err) == 0, "%s", err);
    ck_assert(b.aout_kludge);
    ck_assert_uint_eq(b.entry, 0x200040);
    ck_assert_mem_eq(ram + 0x200000, f, 0x80);
    ck_assert_uint_eq(ram[0x200080], 0);
    ck_assert_uint_eq(ram[0x200FFF], 0);
    ck_assert_uint_eq(ram[0x201000], 0xAA);
    ck_assert_uint_eq(b.kernel_end, 0x201000);
}
END_TEST

/* Expect failure with `needle` in the message and RAM untouched. */
static void expect_fail(const uint8_t *img, size_t len, const char *needle)
{
    struct mb_boot b;
    char err[256] = "";
    ck_assert_int_eq(load(img, len, &b, err), -1);
    ck_assert_msg(strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);
    ck_assert_msg(!strncmp(err, "k.bin: ", 7), "message '%s' does not name the file", err);
    ck_assert_uint_eq(ram[0x100000], 0xAA);
    ck_assert_uint_eq(ram[MULTIBOOT_INFO_ADDR], 0xAA);
}

START_TEST(rejects)
{
    uint8_t f[ELF_LEN];
    uint8_t junk[4096];
    srand(1);
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)rand();
    expect_fail(junk, sizeof(junk), "no multiboot header");
    expect_fail(junk, 0, "no multiboot header");

    make_elf(f, 0x100000, 0x1000);
    w32(f + 0x68, 0x12345678); /* checksum */
    expect_fail(f, sizeof(f), "checksum");

    make_elf(f, 0x100000, 0x1000);
    expect_fail(f, 0x80, "truncated"); /* segment runs past the end of the file */

    make_elf(f, 0x100000, 0x1000);
    f[4] = 2; /* ELFCLASS64 */
    expect_fail(f, sizeof(f), "ELF32");

    make_elf(f, 0x100000, 0x1000);
    w16(f + 18, 62); /* EM_X86_64 */
    expect_fail(f, sizeof(f), "machine");

    make_elf(f, 0x8000000, 0x1000); /* 128 MiB: past our 16 MiB */
    expect_fail(f, sizeof(f), "outside RAM");

    make_elf(f, 0x8000, 0x2000); /* over the info area */
    expect_fail(f, sizeof(f), "information area");

    make_elf(f, 0xB8000, 0x1000); /* the VGA hole */
    expect_fail(f, sizeof(f), "outside RAM");

    make_elf(f, 0x100000, 0x1000);
    mb_header(f + 0x60, 0x4); /* video mode required */
    expect_fail(f, sizeof(f), "video mode");

    make_elf(f, 0x100000, 0x1000);
    mb_header(f + 0x60, 0x100); /* unknown required flag */
    expect_fail(f, sizeof(f), "unsupported");

    make_elf(f, 0x100000, 0x1000);
    w32(f + 52 + 16, 0x2000); /* filesz > memsz */
    expect_fail(f, sizeof(f), "p_filesz");

    /* a.out kludge header cut short, and one whose load range exceeds the file */
    uint8_t a[0x40];
    memset(a, 0, sizeof(a));
    mb_header(a + 0x30, MULTIBOOT_AOUT_KLUDGE);
    expect_fail(a, sizeof(a), "truncated");
    memset(a, 0, sizeof(a));
    mb_header(a, MULTIBOOT_AOUT_KLUDGE);
    w32(a + 12, 0x100000);
    w32(a + 16, 0x100000);
    w32(a + 20, 0x110000);
    expect_fail(a, sizeof(a), "truncated");

    /* a Linux bzImage */
    uint8_t bz[0x400];
    memset(bz, 0, sizeof(bz));
    memcpy(bz + 0x202, "HdrS", 4);
    expect_fail(bz, sizeof(bz), "Linux bzImage boot is not supported yet");
    ck_assert(multiboot_is_bzimage(bz, sizeof(bz)));
}
END_TEST

/* Every prefix of a good ELF either loads or fails cleanly. */
START_TEST(truncations_never_crash)
{
    uint8_t f[ELF_LEN];
    make_elf(f, 0x100000, 0x1000);
    for (size_t len = 0; len <= sizeof(f); len++) {
        struct mb_boot b;
        char err[256];
        int r = load(f, len, &b, err);
        ck_assert_int_eq(r, len == sizeof(f) ? 0 : -1);
    }
}
END_TEST

START_TEST(bios_sizes)
{
    char err[256];
    ck_assert_int_eq(bios_rom_check_size("b.bin", 0, err, sizeof(err)), -1);
    ck_assert_int_eq(bios_rom_check_size("b.bin", 1000, err, sizeof(err)), -1);
    ck_assert(strstr(err, "b.bin") && strstr(err, "multiple of 64 KiB"));
    ck_assert_int_eq(bios_rom_check_size("b.bin", 65536, err, sizeof(err)), 0);
    ck_assert_int_eq(bios_rom_check_size("b.bin", 65536 + 512, err, sizeof(err)), -1);
    ck_assert_int_eq(bios_rom_check_size("b.bin", 3 * 65536, err, sizeof(err)), 0);
    ck_assert_int_eq(bios_rom_check_size("b.bin", 256 * 1024, err, sizeof(err)), 0);
    ck_assert_int_eq(bios_rom_check_size("b.bin", 2 << 20, err, sizeof(err)), 0);
    ck_assert_int_eq(bios_rom_check_size("b.bin", (2 << 20) + 65536, err, sizeof(err)), -1);
}
END_TEST

START_TEST(debug_exit_statuses)
{
    ck_assert_int_eq(debug_exit_status(0), 1);
    ck_assert_int_eq(debug_exit_status(0x10), 33);
    ck_assert_int_eq(debug_exit_status(0x11), 35);
    ck_assert_int_eq(debug_exit_status(0x7F), 255);
    ck_assert_int_eq(debug_exit_status(0x80), 1); /* the shell sees 257 & 0xFF */
}
END_TEST

static int exit_status_seen = -1;
static void on_exit_request(void *opaque, int status) { exit_status_seen = status; }
static int resets_seen;
static void on_reset_request(void *opaque) { resets_seen++; }

START_TEST(port_devices)
{
    struct bus *bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    struct debug_exit *dx = debug_exit_create(bus, 0xF4, 4, on_exit_request, NULL);
    ck_assert_ptr_nonnull(dx);
    ck_assert_ptr_null(debug_exit_create(bus, 0xF6, 1, on_exit_request, NULL)); /* overlap */
    bus_port_write(bus, 0xF4, 0x10, 4);
    ck_assert_int_eq(exit_status_seen, 33);
    bus_port_write(bus, 0xF5, 0x03, 1);
    ck_assert_int_eq(exit_status_seen, 7);

    struct debugcon *dc = debugcon_create(bus, 0xE9, NULL);
    ck_assert_ptr_nonnull(dc);
    ck_assert_uint_eq(bus_port_read(bus, 0xE9, 1), 0xE9);

    struct port92 *p = port92_create(bus, on_reset_request, NULL);
    ck_assert_ptr_nonnull(p);
    bus_port_write(bus, 0x92, 0x00, 1);
    ck_assert(!bus_a20(bus));
    bus_port_write(bus, 0x92, 0x02, 1);
    ck_assert(bus_a20(bus));
    ck_assert_uint_eq(bus_port_read(bus, 0x92, 1), 0x02);
    ck_assert_int_eq(resets_seen, 0);
    bus_port_write(bus, 0x92, 0x03, 1);
    ck_assert_int_eq(resets_seen, 1);
    bus_port_write(bus, 0x92, 0x03, 1); /* no 0->1 edge */
    ck_assert_int_eq(resets_seen, 1);
    port92_desc.reset(p);
    bus_port_write(bus, 0x92, 0x03, 1);
    ck_assert_int_eq(resets_seen, 2);

    port92_desc.destroy(p);
    debugcon_desc.destroy(dc);
    debug_exit_desc.destroy(dx);
    bus_destroy(bus);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board");
    TCase *t = tcase_create("board");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, elf_good);
    tcase_add_test(t, aout_kludge_good);
    tcase_add_test(t, rejects);
    tcase_add_test(t, truncations_never_crash);
    tcase_add_test(t, bios_sizes);
    tcase_add_test(t, debug_exit_statuses);
    tcase_add_test(t, port_devices);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
