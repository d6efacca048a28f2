/*
 * fpu_ops.c - the eight x87 escape opcodes D8-DF: decode the ModRM byte
 * (memory forms by the reg field, register forms by reg and rm) and call the
 * semantic families in fpu_arith.c, fpu_load_store.c and fpu_control.c.
 *
 * Sources: Intel SDM vol. 2 appendix A.4 (escape opcode maps, tables A-7
 * to A-22), vol. 1 8.3.12 / 8.7 (which instructions are "non-waiting":
 * FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE do not report a pending
 * exception), 8.1.8 (control instructions do not update FIP/FDP/FOP).
 *
 * Register-form aliases that the SDM leaves blank in A.4 but P6 parts
 * execute are implemented as those parts do: DC D0+i/D8+i (FCOM/FCOMP),
 * DE D0+i (FCOMP), DD C8+i / DF C8+i (FXCH), DF D0+i / DF D8+i / D9 D8+i
 * (FSTP).  Every other blank is #UD, and so are the FISTTP forms (SSE3).
 * FENI, FDISI and FSETPM (DB E0, E1, E4) are no-ops on the 387 and later.
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/fpu_internal.h"
#include "cpu/ops.h"

/* Reads a real or integer memory operand for the arithmetic/compare rows. */
static struct f80 mem_operand(struct cpu *c, const struct insn *i, struct f80_env *env, unsigned esc)
{
    uint32_t ea = insn_ea(c, i);
    switch (esc) {
    case 0xd8: return f80_from_f32(env, cpu_read(c, i->seg, ea, 4));
    case 0xdc: return f80_from_f64(env, cpu_read64(c, i->seg, ea));
    case 0xda: return f80_from_i32((int32_t)cpu_read(c, i->seg, ea, 4));
    default: return f80_from_i16((int16_t)cpu_read(c, i->seg, ea, 2));
    }
}

/* The memory forms shared by D8, DA, DC and DE: FADD ... FDIVR, FCOM(P),
 * FIADD ... FIDIVR, FICOM(P). */
static void arith_mem(struct cpu *c, const struct insn *i, unsigned esc)
{
    unsigned reg = insn_reg(i);
    struct f80_env env = fpu_env(&c->fpu);
    struct f80 v = mem_operand(c, i, &env, esc);
    if (reg == 2 || reg == 3)
        fpu_compare(c, &env, &v, 0, false, reg == 3, false);
    else
        fpu_arith(c, &env, reg, &v, 0, false, false);
}

static void waiting(struct cpu *c)
{
    fpu_check_pending(c);
}

void op_fpu_d8(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    waiting(c);
    if (insn_is_reg(i)) {
        unsigned reg = insn_reg(i);
        struct f80_env env = fpu_env(&c->fpu);
        if (reg == 2 || reg == 3)
            fpu_compare(c, &env, NULL, insn_rm(i), false, reg == 3, false);
        else
            fpu_arith(c, &env, reg, NULL, insn_rm(i), false, false);
    } else {
        arith_mem(c, i, 0xd8);
    }
    fpu_note_ptrs(c, i, 0xd8);
}

void op_fpu_d9(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    unsigned reg = insn_reg(i), rm = insn_rm(i);
    if (!insn_is_reg(i)) {
        uint32_t ea = insn_ea(c, i);
        switch (reg) {
        case 0: waiting(c); fpu_load_mem(c, i, FMEM_F32); break;
        case 1: cpu_raise_ud(c);
        case 2: waiting(c); fpu_store_mem(c, i, FMEM_F32, false); break;
        case 3: waiting(c); fpu_store_mem(c, i, FMEM_F32, true); break;
        case 4: waiting(c); fpu_fldenv(c, i, false); return;
        case 5: waiting(c); fpu_fldcw(c, (uint16_t)cpu_read(c, i->seg, ea, 2)); return;
        case 6: fpu_fstenv(c, i, false); return;
        default: cpu_write(c, i->seg, ea, c->fpu.cw, 2); return; /* FNSTCW */
        }
        fpu_note_ptrs(c, i, 0xd9);
        return;
    }
    switch (reg) {
    case 0: waiting(c); fpu_fld_sti(c, rm); break;
    case 1: waiting(c); fpu_fxch(c, rm); break;
    case 2:
        if (rm != 0) /* only D9 D0 (FNOP) exists */
            cpu_raise_ud(c);
        waiting(c);
        break;
    case 3: waiting(c); fpu_fst_sti(c, rm, true); break;
    default:
        switch (i->modrm) {
        case 0xe2: case 0xe3: case 0xe6: case 0xe7: case 0xef:
            cpu_raise_ud(c);
        }
        waiting(c);
        fpu_d9_reg(c, i);
        break;
    }
    fpu_note_ptrs(c, i, 0xd9);
}

