/*
 * pci_test.c - PCI configuration mechanism #1, the i440FX host bridge (PAM
 * shadowing) and the PIIX3/PIIX4-PM functions, driven through the bus only:
 * config cycles at 0xCF8/0xCFC, memory through bus_phys_read/write, PM I/O
 * ports, a fake clock (sched_advance + sched_run_due) and test IRQ wires.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "mem/bus.h"
#include "mem/ram.h"
#include "mem/sched.h"

#define RAM_SIZE (1u << 20)
#define ROM_SIZE (128u * 1024)
#define PMBA 0x600

static struct bus *bus;
static struct sched *sched;
static struct pci_bus *pb;
static struct i440fx *nb;
static struct piix3 *sb;
static uint8_t *ram, *rom;
static int irq_level[16]; /* what each PIC input last saw */
static int irq_calls[16]; /* how often it was set */
static int poweroffs;     /* poweroff callbacks */

static void pic_set(void *opaque, int n, int level)
{
    irq_level[n] = level;
    irq_calls[n]++;
}

static void on_poweroff(void *opaque)
{
    ck_assert_ptr_eq(opaque, &poweroffs);
    poweroffs++;
}

static void setup(void)
{
    bus = bus_create();
    sched = sched_create();
    ck_assert_ptr_nonnull(bus);
    ck_assert_ptr_nonnull(sched);
    ram = ram_alloc(RAM_SIZE);
    rom = ram_alloc(ROM_SIZE);
    ck_assert_ptr_nonnull(ram);
    ck_assert_ptr_nonnull(rom);
    for (unsigned i = 0; i < ROM_SIZE; i++)
        rom[i] = (uint8_t)(0xA5 ^ i ^ (i >> 8));
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, 0xA0000, ram, 0));
    pb = pci_bus_create(bus, NULL, NULL);
    ck_assert_ptr_nonnull(pb);
    nb = i440fx_create(bus, pb, ram, rom, ROM_SIZE);
    ck_assert_ptr_nonnull(nb);
    struct irq_line isa[16];
    for (int i = 0; i < 16; i++)
        isa[i] = (struct irq_line){pic_set, NULL, i};
    memset(irq_level, 0, sizeof(irq_level));
    memset(irq_calls, 0, sizeof(irq_calls));
    poweroffs = 0;
    sb = piix3_create(bus, sched, pb, 1, isa, on_poweroff, &poweroffs);
    ck_assert_ptr_nonnull(sb);
}

static void teardown(void)
{
    piix3_desc.destroy(sb);
    i440fx_desc.destroy(nb);
    pci_bus_desc.destroy(pb);
    bus_destroy(bus);
    sched_destroy(sched);
    ram_free(ram, RAM_SIZE);
    ram_free(rom, ROM_SIZE);
}

static uint32_t addr(unsigned dev, unsigned fn, unsigned off)
{
    return 0x80000000u | dev << 11 | fn << 8 | (off & 0xFC);
}

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned off, unsigned size)
{
    bus_port_write(bus, 0xCF8, addr(dev, fn, off), 4);
    return bus_port_read(bus, (uint16_t)(0xCFC + (off & 3)), size);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned off, uint32_t v, unsigned size)
{
    bus_port_write(bus, 0xCF8, addr(dev, fn, off), 4);
    bus_port_write(bus, (uint16_t)(0xCFC + (off & 3)), v, size);
}

/* --- configuration mechanism #1 ----------------------------------------- */

