/*
 * flags.h - lazy arithmetic flags.
 *
 * The rule: c->eflags holds the true value of every OSZAPC bit that the
 * current lazy operation (c->lf.op) does not define.  An ALU helper records
 * (op, size, src1, src2, res); the flags are computed only when something
 * reads them (Jcc, SETcc, PUSHF, ADC, ...).  Operations whose flag rules are
 * irregular (shifts by the count, MUL, BCD) compute the flags directly and
 * store them with flags_set_arith(), which sets lf.op = LF_NONE.
 *
 * Undefined flags policy (one policy for interpreter and JIT): where the SDM
 * says "undefined" we produce what an Intel P6 produces where that is known
 * (documented next to each helper); the conformance tests mask these flags.
 */
#ifndef CINDER_CPU_FLAGS_H
#define CINDER_CPU_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

enum lf_op {
    LF_NONE = 0, /* eflags is authoritative for all OSZAPC */
    LF_ADD,      /* res = src1 + src2 */
    LF_ADC,      /* res = src1 + src2 + 1 (ADC with carry in; ADC with CF=0 records LF_ADD) */
    LF_SUB,      /* res = src1 - src2 (SUB, CMP, NEG with src1 = 0, SCAS, CMPS) */
    LF_SBB,      /* res = src1 - src2 - 1 */
    LF_LOGIC,    /* AND/OR/XOR/TEST: CF=OF=0, AF=0 (P6 clears it) */
    LF_INC,      /* res = src1 + 1; CF from eflags */
    LF_DEC,      /* res = src1 - 1; CF from eflags */
};

/* Condition codes as encoded in Jcc/SETcc/CMOVcc low nibble. */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}
static inline uint32_t size_sign(unsigned size) { return 1u << (size * 8 - 1); }

static inline void flags_lazy(struct cpu *c, enum lf_op op, unsigned size, uint32_t src1,
                              uint32_t src2, uint32_t res)
{
    c->lf.op = (uint8_t)op;
    c->lf.size = (uint8_t)size;
    c->lf.src1 = src1;
    c->lf.src2 = src2;
    c->lf.res = res;
}

/* Individual flags and whole-register materialisation (flags.c). */
bool flags_cf(const struct cpu *c);
bool flags_zf(const struct cpu *c);
bool flags_sf(const struct cpu *c);
bool flags_of(const struct cpu *c);
bool flags_pf(const struct cpu *c);
bool flags_af(const struct cpu *c);
uint32_t flags_arith(const struct cpu *c); /* OSZAPC only, as EFLAGS bits */
/* Store all six arithmetic flags at once (from `bits`, EFLAGS layout); LF_NONE after. */
void flags_set_arith(struct cpu *c, uint32_t bits);
/* Change only the flags in `mask` (EFLAGS bits within FL_ARITH). */
void flags_set_some(struct cpu *c, uint32_t mask, uint32_t bits);
/* Fold lazy state into eflags (LF_NONE after). */
void flags_materialize(struct cpu *c);
bool cond_eval(const struct cpu *c, unsigned cc);
bool parity8(uint32_t v); /* true when the low byte has an even number of 1 bits */

#endif