/* FCMOVcc condition codes, in reg-field order (DA: B E BE U, DB: negations). */
static const unsigned fcmov_cc[2][4] = {
    { CC_B, CC_E, CC_BE, CC_P },
    { CC_AE, CC_NE, CC_A, CC_NP },
};

void op_fpu_da(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    if (!insn_is_reg(i)) {
        waiting(c);
        arith_mem(c, i, 0xda);
    } else if (insn_reg(i) < 4) {
        waiting(c);
        fpu_fcmov(c, insn_rm(i), cond_eval(c, fcmov_cc[0][insn_reg(i)]));
    } else if (i->modrm == 0xe9) { /* FUCOMPP */
        waiting(c);
        struct f80_env env = fpu_env(&c->fpu);
        fpu_compare(c, &env, NULL, 1, true, 2, false);
    } else {
        cpu_raise_ud(c);
    }
    fpu_note_ptrs(c, i, 0xda);
}

void op_fpu_db(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    unsigned reg = insn_reg(i), rm = insn_rm(i);
    if (!insn_is_reg(i)) {
        switch (reg) {
        case 0: waiting(c); fpu_load_mem(c, i, FMEM_I32); break;
        case 2: waiting(c); fpu_store_mem(c, i, FMEM_I32, false); break;
        case 3: waiting(c); fpu_store_mem(c, i, FMEM_I32, true); break;
        case 5: waiting(c); fpu_load_mem(c, i, FMEM_F80); break;
        case 7: waiting(c); fpu_store_mem(c, i, FMEM_F80, true); break;
        default: cpu_raise_ud(c); /* 1 is FISTTP (SSE3); 4, 6 reserved */
        }
        fpu_note_ptrs(c, i, 0xdb);
        return;
    }
    struct f80_env env;
    switch (reg) {
    case 0: case 1: case 2: case 3:
        waiting(c);
        fpu_fcmov(c, rm, cond_eval(c, fcmov_cc[1][reg]));
        break;
    case 4:
        switch (rm) {
        case 0: case 1: case 4: return; /* FNENI, FNDISI, FNSETPM */
        case 2: fpu_fnclex(c); return;
        case 3: fpu_fninit(c); return;
        default: cpu_raise_ud(c);
        }
    case 5: /* FUCOMI */
    case 6: /* FCOMI */
        waiting(c);
        env = fpu_env(&c->fpu);
        fpu_compare(c, &env, NULL, rm, reg == 5, 0, true);
        break;
    default: cpu_raise_ud(c);
    }
    fpu_note_ptrs(c, i, 0xdb);
}

void op_fpu_dc(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    waiting(c);
    if (insn_is_reg(i)) {
        unsigned reg = insn_reg(i);
        struct f80_env env = fpu_env(&c->fpu);
        if (reg == 2 || reg == 3)
            fpu_compare(c, &env, NULL, insn_rm(i), false, reg == 3, false);
        else
            fpu_arith(c, &env, reg, NULL, insn_rm(i), true, false);
    } else {
        arith_mem(c, i, 0xdc);
    }
    fpu_note_ptrs(c, i, 0xdc);
}