START_TEST(test_config_access_sizes)
{
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
    ck_assert_uint_eq(cfg_read(0, 0, 0, 2), 0x8086);
    ck_assert_uint_eq(cfg_read(0, 0, 2, 2), 0x1237);
    ck_assert_uint_eq(cfg_read(0, 0, 1, 1), 0x80);
    ck_assert_uint_eq(cfg_read(0, 0, 3, 1), 0x12);
    ck_assert_uint_eq(cfg_read(0, 0, 8, 4), 0x06000002); /* class 060000, rev 2 */
    ck_assert_uint_eq(cfg_read(1, 0, 0, 4), 0x70008086);
    ck_assert_uint_eq(cfg_read(1, 0, 0x0E, 1), 0x80); /* multi-function */
    ck_assert_uint_eq(cfg_read(1, 1, 0, 4), 0x70108086);
    ck_assert_uint_eq(cfg_read(1, 1, 8, 4) >> 8, 0x010180);
    ck_assert_uint_eq(cfg_read(1, 3, 0, 4), 0x71138086);
    /* absent functions, other buses, and the enable bit clear: all ones */
    ck_assert_uint_eq(cfg_read(1, 2, 0, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(cfg_read(5, 0, 0, 2), 0xFFFF);
    bus_port_write(bus, 0xCF8, 0x80010000u, 4);
    ck_assert_uint_eq(bus_port_read(bus, 0xCFC, 4), 0xFFFFFFFF);
    bus_port_write(bus, 0xCF8, 0x00000000u, 4);
    ck_assert_uint_eq(bus_port_read(bus, 0xCFC, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(bus_port_read(bus, 0xCFE, 1), 0xFF);
    /* CONFADD reads back with reserved bits zero; byte writes do not latch */
    bus_port_write(bus, 0xCF8, 0xFFFFFFFFu, 4);
    ck_assert_uint_eq(bus_port_read(bus, 0xCF8, 4), 0x80FFFFFC);
    bus_port_write(bus, 0xCF8, 0x12, 1);
    ck_assert_uint_eq(bus_port_read(bus, 0xCF8, 4), 0x80FFFFFC);
}
END_TEST

START_TEST(test_config_write_masks)
{
    cfg_write(0, 0, 0, 0xFFFFFFFF, 4); /* IDs are read-only */
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
    /* byte writes land in the right lane of a dword register */
    cfg_write(0, 0, 0x5A, 0x33, 1);
    cfg_write(0, 0, 0x5B, 0x11, 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0x58, 4), 0x11330010);
    cfg_write(0, 0, 0x5C, 0x3322, 2);
    ck_assert_uint_eq(cfg_read(0, 0, 0x5C, 2), 0x3322);
    ck_assert_uint_eq(cfg_read(0, 0, 0x5D, 1), 0x33);
    /* PAM reserved bits do not stick */
    cfg_write(0, 0, 0x59, 0xFF, 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0x59, 1), 0x30);
    /* SMRAM: C_BASE_SEG hard-wired; D_LCK closes D_OPEN and locks */
    ck_assert_uint_eq(cfg_read(0, 0, 0x72, 1), 0x02);
    cfg_write(0, 0, 0x72, 0x4A, 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0x72, 1), 0x4A);
    cfg_write(0, 0, 0x72, 0x58, 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0x72, 1), 0x1A);
    cfg_write(0, 0, 0x72, 0x40, 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0x72, 1), 0x1A);
    /* reset restores defaults */
    i440fx_desc.reset(nb);
    ck_assert_uint_eq(cfg_read(0, 0, 0x72, 1), 0x02);
    ck_assert_uint_eq(cfg_read(0, 0, 0x59, 1), 0);
    ck_assert_uint_eq(cfg_read(0, 0, 0x5C, 4), 0);
}
END_TEST

