/*
 * insn.h - the decoded form of one instruction and the handler contract.
 *
 * decode.c turns bytes into a struct insn once; the interpreter (and later the
 * JIT) run it many times.  A handler is
 *     void op_xxx(struct cpu *c, const struct insn *i);
 * It runs with c->eip already pointing past the instruction and c->insn_eip
 * at its first byte.  It reads operands through the helpers below, raises
 * faults with cpu_raise(), and commits state only after its last fault.
 */
#ifndef CINDER_CPU_INSN_H
#define CINDER_CPU_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/mmu.h"

struct insn;
typedef void insn_fn(struct cpu *c, const struct insn *i);

/* Prefix/size bits in insn.pfx */
#define PFX_O32 0x01   /* operand size is 32 bits */
#define PFX_A32 0x02   /* address size is 32 bits */
#define PFX_LOCK 0x04
#define PFX_REP 0x08   /* F3: REP / REPE */
#define PFX_REPNE 0x10 /* F2: REPNE */
#define PFX_SEGOVR 0x20 /* a segment override prefix was present */
#define PFX_66 0x40    /* a 66 prefix was present (MMX/SSE distinction) */

struct insn {
    insn_fn *fn;      /* handler, picked at decode time */
    uint32_t disp;    /* ModRM displacement, sign-extended; moffs for A0-A3 */
    uint32_t imm;     /* immediate (sign-extended where the row says so), or branch displacement */
    uint16_t imm2;    /* second immediate: far pointer selector, ENTER nesting level */
    uint16_t op;      /* enum insn_op row index (insn_table.def) */
    uint8_t len;      /* bytes, prefixes included */
    uint8_t modrm;    /* ModRM byte (0 if none) */
    uint8_t pfx;      /* PFX_* bits */
    uint8_t seg;      /* effective segment for memory operands (override or default) */
    uint8_t base;     /* EA base register, R_ZERO if none */
    uint8_t index;    /* EA index register, R_ZERO if none */
    uint8_t scale;    /* EA index shift 0-3 */
    uint8_t size;     /* operand size in bytes: 1 for byte rows, else 2 or 4 */
};

/* ModRM fields */
static inline unsigned insn_mod(const struct insn *i) { return i->modrm >> 6; }
static inline unsigned insn_reg(const struct insn *i) { return (i->modrm >> 3) & 7; }
static inline unsigned insn_rm(const struct insn *i) { return i->modrm & 7; }
static inline bool insn_is_reg(const struct insn *i) { return i->modrm >= 0xc0; }
static inline unsigned insn_osize(const struct insn *i) { return (i->pfx & PFX_O32) ? 4 : 2; }
static inline unsigned insn_asize(const struct insn *i) { return (i->pfx & PFX_A32) ? 4 : 2; }
static inline uint32_t insn_amask(const struct insn *i)
{
    return (i->pfx & PFX_A32) ? 0xffffffffu : 0xffffu;
}

/* Effective address (offset within i->seg) of the ModRM memory operand. */
static inline uint32_t insn_ea(const struct cpu *c, const struct insn *i)
{
    return (c->regs[i->base] + (c->regs[i->index] << i->scale) + i->disp) & insn_amask(i);
}

/* Register access by size: for size 1, r 0-3 are AL,CL,DL,BL and 4-7 AH..BH. */
static inline uint32_t reg_read(const struct cpu *c, unsigned r, unsigned size)
{
    switch (size) {
    case 1: return r < 4 ? (c->regs[r] & 0xff) : ((c->regs[r - 4] >> 8) & 0xff);
    case 2: return c->regs[r] & 0xffff;
    default: return c->regs[r];
    }
}

static inline void reg_write(struct cpu *c, unsigned r, uint32_t v, unsigned size)
{
    switch (size) {
    case 1:
        if (r < 4)
            c->regs[r] = (c->regs[r] & ~0xffu) | (v & 0xff);
        else
            c->regs[r - 4] = (c->regs[r - 4] & ~0xff00u) | ((v & 0xff) << 8);
        break;
    case 2: c->regs[r] = (c->regs[r] & ~0xffffu) | (v & 0xffff); break;
    default: c->regs[r] = v; break;
    }
}

/* The r/m operand, register or memory, of the row's size. */
static inline uint32_t rm_read(struct cpu *c, const struct insn *i, unsigned size)
{
    if (insn_is_reg(i))
        return reg_read(c, insn_rm(i), size);
    return cpu_read(c, i->seg, insn_ea(c, i), size);
}

static inline void rm_write(struct cpu *c, const struct insn *i, uint32_t v, unsigned size)
{
    if (insn_is_reg(i))
        reg_write(c, insn_rm(i), v, size);
    else
        cpu_write(c, i->seg, insn_ea(c, i), v, size);
}

/* Stack helpers (ops_stack.c): honour SS.B for ESP vs SP; push size 2 or 4.
 * cpu_push writes before it moves ESP, so a fault leaves ESP unchanged. */
void cpu_push(struct cpu *c, uint32_t v, unsigned size);
uint32_t cpu_pop(struct cpu *c, unsigned size);
uint32_t cpu_peek(struct cpu *c, unsigned offset, unsigned size); /* read at SS:[eSP+offset] */
static inline uint32_t cpu_sp_mask(const struct cpu *c) { return cpu_stack32(c) ? 0xffffffffu : 0xffffu; }

/* Near branch target: EIP is truncated to 16 bits for 16-bit operand size;
 * the target is checked against the CS limit (#GP(0)). (ops_ctrl.c) */
void cpu_jump_near(struct cpu *c, uint32_t target, unsigned osize);

/* Table row metadata (generated from insn_table.def in decode.c). */
struct insn_row {
    const char *name;  /* row name, e.g. "ADD_Ev_Gv" */
    insn_fn *fn;
    uint32_t attrs;    /* A_* bits from insn_table.def */
};
extern const struct insn_row insn_rows[];
extern const unsigned insn_row_count;

#endif
