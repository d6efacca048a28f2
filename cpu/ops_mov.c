/*
 * ops_mov.c - data movement without arithmetic: MOV, LEA, XCHG, NOP, the
 * sign extensions (CBW/CWDE, CWD/CDQ), LAHF/SAHF, XLAT, MOVZX/MOVSX, BSWAP,
 * CMOVcc and SETcc.
 *
 * Sources: Intel SDM vol. 2 entries of the same names.
 * Choices where the SDM leaves room: BSWAP with a 16-bit operand is
 * undefined; P6 leaves the low word 0 and we do the same.  CMOVcc reads its
 * source even when the condition is false, so a bad operand faults either
 * way.  Not emulated: MOV to/from segment, control and debug registers
 * (ops_seg.c, ops_system.c).
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

void op_mov_rm_r(struct cpu *c, const struct insn *i)
{
    rm_write(c, i, reg_read(c, insn_reg(i), i->size), i->size);
}

void op_mov_r_rm(struct cpu *c, const struct insn *i)
{
    reg_write(c, insn_reg(i), rm_read(c, i, i->size), i->size);
}

void op_mov_rm_r_reg32(struct cpu *c, const struct insn *i)
{
    c->regs[insn_rm(i)] = c->regs[insn_reg(i)];
}

void op_mov_r_rm_reg32(struct cpu *c, const struct insn *i)
{
    c->regs[insn_reg(i)] = c->regs[insn_rm(i)];
}

void op_mov_rm_imm(struct cpu *c, const struct insn *i) { rm_write(c, i, i->imm, i->size); }

void op_mov_r_imm(struct cpu *c, const struct insn *i)
{
    unsigned r = i->size == 1 ? i->op - INSN_MOV_r0_Ib : i->op - INSN_MOV_r0_Iv;
    reg_write(c, r, i->imm, i->size);
}

void op_mov_acc_moffs(struct cpu *c, const struct insn *i)
{
    reg_write(c, R_EAX, cpu_read(c, i->seg, i->disp & insn_amask(i), i->size), i->size);
}

void op_mov_moffs_acc(struct cpu *c, const struct insn *i)
{
    cpu_write(c, i->seg, i->disp & insn_amask(i), reg_read(c, R_EAX, i->size), i->size);
}

/* The address is computed at the address size, then cut to the operand size. */
void op_lea(struct cpu *c, const struct insn *i)
{
    reg_write(c, insn_reg(i), insn_ea(c, i), i->size);
}

void op_xchg_rm_r(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size, reg = insn_reg(i);
    uint32_t a = rm_read(c, i, size);
    uint32_t b = reg_read(c, reg, size);
    rm_write(c, i, b, size);
    reg_write(c, reg, a, size);
}

void op_xchg_acc_r(struct cpu *c, const struct insn *i)
{
    unsigned r = i->op - INSN_XCHG_eAX_r1 + 1, size = i->size;
    uint32_t a = reg_read(c, R_EAX, size);
    reg_write(c, R_EAX, reg_read(c, r, size), size);
    reg_write(c, r, a, size);
}

void op_nop(struct cpu *c, const struct insn *i) {}

void op_cbw(struct cpu *c, const struct insn *i)
{
    if (i->size == 4)
        c->regs[R_EAX] = (uint32_t)(int32_t)(int16_t)c->regs[R_EAX];
    else
        reg_write(c, R_EAX, (uint32_t)(int16_t)(int8_t)c->regs[R_EAX], 2);
}

void op_cwd(struct cpu *c, const struct insn *i)
{
    uint32_t sign = c->regs[R_EAX] & size_sign(i->size);
    reg_write(c, R_EDX, sign ? 0xffffffffu : 0, i->size);
}

void op_lahf(struct cpu *c, const struct insn *i)
{
    uint32_t f = flags_arith(c) & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF);
    reg_write(c, 4 /* AH */, f | FL_RES1, 1);
}

void op_sahf(struct cpu *c, const struct insn *i)
{
    flags_set_some(c, FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, reg_read(c, 4 /* AH */, 1));
}

void op_xlat(struct cpu *c, const struct insn *i)
{
    uint32_t off = (c->regs[R_EBX] + (c->regs[R_EAX] & 0xff)) & insn_amask(i);
    reg_write(c, R_EAX, cpu_read(c, i->seg, off, 1), 1);
}

void op_movzx_b(struct cpu *c, const struct insn *i)
{
    reg_write(c, insn_reg(i), rm_read(c, i, 1), i->size);
}

void op_movzx_w(struct cpu *c, const struct insn *i)
{
    reg_write(c, insn_reg(i), rm_read(c, i, 2), i->size);
}

void op_movsx_b(struct cpu *c, const struct insn *i)
{
    reg_write(c, insn_reg(i), (uint32_t)(int8_t)rm_read(c, i, 1), i->size);
}

void op_movsx_w(struct cpu *c, const struct insn *i)
{
    reg_write(c, insn_reg(i), (uint32_t)(int16_t)rm_read(c, i, 2), i->size);
}

void op_bswap(struct cpu *c, const struct insn *i)
{
    unsigned r = i->op - INSN_BSWAP_r0;
    if (i->size == 4)
        c->regs[r] = __builtin_bswap32(c->regs[r]);
    else
        c->regs[r] &= 0xffff0000u;
}

void op_cmov(struct cpu *c, const struct insn *i)
{
    uint32_t v = rm_read(c, i, i->size);
    if (cond_eval(c, i->op - INSN_CMOVO))
        reg_write(c, insn_reg(i), v, i->size);
}

void op_setcc(struct cpu *c, const struct insn *i)
{
    rm_write(c, i, cond_eval(c, i->op - INSN_SETO) ? 1 : 0, 1);
}
