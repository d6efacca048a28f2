/*
 * f80_explog.c - F2XM1, FYL2X, FYL2XP1.
 *
 * Sources: Intel SDM vol. 2 F2XM1, FYL2X, FYL2XP1 (their results tables) for
 * the special operands; vol. 1 ch. 8, transcendental accuracy (within 1 ulp,
 * precision control ignored).  Computed in f80_wide (128-bit significands):
 * 2^x - 1 = expm1(x ln 2) by its Taylor series; log2 through
 * ln f = 2 atanh((f - 1) / (f + 1)) with f in [sqrt(1/2), sqrt(2)), so the
 * result is in practice correctly rounded.
 *
 * Not emulated: the x87's own last-bit choices and its PE on exact cases
 * (a real AMD x87 flags F2XM1(1) = 1 and FYL2X(8, 1) = 3 inexact, and gives
 * F2XM1(1) = 1 - ulp when rounding down; we return exact results, no PE).
 * Outside the documented domain (F2XM1 |x| > 1, FYL2XP1 |x| >= 1 - sqrt(2)/2)
 * results are undefined: F2XM1 returns the operand with PE, as a real (AMD)
 * x87 does; FYL2XP1 returns the true y * log2(1 + x) (IE below -1, ZE at -1).
 */
#include "cpu/softfloat/f80_internal.h"

#define SERIES_MAX_TERMS 80
/* A term this far below the sum cannot reach bit 127 of it. */
#define SERIES_CUTOFF 135

static struct f80_wide one(void)
{
    return f80_w_from_int(1);
}

/* expm1(t) = t + t^2/2! + t^3/3! + ..., |t| <= ln 2. */
static struct f80_wide expm1_series(struct f80_wide t)
{
    struct f80_wide sum = t, term = t;
    uint32_t k;

    for (k = 2; k < SERIES_MAX_TERMS; k++) {
        term = f80_w_div_small(f80_w_mul(term, t), k);
        if (f80_w_is_zero(term) || term.e < sum.e - SERIES_CUTOFF) break;
        sum = f80_w_add(sum, term);
    }
    return sum;
}

/* atanh(s) = s + s^3/3 + s^5/5 + ..., |s| <= 1/3. */
static struct f80_wide atanh_series(struct f80_wide s)
{
    struct f80_wide s2 = f80_w_mul(s, s), p = s, sum = s, term;
    uint32_t k;

    if (f80_w_is_zero(s)) return s;
    for (k = 1; k < SERIES_MAX_TERMS; k++) {
        p = f80_w_mul(p, s2);
        term = f80_w_div_small(p, 2 * k + 1);
        if (term.e < sum.e - SERIES_CUTOFF) break;
        sum = f80_w_add(sum, term);
    }
    return sum;
}

/* log2(1 + x) for |x| < 1/2, from s = x / (2 + x) so a tiny x keeps its
 * relative precision. */
static struct f80_wide log2_1p_small(struct f80_wide x)
{
    struct f80_wide s = f80_w_div(x, f80_w_add(f80_w_from_int(2), x));
    return f80_w_mul(f80_w_ldexp(atanh_series(s), 1), f80_w_log2e);
}

/* log2(x), x > 0 finite. */
static struct f80_wide log2_wide(struct f80_wide x)
{
    static const f80_u128 sqrt2 = ((f80_u128)0xB504F333F9DE6484ull << 64) | 0x597D89B3754ABE9Full;
    int32_t e = x.e;
    struct f80_wide f = x;

    f.e = 0;
    if (f.m > sqrt2) {
        f.e = -1;
        e += 1;
    }
    return f80_w_add(f80_w_from_int(e), log2_1p_small(f80_w_sub(f, one())));
}

struct f80 f80_f2xm1(struct f80_env *env, struct f80 x)
{
    enum f80_kind k = f80_kind_of(x);
    struct f80 res;
    struct f80_unpacked u;

