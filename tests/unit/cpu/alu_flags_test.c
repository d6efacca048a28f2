/*
 * alu_flags_test.c - cpu/alu.c and cpu/flags.c against expectations derived
 * independently: flags from widened arithmetic (carry = the true sum does
 * not fit, overflow = the signed sum does not fit, AF = the low nibbles
 * carry), conditions from the SDM's flag formulas, shifts and rotates from
 * a one-bit-at-a-time model, division from the definition.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/alu.h"
#include "cpu/flags.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

static struct cpu cpu;

/* Check's ck_assert records a mark point per call, a system call in no-fork
 * mode; the sweeps here make millions of checks, so only a failure reaches Check. */
#define EXPECT(cond) EXPECT_MSG(cond, "%s", #cond)
#define EXPECT_MSG(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)

static uint32_t mask_of(unsigned size) { return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1; }
static int64_t sx(uint32_t v, unsigned size)
{
    unsigned sh = 64 - size * 8;
    return (int64_t)((uint64_t)v << sh) >> sh;
}
static uint32_t szp(uint32_t r, unsigned size)
{
    uint32_t f = 0;
    if (r == 0) f |= FL_ZF;
    if (r >> (size * 8 - 1)) f |= FL_SF;
    int ones = 0;
    for (int b = 0; b < 8; b++) ones += (r >> b) & 1;
    if (!(ones & 1)) f |= FL_PF;
    return f;
}

/* Expected OSZAPC of a + b + cin / a - b - cin. */
static uint32_t ref_add(uint32_t a, uint32_t b, int cin, unsigned size, uint32_t *res)
{
    uint32_t m = mask_of(size);
    a &= m; b &= m;
    uint64_t u = (uint64_t)a + b + cin;
    int64_t s = sx(a, size) + sx(b, size) + cin;
    *res = (uint32_t)u & m;
    uint32_t f = szp(*res, size);
    if (u > m) f |= FL_CF;
    if (s != sx(*res, size)) f |= FL_OF;
    if ((a & 0xf) + (b & 0xf) + cin > 0xf) f |= FL_AF;
    return f;
}

static uint32_t ref_sub(uint32_t a, uint32_t b, int cin, unsigned size, uint32_t *res)
{
    uint32_t m = mask_of(size);
    a &= m; b &= m;
    int64_t s = sx(a, size) - sx(b, size) - cin;
    *res = (a - b - cin) & m;
    uint32_t f = szp(*res, size);
    if ((uint64_t)a < (uint64_t)b + cin) f |= FL_CF;
    if (s != sx(*res, size)) f |= FL_OF;
    if ((a & 0xf) < (b & 0xf) + (uint32_t)cin) f |= FL_AF;
    return f;
}

static bool ref_cond(uint32_t f, unsigned cc)
{
    bool cf = f & FL_CF, zf = f & FL_ZF, sf = f & FL_SF, of = f & FL_OF, pf = f & FL_PF, r;
    switch (cc >> 1) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf || zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf != of; break;
    default: r = zf || sf != of; break;
    }
    return r ^ (cc & 1);
}

static void set_cf(int cf) { flags_set_arith(&cpu, cf ? FL_CF : 0); }

/* Compare every flag and every condition with `want`. */
static void check_flags(uint32_t want, const char *what, uint32_t a, uint32_t b, unsigned size)
{
    uint32_t got = flags_arith(&cpu);
    EXPECT_MSG(got == want, "%s size %u a=%#x b=%#x: flags %#x want %#x", what, size, a, b, got, want);
    for (unsigned cc = 0; cc < 16; cc++)
        EXPECT_MSG(cond_eval(&cpu, cc) == ref_cond(want, cc), "%s a=%#x b=%#x cc=%u", what, a, b, cc);
    EXPECT(flags_cf(&cpu) == !!(want & FL_CF));
    EXPECT(flags_zf(&cpu) == !!(want & FL_ZF));
    EXPECT(flags_sf(&cpu) == !!(want & FL_SF));
    EXPECT(flags_of(&cpu) == !!(want & FL_OF));
    EXPECT(flags_pf(&cpu) == !!(want & FL_PF));
    EXPECT(flags_af(&cpu) == !!(want & FL_AF));
}