START_TEST(test_bar_sizing_and_mapping)
{
    /* IDE BAR4: 16 bytes of I/O */
    ck_assert_uint_eq(cfg_read(1, 1, 0x20, 4), 0x00000001);
    cfg_write(1, 1, 0x20, 0xFFFFFFFF, 4);
    ck_assert_uint_eq(cfg_read(1, 1, 0x20, 4), 0xFFFFFFF1);
    /* BARs that do not exist read zero and stay zero */
    cfg_write(1, 1, 0x10, 0xFFFFFFFF, 4);
    ck_assert_uint_eq(cfg_read(1, 1, 0x10, 4), 0);
    cfg_write(1, 1, 0x20, 0xC000, 4);
    ck_assert_uint_eq(cfg_read(1, 1, 0x20, 4), 0xC001);
    /* not decoded until I/O space is enabled */
    ck_assert_uint_eq(bus_port_read(bus, 0xC004, 4), 0xFFFFFFFF);
    cfg_write(1, 1, 0x04, 0x0005, 2);
    ck_assert_uint_eq(cfg_read(1, 1, 0x04, 2), 0x0005);
    bus_port_write(bus, 0xC004, 0x12345677, 4);
    ck_assert_uint_eq(bus_port_read(bus, 0xC004, 4), 0x12345674); /* dword aligned */
    /* move it: the old place goes away, the registers follow */
    cfg_write(1, 1, 0x20, 0xD000, 4);
    ck_assert_uint_eq(bus_port_read(bus, 0xC004, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(bus_port_read(bus, 0xD004, 4), 0x12345674);
    /* disabling I/O decoding unmaps */
    cfg_write(1, 1, 0x04, 0, 2);
    ck_assert_uint_eq(bus_port_read(bus, 0xD004, 4), 0xFFFFFFFF);
    /* status bits are write-1-to-clear; others read-only */
    cfg_write(1, 1, 0x06, 0xFFFF, 2);
    ck_assert_uint_eq(cfg_read(1, 1, 0x06, 2), 0x0280);
}
END_TEST

/* --- PAM ------------------------------------------------------------------- */

static void set_pam0(uint8_t v)
{
    cfg_write(0, 0, 0x59, v, 1);
}

START_TEST(test_pam_modes_f_segment)
{
    const uint32_t a = 0xF0000;
    const uint8_t rom_b = rom[a - 0xE0000];
    /* disabled: reads and writes go to the ROM */
    ck_assert_uint_eq(i440fx_pam_mode(nb, a), PAM_PCI);
    bus_phys_write(bus, a, 0x11, 1);
    ck_assert_uint_eq(bus_phys_read(bus, a, 1), rom_b);
    ck_assert_uint_eq(ram[a], 0);
    ck_assert_uint_eq(rom[a - 0xE0000], rom_b);
    /* write-only: reads the ROM, writes reach RAM */
    set_pam0(0x20);
    bus_phys_write(bus, a, 0x22, 1);
    ck_assert_uint_eq(bus_phys_read(bus, a, 1), rom_b);
    ck_assert_uint_eq(ram[a], 0x22);
    bus_phys_write(bus, a + 4, 0xCAFEBABE, 4);
    ck_assert_uint_eq(bus_phys_read(bus, a + 4, 4), bus_phys_read(bus, a + 4, 2) |
                                                        (uint32_t)rom[a + 6 - 0xE0000] << 16 |
                                                        (uint32_t)rom[a + 7 - 0xE0000] << 24);
    ck_assert_uint_eq(ram[a + 7], 0xCA);
    /* read/write: RAM both ways */
    set_pam0(0x30);
    ck_assert_uint_eq(bus_phys_read(bus, a, 1), 0x22);
    bus_phys_write(bus, a, 0x33, 1);
    ck_assert_uint_eq(bus_phys_read(bus, a, 1), 0x33);
    ck_assert_uint_eq(ram[a], 0x33);
    /* read-only: reads RAM, writes go to the ROM and vanish */
    set_pam0(0x10);
    bus_phys_write(bus, a, 0x44, 1);
    ck_assert_uint_eq(bus_phys_read(bus, a, 1), 0x33);
    ck_assert_uint_eq(ram[a], 0x33);
    ck_assert_uint_eq(rom[a - 0xE0000], rom_b);
    /* back to disabled: the ROM again */
    set_pam0(0x00);
    ck_assert_uint_eq(bus_phys_read(bus, a, 1), rom_b);
    ck_assert_uint_eq(bus_phys_read(bus, 0xFFFFF, 1), rom[ROM_SIZE - 1]);
}
END_TEST

START_TEST(test_pam_16k_segments)
{
    /* C0000-DFFFF with PAM off: nothing answers */
    ck_assert_uint_eq(bus_phys_read(bus, 0xC0000, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(bus_phys_read(bus, 0xE0000, 1), rom[0]);
    /* PAM1 low nibble RW: only C0000-C3FFF becomes RAM */
    cfg_write(0, 0, 0x5A, 0x03, 1);
    bus_phys_write(bus, 0xC0010, 0x5A, 1);
    ck_assert_uint_eq(bus_phys_read(bus, 0xC0010, 1), 0x5A);
    bus_phys_write(bus, 0xC4010, 0x5A, 1);
    ck_assert_uint_eq(bus_phys_read(bus, 0xC4010, 1), 0xFF);
    ck_assert_uint_eq(i440fx_pam_mode(nb, 0xC4000), PAM_PCI);
    /* PAM6 high nibble: EC000-EFFFF; SeaBIOS's unlock pattern (dword writes) */
    cfg_write(0, 0, 0x58, 0x33331010, 4);
    cfg_write(0, 0, 0x5C, 0x33333333, 4);
    for (uint32_t a = 0xC0000; a < 0xF0000; a += 0x4000) {
        bus_phys_write(bus, a + 0x100, a >> 12, 4);
        if (bus_phys_read(bus, a + 0x100, 4) != a >> 12) ck_abort_msg("segment 0x%x not RAM", a);
    }
    ck_assert_uint_eq(i440fx_pam_mode(nb, 0xEC000), PAM_RW);
    ck_assert_uint_eq(i440fx_pam_mode(nb, 0xF0000), PAM_RO);
    /* reset: everything back to the PCI side */
    i440fx_desc.reset(nb);
    ck_assert_uint_eq(bus_phys_read(bus, 0xC0100, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(bus_phys_read(bus, 0xEC100, 1), rom[0xC100]);
}
END_TEST

/* --- PIIX3 PIRQ routing ------------------------------------------------------ */

START_TEST(test_pirq_routing)
{
    for (int p = 0; p < 4; p++) {
        ck_assert_uint_eq(cfg_read(1, 0, 0x60 + p, 1), 0x80);
        ck_assert_int_eq(piix3_route(sb, p), -1);
    }
    struct irq_line a = piix3_pirq(sb, 0), c = piix3_pirq(sb, 2);
    irq_raise(&a); /* disabled: goes nowhere */
    for (int i = 0; i < 16; i++)
        ck_assert_int_eq(irq_calls[i], 0);
    cfg_write(1, 0, 0x60, 0x0B0B0A0A, 4); /* A,B -> 10; C,D -> 11 (SeaBIOS's choice) */
    ck_assert_int_eq(piix3_route(sb, 0), 10);
    ck_assert_int_eq(piix3_route(sb, 3), 11);
    ck_assert_int_eq(irq_level[10], 1); /* A was already asserted */
    irq_raise(&c);
    ck_assert_int_eq(irq_level[11], 1);
    /* shared: A and C on IRQ 10, the line stays up until both drop */
    cfg_write(1, 0, 0x62, 0x0A, 1);
    ck_assert_int_eq(irq_level[11], 0);
    irq_lower(&a);
    ck_assert_int_eq(irq_level[10], 1);
    irq_lower(&c);
    ck_assert_int_eq(irq_level[10], 0);
    /* reserved encodings and the disable bit route nowhere */
    cfg_write(1, 0, 0x61, 0x08, 1);
    ck_assert_int_eq(piix3_route(sb, 1), -1);
    cfg_write(1, 0, 0x61, 0x8F, 1);
    ck_assert_int_eq(piix3_route(sb, 1), -1);
    ck_assert_uint_eq(cfg_read(1, 0, 0x61, 1), 0x8F);
    ck_assert_int_eq(piix3_slot_pirq(1, 1), 1);
    ck_assert_int_eq(piix3_slot_pirq(3, 2), 0);
}
END_TEST

/* --- PIIX4 PM ---------------------------------------------------------------- */

static void pm_enable(void)
{
    cfg_write(1, 3, 0x40, PMBA, 4);
    ck_assert_uint_eq(cfg_read(1, 3, 0x40, 4), PMBA | 1);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 8, 4), 0xFFFFFFFF); /* PMIOSE still off */
    cfg_write(1, 3, 0x80, 0x01, 1);
}

START_TEST(test_pm_timer_rate)
{
    pm_enable();
    sched_advance(sched, 123456789);
    uint32_t t0 = bus_port_read(bus, PMBA + 8, 4);
    ck_assert_uint_eq(t0, (uint32_t)(123456789ull * 3579545 / 1000000000));
    sched_advance(sched, 1000000000);
    uint32_t t1 = bus_port_read(bus, PMBA + 8, 4);
    uint32_t d = (t1 - t0) & 0xFFFFFF;
    ck_assert_msg(d >= 3579544 && d <= 3579546, "PM timer ran %u ticks in 1 s", d);
    /* 24 bits: wraps, bits 31:24 read zero */
    sched_advance(sched, 5000000000ull);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 8, 4) >> 24, 0);
    /* byte reads give the lanes of the same count */
    uint32_t w = bus_port_read(bus, PMBA + 8, 4);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 9, 1), (w >> 8) & 0xFF);
    /* moving PMBA moves the registers */
    cfg_write(1, 3, 0x40, 0xB000, 4);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 8, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(bus_port_read(bus, 0xB008, 4), w);
}
END_TEST

