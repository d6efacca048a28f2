/*
 * flags.c - lazy evaluation of the arithmetic flags (OF SF ZF AF PF CF).
 *
 * Sources: Intel SDM vol. 1 3.4.3.1 (status flags), appendix A (EFLAGS cross
 * reference), vol. 2 Jcc "Jump if condition is met" (condition encodings).
 *
 * The ALU records (op, size, src1, src2, res) in c->lf with every value
 * already masked to the operand size; a flag is worked out only when read.
 * cond_eval has direct paths for the common "CMP then Jcc" pairs so that the
 * six flags are never built for them.
 *
 * Not emulated here: anything outside OSZAPC; cpu_set_eflags trusts its
 * caller (POPF/IRET) to pick the change mask for the mode and privilege.
 */
#include "cpu/flags.h"

void flags_materialize(struct cpu *c)
{
    if (c->lf.op == LF_NONE)
        return;
    c->eflags = (c->eflags & ~FL_ARITH) | flags_arith(c);
    c->lf.op = LF_NONE;
}

void flags_set_arith(struct cpu *c, uint32_t bits)
{
    c->eflags = (c->eflags & ~FL_ARITH) | (bits & FL_ARITH);
    c->lf.op = LF_NONE;
}

void flags_set_some(struct cpu *c, uint32_t mask, uint32_t bits)
{
    mask &= FL_ARITH;
    flags_materialize(c);
    c->eflags = (c->eflags & ~mask) | (bits & mask);
}

/* Signed less-than from the flags: SF != OF. */
static bool cond_l(const struct cpu *c) { return flags_sf(c) != flags_of(c); }

bool cond_eval(const struct cpu *c, unsigned cc)
{
    const struct lazy_flags *f = &c->lf;
    bool r;
    unsigned base = cc & ~1u;

    if (f->op == LF_SUB) {
        /* CMP a,b: the relation of the operands is the answer. */
        switch (base) {
        case CC_B: r = f->src1 < f->src2; return r ^ (cc & 1);
        case CC_E: r = f->src1 == f->src2; return r ^ (cc & 1);
        case CC_BE: r = f->src1 <= f->src2; return r ^ (cc & 1);
        case CC_L: r = flags_sext(f->src1, f->size) < flags_sext(f->src2, f->size); return r ^ (cc & 1);
        case CC_LE: r = flags_sext(f->src1, f->size) <= flags_sext(f->src2, f->size); return r ^ (cc & 1);
        default: break;
        }
    } else if (f->op == LF_LOGIC) {
        /* TEST/AND: CF = OF = 0, so the conditions reduce to SF and ZF. */
        switch (base) {
        case CC_O: case CC_B: r = false; return r ^ (cc & 1);
        case CC_E: case CC_BE: r = f->res == 0; return r ^ (cc & 1);
        case CC_S: case CC_L: r = f->res & size_sign(f->size); return r ^ (cc & 1);
        case CC_LE: r = f->res == 0 || (f->res & size_sign(f->size)); return r ^ (cc & 1);
        default: break;
        }
    }

    switch (base) {
    case CC_O: r = flags_of(c); break;
    case CC_B: r = flags_cf(c); break;
    case CC_E: r = flags_zf(c); break;
    case CC_BE: r = flags_cf(c) || flags_zf(c); break;
    case CC_S: r = flags_sf(c); break;
    case CC_P: r = flags_pf(c); break;
    case CC_L: r = cond_l(c); break;
    default: r = flags_zf(c) || cond_l(c); break; /* CC_LE */
    }
    return r ^ (cc & 1);
}

uint32_t cpu_get_eflags(struct cpu *c)
{
    return (c->eflags & ~FL_ARITH) | flags_arith(c) | FL_RES1;
}

void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t change_mask)
{
    flags_materialize(c);
    c->eflags = (c->eflags & ~change_mask) | (value & change_mask) | FL_RES1;
}
