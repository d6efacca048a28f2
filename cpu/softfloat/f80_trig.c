/*
 * f80_trig.c - FSIN, FCOS, FSINCOS, FPTAN, FPATAN.
 *
 * Sources: Intel SDM vol. 2 FSIN/FCOS/FSINCOS/FPTAN (|x| >= 2^63: C2 = 1 and
 * the operand is left alone; infinity is #IA), FPATAN (results table for
 * special cases), vol. 1 ch. 8 (transcendental accuracy within 1 ulp).
 * Argument reduction subtracts k * pi/2 exactly from x in 448-bit fixed
 * point, pi/2 being known
 * to 384 fractional bits, so even |x| near 2^63 loses nothing that matters;
 * sin and cos of |r| <= pi/4 and atan come from Taylor series in f80_wide.
 * atan(t), 0 <= t <= 1, uses atan(t) = atan(c) + atan((t - c) / (1 + tc)) with
 * c the nearest multiple of 1/8.
 *
 * Not emulated: the x87 reduces with a 66-bit (Intel) or 68-bit pi, so near
 * multiples of pi its FSIN/FCOS/FPTAN answer differs from the true value we
 * return.  Last-bit choices of the x87's microcode are not reproduced.
 */
#include "cpu/softfloat/f80_internal.h"

#define SERIES_MAX_TERMS 60
#define SERIES_CUTOFF 135
#define RED_LIMBS 7

/* pi/2 * 2^384, truncated, least significant limb first. */
static const uint64_t pio2_fixed[RED_LIMBS] = {
    0xDF2A33679A748636ull, 0xA29410F31C6809BBull, 0x04177D4C76273644ull, 0x52049C1114CF98E8ull,
    0x898CC51701B839A2ull, 0x921FB54442D18469ull, 0x0000000000000001ull,
};

/* |x| = k * pi/2 + r.  Returns r (sign included) and k mod 4 in *quadrant. */
static struct f80_wide reduce(struct f80_unpacked u, unsigned *quadrant)
{
    struct f80_wide x = {(f80_u128)u.sig << 64, u.exp - F80_BIAS, false};
    struct f80_wide p, r = {0, 0, false};
    uint64_t fx[RED_LIMBS] = {0}, rem[RED_LIMBS];
    uint64_t k = 0, borrow = 0;
    f80_u128 carry = 0;
    int pos, i, top, msb, shift;

    *quadrant = 0;
    if (u.exp < F80_BIAS - 1) /* |x| < 1/2 < pi/4 */
        return x;
    /* k = nearest integer to x * 2/pi; being off by one near a half only
     * makes |r| slightly exceed pi/4, which the series tolerates. */
    p = f80_w_mul(x, f80_w_2_over_pi);
    if (p.e >= -1) k = (uint64_t)(((p.m >> (126 - p.e)) + 1) >> 1);

    /* x * 2^384 as an integer: x's lsb is 2^(exp - bias - 63) >= 2^-64. */
    pos = u.exp - F80_BIAS - 63 + 384;
    fx[pos / 64] = u.sig << (pos % 64);
    if (pos % 64) fx[pos / 64 + 1] = u.sig >> (64 - pos % 64);
    for (i = 0; i < RED_LIMBS; i++) {
        f80_u128 prod = (f80_u128)k * pio2_fixed[i] + carry;
        uint64_t lo = (uint64_t)prod, d = fx[i] - lo;
        uint64_t b1 = fx[i] < lo, b2 = d < borrow;
        carry = prod >> 64;
        rem[i] = d - borrow;
        borrow = b1 | b2;
    }
    if (borrow) { /* negative: two's complement back to a magnitude */
        uint64_t c = 1;
        for (i = 0; i < RED_LIMBS; i++) {
            rem[i] = ~rem[i] + c;
            c = c && rem[i] == 0;
        }
        r.sign = true;
    }
    for (top = RED_LIMBS - 1; top >= 0 && rem[top] == 0; top--)
        ;
    if (top < 0) return r;
    /* Bring the leading bit to bit 447, then take the top 128 bits. */
    msb = top * 64 + 63 - __builtin_clzll(rem[top]);
    shift = 447 - msb;
    for (; shift >= 64; shift -= 64) {
        for (i = RED_LIMBS - 1; i > 0; i--)
            rem[i] = rem[i - 1];
        rem[0] = 0;
    }
    if (shift) {
        for (i = RED_LIMBS - 1; i > 0; i--)
            rem[i] = (rem[i] << shift) | (rem[i - 1] >> (64 - shift));
        rem[0] <<= shift;
    }
    r.m = ((f80_u128)rem[6] << 64) | rem[5];
    r.m |= (rem[4] | rem[3] | rem[2] | rem[1] | rem[0]) != 0;
    r.e = msb - 384;
    *quadrant = (unsigned)(k & 3);
    return r;
}

