/*
 * ops_seg.c - segment register moves: MOV Sreg, PUSH/POP Sreg, LDS/LES/LSS/
 * LFS/LGS.
 *
 * Sources: SDM vol. 2 "MOV" (segment register forms), "PUSH", "POP",
 * "LDS/LES/LFS/LGS/LSS"; vol. 3A 6.8.3 (MOV SS / POP SS inhibit interrupts
 * and #DB for one instruction).
 *
 * The checks themselves live in seg_load() (seg.c).  MOV CS is #UD on the
 * P6; POP CS has no row (0F is the two-byte escape).
 *
 * Not emulated: the 16-bit write of PUSH Sreg with a 32-bit operand size
 * that newer processors do; we push the selector zero-extended.
 */
#include "cpu/except.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"
#include "cpu/seg.h"

void op_mov_rm_sreg(struct cpu *c, const struct insn *i)
{
    unsigned s = insn_reg(i);
    if (s >= SEG_COUNT)
        cpu_raise_ud(c);
    uint16_t sel = c->seg[s].sel;
    if (insn_is_reg(i))
        reg_write(c, insn_rm(i), sel, insn_osize(i)); /* 32-bit: zero-extended */
    else
        cpu_write(c, i->seg, insn_ea(c, i), sel, 2);
}

void op_mov_sreg_rm(struct cpu *c, const struct insn *i)
{
    unsigned s = insn_reg(i);
    if (s >= SEG_COUNT || s == SEG_CS)
        cpu_raise_ud(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    seg_load(c, s, sel);
    if (s == SEG_SS)
        c->intr_shadow = c->trap_shadow = true;
}

static int seg_of_op(unsigned op)
{
    switch (op) {
    case INSN_PUSH_ES: case INSN_POP_ES: case INSN_LES: return SEG_ES;
    case INSN_PUSH_CS: return SEG_CS;
    case INSN_PUSH_SS: case INSN_POP_SS: case INSN_LSS: return SEG_SS;
    case INSN_PUSH_DS: case INSN_POP_DS: case INSN_LDS: return SEG_DS;
    case INSN_PUSH_FS: case INSN_POP_FS: case INSN_LFS: return SEG_FS;
    default: return SEG_GS;
    }
}

void op_push_seg(struct cpu *c, const struct insn *i)
{
    cpu_push(c, c->seg[seg_of_op(i->op)].sel, insn_osize(i));
}

void op_pop_seg(struct cpu *c, const struct insn *i)
{
    int s = seg_of_op(i->op);
    unsigned osize = insn_osize(i);
    uint16_t sel = (uint16_t)cpu_peek(c, 0, osize);
    /* ESP moves by the old stack's size even when SS itself is reloaded. */
    uint32_t mask = cpu_sp_mask(c);
    uint32_t esp = (c->regs[R_ESP] & ~mask) | ((c->regs[R_ESP] + osize) & mask);
    seg_load(c, s, sel);
    c->regs[R_ESP] = esp;
    if (s == SEG_SS)
        c->intr_shadow = c->trap_shadow = true;
}

void op_load_far_ptr(struct cpu *c, const struct insn *i)
{
    unsigned osize = insn_osize(i);
    uint32_t ea = insn_ea(c, i);
    uint32_t off = cpu_read(c, i->seg, ea, osize);
    uint16_t sel = (uint16_t)cpu_read(c, i->seg, (ea + osize) & insn_amask(i), 2);
    seg_load(c, seg_of_op(i->op), sel);
    reg_write(c, insn_reg(i), off, osize);
}
