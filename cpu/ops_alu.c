/*
 * ops_alu.c - two-operand ALU instructions and the flag-bit instructions.
 *
 * Sources: Intel SDM vol. 2: ADD OR ADC SBB AND SUB XOR CMP TEST NOT NEG INC
 * DEC CMC CLC STC CLD STD XADD CMPXCHG CMPXCHG8B; SALC is the undocumented
 * D6 opcode (AL = CF ? FF : 00, flags unchanged).
 *
 * Memory destinations are read, computed, written, and only then do the
 * flags change: a write fault must leave EFLAGS as it was, so ADC/SBB
 * restart with the right carry and the exception frame holds true flags.
 * LOCK needs nothing here: one emulated CPU, and the decoder rejects bad
 * LOCK prefixes.  Not emulated: bus locking / split-lock timing.
 */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/insn.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

/* dst(r/m) = dst OP b */
static inline __attribute__((always_inline)) void binop_rm(struct cpu *c, const struct insn *i, enum alu_op op, uint32_t b)
{
    unsigned size = i->size;
    bool cf = (op == ALU_ADC || op == ALU_SBB) && flags_cf(c);
    uint32_t a, r;
    if (insn_is_reg(i)) {
        a = reg_read(c, insn_rm(i), size);
        r = alu_calc(op, a, b, cf, size);
        if (op != ALU_CMP)
            reg_write(c, insn_rm(i), r, size);
    } else {
        uint32_t ea = insn_ea(c, i);
        a = cpu_read(c, i->seg, ea, size);
        r = alu_calc(op, a, b, cf, size);
        if (op != ALU_CMP)
            cpu_write(c, i->seg, ea, r, size);
    }
    alu_record(c, op, a, b, cf, r, size);
}

/* register dst = dst OP b */
static inline __attribute__((always_inline)) void binop_reg(struct cpu *c, unsigned reg, enum alu_op op, uint32_t b, unsigned size)
{
    uint32_t a = reg_read(c, reg, size);
    uint32_t r = alu_binop(c, op, a, b, size);
    if (op != ALU_CMP)
        reg_write(c, reg, r, size);
}

#define ALU_HANDLERS(name, OP)                                                               \
    void op_##name##_rm_r(struct cpu *c, const struct insn *i)                               \
    {                                                                                        \
        binop_rm(c, i, OP, reg_read(c, insn_reg(i), i->size));                               \
    }                                                                                        \
    void op_##name##_r_rm(struct cpu *c, const struct insn *i)                               \
    {                                                                                        \
        uint32_t b = rm_read(c, i, i->size);                                                 \
        binop_reg(c, insn_reg(i), OP, b, i->size);                                           \
    }                                                                                        \
    void op_##name##_acc_imm(struct cpu *c, const struct insn *i)                            \
    {                                                                                        \
        binop_reg(c, R_EAX, OP, i->imm, i->size);                                            \
    }                                                                                        \
    void op_##name##_rm_imm(struct cpu *c, const struct insn *i) { binop_rm(c, i, OP, i->imm); }

/* Register-register / register-immediate, 32-bit: the row handlers above
 * restricted to one form, so no size or register/memory dispatch is left. */
static inline __attribute__((always_inline)) void binop_reg32(struct cpu *c, unsigned dst, enum alu_op op, uint32_t b)
{
    uint32_t r = alu_binop(c, op, c->regs[dst], b, 4);
    if (op != ALU_CMP)
        c->regs[dst] = r;
}

#define ALU_REG32_HANDLERS(name, OP)                                                         \
    void op_##name##_rm_r_reg32(struct cpu *c, const struct insn *i)                         \
    {                                                                                        \
        binop_reg32(c, insn_rm(i), OP, c->regs[insn_reg(i)]);                                \
    }                                                                                        \
    void op_##name##_r_rm_reg32(struct cpu *c, const struct insn *i)                         \
    {                                                                                        \
        binop_reg32(c, insn_reg(i), OP, c->regs[insn_rm(i)]);                                \
    }                                                                                        \
    void op_##name##_rm_imm_reg32(struct cpu *c, const struct insn *i)                       \
    {                                                                                        \
        binop_reg32(c, insn_rm(i), OP, i->imm);                                              \
    }

ALU_REG32_HANDLERS(add, ALU_ADD)
ALU_REG32_HANDLERS(or, ALU_OR)
ALU_REG32_HANDLERS(adc, ALU_ADC)
ALU_REG32_HANDLERS(sbb, ALU_SBB)
ALU_REG32_HANDLERS(and, ALU_AND)
ALU_REG32_HANDLERS(sub, ALU_SUB)
ALU_REG32_HANDLERS(xor, ALU_XOR)
ALU_REG32_HANDLERS(cmp, ALU_CMP)

void op_test_rm_r_reg32(struct cpu *c, const struct insn *i)
{
    alu_and(c, c->regs[insn_rm(i)], c->regs[insn_reg(i)], 4);
}

void op_test_rm_imm_reg32(struct cpu *c, const struct insn *i)
{
    alu_and(c, c->regs[insn_rm(i)], i->imm, 4);
}

void op_inc_rm_reg32(struct cpu *c, const struct insn *i)
{
    c->regs[insn_rm(i)] = alu_inc(c, c->regs[insn_rm(i)], 4);
}

