/*
 * seg_test.c - cpu/seg.c: descriptor decoding, the derived limit ranges of
 * seg_update_cache (expand-up, expand-down with B=0/1, null selectors), and
 * the checks of segment loads (SDM vol. 3A 5.5-5.7, MOV/POP pseudo-code):
 * which loads fault, with which vector and error code.
 */
#include "prot_fixture.h"

static void setup(void)
{
    fixture_setup();
    /* 3: data DPL 3   4: data not present   5: exec-only code   6: read-only data
     * 7: expand-down 16-bit, limit 0x0fff   8: expand-down 32-bit, limit 0x0fff
     * 9: conforming readable code DPL 0     10: data with the accessed bit clear */
    gdt_set(3, 0x1000, 0xffff, 0xf3, 0x0);
    gdt_set(4, 0, 0xffff, 0x13, 0x0);
    gdt_set(5, 0, 0xffff, 0x98, 0x4);
    gdt_set(6, 0, 0xffff, 0x91, 0x0);
    gdt_set(7, 0x2000, 0x0fff, 0x97, 0x0);
    gdt_set(8, 0x2000, 0x0fff, 0x97, 0x4);
    gdt_set(9, 0, 0xffff, 0x9e, 0x0);
    gdt_set(10, 0x3000, 0xffff, 0x92, 0x0);
    enter_pm(11);
}

START_TEST(descriptor_fields)
{
    struct descriptor d = {0x1234ffffu, 0xab4f9a56u}; /* base ab561234, limit fffff, G=0 */
    ck_assert_uint_eq(desc_base(d), 0xab561234u);
    ck_assert_uint_eq(desc_limit(d), 0xfffffu);
    d.hi |= 0x00800000u; /* G */
    ck_assert_uint_eq(desc_limit(d), 0xffffffffu);
    ck_assert_uint_eq(desc_flags(d) & 0xff, 0x9a);
}
END_TEST

START_TEST(cache_ranges)
{
    GUARD(seg_load(&cpu, SEG_DS, 0x38));
    ck_assert_int_eq(last_vector, -1);
    ck_assert_uint_eq(cpu.seg[SEG_DS].lo, 0x1000);
    ck_assert_uint_eq(cpu.seg[SEG_DS].hi, 0xffff);
    GUARD(seg_load(&cpu, SEG_DS, 0x40));
    ck_assert_uint_eq(cpu.seg[SEG_DS].lo, 0x1000);
    ck_assert_uint_eq(cpu.seg[SEG_DS].hi, 0xffffffffu);
    ck_assert(cpu.seg[SEG_DS].writable);
    /* Accesses below the expand-down limit fault, above it do not. */
    GUARD(cpu_read(&cpu, SEG_DS, 0xfff, 1));
    ck_assert_int_eq(last_vector, EXC_GP);
    GUARD(cpu_read(&cpu, SEG_DS, 0x1000, 4));
    ck_assert_int_eq(last_vector, -1);
    /* Read-only data: readable, not writable. */
    GUARD(seg_load(&cpu, SEG_ES, 0x30));
    ck_assert(cpu.seg[SEG_ES].readable);
    ck_assert(!cpu.seg[SEG_ES].writable);
    GUARD(cpu_write(&cpu, SEG_ES, 0, 1, 1));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0);
}
END_TEST

START_TEST(null_selector)
{
    GUARD(seg_load(&cpu, SEG_FS, 0x0003));
    ck_assert_int_eq(last_vector, -1);
    ck_assert_uint_eq(cpu.seg[SEG_FS].sel, 3);
    ck_assert(!cpu.seg[SEG_FS].readable);
    GUARD(cpu_read(&cpu, SEG_FS, 0, 1));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0);
    GUARD(seg_load(&cpu, SEG_SS, 0));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0);
}
END_TEST

START_TEST(data_load_checks)
{
    /* Beyond the GDT limit */
    GUARD(seg_load(&cpu, SEG_DS, 0x58));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0x58);
    /* Not present: #NP(sel) */
    GUARD(seg_load(&cpu, SEG_DS, 0x20));
    ck_assert_int_eq(last_vector, EXC_NP);
    ck_assert_uint_eq(last_error, 0x20);
    /* Execute-only code: #GP(sel); readable conforming code is fine */
    GUARD(seg_load(&cpu, SEG_DS, 0x28));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0x28);
    GUARD(seg_load(&cpu, SEG_DS, 0x4b));
    ck_assert_int_eq(last_vector, -1);
    /* DPL 0 data from CPL 3: #GP(sel) with RPL cleared */
    cpu_set_cpl(&cpu, 3);
    GUARD(seg_load(&cpu, SEG_DS, 0x13));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0x10);
    GUARD(seg_load(&cpu, SEG_DS, 0x1b));
    ck_assert_int_eq(last_vector, -1);
    cpu_set_cpl(&cpu, 0);
    /* RPL 3 on DPL 0 data at CPL 0 */
    GUARD(seg_load(&cpu, SEG_DS, 0x13));
    ck_assert_int_eq(last_vector, EXC_GP);
}
END_TEST