static void check_pair(uint32_t a, uint32_t b, unsigned size)
{
    uint32_t r, want, got;
    for (int cin = 0; cin < 2; cin++) {
        want = ref_add(a, b, cin, size, &r);
        set_cf(cin);
        got = cin ? alu_adc(&cpu, a, b, size) : alu_add(&cpu, a, b, size);
        ck_assert_uint_eq(got, r);
        check_flags(want, cin ? "adc" : "add", a, b, size);

        want = ref_sub(a, b, cin, size, &r);
        set_cf(cin);
        got = cin ? alu_sbb(&cpu, a, b, size) : alu_sub(&cpu, a, b, size);
        ck_assert_uint_eq(got, r);
        check_flags(want, cin ? "sbb" : "sub", a, b, size);
    }
    uint32_t m = mask_of(size);
    ck_assert_uint_eq(alu_and(&cpu, a, b, size), a & b & m);
    check_flags(szp(a & b & m, size), "and", a, b, size);
    ck_assert_uint_eq(alu_or(&cpu, a, b, size), (a | b) & m);
    check_flags(szp((a | b) & m, size), "or", a, b, size);
    ck_assert_uint_eq(alu_xor(&cpu, a, b, size), (a ^ b) & m);
    check_flags(szp((a ^ b) & m, size), "xor", a, b, size);
}

START_TEST(test_add_sub_logic_byte_exhaustive)
{
    for (uint32_t a = 0; a < 256; a++)
        for (uint32_t b = 0; b < 256; b++)
            check_pair(a, b, 1);
}
END_TEST

START_TEST(test_add_sub_logic_wide)
{
    static const uint32_t corner[] = {0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
                                      0xffff, 0x10000, 0x7fffffff, 0x80000000u, 0xfffffffeu, 0xffffffffu};
    unsigned n = sizeof corner / sizeof corner[0];
    for (unsigned size = 2; size <= 4; size += 2) {
        for (unsigned x = 0; x < n; x++)
            for (unsigned y = 0; y < n; y++)
                check_pair(corner[x], corner[y], size);
        srand(1234);
        for (int k = 0; k < 20000; k++)
            check_pair((uint32_t)rand() * 2654435761u, (uint32_t)rand() ^ ((uint32_t)rand() << 16), size);
    }
}
END_TEST

START_TEST(test_named_corners)
{
    uint32_t f;
    alu_add(&cpu, 0x7f, 1, 1); /* signed overflow, half carry, no carry */
    f = flags_arith(&cpu);
    ck_assert_uint_eq(f, FL_OF | FL_SF | FL_AF);
    alu_add(&cpu, 0xff, 1, 1); /* carry, zero, half carry */
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_ZF | FL_AF | FL_PF);
    alu_sub(&cpu, 0x80, 1, 1); /* signed overflow, half borrow */
    ck_assert_uint_eq(flags_arith(&cpu), FL_OF | FL_AF);
    set_cf(1);
    ck_assert_uint_eq(alu_adc(&cpu, 0xffff, 0, 2), 0);
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_ZF | FL_AF | FL_PF);
    set_cf(1);
    ck_assert_uint_eq(alu_sbb(&cpu, 0, 0xffffffffu, 4), 0);
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_ZF | FL_AF | FL_PF);
    /* NEG: CF = operand != 0; OF only for the most negative value. */
    ck_assert_uint_eq(alu_neg(&cpu, 0, 1), 0);
    ck_assert_uint_eq(flags_arith(&cpu), FL_ZF | FL_PF);
    ck_assert_uint_eq(alu_neg(&cpu, 0x80, 1), 0x80);
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_OF | FL_SF);
    ck_assert_uint_eq(alu_neg(&cpu, 0x8000, 2), 0x8000);
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_OF | FL_SF | FL_PF);
    ck_assert_uint_eq(alu_neg(&cpu, 0x80000000u, 4), 0x80000000u);
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_OF | FL_SF | FL_PF);
    ck_assert_uint_eq(alu_neg(&cpu, 1, 4), 0xffffffffu);
    ck_assert_uint_eq(flags_arith(&cpu), FL_CF | FL_SF | FL_AF | FL_PF);
}
END_TEST

