/*
 * ops_stack.c - the stack primitives (cpu_push/cpu_pop/cpu_peek) and the
 * general-purpose stack instructions PUSH POP PUSHA POPA ENTER LEAVE.
 *
 * Sources: Intel SDM vol. 2 "PUSH", "POP", "PUSHA/PUSHAD", "POPA/POPAD",
 * "ENTER", "LEAVE"; vol. 3A 6.14 (stack faults).
 * SS.B picks ESP or SP; with a 16-bit stack only SP's low word moves and
 * addresses wrap at 64 KiB.  Multi-element instructions write memory first
 * and move ESP/EBP last, so a fault part-way leaves the registers untouched
 * and the restart rewrites the same bytes.
 * PUSH SP/ESP stores the value before the decrement (286 and later).
 * POP to memory computes the address with ESP already incremented.
 * Not emulated: the 8086 PUSH SP behaviour.
 */
#include "cpu/except.h"
#include "cpu/insn.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

void cpu_push(struct cpu *c, uint32_t v, unsigned size)
{
    uint32_t m = cpu_sp_mask(c);
    uint32_t sp = (c->regs[R_ESP] - size) & m;
    cpu_write(c, SEG_SS, sp, v, size);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | sp;
}

uint32_t cpu_pop(struct cpu *c, unsigned size)
{
    uint32_t m = cpu_sp_mask(c);
    uint32_t v = cpu_read(c, SEG_SS, c->regs[R_ESP] & m, size);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | ((c->regs[R_ESP] + size) & m);
    return v;
}

uint32_t cpu_peek(struct cpu *c, unsigned offset, unsigned size)
{
    return cpu_read(c, SEG_SS, (c->regs[R_ESP] + offset) & cpu_sp_mask(c), size);
}

void op_push_r(struct cpu *c, const struct insn *i)
{
    cpu_push(c, reg_read(c, i->op - INSN_PUSH_r0, i->size), i->size);
}

void op_pop_r(struct cpu *c, const struct insn *i)
{
    uint32_t v = cpu_pop(c, i->size);
    reg_write(c, i->op - INSN_POP_r0, v, i->size); /* POP SP: the loaded value wins */
}

void op_push_imm(struct cpu *c, const struct insn *i) { cpu_push(c, i->imm, i->size); }

void op_push_rm(struct cpu *c, const struct insn *i)
{
    cpu_push(c, rm_read(c, i, i->size), i->size);
}

void op_pop_rm(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size;
    uint32_t m = cpu_sp_mask(c);
    uint32_t v = cpu_peek(c, 0, size);
    uint32_t new_esp = (c->regs[R_ESP] & ~m) | ((c->regs[R_ESP] + size) & m);
    if (insn_is_reg(i)) {
        c->regs[R_ESP] = new_esp;
        reg_write(c, insn_rm(i), v, size);
        return;
    }
    uint32_t base = i->base == R_ESP ? new_esp : c->regs[i->base];
    uint32_t ea = (base + (c->regs[i->index] << i->scale) + i->disp) & insn_amask(i);
    cpu_write(c, i->seg, ea, v, size);
    c->regs[R_ESP] = new_esp;
}

void op_pusha(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size;
    uint32_t m = cpu_sp_mask(c), sp = c->regs[R_ESP];
    for (unsigned r = R_EAX; r <= R_EDI; r++) {
        sp = (sp - size) & m;
        cpu_write(c, SEG_SS, sp, reg_read(c, r, size), size); /* r == ESP: the original */
    }
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | sp;
}

void op_popa(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size;
    uint32_t m = cpu_sp_mask(c), sp = c->regs[R_ESP];
    uint32_t v[8];
    for (unsigned k = 0; k < 8; k++) /* k = 0 is EDI, pushed last */
        v[k] = cpu_read(c, SEG_SS, (sp + k * size) & m, size);
    for (unsigned k = 0; k < 8; k++)
        if (7 - k != R_ESP)
            reg_write(c, 7 - k, v[k], size);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | ((sp + 8 * size) & m);
}

void op_enter(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size, level = i->imm2 & 31;
    uint32_t m = cpu_sp_mask(c);
    uint32_t sp = (c->regs[R_ESP] - size) & m;
    cpu_write(c, SEG_SS, sp, reg_read(c, R_EBP, size), size);
    uint32_t frame = sp;
    if (level > 0) {
        uint32_t bp = c->regs[R_EBP];
        for (unsigned k = 1; k < level; k++) {
            bp = (bp - size) & m;
            uint32_t v = cpu_read(c, SEG_SS, bp, size);
            sp = (sp - size) & m;
            cpu_write(c, SEG_SS, sp, v, size);
        }
        sp = (sp - size) & m;
        cpu_write(c, SEG_SS, sp, frame, size);
    }
    sp = (sp - (i->imm & 0xffff)) & m;
    reg_write(c, R_EBP, frame, size);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | sp;
}

void op_leave(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size;
    uint32_t m = cpu_sp_mask(c), bp = c->regs[R_EBP] & m;
    uint32_t v = cpu_read(c, SEG_SS, bp, size);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | ((bp + size) & m);
    reg_write(c, R_EBP, v, size);
}
