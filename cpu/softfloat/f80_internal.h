/*
 * f80_internal.h - private cross-file API of the 80-bit soft float.
 *
 * Sources: Intel SDM vol. 1 4.8 (encodings), 8.2.2 (unsupported encodings),
 * 4.9 (exception priorities).  Needs a 64-bit host compiler with unsigned
 * __int128 (gcc, clang); there is no 32-bit fallback.
 */
#ifndef CINDER_CPU_F80_INTERNAL_H
#define CINDER_CPU_F80_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/softfloat/softfloat80.h"

typedef unsigned __int128 f80_u128;

#define F80_BIAS 16383
#define F80_EXP_INF 0x7FFF
#define F80_INT_BIT 0x8000000000000000ull
#define F80_QUIET_BIT 0x4000000000000000ull
#define F80_BIAS_ADJUST 0x6000 /* exponent wrap for unmasked OE/UE, SDM 4.9.1.4-5 */

/* Operand classes as the arithmetic sees them (a finer cut than FXAM). */
enum f80_kind {
    F80K_ZERO,
    F80K_DENORMAL, /* includes pseudo-denormals (exp 0, J 1): P6 accepts them */
    F80K_NORMAL,
    F80K_INF,
    F80K_QNAN,
    F80K_SNAN,
    F80K_UNSUPPORTED, /* unnormals, pseudo-NaN, pseudo-infinity: IE on P6 */
};
enum f80_kind f80_kind_of(struct f80 a);

static inline bool f80_kind_is_nan(enum f80_kind k)
{
    return k == F80K_QNAN || k == F80K_SNAN;
}

/* A finite nonzero operand: value = sig * 2^(exp - F80_BIAS - 63), sig bit 63
 * set.  exp drops below 1 for denormals, which get normalized here. */
struct f80_unpacked {
    bool sign;
    int32_t exp;
    uint64_t sig;
};
struct f80_unpacked f80_unpack(struct f80 a);

static inline int f80_clz128(f80_u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    if (hi) return __builtin_clzll(hi);
    uint64_t lo = (uint64_t)v;
    return lo ? 64 + __builtin_clzll(lo) : 128;
}

/* Shift right, OR-ing every bit shifted out into bit 0 so rounding still
 * sees that the value was inexact. */
static inline f80_u128 f80_shr_jam128(f80_u128 v, int32_t n)
{
    if (n <= 0) return v;
    if (n >= 128) return v != 0;
    return (v >> n) | ((v << (128 - n)) != 0);
}

static inline struct f80 f80_zero(bool sign)
{
    return f80_make(sign ? 0x8000 : 0, 0);
}
static inline struct f80 f80_inf(bool sign)
{
    return f80_make((sign ? 0x8000 : 0) | F80_EXP_INF, F80_INT_BIT);
}

/* Mantissa width selected by a precision-control value. */
int f80_prec_bits(unsigned prec);

/* Rounding of a 128-bit significand (bit 127 set, or less when denormalized)
 * to its top prec_bits bits, with no exponent handling and no flags. */
struct f80_rounded {
    f80_u128 sig; /* rounded; bits below the rounding point are zero */
    bool inexact; /* bits were discarded */
    bool up;      /* the magnitude was increased (the x87's C1) */
    bool carry;   /* overflowed to 2^128: sig is 2^127 and the exponent goes up */
};
struct f80_rounded f80_round_sig(f80_u128 sig, bool sign, unsigned rc, int prec_bits);

/* The one rounding routine.  value = sig * 2^(exp - F80_BIAS - 127); sig need
 * not be normalized, and bits below the rounding point must already carry
 * their sticky information.  Handles overflow, denormalization, the UE/OE bias
 * adjust when unmasked, PE and C1. */
struct f80 f80_round_pack(struct f80_env *env, bool sign, int32_t exp, f80_u128 sig, int prec_bits);

/* Raise a pre-computation exception (IE, DE, ZE).  True when it is unmasked,
 * meaning the x87 aborts the instruction: the caller returns at once. */
bool f80_raise(struct f80_env *env, uint16_t flag);

/* Invalid operation: IE and the real indefinite. */
struct f80 f80_invalid(struct f80_env *env);
/* NaN result of a one- or two-operand instruction (SDM vol. 1 4.8.3.5): SNaN
 * quieted with IE; of two NaNs the larger significand wins.  b may be a
 * non-NaN when only a is a NaN and vice versa. */
struct f80 f80_propagate_nan(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_propagate_nan1(struct f80_env *env, struct f80 a);
/* First step of every two-operand instruction: an unsupported encoding gives
 * IE and the indefinite (before NaN handling, as the x87 does), then NaNs
 * propagate.  True when *res is the final result. */
bool f80_nan_operands(struct f80_env *env, struct f80 a, struct f80 b, struct f80 *res);
bool f80_nan_operand(struct f80_env *env, struct f80 a, struct f80 *res);

/* Round |u| to an integer per rc (FRNDINT, FIST, FBSTP).  False when |u| is
 * 2^64 or more; otherwise *mag is the rounded magnitude and *inexact / *up
 * tell whether bits were lost and whether the magnitude went up. */
bool f80_round_to_u64(struct f80_unpacked u, unsigned rc, uint64_t *mag, bool *inexact, bool *up);
/* Exact integer to f80 (FILD, FBLD, FXTRACT's exponent). */
struct f80 f80_from_u64(bool sign, uint64_t mag);

/* ---- wide internal arithmetic for the transcendentals (f80_wide.c) ----
 * value = (-1)^sign * m * 2^(e - 127), m in [2^127, 2^128) or m == 0.
 * Every operation keeps a sticky bit in bit 0 of m so that a final rounding
 * to 64 bits is directed correctly; relative error is a few units of 2^-127. */
struct f80_wide {
    f80_u128 m;
    int32_t e;
    bool sign;
};

struct f80_wide f80_w_from_f80(struct f80 a); /* a finite (any encoding), exact */
struct f80_wide f80_w_from_int(int64_t v);
struct f80_wide f80_w_add(struct f80_wide a, struct f80_wide b);
struct f80_wide f80_w_sub(struct f80_wide a, struct f80_wide b);
struct f80_wide f80_w_mul(struct f80_wide a, struct f80_wide b);
struct f80_wide f80_w_div(struct f80_wide a, struct f80_wide b);
struct f80_wide f80_w_div_small(struct f80_wide a, uint32_t d);
static inline struct f80_wide f80_w_neg(struct f80_wide a)
{
    a.sign = !a.sign;
    return a;
}
static inline struct f80_wide f80_w_ldexp(struct f80_wide a, int32_t n)
{
    a.e += n;
    return a;
}
static inline bool f80_w_is_zero(struct f80_wide a)
{
    return a.m == 0;
}
/* Round to an f80 with 64-bit precision.  exact=false marks the value as
 * inexact (it approximates an irrational) even if the low bits are zero. */
struct f80 f80_w_round(struct f80_env *env, struct f80_wide a, bool exact);

/* Constants, correct to 128 bits with the sticky bit set (all irrational). */
extern const struct f80_wide f80_w_pi, f80_w_ln2, f80_w_log2e, f80_w_2_over_pi;
extern const struct f80_wide f80_w_atan_eighths[9]; /* atan(i/8), i = 0..8 */

#endif /* CINDER_CPU_F80_INTERNAL_H */
