/*
 * ops_bcd.c - decimal adjust instructions DAA DAS AAA AAS AAM AAD.
 *
 * Sources: Intel SDM vol. 2 entries of the same names.  The arithmetic and
 * the undefined-flag choices are in alu.c (alu_daa ...).  AAM with a zero
 * immediate raises #DE before changing anything.
 * Not emulated: the 8086 variants (AAA adding 6 to AL only).
 */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/insn.h"
#include "cpu/ops.h"

void op_daa(struct cpu *c, const struct insn *i)
{
    uint32_t fl;
    reg_write(c, R_EAX, alu_daa((uint8_t)c->regs[R_EAX], flags_arith(c), &fl), 1);
    flags_set_arith(c, fl);
}

void op_das(struct cpu *c, const struct insn *i)
{
    uint32_t fl;
    reg_write(c, R_EAX, alu_das((uint8_t)c->regs[R_EAX], flags_arith(c), &fl), 1);
    flags_set_arith(c, fl);
}

void op_aaa(struct cpu *c, const struct insn *i)
{
    uint32_t fl;
    reg_write(c, R_EAX, alu_aaa((uint16_t)c->regs[R_EAX], flags_arith(c), &fl), 2);
    flags_set_arith(c, fl);
}

void op_aas(struct cpu *c, const struct insn *i)
{
    uint32_t fl;
    reg_write(c, R_EAX, alu_aas((uint16_t)c->regs[R_EAX], flags_arith(c), &fl), 2);
    flags_set_arith(c, fl);
}

void op_aam(struct cpu *c, const struct insn *i)
{
    uint8_t base = (uint8_t)i->imm;
    if (base == 0)
        cpu_raise_noerr(c, EXC_DE);
    uint32_t fl;
    reg_write(c, R_EAX, alu_aam((uint8_t)c->regs[R_EAX], base, flags_arith(c), &fl), 2);
    flags_set_arith(c, fl);
}

void op_aad(struct cpu *c, const struct insn *i)
{
    uint32_t fl;
    reg_write(c, R_EAX, alu_aad((uint16_t)c->regs[R_EAX], (uint8_t)i->imm, flags_arith(c), &fl), 2);
    flags_set_arith(c, fl);
}
