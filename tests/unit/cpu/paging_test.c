/*
 * paging_test.c - page walks, #PF error codes and CR2, A/D bits, CR0.WP,
 * PSE, PAE/NX, and the TLB's flush rules (CR3 with PGE, INVLPG), driven
 * through the CPU's own accessors (cpu/mmu.h) on a 1 MiB RAM bus.
 *
 * Expected values come from SDM vol. 3A 4.3-4.10, worked by hand.
 */
#include "prot_fixture.h"

#include "cpu/paging.h"
#include "cpu/tlb.h"

#define PD 0x20000u   /* page directory (legacy) */
#define PT 0x21000u   /* one page table, mapping 0-4 MiB */
#define PDPT 0x22000u /* PAE */
#define PAE_PD 0x23000u
#define PAE_PT 0x24000u

enum { P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100 };

/* Identity-map the first 4 MiB with 4 KiB pages of the given flags. */
static void legacy_tables(uint32_t pte_flags)
{
    memset(ram + PD, 0, 4096);
    put32(PD, PT | P | W | U);
    for (uint32_t k = 0; k < 256; k++) /* RAM is 1 MiB */
        put32(PT + k * 4, (k << 12) | pte_flags);
    cpu.cr3 = PD;
}

static void paging_on(void)
{
    cpu_set_cr0(&cpu, cpu.cr0 | CR0_PE | CR0_PG);
    tlb_flush_all(&cpu);
}

static void setup(void)
{
    fixture_setup();
    enter_pm(3);
}

START_TEST(reads_and_writes_through_tables)
{
    legacy_tables(P | W | U);
    /* map linear 0x400000 (PDE 1) to physical 0x5000 through a second table */
    put32(PD + 4, 0x30000 | P | W | U);
    memset(ram + 0x30000, 0, 4096);
    put32(0x30000, 0x5000 | P | W | U);
    paging_on();
    put32(0x5000, 0xdeadbeef);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x400000), 0xdeadbeef));
    ck_assert_int_eq(last_vector, -1);
    GUARD(cpu_write32(&cpu, SEG_DS, 0x400004, 0x12345678));
    ck_assert_uint_eq(get32(0x5004), 0x12345678);
    /* the walk set A on both levels and D on the PTE that was written */
    ck_assert_uint_eq(get32(PD + 4) & (A | D), A);
    ck_assert_uint_eq(get32(0x30000) & (A | D), A | D);
}
END_TEST

START_TEST(not_present_and_protection_faults)
{
    legacy_tables(P | W | U);
    put32(PT + 0x50 * 4, 0);                 /* 0x50000 not present */
    put32(PT + 0x51 * 4, 0x51000 | P | U);   /* read-only user page */
    put32(PT + 0x52 * 4, 0x52000 | P | W);   /* supervisor page */
    paging_on();

    GUARD(cpu_read32(&cpu, SEG_DS, 0x50010));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, 0); /* not present, read, supervisor */
    ck_assert_uint_eq(cpu.cr2, 0x50010);

    /* supervisor write to a read-only page is allowed while CR0.WP = 0 */
    GUARD(cpu_write32(&cpu, SEG_DS, 0x51000, 1));
    ck_assert_int_eq(last_vector, -1);
    cpu_set_cr0(&cpu, cpu.cr0 | CR0_WP);
    GUARD(cpu_write32(&cpu, SEG_DS, 0x51008, 1));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, P | W);
    ck_assert_uint_eq(cpu.cr2, 0x51008);

    /* user accesses: supervisor page -> P|U, read-only write -> P|W|U */
    cpu_set_cpl(&cpu, 3);
    GUARD(cpu_lin_read(&cpu, 0x52000, 4));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, P | U);
    GUARD(cpu_lin_write(&cpu, 0x51000, 7, 4));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, P | W | U);
    /* an implicit supervisor access (descriptor tables) at CPL 3 may read it */
    GUARD(cpu_sys_read(&cpu, 0x52000, 4));
    ck_assert_int_eq(last_vector, -1);
    cpu_set_cpl(&cpu, 0);
}
END_TEST

START_TEST(page_crossing_write_checks_both_pages_first)
{
    legacy_tables(P | W | U);
    put32(PT + 0x61 * 4, 0x61000 | P | U); /* read-only second page */
    cpu_set_cr0(&cpu, cpu.cr0 | CR0_WP);
    paging_on();
    put32(0x60ffc, 0x11111111);
    GUARD(cpu_write32(&cpu, SEG_DS, 0x60ffe, 0xaabbccdd));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(cpu.cr2, 0x61000);
    /* nothing of the store reached the first page */
    ck_assert_uint_eq(get32(0x60ffc), 0x11111111);
}
END_TEST