START_TEST(stack_load_checks)
{
    GUARD(seg_load(&cpu, SEG_SS, 0x13)); /* RPL != CPL */
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0x10);
    GUARD(seg_load(&cpu, SEG_SS, 0x30)); /* read-only */
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0x30);
    GUARD(seg_load(&cpu, SEG_SS, 0x18)); /* DPL 3 at CPL 0 */
    ck_assert_int_eq(last_vector, EXC_GP);
    GUARD(seg_load(&cpu, SEG_SS, 0x20)); /* not present: #SS */
    ck_assert_int_eq(last_vector, EXC_SS);
    ck_assert_uint_eq(last_error, 0x20);
    GUARD(seg_load(&cpu, SEG_SS, 0x10));
    ck_assert_int_eq(last_vector, -1);
}
END_TEST

START_TEST(accessed_bit)
{
    ck_assert_uint_eq((get32(GDT_BASE + 10 * 8 + 4) >> 8) & 1, 0);
    GUARD(seg_load(&cpu, SEG_GS, 0x50));
    ck_assert_int_eq(last_vector, -1);
    ck_assert_uint_eq((get32(GDT_BASE + 10 * 8 + 4) >> 8) & 1, 1);
    ck_assert_uint_eq(cpu.seg[SEG_GS].base, 0x3000);
}
END_TEST

START_TEST(real_and_v86_loads)
{
    cpu_set_cr0(&cpu, cpu.cr0 & ~CR0_PE);
    /* Unreal mode: a real-mode load keeps the 4 GiB limit. */
    seg_load(&cpu, SEG_DS, 0x1234);
    ck_assert_uint_eq(cpu.seg[SEG_DS].base, 0x12340);
    ck_assert_uint_eq(cpu.seg[SEG_DS].limit, 0xffffffffu);
    ck_assert(cpu.seg[SEG_DS].writable);
    /* SS limit violations in real mode are #SS(0), others #GP(0). */
    cpu.seg[SEG_ES].limit = 0xffff;
    seg_update_cache(&cpu, &cpu.seg[SEG_ES], SEG_ES);
    GUARD(cpu_read(&cpu, SEG_ES, 0xffff, 2));
    ck_assert_int_eq(last_vector, EXC_GP);
    cpu.seg[SEG_SS].limit = 0xffff;
    seg_update_cache(&cpu, &cpu.seg[SEG_SS], SEG_SS);
    GUARD(cpu_read(&cpu, SEG_SS, 0xffff, 2));
    ck_assert_int_eq(last_vector, EXC_SS);
}
END_TEST

START_TEST(io_bitmap)
{
    /* 32-bit TSS at 0x20000 with an I/O map at 0x68 allowing ports 0x60-0x67 only. */
    uint32_t tss = 0x20000;
    memset(ram + tss, 0, 0x68 + 0x2000 + 1);
    put32(tss + 0x64, 0x00680000u);
    memset(ram + tss + 0x68, 0xff, 0x2000);
    ram[tss + 0x68 + (0x60 >> 3)] = 0x00;
    gdt_set(11, tss, 0x68 + 0x2000, 0x8b, 0x0);
    cpu.gdtr.limit = 12 * 8 - 1;
    cpu.tr.sel = 0x58;
    cpu.tr.base = tss;
    cpu.tr.limit = 0x68 + 0x2000;
    cpu.tr.flags = 0x8b;
    cpu.eflags &= ~FL_IOPL;
    cpu_set_cpl(&cpu, 3);
    GUARD(cpu_io_check(&cpu, 0x60, 4));
    ck_assert_int_eq(last_vector, -1);
    GUARD(cpu_io_check(&cpu, 0x66, 4)); /* 0x68, 0x69 are denied */
    ck_assert_int_eq(last_vector, EXC_GP);
    GUARD(cpu_io_check(&cpu, 0x70, 1));
    ck_assert_int_eq(last_vector, EXC_GP);
    cpu.eflags |= FL_IOPL; /* IOPL 3: no bitmap check */
    GUARD(cpu_io_check(&cpu, 0x70, 1));
    ck_assert_int_eq(last_vector, -1);
}
END_TEST

static Suite *seg_suite(void)
{
    Suite *s = suite_create("seg");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, fixture_teardown);
    tcase_add_test(t, descriptor_fields);
    tcase_add_test(t, cache_ranges);
    tcase_add_test(t, null_selector);
    tcase_add_test(t, data_load_checks);
    tcase_add_test(t, stack_load_checks);
    tcase_add_test(t, accessed_bit);
    tcase_add_test(t, real_and_v86_loads);
    tcase_add_test(t, io_bitmap);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(seg_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
