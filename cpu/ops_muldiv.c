/*
 * ops_muldiv.c - MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Sources: Intel SDM vol. 2 "MUL", "IMUL", "DIV", "IDIV"; vol. 3A 6.15
 * (#DE: divide by zero and quotient too large, including the IDIV cases
 * whose quotient is the most negative value + 1 beyond range).
 * Flag policy (alu.c): CF = OF = "upper half significant"; SF ZF PF from the
 * low half and AF = 0 (P6); DIV/IDIV leave the flags unchanged.
 * Not emulated: instruction timing.
 */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/insn.h"
#include "cpu/ops.h"

/* Store a 2*size-byte product in AX / DX:AX / EDX:EAX. */
static void store_wide(struct cpu *c, uint64_t p, unsigned size)
{
    if (size == 1) {
        reg_write(c, R_EAX, (uint32_t)p, 2);
    } else {
        reg_write(c, R_EAX, (uint32_t)p, size);
        reg_write(c, R_EDX, (uint32_t)(p >> (size * 8)), size);
    }
}

/* AX / DX:AX / EDX:EAX as one value. */
static uint64_t load_wide(const struct cpu *c, unsigned size)
{
    if (size == 1)
        return c->regs[R_EAX] & 0xffff;
    return ((uint64_t)reg_read(c, R_EDX, size) << (size * 8)) | reg_read(c, R_EAX, size);
}

void op_mul_rm(struct cpu *c, const struct insn *i)
{
    uint32_t b = rm_read(c, i, i->size), fl;
    uint64_t p = alu_mul(reg_read(c, R_EAX, i->size), b, i->size, flags_arith(c), &fl);
    store_wide(c, p, i->size);
    flags_set_arith(c, fl);
}

void op_imul_rm(struct cpu *c, const struct insn *i)
{
    uint32_t b = rm_read(c, i, i->size), fl;
    int64_t p = alu_imul(reg_read(c, R_EAX, i->size), b, i->size, flags_arith(c), &fl);
    store_wide(c, (uint64_t)p, i->size);
    flags_set_arith(c, fl);
}

void op_imul_r_rm(struct cpu *c, const struct insn *i)
{
    uint32_t b = rm_read(c, i, i->size), fl;
    int64_t p = alu_imul(reg_read(c, insn_reg(i), i->size), b, i->size, flags_arith(c), &fl);
    reg_write(c, insn_reg(i), (uint32_t)p, i->size);
    flags_set_arith(c, fl);
}

void op_imul_r_rm_imm(struct cpu *c, const struct insn *i)
{
    uint32_t a = rm_read(c, i, i->size), fl;
    int64_t p = alu_imul(a, i->imm, i->size, flags_arith(c), &fl);
    reg_write(c, insn_reg(i), (uint32_t)p, i->size);
    flags_set_arith(c, fl);
}

static void divide(struct cpu *c, const struct insn *i, bool is_signed)
{
    unsigned size = i->size;
    uint32_t d = rm_read(c, i, size), q, r;
    uint64_t n = load_wide(c, size);
    bool ok = is_signed ? alu_idiv(n, d, size, &q, &r) : alu_div(n, d, size, &q, &r);
    if (!ok)
        cpu_raise_noerr(c, EXC_DE);
    if (size == 1) {
        reg_write(c, R_EAX, (r << 8) | (q & 0xff), 2);
    } else {
        reg_write(c, R_EAX, q, size);
        reg_write(c, R_EDX, r, size);
    }
}

void op_div_rm(struct cpu *c, const struct insn *i) { divide(c, i, false); }
void op_idiv_rm(struct cpu *c, const struct insn *i) { divide(c, i, true); }
