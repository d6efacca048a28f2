/*
 * ops_intr.c - INT3, INT n, INTO, INT1 (ICEBP), IRET and BOUND.
 *
 * Sources: SDM vol. 2 "INT n/INTO/INT3/INT1", "IRET/IRETD", "BOUND";
 * vol. 3A 6.4.2 (software-generated exceptions are traps: the saved EIP is
 * the next instruction), 20.3.3 (INT n in V86 mode and the IOPL/VME rules).
 *
 * INT3 and INTO are not IOPL-sensitive in V86 mode and are never redirected
 * by VME; only INT n (CD ib) goes through cpu_soft_int's V86 rules.  INT1
 * is delivered like an external event: no gate DPL check, EXT set.
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/intr.h"
#include "cpu/ops.h"

void op_int3(struct cpu *c, const struct insn *i)
{
    cpu_interrupt(c, EXC_BP, INTR_SOFT, false, 0);
}

void op_int_imm(struct cpu *c, const struct insn *i)
{
    cpu_soft_int(c, i->imm & 0xff);
}

void op_into(struct cpu *c, const struct insn *i)
{
    if (flags_of(c))
        cpu_interrupt(c, EXC_OF, INTR_SOFT, false, 0);
}

void op_int1(struct cpu *c, const struct insn *i)
{
    cpu_interrupt(c, EXC_DB, INTR_ICEBP, false, 0);
}

void op_iret(struct cpu *c, const struct insn *i)
{
    cpu_iret(c, insn_osize(i));
}

void op_bound(struct cpu *c, const struct insn *i)
{
    unsigned size = insn_osize(i);
    uint32_t ea = insn_ea(c, i);
    uint32_t lo = cpu_read(c, i->seg, ea, size);
    uint32_t hi = cpu_read(c, i->seg, (ea + size) & insn_amask(i), size);
    uint32_t idx = reg_read(c, insn_reg(i), size);
    int32_t slo, shi, sidx;
    if (size == 2) {
        slo = (int16_t)lo;
        shi = (int16_t)hi;
        sidx = (int16_t)idx;
    } else {
        slo = (int32_t)lo;
        shi = (int32_t)hi;
        sidx = (int32_t)idx;
    }
    if (sidx < slo || sidx > shi)
        cpu_raise_noerr(c, EXC_BR);
}