/* INC/DEC: like ADD/SUB 1 but CF survives from whatever set it, even lazily. */
START_TEST(test_inc_dec_keep_cf)
{
    for (unsigned size = 1; size <= 4; size *= 2) {
        uint32_t m = mask_of(size);
        static const uint32_t vals[] = {0, 1, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                        0x7fffffff, 0x80000000u, 0xffffffffu};
        for (unsigned k = 0; k < sizeof vals / sizeof vals[0]; k++) {
            uint32_t a = vals[k] & m, r, want;
            for (int cf = 0; cf < 2; cf++) {
                /* Leave CF in lazy form: an ADD whose carry is cf. */
                alu_add(&cpu, cf ? m : 0, cf ? 1 : 0, size);
                EXPECT(flags_cf(&cpu) == cf);
                want = (ref_add(a, 1, 0, size, &r) & ~FL_CF) | (cf ? FL_CF : 0);
                ck_assert_uint_eq(alu_inc(&cpu, a, size), r);
                check_flags(want, "inc", a, 1, size);
                alu_add(&cpu, cf ? m : 0, cf ? 1 : 0, size);
                want = (ref_sub(a, 1, 0, size, &r) & ~FL_CF) | (cf ? FL_CF : 0);
                ck_assert_uint_eq(alu_dec(&cpu, a, size), r);
                check_flags(want, "dec", a, 1, size);
                /* twice in a row: CF still from before the first */
                alu_inc(&cpu, a, size);
                alu_dec(&cpu, a, size);
                EXPECT(flags_cf(&cpu) == cf);
            }
        }
    }
}
END_TEST

START_TEST(test_materialize_and_set)
{
    alu_sub(&cpu, 3, 5, 2);
    uint32_t f = flags_arith(&cpu);
    flags_materialize(&cpu);
    ck_assert_uint_eq(cpu.lf.op, LF_NONE);
    ck_assert_uint_eq(flags_arith(&cpu), f);
    for (unsigned cc = 0; cc < 16; cc++)
        EXPECT(cond_eval(&cpu, cc) == ref_cond(f, cc));
    flags_set_some(&cpu, FL_CF, 0);
    ck_assert_uint_eq(flags_arith(&cpu), f & ~FL_CF);
    cpu.eflags = FL_DF | FL_IF;
    alu_add(&cpu, 0xff, 1, 1);
    ck_assert_uint_eq(cpu_get_eflags(&cpu), FL_DF | FL_IF | FL_RES1 | FL_CF | FL_ZF | FL_AF | FL_PF);
    cpu_set_eflags(&cpu, FL_OF | FL_SF, FL_ARITH);
    ck_assert_uint_eq(cpu_get_eflags(&cpu), FL_DF | FL_IF | FL_RES1 | FL_OF | FL_SF);
    EXPECT(cond_eval(&cpu, CC_O) && !cond_eval(&cpu, CC_L) && cond_eval(&cpu, CC_G));
    EXPECT(parity8(0) && !parity8(1) && parity8(0x103));
}
END_TEST

/* ---- shifts: one bit at a time ---- */