START_TEST(test_pm_sci_on_timer_overflow)
{
    pm_enable();
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 0, 2) & 1, 0);
    bus_port_write(bus, PMBA + 4, 0x0001, 2);                             /* SCI_EN */
    bus_port_write(bus, PMBA + 2, 0x0001, 2);                             /* TMROF_EN */
    uint64_t toggle = ((1ull << 23) * 1000000000ull + 3579544) / 3579545; /* ~2.34 s */
    sched_advance(sched, toggle - 1000);
    sched_run_due(sched);
    ck_assert_int_eq(irq_level[9], 0);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 0, 2) & 1, 0);
    sched_advance(sched, 1000);
    sched_run_due(sched);
    ck_assert_int_eq(irq_level[9], 1);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 0, 2) & 1, 1);
    ck_assert_uint_ge(bus_port_read(bus, PMBA + 8, 4), 1u << 23);
    /* write 1 to clear; the line drops */
    bus_port_write(bus, PMBA + 0, 0x0001, 2);
    ck_assert_int_eq(irq_level[9], 0);
    /* the next toggle (bit 23 back to 0) fires again */
    sched_advance(sched, toggle);
    sched_run_due(sched);
    ck_assert_int_eq(irq_level[9], 1);
    /* SCI_EN off masks the line but keeps the status */
    bus_port_write(bus, PMBA + 4, 0x0000, 2);
    ck_assert_int_eq(irq_level[9], 0);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 0, 2) & 1, 1);
    /* the APM port's ACPI enable command sets SCI_EN again */
    bus_port_write(bus, 0xB2, 0xF1, 1);
    ck_assert_int_eq(irq_level[9], 1);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 4, 2) & 1, 1);
    bus_port_write(bus, 0xB2, 0xF0, 1);
    ck_assert_int_eq(irq_level[9], 0);
}
END_TEST

