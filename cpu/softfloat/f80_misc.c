/*
 * f80_misc.c - FRNDINT, FSCALE, FXTRACT and the integer rounding they share
 * with FIST and FBSTP.
 *
 * Sources: Intel SDM vol. 2 FRNDINT, FSCALE (results table for special cases),
 * FXTRACT (zero: -inf exponent and #Z), vol. 1 4.9.1.4-5 (a scaled result
 * past even the 0x6000 bias adjust, observed on a real x87: infinity with OE,
 * PE and C1, or zero with UE and PE).  None of these obey precision control.
 *
 * Not emulated: nothing known.
 */
#include "cpu/softfloat/f80_internal.h"

bool f80_round_to_u64(struct f80_unpacked u, unsigned rc, uint64_t *mag, bool *inexact, bool *up)
{
    int32_t shift = F80_BIAS + 63 - u.exp;
    f80_u128 v;
    uint64_t ip, frac;
    bool inc;

    *inexact = false;
    *up = false;
    if (shift < 0) return false;
    if (shift == 0) {
        *mag = u.sig;
        return true;
    }
    /* Integer part in the high half, fraction (with sticky) in the low. */
    v = f80_shr_jam128((f80_u128)u.sig << 64, shift);
    ip = (uint64_t)(v >> 64);
    frac = (uint64_t)v;
    if (frac) {
        *inexact = true;
        switch (rc & 3) {
        case F80_RN: inc = frac > F80_INT_BIT || (frac == F80_INT_BIT && (ip & 1)); break;
        case F80_RD: inc = u.sign; break;
        case F80_RU: inc = !u.sign; break;
        default: inc = false; break;
        }
        if (inc) {
            ip++; /* cannot wrap: shift >= 1 leaves ip < 2^63 */
            *up = true;
        }
    }
    *mag = ip;
    return true;
}

struct f80 f80_from_u64(bool sign, uint64_t mag)
{
    int lz;

    if (!mag) return f80_zero(sign);
    lz = __builtin_clzll(mag);
    return f80_make((uint16_t)((sign ? 0x8000 : 0) | (F80_BIAS + 63 - lz)), mag << lz);
}

struct f80 f80_round_to_int(struct f80_env *env, struct f80 a)
{
    enum f80_kind k = f80_kind_of(a);
    struct f80 res;
    struct f80_unpacked u;
    uint64_t mag;
    bool inexact, up;

    if (f80_nan_operand(env, a, &res)) return res;
    if (k == F80K_DENORMAL && f80_raise(env, F80_DE)) return a;
    if (k == F80K_ZERO || k == F80K_INF) return a;
    u = f80_unpack(a);
    if (u.exp >= F80_BIAS + 63) return f80_make(a.se, a.mant);
    f80_round_to_u64(u, env->round, &mag, &inexact, &up);
    if (inexact) env->flags |= F80_PE;
    if (up) env->flags |= F80_C1;
    return f80_from_u64(u.sign, mag);
}

/* trunc(b) clamped far past any exponent a result can reach, so the scaled
 * exponent never overflows an int32 yet still over/underflows. */
static int32_t scale_amount(struct f80 b, enum f80_kind kb)
{
    struct f80_unpacked u;
    int32_t e, n;

    if (kb != F80K_NORMAL) return 0; /* zeros and denormals truncate to 0 */
    u = f80_unpack(b);
    e = u.exp - F80_BIAS;
    if (e < 0) return 0;
    n = e >= 20 ? (1 << 20) : (int32_t)(u.sig >> (63 - e));
    return u.sign ? -n : n;
}

struct f80 f80_scale(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    struct f80 res;
    struct f80_unpacked u;
    bool denormal = ka == F80K_DENORMAL || kb == F80K_DENORMAL;

    if (f80_nan_operands(env, a, b, &res)) return res;
    if (kb == F80K_INF) {
        /* 0 * 2^+inf and inf * 2^-inf have no value. */
        if (ka == (f80_sign(b) ? F80K_INF : F80K_ZERO)) return f80_invalid(env);
        if (denormal && f80_raise(env, F80_DE)) return a;
        return f80_sign(b) ? f80_zero(f80_sign(a)) : f80_inf(f80_sign(a));
    }
    if (denormal && f80_raise(env, F80_DE)) return a;
    if (ka == F80K_ZERO || ka == F80K_INF) return a;
    u = f80_unpack(a);
    return f80_round_pack(env, u.sign, u.exp + scale_amount(b, kb) + 64, u.sig, 64);
}

void f80_xtract(struct f80_env *env, struct f80 a, struct f80 *exponent, struct f80 *significand)
{
    enum f80_kind k = f80_kind_of(a);
    struct f80_unpacked u;

    if (f80_nan_operand(env, a, significand)) {
        *exponent = *significand;
        return;
    }
    if (k == F80K_ZERO) {
        if (f80_raise(env, F80_ZE)) {
            *exponent = *significand = a;
            return;
        }
        *exponent = f80_inf(true);
        *significand = a;
        return;
    }
    if (k == F80K_INF) {
        *exponent = f80_inf(false);
        *significand = a;
        return;
    }
    if (k == F80K_DENORMAL && f80_raise(env, F80_DE)) {
        *exponent = *significand = a;
        return;
    }
    u = f80_unpack(a);
    *exponent = f80_from_i32(u.exp - F80_BIAS);
    *significand = f80_make((uint16_t)((u.sign ? 0x8000 : 0) | F80_BIAS), u.sig);
}
