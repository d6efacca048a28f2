/*
 * fpu_arith.c - x87 arithmetic, comparisons and the D9 E0-FF group
 * (sign operations, FTST/FXAM, constants, transcendentals, FPREM...).
 *
 * Sources: Intel SDM vol. 2 FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR, FCOM/FUCOM/
 * FCOMI/FUCOMI/FICOM/FTST/FXAM, FCHS/FABS, FLD1..FLDZ, F2XM1, FYL2X,
 * FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS, FXTRACT, FPREM, FPREM1,
 * FRNDINT, FSCALE, FSQRT, FDECSTP, FINCSTP; vol. 1 8.5 (exception rules:
 * an unmasked IE/DE/ZE leaves the destination and TOP untouched).
 *
 * Values come from the soft-float library (softfloat80.h); this file only
 * picks operands, handles empty registers and writes back.
 *
 * Not emulated: the 80387 behaviour of unsupported formats beyond what
 * the library classifies.
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/fpu_internal.h"

/* op: reg field of D8/DC/DE/DA/DE.  Operands x = ST(0), y = the other one;
 * with this naming the register forms of D8 and DC/DE agree: reg 4 is
 * always x - y, reg 5 y - x, reg 6 x / y, reg 7 y / x (SDM A.4 tables). */
static struct f80 arith_op(struct f80_env *env, unsigned op, struct f80 x, struct f80 y)
{
    switch (op & 7) {
    case 0: return f80_add(env, x, y);
    case 1: return f80_mul(env, x, y);
    case 4: return f80_sub(env, x, y);
    case 5: return f80_sub(env, y, x);
    case 6: return f80_div(env, x, y);
    default: return f80_div(env, y, x);
    }
}

void fpu_arith(struct cpu *c, struct f80_env *env, unsigned op, const struct f80 *mem, unsigned k,
               bool dst_sti, bool pop)
{
    struct fpu *f = &c->fpu;
    unsigned dst = dst_sti ? k : 0;
    if (st_empty(f, 0) || (!mem && st_empty(f, k))) {
        if (!fpu_stack_fault(c, false))
            return;
        st_set(f, dst, f80_indefinite());
        if (pop)
            fpu_pop(f);
        return;
    }
    struct f80 y = mem ? *mem : st_get(f, k);
    struct f80 r = arith_op(env, op, st_get(f, 0), y);
    if (!fpu_env_blocks(env)) {
        st_set(f, dst, r);
        if (pop)
            fpu_pop(f);
    }
    fpu_finish(c, env);
}

/* C3/C2/C0 (and ZF/PF/CF for FCOMI) for each comparison result. */
static const uint16_t cmp_cc[4] = {
    [F80_CMP_LT] = SW_C0, [F80_CMP_EQ] = SW_C3, [F80_CMP_GT] = 0, [F80_CMP_UN] = SW_C0 | SW_C2 | SW_C3,
};
static const uint32_t cmp_fl[4] = {
    [F80_CMP_LT] = FL_CF, [F80_CMP_EQ] = FL_ZF, [F80_CMP_GT] = 0, [F80_CMP_UN] = FL_CF | FL_PF | FL_ZF,
};

static void compare_result(struct cpu *c, enum f80_cmp r, bool eflags)
{
    if (eflags)
        flags_set_arith(c, cmp_fl[r]); /* OF, SF, AF cleared */
    else
        fpu_set_cc(&c->fpu, SW_C0 | SW_C2 | SW_C3, cmp_cc[r]);
    fpu_set_cc(&c->fpu, SW_C1, 0);
}

void fpu_compare(struct cpu *c, struct f80_env *env, const struct f80 *mem, unsigned k, bool quiet,
                 unsigned pops, bool eflags)
{
    struct fpu *f = &c->fpu;
    if (st_empty(f, 0) || (!mem && st_empty(f, k))) {
        if (!fpu_stack_fault(c, false))
            return;
        compare_result(c, F80_CMP_UN, eflags);
    } else {
        struct f80 y = mem ? *mem : st_get(f, k);
        enum f80_cmp r = quiet ? f80_compare_quiet(env, st_get(f, 0), y) : f80_compare(env, st_get(f, 0), y);
        if (fpu_env_blocks(env)) {
            f->sw |= env->flags & SW_EXC;
            fpu_update_es(c);
            return;
        }
        compare_result(c, r, eflags);
        f->sw |= env->flags & SW_EXC;
        fpu_update_es(c);
    }
    while (pops--)
        fpu_pop(f);
}

/* Unary operations on ST(0) whose result replaces it. */
static void unary(struct cpu *c, unsigned sub)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(c, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80 x = st_get(f, 0), r;
    bool ok = true;
    switch (sub) {
    case 0x0: r = f80_f2xm1(&env, x); break;
    case 0xa: r = f80_sqrt(&env, x); break;
    case 0xc: r = f80_round_to_int(&env, x); break;
    case 0xe: ok = f80_sin(&env, x, &r); break;
    default: ok = f80_cos(&env, x, &r); break;
    }
    if (!ok) { /* FSIN/FCOS out of range (|x| >= 2^63): C2 = 1, ST(0) left alone */
        fpu_set_cc(f, SW_C1 | SW_C2, SW_C2);
        return;
    }
    if (!fpu_env_blocks(&env))
        st_set(f, 0, r);
    fpu_finish(c, &env);
    fpu_set_cc(f, SW_C2, 0);
}