static uint32_t ref_shift(enum shift_op op, uint32_t v, unsigned count, unsigned size, bool *cf)
{
    unsigned bits = size * 8;
    uint32_t m = mask_of(size), top = 1u << (bits - 1);
    v &= m;
    if (op == SH_RCL || op == SH_RCR) {
        count %= size == 4 ? 33 : bits + 1;
    }
    for (unsigned k = 0; k < count; k++) {
        bool out;
        switch (op) {
        case SH_ROL: out = v & top; v = ((v << 1) | out) & m; *cf = out; break;
        case SH_ROR: out = v & 1; v = (v >> 1) | (out ? top : 0); *cf = out; break;
        case SH_RCL: out = v & top; v = ((v << 1) | *cf) & m; *cf = out; break;
        case SH_RCR: out = v & 1; v = (v >> 1) | (*cf ? top : 0); *cf = out; break;
        case SH_SHL: case SH_SAL: *cf = v & top; v = (v << 1) & m; break;
        case SH_SHR: *cf = v & 1; v >>= 1; break;
        default: *cf = v & 1; v = (v >> 1) | (v & top); break;
        }
    }
    return v;
}

START_TEST(test_shifts_against_bitwise_model)
{
    srand(99);
    for (unsigned size = 1; size <= 4; size *= 2) {
        for (int k = 0; k < 4000; k++) {
            uint32_t v = (uint32_t)rand() ^ ((uint32_t)rand() << 15);
            for (unsigned op = 0; op < 8; op++) {
                for (unsigned count = 1; count < 32; count++) {
                    uint32_t fl_in = (k & 1) ? FL_CF | FL_ZF | FL_AF : FL_SF | FL_PF;
                    bool cf = fl_in & FL_CF;
                    uint32_t want = ref_shift(op, v, count, size, &cf), fl;
                    uint32_t got = alu_shift(op, v, count, size, fl_in, &fl);
                    EXPECT_MSG(got == want, "op %u size %u v %#x count %u: %#x want %#x", op, size, v, count, got, want);
                    EXPECT_MSG(!!(fl & FL_CF) == cf, "CF op %u size %u v %#x count %u", op, size, v, count);
                    if (op <= SH_RCR) /* rotates keep SZAP */
                        ck_assert_uint_eq(fl & (FL_SF | FL_ZF | FL_AF | FL_PF), fl_in & (FL_SF | FL_ZF | FL_AF | FL_PF));
                    else
                        ck_assert_uint_eq(fl & (FL_SF | FL_ZF | FL_PF), szp(want, size));
                    if (count == 1) { /* OF is defined for count 1 */
                        uint32_t top = 1u << (size * 8 - 1), vm = v & mask_of(size);
                        bool of;
                        switch (op) {
                        case SH_ROL: case SH_RCL: case SH_SHL: case SH_SAL: of = !!(want & top) != cf; break;
                        case SH_ROR: case SH_RCR: of = !!(want & top) != !!(want & (top >> 1)); break;
                        case SH_SHR: of = vm & top; break;
                        default: of = false; break;
                        }
                        EXPECT_MSG(!!(fl & FL_OF) == of, "OF op %u size %u v %#x", op, size, v);
                    }
                }
            }
        }
    }
}
END_TEST

START_TEST(test_shld_shrd)
{
    uint32_t fl;
    ck_assert_uint_eq(alu_shld(0x12345678, 0x9abcdef0, 8, 4, 0, &fl), 0x3456789a);
    EXPECT(!(fl & FL_CF)); /* last bit out: bit 24 of dst = 0 */
    ck_assert_uint_eq(alu_shrd(0x12345678, 0x9abcdef0, 8, 4, 0, &fl), 0xf0123456);
    EXPECT(!(fl & FL_CF)); /* bit 7 of dst = 0 */
    ck_assert_uint_eq(alu_shld(0x8001, 0x4000, 1, 2, 0, &fl), 0x0002);
    EXPECT(fl & FL_CF);
    EXPECT(fl & FL_OF); /* CF != new MSB */
    ck_assert_uint_eq(alu_shrd(0x8001, 0x0003, 1, 2, 0, &fl), 0xc000);
    EXPECT(fl & FL_CF);
    /* 16-bit counts above 16 shift dst:src:dst (P6) */
    ck_assert_uint_eq(alu_shld(0x1234, 0x5678, 20, 2, 0, &fl), 0x6781);
    ck_assert_uint_eq(alu_shrd(0x1234, 0x5678, 20, 2, 0, &fl), 0x4567);
}
END_TEST