START_TEST(test_pm_poweroff)
{
    pm_enable();
    /* SMM reads as already set up (DEVACTB APMC_EN) */
    ck_assert_uint_eq(cfg_read(1, 3, 0x58, 4) & (1u << 25), 1u << 25);
    bus_port_write(bus, PMBA + 4, 1u << 10, 2); /* SUS_TYP 1 without SUS_EN */
    ck_assert_int_eq(poweroffs, 0);
    bus_port_write(bus, PMBA + 4, (1u << 10) | 0x2000, 2); /* S3 (suspend): not power off */
    ck_assert_int_eq(poweroffs, 0);
    ck_assert_uint_eq(bus_port_read(bus, PMBA + 4, 2) & 0x2000, 0); /* SUS_EN reads 0 */
    bus_port_write(bus, PMBA + 5, 0x20, 1); /* SUS_TYP 0 + SUS_EN as one byte */
    ck_assert_int_eq(poweroffs, 1);
}
END_TEST

START_TEST(test_guest_garbage)
{
    /* every config offset and size on every function: no crash, sane reads */
    for (unsigned fn = 0; fn < 8; fn++)
        for (unsigned off = 0; off < 256; off++) {
            cfg_write(1, fn, off, 0xFFFFFFFF, 1);
            cfg_write(0, fn, off, 0, 1);
            (void)cfg_read(1, fn, off, 1);
        }
    for (unsigned p = 0; p < 64; p++)
        bus_port_write(bus, (uint16_t)(PMBA + p), 0xFF, 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pci");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_config_access_sizes);
    tcase_add_test(tc, test_config_write_masks);
    tcase_add_test(tc, test_bar_sizing_and_mapping);
    tcase_add_test(tc, test_pam_modes_f_segment);
    tcase_add_test(tc, test_pam_16k_segments);
    tcase_add_test(tc, test_pirq_routing);
    tcase_add_test(tc, test_pm_timer_rate);
    tcase_add_test(tc, test_pm_sci_on_timer_overflow);
    tcase_add_test(tc, test_pm_poweroff);
    tcase_add_test(tc, test_guest_garbage);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
