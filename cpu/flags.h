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

/* All six at once: one switch on the op instead of one per flag (the same
 * rules as the single-flag helpers above). */
static inline uint32_t flags_arith(const struct cpu *c)
{
    const struct lazy_flags *f = &c->lf;
    if (f->op == LF_NONE)
        return c->eflags & FL_ARITH;
    uint32_t res = f->res, s1 = f->src1, s2 = f->src2, sign = size_sign(f->size);
    uint32_t fl = (res == 0 ? FL_ZF : 0) | ((res & sign) ? FL_SF : 0) | (parity8(res) ? FL_PF : 0);
    switch (f->op) {
    case LF_ADD:
    case LF_ADC:
        fl |= ((f->op == LF_ADD ? res < s1 : res <= s1) ? FL_CF : 0) |
              (((s1 ^ res) & (s2 ^ res) & sign) ? FL_OF : 0) | ((s1 ^ s2 ^ res) & FL_AF);
        break;
    case LF_SUB:
    case LF_SBB:
        fl |= ((f->op == LF_SUB ? s1 < s2 : s1 <= s2) ? FL_CF : 0) |
              (((s1 ^ s2) & (s1 ^ res) & sign) ? FL_OF : 0) | ((s1 ^ s2 ^ res) & FL_AF);
        break;
    case LF_LOGIC: break;
    case LF_INC:
        fl |= (c->eflags & FL_CF) | (res == sign ? FL_OF : 0) | ((res & 0xf) == 0 ? FL_AF : 0);
        break;
    case LF_DEC:
        fl |= (c->eflags & FL_CF) | (res == sign - 1 ? FL_OF : 0) |
              ((res & 0xf) == 0xf ? FL_AF : 0);
        break;
    default: fl |= c->eflags & (FL_CF | FL_OF | FL_AF); break;
    }
    return fl;
}

/* Signed less-than from the flags: SF != OF. */
static inline bool flags_cond_l(const struct cpu *c) { return flags_sf(c) != flags_of(c); }

/* cond_eval() inline, for the Jcc handler; direct paths for the common
 * "CMP then Jcc" and "TEST then Jcc" pairs so the six flags are never built. */
static inline bool cond_eval_inline(const struct cpu *c, unsigned cc)
{
    const struct lazy_flags *f = &c->lf;
    bool r;
    unsigned base = cc & ~1u;

    if (f->op == LF_SUB) {
        /* CMP a,b: the relation of the operands is the answer. */
        switch (base) {
        case CC_B: r = f->src1 < f->src2; return r ^ (cc & 1);
        case CC_E: r = f->src1 == f->src2; return r ^ (cc & 1);
        case CC_BE: r = f->src1 <= f->src2; return r ^ (cc & 1);
        case CC_L: r = flags_sext(f->src1, f->size) < flags_sext(f->src2, f->size); return r ^ (cc & 1);
        case CC_LE: r = flags_sext(f->src1, f->size) <= flags_sext(f->src2, f->size); return r ^ (cc & 1);
        default: break;
        }
    } else if (f->op == LF_LOGIC) {
        /* TEST/AND: CF = OF = 0, so the conditions reduce to SF and ZF. */
        switch (base) {
        case CC_O: case CC_B: r = false; return r ^ (cc & 1);
        case CC_E: case CC_BE: r = f->res == 0; return r ^ (cc & 1);
        case CC_S: case CC_L: r = f->res & size_sign(f->size); return r ^ (cc & 1);
        case CC_LE: r = f->res == 0 || (f->res & size_sign(f->size)); return r ^ (cc & 1);
        default: break;
        }
    }

    if (f->op == LF_NONE) {
        uint32_t fl = c->eflags;
        switch (base) {
        case CC_O: r = fl & FL_OF; break;
        case CC_B: r = fl & FL_CF; break;
        case CC_E: r = fl & FL_ZF; break;
        case CC_BE: r = fl & (FL_CF | FL_ZF); break;
        case CC_S: r = fl & FL_SF; break;
        case CC_P: r = fl & FL_PF; break;
        case CC_L: r = !(fl & FL_SF) != !(fl & FL_OF); break;
        default: r = (fl & FL_ZF) || !(fl & FL_SF) != !(fl & FL_OF); break; /* CC_LE */
        }
        return r ^ (cc & 1);
    }
    /* Any lazy op: ZF and SF come straight from the result. */
    if (base == CC_E)
        return (f->res == 0) ^ (cc & 1);
    if (base == CC_S)
        return ((f->res & size_sign(f->size)) != 0) ^ (cc & 1);

    switch (base) {
    case CC_O: r = flags_of(c); break;
    case CC_B: r = flags_cf(c); break;
    case CC_E: r = flags_zf(c); break;
    case CC_BE: r = flags_cf(c) || flags_zf(c); break;
    case CC_S: r = flags_sf(c); break;
    case CC_P: r = flags_pf(c); break;
    case CC_L: r = flags_cond_l(c); break;
    default: r = flags_zf(c) || flags_cond_l(c); break; /* CC_LE */
    }
    return r ^ (cc & 1);
}

/* Store all six arithmetic flags at once (from `bits`, EFLAGS layout); LF_NONE after. */
void flags_set_arith(struct cpu *c, uint32_t bits);
/* Change only the flags in `mask` (EFLAGS bits within FL_ARITH). */
void flags_set_some(struct cpu *c, uint32_t mask, uint32_t bits);
/* Fold lazy state into eflags (LF_NONE after). */
void flags_materialize(struct cpu *c);
bool cond_eval(const struct cpu *c, unsigned cc);

#endif