START_TEST(test_mul_div)
{
    uint32_t fl, q, r;
    ck_assert_uint_eq(alu_mul(0xff, 0xff, 1, 0, &fl), 0xfe01);
    ck_assert_uint_eq(fl & (FL_CF | FL_OF), FL_CF | FL_OF);
    ck_assert_uint_eq(alu_mul(0x10, 0x0f, 1, 0, &fl), 0xf0);
    ck_assert_uint_eq(fl & (FL_CF | FL_OF), 0);
    ck_assert_uint_eq(alu_mul(0xffffffffu, 0xffffffffu, 4, 0, &fl), 0xfffffffe00000001ull);
    EXPECT(alu_imul(0xff, 0xff, 1, 0, &fl) == 1);
    ck_assert_uint_eq(fl & (FL_CF | FL_OF), 0);
    EXPECT(alu_imul(0x80, 0xff, 1, 0, &fl) == 128); /* doesn't fit in a signed byte */
    ck_assert_uint_eq(fl & (FL_CF | FL_OF), FL_CF | FL_OF);
    EXPECT(alu_imul(0xffff8000u, 1, 4, 0, &fl) == -32768);
    ck_assert_uint_eq(fl & (FL_CF | FL_OF), 0);
    EXPECT(alu_imul(0x8000, 0x8000, 2, 0, &fl) == 0x40000000);
    ck_assert_uint_eq(fl & (FL_CF | FL_OF), FL_CF | FL_OF);

    EXPECT(!alu_div(100, 0, 1, &q, &r));
    EXPECT(alu_div(0xfeff, 0xff, 1, &q, &r) && q == 0xff && r == 0xfe);
    EXPECT(!alu_div(0xff00, 0xff, 1, &q, &r)); /* quotient 0x100 */
    EXPECT(alu_div(0xfffffffe00000001ull, 0xffffffffu, 4, &q, &r) && q == 0xffffffffu && r == 0);
    EXPECT(!alu_div(0x100000000ull * 5, 5, 4, &q, &r));
    /* IDIV range is [-2^(n-1), 2^(n-1)-1] */
    EXPECT(alu_idiv((uint16_t)-128, 1, 1, &q, &r) && q == 0x80 && r == 0);
    EXPECT(!alu_idiv(128, 1, 1, &q, &r));
    EXPECT(!alu_idiv((uint16_t)-32768, 0xff, 1, &q, &r));
    EXPECT(alu_idiv((uint16_t)-7, 2, 1, &q, &r) && q == 0xfd && r == 0xff); /* -3 rem -1 */
    EXPECT(!alu_idiv(0x8000000000000000ull, 0xffffffffu, 4, &q, &r));
    EXPECT(alu_idiv(0xffffffff80000000ull, 1, 4, &q, &r) && q == 0x80000000u);
    EXPECT(!alu_idiv(0x80000000ull, 1, 4, &q, &r));
    EXPECT(!alu_idiv(0x80000000u, 0xffff, 2, &q, &r)); /* -2^31 / -1 */
}
END_TEST