void op_fpu_dd(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    unsigned reg = insn_reg(i), rm = insn_rm(i);
    if (!insn_is_reg(i)) {
        switch (reg) {
        case 0: waiting(c); fpu_load_mem(c, i, FMEM_F64); break;
        case 2: waiting(c); fpu_store_mem(c, i, FMEM_F64, false); break;
        case 3: waiting(c); fpu_store_mem(c, i, FMEM_F64, true); break;
        case 4: waiting(c); fpu_fldenv(c, i, true); return;  /* FRSTOR */
        case 6: fpu_fstenv(c, i, true); return;                /* FNSAVE */
        case 7: cpu_write(c, i->seg, insn_ea(c, i), fpu_get_sw(&c->fpu), 2); return; /* FNSTSW */
        default: cpu_raise_ud(c); /* 1 is FISTTP (SSE3), 5 reserved */
        }
        fpu_note_ptrs(c, i, 0xdd);
        return;
    }
    struct f80_env env;
    switch (reg) {
    case 0: /* FFREE */
        waiting(c);
        c->fpu.tw |= (uint16_t)(TAG_EMPTY << (2 * fpu_phys(&c->fpu, rm)));
        break;
    case 1: waiting(c); fpu_fxch(c, rm); break;
    case 2: waiting(c); fpu_fst_sti(c, rm, false); break;
    case 3: waiting(c); fpu_fst_sti(c, rm, true); break;
    case 4: /* FUCOM */
    case 5: /* FUCOMP */
        waiting(c);
        env = fpu_env(&c->fpu);
        fpu_compare(c, &env, NULL, rm, true, reg == 5, false);
        break;
    default: cpu_raise_ud(c);
    }
    fpu_note_ptrs(c, i, 0xdd);
}

void op_fpu_de(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    if (insn_is_reg(i)) {
        unsigned reg = insn_reg(i);
        if (reg == 3 && i->modrm != 0xd9)
            cpu_raise_ud(c);
        waiting(c);
        struct f80_env env = fpu_env(&c->fpu);
        if (reg == 2) /* FCOMP alias */
            fpu_compare(c, &env, NULL, insn_rm(i), false, 1, false);
        else if (reg == 3) /* FCOMPP */
            fpu_compare(c, &env, NULL, 1, false, 2, false);
        else
            fpu_arith(c, &env, reg, NULL, insn_rm(i), true, true);
    } else {
        waiting(c);
        arith_mem(c, i, 0xde);
    }
    fpu_note_ptrs(c, i, 0xde);
}

void op_fpu_df(struct cpu *c, const struct insn *i)
{
    fpu_enter(c);
    unsigned reg = insn_reg(i), rm = insn_rm(i);
    if (!insn_is_reg(i)) {
        if (reg == 1) /* FISTTP m16 (SSE3) */
            cpu_raise_ud(c);
        waiting(c);
        switch (reg) {
        case 0: fpu_load_mem(c, i, FMEM_I16); break;
        case 2: fpu_store_mem(c, i, FMEM_I16, false); break;
        case 3: fpu_store_mem(c, i, FMEM_I16, true); break;
        case 4: fpu_load_mem(c, i, FMEM_BCD); break;
        case 5: fpu_load_mem(c, i, FMEM_I64); break;
        case 6: fpu_store_mem(c, i, FMEM_BCD, true); break;
        default: fpu_store_mem(c, i, FMEM_I64, true); break;
        }
        fpu_note_ptrs(c, i, 0xdf);
        return;
    }
    struct f80_env env;
    switch (reg) {
    case 0: /* FFREEP */
        waiting(c);
        c->fpu.tw |= (uint16_t)(TAG_EMPTY << (2 * fpu_phys(&c->fpu, rm)));
        fpu_pop(&c->fpu);
        break;
    case 1: waiting(c); fpu_fxch(c, rm); break;
    case 2: case 3: waiting(c); fpu_fst_sti(c, rm, true); break;
    case 4:
        if (rm != 0)
            cpu_raise_ud(c);
        reg_write(c, R_EAX, fpu_get_sw(&c->fpu), 2); /* FNSTSW AX */
        return;
    case 5: /* FUCOMIP */
    case 6: /* FCOMIP */
        waiting(c);
        env = fpu_env(&c->fpu);
        fpu_compare(c, &env, NULL, rm, reg == 5, 1, true);
        break;
    default: cpu_raise_ud(c);
    }
    fpu_note_ptrs(c, i, 0xdf);
}
