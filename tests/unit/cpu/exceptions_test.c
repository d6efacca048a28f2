/*
 * exceptions_test.c - cpu/except.c and cpu/intr.c: vectors and error codes
 * of delivery faults (#GP/#NP with the IDT and EXT bits, SDM 6.13), the
 * double-fault classes of SDM table 6-5, and the triple fault (shutdown) in
 * protected and real mode.  delivery() plays cpu_run's landing pad: each
 * fault raised while delivering lands back in cpu_deliver_exception.
 */
#include "prot_fixture.h"

#define H(v) (0x5000u + (v) * 0x10u) /* handler address of vector v */
#define GATE_INT32 0x8e
#define GATE_ABSENT 0x0e

static void setup(void)
{
    fixture_setup();
    enter_pm(3);
}

static void delivery(int vector, uint32_t error)
{
    cpu.exc_vector = vector;
    cpu.exc_error = error;
    cpu.exc_has_error = exc_has_error_code(vector);
    cpu.in_run = true;
    if (setjmp(cpu.fault_jmp))
        cpu.eip = cpu.insn_eip;
    cpu_deliver_exception(&cpu);
    cpu.in_run = false;
}

static void gate(unsigned v, uint8_t access) { idt_set(v, SEL_CODE0, H(v), access); }

START_TEST(gp_frame)
{
    gate(13, GATE_INT32);
    cpu.eflags |= FL_IF;
    delivery(EXC_GP, 0x1234);
    ck_assert(!cpu.shutdown);
    ck_assert_int_eq(cpu.delivering, -1);
    ck_assert_uint_eq(cpu.eip, H(13));
    uint32_t sp = cpu.regs[R_ESP];
    ck_assert_uint_eq(sp, STACK_TOP - 16);
    ck_assert_uint_eq(get32(sp), 0x1234);
    ck_assert_uint_eq(get32(sp + 4), 0x1000);
    ck_assert_uint_eq(get32(sp + 8), SEL_CODE0);
    ck_assert(get32(sp + 12) & FL_RF); /* faults push RF = 1 */
    ck_assert(get32(sp + 12) & FL_IF);
    ck_assert(!(cpu.eflags & (FL_IF | FL_RF)));
}
END_TEST

START_TEST(np_gate_error_code)
{
    gate(6, GATE_ABSENT);
    gate(11, GATE_INT32);
    delivery(EXC_UD, 0); /* benign, then #NP: handled serially */
    ck_assert_uint_eq(cpu.eip, H(11));
    ck_assert_uint_eq(get32(cpu.regs[R_ESP]), 6 * 8 + 2 + 1); /* IDT | EXT */
}
END_TEST

START_TEST(bad_gate_type_is_gp)
{
    idt_set(6, SEL_CODE0, H(6), 0x85 | 0x08); /* type 0xD: reserved */
    gate(13, GATE_INT32);
    delivery(EXC_UD, 0);
    ck_assert_uint_eq(cpu.eip, H(13));
    ck_assert_uint_eq(get32(cpu.regs[R_ESP]), 6 * 8 + 2 + 1);
}
END_TEST

START_TEST(contributory_twice_is_df)
{
    gate(13, GATE_ABSENT);
    gate(8, GATE_INT32);
    delivery(EXC_GP, 0);
    ck_assert(!cpu.shutdown);
    ck_assert_uint_eq(cpu.eip, H(8));
    ck_assert_uint_eq(get32(cpu.regs[R_ESP]), 0); /* #DF error code */
    ck_assert_uint_eq(get32(cpu.regs[R_ESP] + 4), 0x1000);
}
END_TEST

START_TEST(pf_then_gp_is_df)
{
    gate(14, GATE_ABSENT);
    gate(8, GATE_INT32);
    delivery(EXC_PF, 2);
    ck_assert_uint_eq(cpu.eip, H(8));
}
END_TEST

START_TEST(ts_then_np_is_df)
{
    gate(10, GATE_ABSENT);
    gate(8, GATE_INT32);
    gate(11, GATE_INT32);
    delivery(EXC_TS, 0x18);
    ck_assert_uint_eq(cpu.eip, H(8));
}
END_TEST

START_TEST(triple_fault)
{
    delivery(EXC_GP, 0); /* an empty IDT: #GP, #DF, then shutdown */
    ck_assert(cpu.shutdown);
    ck_assert_int_eq(cpu.delivering, -1);
    ck_assert_uint_eq(cpu.regs[R_ESP], STACK_TOP); /* nothing was committed */
}
END_TEST

START_TEST(idt_limit)
{
    gate(13, GATE_INT32);
    cpu.idtr.limit = 13 * 8 + 7;
    delivery(0x20, 0); /* beyond the limit: #GP(0x20*8+2+1) */
    ck_assert_uint_eq(cpu.eip, H(13));
    ck_assert_uint_eq(get32(cpu.regs[R_ESP]), 0x20 * 8 + 3);
}
END_TEST

START_TEST(soft_int_dpl)
{
    idt_set(0x80, SEL_CODE0, H(0x80), 0x8e); /* DPL 0 */
    cpu_set_cpl(&cpu, 3);
    GUARD(cpu_interrupt(&cpu, 0x80, INTR_SOFT, false, 0));
    ck_assert_int_eq(last_vector, EXC_GP);
    ck_assert_uint_eq(last_error, 0x80 * 8 + 2); /* no EXT for INT n */
    cpu_set_cpl(&cpu, 0);
    GUARD(cpu_interrupt(&cpu, 0x80, INTR_EXT, false, 0)); /* no DPL check for hardware */
    ck_assert_int_eq(last_vector, -1);
    ck_assert_uint_eq(cpu.eip, H(0x80));
}
END_TEST

START_TEST(real_mode_delivery_and_shutdown)
{
    cpu_set_cr0(&cpu, cpu.cr0 & ~CR0_PE);
    seg_load_real(&cpu, SEG_CS, 0);
    seg_load_real(&cpu, SEG_SS, 0);
    cpu.idtr.base = 0;
    cpu.idtr.limit = 0x3ff;
    put32(13 * 4, 0x12345678u);
    cpu.eflags |= FL_IF | FL_TF;
    delivery(EXC_GP, 0);
    ck_assert_uint_eq(cpu.seg[SEG_CS].sel, 0x1234);
    ck_assert_uint_eq(cpu.seg[SEG_CS].base, 0x12340);
    ck_assert_uint_eq(cpu.eip, 0x5678);
    ck_assert_uint_eq(cpu.regs[R_ESP], STACK_TOP - 6);
    ck_assert_uint_eq(get16(STACK_TOP - 6), 0x1000);
    ck_assert(!(cpu.eflags & (FL_IF | FL_TF)));
    /* An IVT too short for #GP, #DF: shutdown. */
    cpu.idtr.limit = 8 * 4 - 1;
    delivery(EXC_GP, 0);
    ck_assert(cpu.shutdown);
}
END_TEST

static Suite *exceptions_suite(void)
{
    Suite *s = suite_create("exceptions");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, fixture_teardown);
    tcase_add_test(t, gp_frame);
    tcase_add_test(t, np_gate_error_code);
    tcase_add_test(t, bad_gate_type_is_gp);
    tcase_add_test(t, contributory_twice_is_df);
    tcase_add_test(t, pf_then_gp_is_df);
    tcase_add_test(t, ts_then_np_is_df);
    tcase_add_test(t, triple_fault);
    tcase_add_test(t, idt_limit);
    tcase_add_test(t, soft_int_dpl);
    tcase_add_test(t, real_mode_delivery_and_shutdown);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(exceptions_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
