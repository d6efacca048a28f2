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

/* Individual flags, inline because Jcc/ADC/rotates read them constantly. */
static inline bool parity8(uint32_t v)
{
    return !__builtin_parity(v & 0xff);
}

static inline int32_t flags_sext(uint32_t v, unsigned size)
{
    unsigned sh = 32 - size * 8;
    return (int32_t)(v << sh) >> sh;
}

static inline bool flags_cf(const struct cpu *c)
{
    const struct lazy_flags *f = &c->lf;
    switch (f->op) {
    case LF_ADD: return f->res < f->src1;
    case LF_ADC: return f->res <= f->src1;
    case LF_SUB: return f->src1 < f->src2;
    case LF_SBB: return f->src1 <= f->src2;
    case LF_LOGIC: return false;
    default: return c->eflags & FL_CF; /* LF_NONE, LF_INC, LF_DEC */
    }
}

static inline bool flags_zf(const struct cpu *c)
{
    if (c->lf.op == LF_NONE)
        return c->eflags & FL_ZF;
    return c->lf.res == 0;
}

static inline bool flags_sf(const struct cpu *c)
{
    if (c->lf.op == LF_NONE)
        return c->eflags & FL_SF;
    return c->lf.res & size_sign(c->lf.size);
}

static inline bool flags_pf(const struct cpu *c)
{
    if (c->lf.op == LF_NONE)
        return c->eflags & FL_PF;
    return parity8(c->lf.res);
}

static inline bool flags_of(const struct cpu *c)
{
    const struct lazy_flags *f = &c->lf;
    if (f->op == LF_NONE)
        return c->eflags & FL_OF; /* lf.size is meaningless then */
    uint32_t sign = size_sign(f->size);
    switch (f->op) {
    case LF_ADD:
    case LF_ADC: return ((f->src1 ^ f->res) & (f->src2 ^ f->res)) & sign;
    case LF_SUB:
    case LF_SBB: return ((f->src1 ^ f->src2) & (f->src1 ^ f->res)) & sign;
    case LF_LOGIC: return false;
    case LF_INC: return f->res == sign;
    case LF_DEC: return f->res == sign - 1;
    default: return c->eflags & FL_OF;
    }
}

static inline bool flags_af(const struct cpu *c)
{
    const struct lazy_flags *f = &c->lf;
    switch (f->op) {
    case LF_ADD:
    case LF_ADC:
    case LF_SUB:
    case LF_SBB: return (f->src1 ^ f->src2 ^ f->res) & 0x10;
    case LF_LOGIC: return false;
    case LF_INC: return (f->res & 0xf) == 0;
    case LF_DEC: return (f->res & 0xf) == 0xf;
    default: return c->eflags & FL_AF;
    }
}

static inline uint32_t flags_arith(const struct cpu *c)
{
    if (c->lf.op == LF_NONE)
        return c->eflags & FL_ARITH;
    return (flags_cf(c) ? FL_CF : 0) | (flags_pf(c) ? FL_PF : 0) | (flags_af(c) ? FL_AF : 0) |
           (flags_zf(c) ? FL_ZF : 0) | (flags_sf(c) ? FL_SF : 0) | (flags_of(c) ? FL_OF : 0);
}

/* Store all six arithmetic flags at once (from `bits`, EFLAGS layout); LF_NONE after. */
void flags_set_arith(struct cpu *c, uint32_t bits);
/* Change only the flags in `mask` (EFLAGS bits within FL_ARITH). */
void flags_set_some(struct cpu *c, uint32_t mask, uint32_t bits);
/* Fold lazy state into eflags (LF_NONE after). */
void flags_materialize(struct cpu *c);
bool cond_eval(const struct cpu *c, unsigned cc);

#endif