/* FYL2X, FPATAN, FYL2XP1: ST(1) = f(ST(0), ST(1)), pop. */
static void binary_pop(struct cpu *c, unsigned sub)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    if (st_empty(f, 0) || st_empty(f, 1)) {
        if (fpu_stack_fault(c, false)) {
            st_set(f, 1, f80_indefinite());
            fpu_pop(f);
        }
        return;
    }
    struct f80 x = st_get(f, 0), y = st_get(f, 1), r;
    switch (sub) {
    case 0x1: r = f80_fyl2x(&env, x, y); break;
    case 0x3: r = f80_fpatan(&env, x, y); break;
    default: r = f80_fyl2xp1(&env, x, y); break;
    }
    if (!fpu_env_blocks(&env)) {
        st_set(f, 1, r);
        fpu_pop(f);
    }
    fpu_finish(c, &env);
}

/* FPREM, FPREM1, FSCALE: ST(0) = f(ST(0), ST(1)). */
static void binary_st0(struct cpu *c, unsigned sub)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    if (st_empty(f, 0) || st_empty(f, 1)) {
        if (fpu_stack_fault(c, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80 x = st_get(f, 0), y = st_get(f, 1), r;
    uint16_t cc = 0;
    switch (sub) {
    case 0x5: r = f80_rem1(&env, x, y, &cc); break;
    case 0x8: r = f80_rem(&env, x, y, &cc); break;
    default: r = f80_scale(&env, x, y); break;
    }
    if (fpu_env_blocks(&env)) {
        fpu_finish(c, &env);
        return;
    }
    st_set(f, 0, r);
    fpu_finish(c, &env);
    if (sub != 0xd)
        fpu_set_cc(f, SW_CC, cc);
}

/* FPTAN, FSINCOS, FXTRACT: ST(0) replaced and one value pushed. */
static void unary_push(struct cpu *c, unsigned sub)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(c, false)) {
            st_set(f, 0, f80_indefinite());
            fpu_push(f, f80_indefinite());
        }
        return;
    }
    if (!st_empty(f, 7)) {
        if (fpu_stack_fault(c, true)) {
            st_set(f, 0, f80_indefinite());
            fpu_push(f, f80_indefinite());
        }
        return;
    }
    struct f80 x = st_get(f, 0), a, b;
    bool ok = true;
    switch (sub) {
    case 0x2:
        ok = f80_tan(&env, x, &a);
        b = f80_const(F80_K_ONE, F80_RN);
        break;
    case 0x4: f80_xtract(&env, x, &a, &b); break;
    default: ok = f80_sincos(&env, x, &a, &b); break;
    }
    if (!ok) {
        fpu_set_cc(f, SW_C1 | SW_C2, SW_C2);
        return;
    }
    if (!fpu_env_blocks(&env)) {
        st_set(f, 0, a);
        fpu_push(f, b);
    }
    fpu_finish(c, &env);
    fpu_set_cc(f, SW_C2, 0);
}

static const enum f80_const_id const_ids[7] = {
    F80_K_ONE, F80_K_L2T, F80_K_L2E, F80_K_PI, F80_K_LG2, F80_K_LN2, F80_K_ZERO,
};

static void load_const(struct cpu *c, unsigned idx)
{
    struct fpu *f = &c->fpu;
    if (!st_empty(f, 7)) {
        if (fpu_stack_fault(c, true))
            fpu_push(f, f80_indefinite());
        return;
    }
    fpu_push(f, f80_const(const_ids[idx], (enum f80_round)((f->cw >> CW_RC_SHIFT) & 3)));
    fpu_set_cc(f, SW_C1, 0);
}

void fpu_d9_reg(struct cpu *c, const struct insn *i)
{
    struct fpu *f = &c->fpu;
    unsigned m = i->modrm;
    switch (m) {
    case 0xe0: /* FCHS */
    case 0xe1: /* FABS */
        if (st_empty(f, 0)) {
            if (fpu_stack_fault(c, false))
                st_set(f, 0, f80_indefinite());
            return;
        }
        st_set(f, 0, m == 0xe0 ? f80_neg(st_get(f, 0)) : f80_abs(st_get(f, 0)));
        fpu_set_cc(f, SW_C1, 0);
        return;
    case 0xe4: { /* FTST */
        struct f80_env env = fpu_env(f);
        struct f80 zero = f80_const(F80_K_ZERO, F80_RN);
        fpu_compare(c, &env, &zero, 0, false, 0, false);
        return;
    }
    case 0xe5: /* FXAM: classification only, no exceptions */
        if (st_empty(f, 0))
            fpu_set_cc(f, SW_CC, SW_C3 | SW_C0 | (f80_sign(st_get(f, 0)) ? SW_C1 : 0));
        else
            fpu_set_cc(f, SW_CC, f80_xam(st_get(f, 0)));
        return;
    case 0xe8: case 0xe9: case 0xea: case 0xeb: case 0xec: case 0xed: case 0xee:
        load_const(c, m - 0xe8);
        return;
    case 0xf0: case 0xfa: case 0xfc: case 0xfe: case 0xff:
        unary(c, m & 0xf);
        return;
    case 0xf1: case 0xf3: case 0xf9:
        binary_pop(c, m & 0xf);
        return;
    case 0xf2: case 0xf4: case 0xfb:
        unary_push(c, m & 0xf);
        return;
    case 0xf5: case 0xf8: case 0xfd:
        binary_st0(c, m & 0xf);
        return;
    case 0xf6: /* FDECSTP */
        f->top = (f->top - 1) & 7;
        fpu_set_cc(f, SW_C1, 0);
        return;
    case 0xf7: /* FINCSTP */
        f->top = (f->top + 1) & 7;
        fpu_set_cc(f, SW_C1, 0);
        return;
    default: /* E2, E3, E6, E7, EF: checked by the decoder in fpu_ops.c */
        cpu_raise_ud(c);
    }
}