START_TEST(test_bcd)
{
    uint32_t fl;
    ck_assert_uint_eq(alu_daa(0x41, FL_AF, &fl), 0x47); /* 0x19 + 0x28 */
    EXPECT(!(fl & FL_CF));
    ck_assert_uint_eq(alu_daa(0x9a, 0, &fl), 0x00);
    EXPECT(fl & FL_CF && fl & FL_ZF);
    ck_assert_uint_eq(alu_das(0xfa, FL_CF, &fl), 0x94); /* 0x05 - 0x11... */
    EXPECT(fl & FL_CF);
    ck_assert_uint_eq(alu_aaa(0x000b, 0, &fl), 0x0101);
    EXPECT((fl & (FL_CF | FL_AF)) == (FL_CF | FL_AF));
    ck_assert_uint_eq(alu_aas(0x02ff, FL_AF, &fl), 0x0109); /* 0x0205 - 6: AL = 0xff, AF */
    ck_assert_uint_eq(alu_aam(99, 10, 0, &fl), 0x0909);
    ck_assert_uint_eq(alu_aad(0x0909, 10, 0, &fl), 99);
    ck_assert_uint_eq(alu_aam(0, 10, 0, &fl), 0);
    EXPECT(fl & FL_ZF);
}
END_TEST


/* ---- handlers, register forms only (no memory needed) ---- */

static struct insn reg_insn(enum insn_op op, unsigned reg, unsigned rm, unsigned size)
{
    struct insn i;
    memset(&i, 0, sizeof i);
    i.op = (uint16_t)op;
    i.modrm = (uint8_t)(0xc0 | (reg << 3) | rm);
    i.size = (uint8_t)size;
    i.pfx = size == 4 ? PFX_O32 | PFX_A32 : 0;
    i.base = i.index = R_ZERO;
    return i;
}