START_TEST(pse_large_pages)
{
    legacy_tables(P | W | U);
    cpu_set_cr4(&cpu, cpu.cr4 | CR4_PSE);
    /* linear 0x800000 (PDE 2) -> physical 4 MiB page at 0: offset 0x7000 */
    put32(PD + 8, 0x0 | P | W | U | PS);
    paging_on();
    put32(0x7000, 0xcafef00d);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x807000), 0xcafef00d));
    ck_assert_int_eq(last_vector, -1);
    ck_assert_uint_eq(get32(PD + 8) & A, A);
    /* reserved bits 13-21 of a 4 MiB PDE: RSVD fault */
    put32(PD + 12, 0x2000 | P | W | PS);
    GUARD(cpu_read32(&cpu, SEG_DS, 0xc00000));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, P | 8);
}
END_TEST

START_TEST(tlb_flush_rules)
{
    legacy_tables(P | W | U);
    put32(PT + 0x70 * 4, 0x71000 | P | W | G); /* global page */
    put32(PT + 0x72 * 4, 0x73000 | P | W);     /* ordinary page */
    cpu_set_cr4(&cpu, cpu.cr4 | CR4_PGE);
    paging_on();
    put32(0x71000, 1);
    put32(0x73000, 2);
    put32(0x74000, 3);
    put32(0x75000, 4);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x70000), 1));
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x72000), 2));
    /* retarget both pages: the TLB still holds the old translations */
    put32(PT + 0x70 * 4, 0x75000 | P | W | G);
    put32(PT + 0x72 * 4, 0x74000 | P | W);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x72000), 2));
    /* MOV CR3 drops the ordinary page but keeps the global one */
    cpu_load_cr3(&cpu, PD);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x72000), 3));
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x70000), 1));
    /* INVLPG drops even a global page */
    tlb_flush_page(&cpu, 0x70000);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x70000), 4));
    ck_assert_int_eq(last_vector, -1);
}
END_TEST

START_TEST(pae_and_nx)
{
    memset(ram + PDPT, 0, 3 * 4096);
    put32(PDPT, PAE_PD | P);
    put32(PAE_PD, PAE_PT | P | W);
    for (uint32_t k = 0; k < 256; k++)
        put32(PAE_PT + k * 8, (k << 12) | P | W);
    /* 0x80000: no-execute */
    put32(PAE_PT + 0x80 * 8 + 4, 0x80000000u);
    /* 2 MiB page at linear 0x200000 -> physical 0 */
    put32(PAE_PD + 8, 0x0 | P | W | PS);
    cpu.cr3 = PDPT;
    cpu_set_cr4(&cpu, cpu.cr4 | CR4_PAE);
    paging_on();
    put32(0x3000, 0x600d600d);
    GUARD(ck_assert_uint_eq(cpu_read32(&cpu, SEG_DS, 0x203000), 0x600d600d));
    ck_assert_int_eq(last_vector, -1);
    /* NX bit while EFER.NXE = 0 is reserved */
    GUARD(cpu_read32(&cpu, SEG_DS, 0x80000));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, P | 8);
    /* with NXE: data reads work, an instruction fetch faults with I/D */
    cpu.efer |= EFER_NXE;
    tlb_flush_all(&cpu);
    GUARD(cpu_read32(&cpu, SEG_DS, 0x80000));
    ck_assert_int_eq(last_vector, -1);
    GUARD(cpu_translate(&cpu, 0x80000, ACC_FETCH, TLB_SUPER));
    ck_assert_int_eq(last_vector, EXC_PF);
    ck_assert_uint_eq(last_error, P | 0x10);
}
END_TEST

START_TEST(a20_mask_applies_to_linear_addresses)
{
    /* real mode: FFFF:0010 is 0x100000, which wraps to 0 with A20 off */
    cpu_set_cr0(&cpu, cpu.cr0 & ~(CR0_PE | CR0_PG));
    put32(0x0, 0x01020304);
    bus_set_a20(bus, false);
    GUARD(ck_assert_uint_eq(cpu_lin_read(&cpu, 0x100000, 4), 0x01020304));
    ck_assert_int_eq(last_vector, -1);
    bus_set_a20(bus, true);
    /* 0x100000 is beyond this 1 MiB RAM: unmapped reads are all ones */
    GUARD(ck_assert_uint_eq(cpu_lin_read(&cpu, 0x100000, 4), 0xffffffffu));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("paging");
    TCase *tc = tcase_create("paging");
    tcase_add_checked_fixture(tc, setup, fixture_teardown);
    tcase_add_test(tc, reads_and_writes_through_tables);
    tcase_add_test(tc, not_present_and_protection_faults);
    tcase_add_test(tc, page_crossing_write_checks_both_pages_first);
    tcase_add_test(tc, pse_large_pages);
    tcase_add_test(tc, tlb_flush_rules);
    tcase_add_test(tc, pae_and_nx);
    tcase_add_test(tc, a20_mask_applies_to_linear_addresses);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