    if (f80_nan_operand(env, x, &res)) return res;
    if (k == F80K_ZERO) return x;
    if (k == F80K_INF) return f80_sign(x) ? f80_make(0xBFFF, F80_INT_BIT) : x;
    if (k == F80K_DENORMAL && f80_raise(env, F80_DE)) return x;
    u = f80_unpack(x);
    if (u.exp > F80_BIAS || (u.exp == F80_BIAS && u.sig != F80_INT_BIT)) {
        env->flags |= F80_PE;
        return x;
    }
    if (u.exp == F80_BIAS) /* 2^1 - 1 and 2^-1 - 1 are exact */
        return u.sign ? f80_make(0xBFFE, F80_INT_BIT) : x;
    return f80_w_round(env, expm1_series(f80_w_mul(f80_w_from_f80(x), f80_w_ln2)), false);
}

static bool is_one(struct f80 a)
{
    return a.se == F80_BIAS && a.mant == F80_INT_BIT;
}

struct f80 f80_fyl2x(struct f80_env *env, struct f80 x, struct f80 y)
{
    enum f80_kind kx = f80_kind_of(x), ky = f80_kind_of(y);
    bool sy = f80_sign(y);
    bool denormal = kx == F80K_DENORMAL || ky == F80K_DENORMAL;
    bool below_one;
    struct f80 res;
    struct f80_wide l;

    if (f80_nan_operands(env, x, y, &res)) return res;
    if (f80_sign(x) && kx != F80K_ZERO) return f80_invalid(env);
    if (kx == F80K_ZERO) {
        /* log2(0) = -inf: 0 * -inf is invalid, finite y divides by zero. */
        if (ky == F80K_ZERO) return f80_invalid(env);
        if (ky != F80K_INF && f80_raise(env, F80_ZE)) return x;
        return f80_inf(!sy);
    }
    if (kx == F80K_INF) {
        if (ky == F80K_ZERO) return f80_invalid(env);
        if (denormal && f80_raise(env, F80_DE)) return x;
        return f80_inf(sy);
    }
    if (is_one(x) && ky == F80K_INF) return f80_invalid(env);
    if (denormal && f80_raise(env, F80_DE)) return x;
    below_one = f80_exp(x) < F80_BIAS;
    if (ky == F80K_INF) return f80_inf(sy != below_one);
    if (ky == F80K_ZERO || is_one(x)) return f80_zero(sy != below_one);
    l = log2_wide(f80_w_from_f80(x));
    /* A power of two has an integer log, and y * e fits 128 bits exactly. */
    return f80_w_round(env, f80_w_mul(l, f80_w_from_f80(y)), f80_unpack(x).sig == F80_INT_BIT);
}

struct f80 f80_fyl2xp1(struct f80_env *env, struct f80 x, struct f80 y)
{
    enum f80_kind kx = f80_kind_of(x), ky = f80_kind_of(y);
    bool sx = f80_sign(x), sy = f80_sign(y);
    bool denormal = kx == F80K_DENORMAL || ky == F80K_DENORMAL;
    struct f80 res;
    struct f80_unpacked u;
    struct f80_wide wx, l;

    if (f80_nan_operands(env, x, y, &res)) return res;
    if (kx == F80K_ZERO) {
        if (ky == F80K_INF) return f80_invalid(env);
        if (denormal && f80_raise(env, F80_DE)) return x;
        return f80_zero(sx != sy);
    }
    if (kx == F80K_INF) {
        if (sx || ky == F80K_ZERO) return f80_invalid(env);
        if (denormal && f80_raise(env, F80_DE)) return x;
        return f80_inf(sy);
    }
    u = f80_unpack(x);
    if (sx && u.exp >= F80_BIAS) {
        /* x <= -1: log2 of zero or of a negative number. */
        if (u.exp > F80_BIAS || u.sig != F80_INT_BIT || ky == F80K_ZERO) return f80_invalid(env);
        if (ky != F80K_INF && f80_raise(env, F80_ZE)) return x;
        return f80_inf(!sy);
    }
    if (denormal && f80_raise(env, F80_DE)) return x;
    if (ky == F80K_INF) return f80_inf(sx != sy);
    if (ky == F80K_ZERO) return f80_zero(sx != sy);
    wx = f80_w_from_f80(x);
    if (u.exp < F80_BIAS - 1)
        l = log2_1p_small(wx);
    else
        l = log2_wide(f80_w_add(one(), wx));
    return f80_w_round(env, f80_w_mul(l, f80_w_from_f80(y)), false);
}