START_TEST(test_handlers_register_forms)
{
    struct insn i;
    memset(&cpu, 0, sizeof cpu);
    cpu.regs[R_EAX] = 0x12345678;
    i = reg_insn(INSN_BSWAP_r0, 0, 0, 4);
    op_bswap(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0x78563412);
    i = reg_insn(INSN_BSWAP_r0, 0, 0, 2);
    op_bswap(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0x78560000);

    /* BSF/BSR: zero source sets ZF and keeps the destination */
    cpu.regs[R_ECX] = 0;
    cpu.regs[R_EDX] = 0xdeadbeef;
    i = reg_insn(INSN_BSF, R_EDX, R_ECX, 4);
    op_bsf(&cpu, &i);
    EXPECT(flags_zf(&cpu));
    ck_assert_uint_eq(cpu.regs[R_EDX], 0xdeadbeef);
    cpu.regs[R_ECX] = 0x00f00000;
    op_bsf(&cpu, &i);
    EXPECT(!flags_zf(&cpu));
    ck_assert_uint_eq(cpu.regs[R_EDX], 20);
    i = reg_insn(INSN_BSR, R_EDX, R_ECX, 4);
    op_bsr(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 23);

    /* BT family, register operand: offset modulo the width */
    cpu.regs[R_EBX] = 0x10;
    cpu.regs[R_ECX] = 36; /* 36 mod 32 = 4 */
    i = reg_insn(INSN_BTS_Ev_Gv, R_ECX, R_EBX, 4);
    op_bts_rm_r(&cpu, &i);
    EXPECT(flags_cf(&cpu));
    i = reg_insn(INSN_BTR_Ev_Gv, R_ECX, R_EBX, 4);
    op_btr_rm_r(&cpu, &i);
    EXPECT(flags_cf(&cpu));
    ck_assert_uint_eq(cpu.regs[R_EBX], 0);
    i = reg_insn(INSN_BTC_Ev_Ib, 7, R_EBX, 2);
    i.imm = 17; /* 17 mod 16 = 1 */
    op_btc_rm_imm(&cpu, &i);
    EXPECT(!flags_cf(&cpu));
    ck_assert_uint_eq(cpu.regs[R_EBX], 2);

    /* CMPXCHG: equal stores the source, unequal loads the accumulator */
    cpu.regs[R_EAX] = 5; cpu.regs[R_EBX] = 5; cpu.regs[R_ECX] = 9;
    i = reg_insn(INSN_CMPXCHG_Ev_Gv, R_ECX, R_EBX, 4);
    op_cmpxchg(&cpu, &i);
    EXPECT(flags_zf(&cpu));
    ck_assert_uint_eq(cpu.regs[R_EBX], 9);
    op_cmpxchg(&cpu, &i);
    EXPECT(!flags_zf(&cpu));
    ck_assert_uint_eq(cpu.regs[R_EAX], 9);

    /* XADD */
    cpu.regs[R_EAX] = 0xffffffff; cpu.regs[R_EDX] = 1;
    i = reg_insn(INSN_XADD_Ev_Gv, R_EDX, R_EAX, 4);
    op_xadd(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0);
    ck_assert_uint_eq(cpu.regs[R_EDX], 0xffffffff);
    EXPECT(flags_cf(&cpu) && flags_zf(&cpu));

    /* SHLD/SHRD through the handlers; count 0 changes nothing */
    cpu.regs[R_EAX] = 0x80000001; cpu.regs[R_EBX] = 0xf0000000;
    i = reg_insn(INSN_SHLD_Ib, R_EBX, R_EAX, 4);
    i.imm = 4;
    op_shld_imm(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0x0000001f);
    i.imm = 32;
    alu_add(&cpu, 1, 1, 4);
    op_shld_imm(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0x0000001f);
    ck_assert_uint_eq(cpu.lf.op, LF_ADD);

    /* MOVZX/MOVSX, CBW/CWDE, CWD/CDQ, SETcc, CMOVcc */
    cpu.regs[R_ECX] = 0x0000ff80;
    i = reg_insn(INSN_MOVSX_Gv_Eb, R_EDX, R_ECX, 4);
    op_movsx_b(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 0xffffff80);
    i = reg_insn(INSN_MOVZX_Gv_Ew, R_EDX, R_ECX, 4);
    op_movzx_w(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 0xff80);
    cpu.regs[R_EAX] = 0x8000;
    i = reg_insn(INSN_CBW, 0, 0, 4);
    op_cbw(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0xffff8000);
    i = reg_insn(INSN_CWD, 0, 0, 4);
    op_cwd(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 0xffffffff);
    alu_sub(&cpu, 1, 2, 4);
    i = reg_insn(INSN_SETB, 0, R_EBX, 1);
    op_setcc(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EBX] & 0xff, 1);
    cpu.regs[R_ECX] = 77;
    i = reg_insn(INSN_CMOVA, R_EDX, R_ECX, 4);
    op_cmov(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 0xffffffff);
    i = reg_insn(INSN_CMOVB, R_EDX, R_ECX, 4);
    op_cmov(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 77);

    /* IMUL r32, r/m32, imm; DIV 32-bit */
    cpu.regs[R_ECX] = 0x10000;
    i = reg_insn(INSN_IMUL_Gv_Ev_Iz, R_EDX, R_ECX, 4);
    i.imm = 0x10000;
    op_imul_r_rm_imm(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EDX], 0);
    EXPECT(flags_cf(&cpu) && flags_of(&cpu));
    cpu.regs[R_EDX] = 1; cpu.regs[R_EAX] = 5; cpu.regs[R_ECX] = 2;
    i = reg_insn(INSN_DIV_Ev, 6, R_ECX, 4);
    op_div_rm(&cpu, &i);
    ck_assert_uint_eq(cpu.regs[R_EAX], 0x80000002);
    ck_assert_uint_eq(cpu.regs[R_EDX], 1);
}
END_TEST

static Suite *alu_suite(void)
{
    Suite *s = suite_create("alu_flags");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_add_sub_logic_byte_exhaustive);
    tcase_add_test(tc, test_add_sub_logic_wide);
    tcase_add_test(tc, test_named_corners);
    tcase_add_test(tc, test_inc_dec_keep_cf);
    tcase_add_test(tc, test_materialize_and_set);
    tcase_add_test(tc, test_shifts_against_bitwise_model);
    tcase_add_test(tc, test_shld_shrd);
    tcase_add_test(tc, test_mul_div);
    tcase_add_test(tc, test_bcd);
    tcase_add_test(tc, test_handlers_register_forms);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(alu_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
