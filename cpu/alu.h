/*
 * alu.h - width-generic integer arithmetic shared by the instruction
 * handlers and (later) the JIT's helper calls.
 *
 * Two layers:
 *  - alu_add(c, a, b, size) and friends compute the result masked to `size`
 *    bytes and record lazy flags; use them when nothing can fault after.
 *  - alu_calc()/alu_record() split the same thing in two, so a handler with
 *    a memory destination can write the result first and record the flags
 *    only after that write can no longer fault (flags are architectural
 *    state: ADC/SBB restart from them, and exception frames push them).
 *  - Shifts, rotates, SHLD/SHRD, MUL/DIV and BCD are pure functions of their
 *    inputs and the incoming flags: they return the result and hand back the
 *    full OSZAPC word for flags_set_arith().
 */
#ifndef CINDER_CPU_ALU_H
#define CINDER_CPU_ALU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"

/* Binary ALU operations in the order of the 00-3F opcode rows and the
 * 80-83 group reg field. */
enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* The hot helpers are inline so that a handler with a constant `op`
 * compiles to the one operation it performs. alu_calc: pure result of `op`
 * (CMP gives the difference), cf is the carry in. alu_record: record the flags
 * of alu_calc(op, a, b, cf, size) == res. alu_binop: both, reading the carry
 * from c. INC/DEC keep CF: the helpers fold the current CF into eflags first;
 * alu_record_incdec records INC/DEC flags for a result already computed. */
static inline uint32_t alu_calc(enum alu_op op, uint32_t a, uint32_t b, bool cf, unsigned size)
{
    uint32_t r;
    switch (op) {
    case ALU_ADD: r = a + b; break;
    case ALU_OR: r = a | b; break;
    case ALU_ADC: r = a + b + cf; break;
    case ALU_SBB: r = a - b - cf; break;
    case ALU_AND: r = a & b; break;
    case ALU_XOR: r = a ^ b; break;
    default: r = a - b; break; /* SUB, CMP */
    }
    return r & size_mask(size);
}

static inline void alu_record(struct cpu *c, enum alu_op op, uint32_t a, uint32_t b, bool cf,
                              uint32_t res, unsigned size)
{
    uint32_t m = size_mask(size);
    enum lf_op lf;
    switch (op) {
    case ALU_ADD: lf = LF_ADD; break;
    case ALU_ADC: lf = cf ? LF_ADC : LF_ADD; break;
    case ALU_SBB: lf = cf ? LF_SBB : LF_SUB; break;
    case ALU_SUB:
    case ALU_CMP: lf = LF_SUB; break;
    default: lf = LF_LOGIC; break;
    }
    flags_lazy(c, lf, size, a & m, b & m, res & m);
}

static inline uint32_t alu_binop(struct cpu *c, enum alu_op op, uint32_t a, uint32_t b,
                                 unsigned size)
{
    bool cf = (op == ALU_ADC || op == ALU_SBB) ? flags_cf(c) : false;
    uint32_t r = alu_calc(op, a, b, cf, size);
    alu_record(c, op, a, b, cf, r, size);
    return r;
}

static inline uint32_t alu_add(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_ADD, a, b, size);
}
static inline uint32_t alu_adc(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_ADC, a, b, size);
}
static inline uint32_t alu_sub(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_SUB, a, b, size);
}
static inline uint32_t alu_sbb(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_SBB, a, b, size);
}
static inline uint32_t alu_and(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_AND, a, b, size);
}
static inline uint32_t alu_or(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_OR, a, b, size);
}
static inline uint32_t alu_xor(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    return alu_binop(c, ALU_XOR, a, b, size);
}
static inline uint32_t alu_neg(struct cpu *c, uint32_t a, unsigned size)
{
    return alu_binop(c, ALU_SUB, 0, a, size);
}

static inline void alu_record_incdec(struct cpu *c, bool dec, uint32_t a, uint32_t res,
                                     unsigned size)
{
    /* LF_INC/LF_DEC take CF from eflags, so it must be true there first. */
    if (c->lf.op != LF_INC && c->lf.op != LF_DEC && c->lf.op != LF_NONE)
        c->eflags = (c->eflags & ~FL_CF) | (flags_cf(c) ? FL_CF : 0);
    uint32_t m = size_mask(size);
    flags_lazy(c, dec ? LF_DEC : LF_INC, size, a & m, 1, res & m);
}

static inline uint32_t alu_inc(struct cpu *c, uint32_t a, unsigned size)
{
    uint32_t r = (a + 1) & size_mask(size);
    alu_record_incdec(c, false, a, r, size);
    return r;
}

static inline uint32_t alu_dec(struct cpu *c, uint32_t a, unsigned size)
{
    uint32_t r = (a - 1) & size_mask(size);
    alu_record_incdec(c, true, a, r, size);
    return r;
}

/* SZP of a result as EFLAGS bits (logic-style flags helper). */
uint32_t alu_szp(uint32_t res, unsigned size);

/* Shift group, in ModRM reg order (SAL = SHL). */
enum shift_op { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };
/* count is already masked to 5 bits and non-zero.  fl_in: current OSZAPC;
 * *fl_out: OSZAPC after.  Returns the result masked to size. */
uint32_t alu_shift(enum shift_op op, uint32_t v, unsigned count, unsigned size, uint32_t fl_in,
                   uint32_t *fl_out);
/* SHLD/SHRD; count masked to 5 bits and non-zero. */
uint32_t alu_shld(uint32_t dst, uint32_t src, unsigned count, unsigned size, uint32_t fl_in,
                  uint32_t *fl_out);
uint32_t alu_shrd(uint32_t dst, uint32_t src, unsigned count, unsigned size, uint32_t fl_in,
                  uint32_t *fl_out);

/* Multiply: full product (2*size bytes) and OSZAPC (CF=OF=upper half
 * significant; SZP from the low half, AF=0, as P6 does). */
uint64_t alu_mul(uint32_t a, uint32_t b, unsigned size, uint32_t fl_in, uint32_t *fl_out);
/* Signed: the product of the sign-extended operands, as an int64. */
int64_t alu_imul(uint32_t a, uint32_t b, unsigned size, uint32_t fl_in, uint32_t *fl_out);
/* Divide a 2*size-byte dividend; false when #DE (zero or quotient overflow). */
bool alu_div(uint64_t dividend, uint32_t divisor, unsigned size, uint32_t *q, uint32_t *r);
bool alu_idiv(uint64_t dividend, uint32_t divisor, unsigned size, uint32_t *q, uint32_t *r);

/* BCD adjusts (SDM vol. 2 DAA DAS AAA AAS AAM AAD). fl_in/fl_out as above. */
uint8_t alu_daa(uint8_t al, uint32_t fl_in, uint32_t *fl_out);
uint8_t alu_das(uint8_t al, uint32_t fl_in, uint32_t *fl_out);
uint16_t alu_aaa(uint16_t ax, uint32_t fl_in, uint32_t *fl_out);
uint16_t alu_aas(uint16_t ax, uint32_t fl_in, uint32_t *fl_out);
uint16_t alu_aam(uint8_t al, uint8_t base, uint32_t fl_in, uint32_t *fl_out); /* base != 0 */
uint16_t alu_aad(uint16_t ax, uint8_t base, uint32_t fl_in, uint32_t *fl_out);

#endif