void op_dec_rm_reg32(struct cpu *c, const struct insn *i)
{
    c->regs[insn_rm(i)] = alu_dec(c, c->regs[insn_rm(i)], 4);
}

ALU_HANDLERS(add, ALU_ADD)
ALU_HANDLERS(or, ALU_OR)
ALU_HANDLERS(adc, ALU_ADC)
ALU_HANDLERS(sbb, ALU_SBB)
ALU_HANDLERS(and, ALU_AND)
ALU_HANDLERS(sub, ALU_SUB)
ALU_HANDLERS(xor, ALU_XOR)
ALU_HANDLERS(cmp, ALU_CMP)

void op_test_rm_r(struct cpu *c, const struct insn *i)
{
    uint32_t a = rm_read(c, i, i->size);
    alu_and(c, a, reg_read(c, insn_reg(i), i->size), i->size);
}

void op_test_acc_imm(struct cpu *c, const struct insn *i)
{
    alu_and(c, reg_read(c, R_EAX, i->size), i->imm, i->size);
}

void op_test_rm_imm(struct cpu *c, const struct insn *i)
{
    alu_and(c, rm_read(c, i, i->size), i->imm, i->size);
}

void op_not_rm(struct cpu *c, const struct insn *i)
{
    rm_write(c, i, ~rm_read(c, i, i->size), i->size);
}

void op_neg_rm(struct cpu *c, const struct insn *i)
{
    uint32_t a = rm_read(c, i, i->size);
    uint32_t r = alu_calc(ALU_SUB, 0, a, false, i->size);
    rm_write(c, i, r, i->size);
    alu_record(c, ALU_SUB, 0, a, false, r, i->size);
}

void op_inc_r(struct cpu *c, const struct insn *i)
{
    unsigned r = i->op - INSN_INC_r0;
    reg_write(c, r, alu_inc(c, reg_read(c, r, i->size), i->size), i->size);
}

void op_dec_r(struct cpu *c, const struct insn *i)
{
    unsigned r = i->op - INSN_DEC_r0;
    reg_write(c, r, alu_dec(c, reg_read(c, r, i->size), i->size), i->size);
}

static inline __attribute__((always_inline)) void incdec_rm(struct cpu *c, const struct insn *i, bool dec)
{
    uint32_t a = rm_read(c, i, i->size);
    uint32_t r = (dec ? a - 1 : a + 1) & size_mask(i->size);
    rm_write(c, i, r, i->size);
    alu_record_incdec(c, dec, a, r, i->size);
}

void op_inc_rm(struct cpu *c, const struct insn *i) { incdec_rm(c, i, false); }
void op_dec_rm(struct cpu *c, const struct insn *i) { incdec_rm(c, i, true); }

void op_cmc(struct cpu *c, const struct insn *i) { flags_set_some(c, FL_CF, flags_cf(c) ? 0 : FL_CF); }
void op_clc(struct cpu *c, const struct insn *i) { flags_set_some(c, FL_CF, 0); }
void op_stc(struct cpu *c, const struct insn *i) { flags_set_some(c, FL_CF, FL_CF); }
void op_cld(struct cpu *c, const struct insn *i) { c->eflags &= ~FL_DF; }
void op_std(struct cpu *c, const struct insn *i) { c->eflags |= FL_DF; }

void op_salc(struct cpu *c, const struct insn *i)
{
    reg_write(c, R_EAX, flags_cf(c) ? 0xff : 0, 1);
}

/* TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. */
void op_xadd(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size, reg = insn_reg(i);
    uint32_t src = reg_read(c, reg, size);
    uint32_t dst = rm_read(c, i, size);
    uint32_t sum = alu_calc(ALU_ADD, dst, src, false, size);
    if (insn_is_reg(i)) {
        reg_write(c, reg, dst, size);
        reg_write(c, insn_rm(i), sum, size); /* last, so XADD r,r with r == r keeps the sum */
    } else {
        cpu_write(c, i->seg, insn_ea(c, i), sum, size);
        reg_write(c, reg, dst, size);
    }
    alu_record(c, ALU_ADD, dst, src, false, sum, size);
}

/* The destination is written in both cases (the old value when unequal),
 * so a read-only destination faults either way, as the SDM describes. */
void op_cmpxchg(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size;
    uint32_t acc = reg_read(c, R_EAX, size);
    uint32_t dst = rm_read(c, i, size);
    uint32_t diff = alu_calc(ALU_SUB, acc, dst, false, size);
    if (diff == 0) {
        rm_write(c, i, reg_read(c, insn_reg(i), size), size);
    } else {
        rm_write(c, i, dst, size);
        reg_write(c, R_EAX, dst, size);
    }
    alu_record(c, ALU_SUB, acc, dst, false, diff, size);
}

void op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
    uint32_t ea = insn_ea(c, i);
    uint64_t m = cpu_read64(c, i->seg, ea);
    uint64_t edx_eax = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
    if (m == edx_eax) {
        cpu_write64(c, i->seg, ea, ((uint64_t)c->regs[R_ECX] << 32) | c->regs[R_EBX]);
        flags_set_some(c, FL_ZF, FL_ZF);
    } else {
        cpu_write64(c, i->seg, ea, m);
        c->regs[R_EAX] = (uint32_t)m;
        c->regs[R_EDX] = (uint32_t)(m >> 32);
        flags_set_some(c, FL_ZF, 0);
    }
}