/* Alternating series sum_{n>=0} (-1)^n r^(2n+first) / (2n+first)!, i.e. cos
 * for first = 0 and sin for first = 1. */
static struct f80_wide sin_cos_series(struct f80_wide r, int first)
{
    struct f80_wide r2 = f80_w_mul(r, r);
    struct f80_wide term = first ? r : f80_w_from_int(1), sum = term;
    uint32_t n;

    if (f80_w_is_zero(r)) return sum;
    for (n = 1; n < SERIES_MAX_TERMS; n++) {
        uint32_t k = 2 * n + (uint32_t)first;
        term = f80_w_neg(f80_w_div_small(f80_w_mul(term, r2), k * (k - 1)));
        if (term.e < sum.e - SERIES_CUTOFF) break;
        sum = f80_w_add(sum, term);
    }
    return sum;
}

enum { WANT_SIN = 1, WANT_COS = 2, WANT_TAN = 4 };

/* Shared body: special operands, then reduction and series.  out[0] gets sin
 * or tan, out[1] gets cos. */
static bool trig(struct f80_env *env, struct f80 x, int want, struct f80 out[2])
{
    enum f80_kind k = f80_kind_of(x);
    struct f80_unpacked u;
    struct f80_wide r, s, c, sr, cr;
    unsigned q;

    out[0] = out[1] = x;
    if (f80_nan_operand(env, x, &out[0])) {
        out[1] = out[0];
        return true;
    }
    if (k == F80K_INF) {
        out[0] = out[1] = f80_invalid(env);
        return true;
    }
    if (k == F80K_NORMAL && f80_exp(x) >= F80_BIAS + 63) return false;
    if (k == F80K_ZERO) {
        out[1] = f80_make(F80_BIAS, F80_INT_BIT);
        return true;
    }
    if (k == F80K_DENORMAL && f80_raise(env, F80_DE)) return true;

    u = f80_unpack(x);
    r = reduce(u, &q);
    sr = sin_cos_series(r, 1);
    cr = sin_cos_series(r, 0);
    switch (q) {
    case 0:
        s = sr;
        c = cr;
        break;
    case 1:
        s = cr;
        c = f80_w_neg(sr);
        break;
    case 2:
        s = f80_w_neg(sr);
        c = f80_w_neg(cr);
        break;
    default:
        s = f80_w_neg(cr);
        c = sr;
        break;
    }
    if (u.sign) s = f80_w_neg(s);
    if (want & WANT_TAN)
        out[0] = f80_w_round(env, f80_w_div(s, c), false);
    else if (want & WANT_SIN)
        out[0] = f80_w_round(env, s, false);
    if (want & WANT_COS) out[1] = f80_w_round(env, c, false);
    return true;
}

bool f80_sin(struct f80_env *env, struct f80 x, struct f80 *sin)
{
    struct f80 out[2];
    bool done = trig(env, x, WANT_SIN, out);
    *sin = out[0];
    return done;
}

bool f80_cos(struct f80_env *env, struct f80 x, struct f80 *cos)
{
    struct f80 out[2];
    bool done = trig(env, x, WANT_COS, out);
    *cos = out[1];
    return done;
}

