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

/* Pure result of `op` (CMP gives the difference); cf is the carry in. */
uint32_t alu_calc(enum alu_op op, uint32_t a, uint32_t b, bool cf, unsigned size);
/* Record the flags of alu_calc(op, a, b, cf, size) == res. */
void alu_record(struct cpu *c, enum alu_op op, uint32_t a, uint32_t b, bool cf, uint32_t res,
                unsigned size);
/* calc + record, reading the carry from c. */
uint32_t alu_binop(struct cpu *c, enum alu_op op, uint32_t a, uint32_t b, unsigned size);

uint32_t alu_add(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_adc(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_sub(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_sbb(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_and(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_or(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_xor(struct cpu *c, uint32_t a, uint32_t b, unsigned size);
uint32_t alu_neg(struct cpu *c, uint32_t a, unsigned size);
/* INC/DEC keep CF: the helpers fold the current CF into eflags first. */
uint32_t alu_inc(struct cpu *c, uint32_t a, unsigned size);
uint32_t alu_dec(struct cpu *c, uint32_t a, unsigned size);
/* Record INC/DEC flags for a result already computed (memory destinations). */
void alu_record_incdec(struct cpu *c, bool dec, uint32_t a, uint32_t res, unsigned size);

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
