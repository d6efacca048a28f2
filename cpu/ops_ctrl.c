/*
 * ops_ctrl.c - near control transfers: Jcc, JMP, CALL, RET (near), LOOP,
 * LOOPE, LOOPNE, JCXZ/JECXZ.
 *
 * Sources: Intel SDM vol. 2 "Jcc", "JMP", "CALL", "RET", "LOOP/LOOPcc",
 * "JCXZ/JECXZ".  The new EIP is cut to 16 bits with a 16-bit operand size
 * and checked against the CS limit (#GP(0)) before anything is pushed or
 * popped, so a faulting transfer changes no register.  LOOP's counter is CX
 * or ECX by the address size and is written only once the branch cannot
 * fault.  Far transfers are in far.c (cpu_far_jump ...).
 * Not emulated: branch hints, return-stack buffers.
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

static inline uint32_t near_target(struct cpu *c, uint32_t target, unsigned osize)
{
    if (osize == 2)
        target &= 0xffff;
    if (target > c->seg[SEG_CS].limit)
        cpu_raise_gp0(c);
    return target;
}

void cpu_jump_near(struct cpu *c, uint32_t target, unsigned osize)
{
    c->eip = near_target(c, target, osize);
}

void op_jcc(struct cpu *c, const struct insn *i)
{
    unsigned cc = i->op >= INSN_JO_Jz ? i->op - INSN_JO_Jz : i->op - INSN_JO_Jb;
    if (cond_eval_inline(c, cc))
        c->eip = near_target(c, c->eip + i->imm, insn_osize(i));
}

void op_jmp_rel(struct cpu *c, const struct insn *i)
{
    cpu_jump_near(c, c->eip + i->imm, insn_osize(i));
}

void op_call_rel(struct cpu *c, const struct insn *i)
{
    unsigned osize = insn_osize(i);
    uint32_t t = near_target(c, c->eip + i->imm, osize);
    cpu_push(c, c->eip, osize);
    c->eip = t;
}

static void ret_near(struct cpu *c, unsigned osize, uint32_t extra)
{
    uint32_t t = near_target(c, cpu_peek(c, 0, osize), osize);
    uint32_t m = cpu_sp_mask(c);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | ((c->regs[R_ESP] + osize + extra) & m);
    c->eip = t;
}

void op_ret_near(struct cpu *c, const struct insn *i) { ret_near(c, insn_osize(i), 0); }
void op_ret_near_imm(struct cpu *c, const struct insn *i) { ret_near(c, insn_osize(i), i->imm & 0xffff); }

void op_jmp_rm(struct cpu *c, const struct insn *i)
{
    unsigned osize = insn_osize(i);
    cpu_jump_near(c, rm_read(c, i, osize), osize);
}

void op_call_rm(struct cpu *c, const struct insn *i)
{
    unsigned osize = insn_osize(i);
    uint32_t t = near_target(c, rm_read(c, i, osize), osize);
    cpu_push(c, c->eip, osize);
    c->eip = t;
}

/* Decrement (E)CX; branch when it is non-zero and `cond` holds. */
static void loop_common(struct cpu *c, const struct insn *i, bool cond)
{
    uint32_t am = insn_amask(i);
    uint32_t cnt = (c->regs[R_ECX] - 1) & am;
    uint32_t eip = c->eip;
    if (cnt != 0 && cond)
        eip = near_target(c, c->eip + i->imm, insn_osize(i));
    c->regs[R_ECX] = (c->regs[R_ECX] & ~am) | cnt;
    c->eip = eip;
}

void op_loop(struct cpu *c, const struct insn *i) { loop_common(c, i, true); }
void op_loope(struct cpu *c, const struct insn *i) { loop_common(c, i, flags_zf(c)); }
void op_loopne(struct cpu *c, const struct insn *i) { loop_common(c, i, !flags_zf(c)); }

void op_jcxz(struct cpu *c, const struct insn *i)
{
    if ((c->regs[R_ECX] & insn_amask(i)) == 0)
        cpu_jump_near(c, c->eip + i->imm, insn_osize(i));
}