bool f80_sincos(struct f80_env *env, struct f80 x, struct f80 *sin, struct f80 *cos)
{
    struct f80 out[2];
    bool done = trig(env, x, WANT_SIN | WANT_COS, out);
    *sin = out[0];
    *cos = out[1];
    return done;
}

bool f80_tan(struct f80_env *env, struct f80 x, struct f80 *tan)
{
    struct f80 out[2];
    bool done = trig(env, x, WANT_TAN, out);
    *tan = out[0];
    return done;
}

/* atan(u) = u - u^3/3 + u^5/5 - ..., |u| <= 1/16. */
static struct f80_wide atan_series(struct f80_wide u)
{
    struct f80_wide u2 = f80_w_mul(u, u), p = u, sum = u, term;
    uint32_t n;

    if (f80_w_is_zero(u)) return u;
    for (n = 1; n < SERIES_MAX_TERMS; n++) {
        p = f80_w_neg(f80_w_mul(p, u2));
        term = f80_w_div_small(p, 2 * n + 1);
        if (term.e < sum.e - SERIES_CUTOFF) break;
        sum = f80_w_add(sum, term);
    }
    return sum;
}

/* atan(t), 0 <= t <= 1. */
static struct f80_wide atan_unit(struct f80_wide t)
{
    struct f80_wide c, u;
    int i = 0;

    if (!f80_w_is_zero(t) && t.e >= -4) /* i = round(8t) */
        i = (int)(((t.m >> (127 - (t.e + 3) - 1)) + 1) >> 1);
    if (i == 0) return atan_series(t);
    c = f80_w_ldexp(f80_w_from_int(i), -3);
    u = f80_w_div(f80_w_sub(t, c), f80_w_add(f80_w_from_int(1), f80_w_mul(t, c)));
    return f80_w_add(f80_w_atan_eighths[i], atan_series(u));
}

static bool wide_mag_le(struct f80_wide a, struct f80_wide b)
{
    return a.e < b.e || (a.e == b.e && a.m <= b.m);
}

static struct f80 rounded_pi_multiple(struct f80_env *env, int quarters, bool sign)
{
    struct f80_wide v = f80_w_ldexp(f80_w_pi, -2);

    if (quarters == 3)
        v = f80_w_sub(f80_w_pi, v);
    else if (quarters == 2)
        v = f80_w_ldexp(f80_w_pi, -1);
    else if (quarters == 4)
        v = f80_w_pi;
    v.sign = sign;
    return f80_w_round(env, v, false);
}

struct f80 f80_fpatan(struct f80_env *env, struct f80 x, struct f80 y)
{
    enum f80_kind kx = f80_kind_of(x), ky = f80_kind_of(y);
    bool sx = f80_sign(x), sy = f80_sign(y);
    struct f80 res;
    struct f80_wide a, b, theta;

    if (f80_nan_operands(env, x, y, &res)) return res;
    if ((kx == F80K_DENORMAL || ky == F80K_DENORMAL) && f80_raise(env, F80_DE)) return x;
    if (ky == F80K_ZERO) return sx ? rounded_pi_multiple(env, 4, sy) : f80_zero(sy);
    if (ky == F80K_INF) {
        if (kx == F80K_INF) return rounded_pi_multiple(env, sx ? 3 : 1, sy);
        return rounded_pi_multiple(env, 2, sy);
    }
    if (kx == F80K_INF) return sx ? rounded_pi_multiple(env, 4, sy) : f80_zero(sy);
    if (kx == F80K_ZERO) return rounded_pi_multiple(env, 2, sy);

    a = f80_w_from_f80(f80_abs(y));
    b = f80_w_from_f80(f80_abs(x));
    if (wide_mag_le(a, b))
        theta = atan_unit(f80_w_div(a, b));
    else
        theta = f80_w_sub(f80_w_ldexp(f80_w_pi, -1), atan_unit(f80_w_div(b, a)));
    if (sx) theta = f80_w_sub(f80_w_pi, theta);
    theta.sign = sy;
    return f80_w_round(env, theta, false);
}
