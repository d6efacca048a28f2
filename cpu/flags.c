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

bool cond_eval(const struct cpu *c, unsigned cc) { return cond_eval_inline(c, cc); }

uint32_t cpu_get_eflags(struct cpu *c)
{
    return (c->eflags & ~FL_ARITH) | flags_arith(c) | FL_RES1;
}

void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t change_mask)
{
    flags_materialize(c);
    c->eflags = (c->eflags & ~change_mask) | (value & change_mask) | FL_RES1;
}
