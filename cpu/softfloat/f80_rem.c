/*
 * f80_rem.c - FPREM and FPREM1 partial remainders.
 *
 * Sources: Intel SDM vol. 2 FPREM/FPREM1 (operation, results tables, C0 C3
 * C1 = Q2 Q1 Q0, C2 = incomplete).  The SDM leaves N (32..63) open; AMD
 * documents N = 32 + (D mod 32), QEMU notes Intel agrees, and the test checks
 * it on a real x87.  An incomplete step truncates the partial quotient in
 * both instructions; exponents of denormals count as normalized.  The
 * remainder is always exact, so rounding control and precision do not apply.
 *
 * Not emulated: nothing known.
 */
#include "cpu/softfloat/f80_internal.h"

static uint16_t quotient_cc(uint64_t q)
{
    return (uint16_t)(((q & 4) ? F80_C0 : 0) | ((q & 2) ? F80_C3 : 0) | ((q & 1) ? F80_C1 : 0));
}

static struct f80 partial_remainder(struct f80_env *env, struct f80 a, struct f80 b, uint16_t *cc,
                                    bool nearest)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    struct f80 res;
    struct f80_unpacked ua, ub;
    int32_t d, scale_exp;
    f80_u128 num, den, q, r;
    bool sign;

    *cc = 0;
    if (f80_nan_operands(env, a, b, &res)) return res;
    if (ka == F80K_INF || kb == F80K_ZERO) return f80_invalid(env);
    if ((ka == F80K_DENORMAL || kb == F80K_DENORMAL) && f80_raise(env, F80_DE)) return a;
    if (ka == F80K_ZERO) return a;
    ua = f80_unpack(a);
    if (kb == F80K_INF) return f80_round_pack(env, ua.sign, ua.exp + 64, ua.sig, 64);

    ub = f80_unpack(b);
    sign = ua.sign;
    d = ua.exp - ub.exp;
    if (d >= 64) {
        /* Incomplete: reduce by b * 2^(d - n) with a truncated quotient,
         * leaving an exponent difference below n for the next step. */
        int32_t n = 32 + d % 32;
        d = n;
        *cc = F80_C2;
        nearest = false;
    }
    if (d < -1 || (d == -1 && !nearest)) return f80_round_pack(env, sign, ua.exp + 64, ua.sig, 64);
    /* Work at the scale of the smaller exponent so everything is integer. */
    if (d >= 0) {
        num = (f80_u128)ua.sig << d;
        den = ub.sig;
        scale_exp = ua.exp - d;
    } else {
        num = ua.sig;
        den = (f80_u128)ub.sig << 1;
        scale_exp = ua.exp;
    }
    q = num / den;
    r = num % den;
    if (nearest && (2 * r > den || (2 * r == den && (q & 1)))) {
        q += 1;
        r = den - r;
        sign = !sign;
    }
    if (!(*cc & F80_C2)) *cc = quotient_cc((uint64_t)q);
    if (r == 0) return f80_zero(ua.sign);
    return f80_round_pack(env, sign, scale_exp + 64, r, 64);
}

struct f80 f80_rem(struct f80_env *env, struct f80 a, struct f80 b, uint16_t *cc)
{
    return partial_remainder(env, a, b, cc, false);
}

struct f80 f80_rem1(struct f80_env *env, struct f80 a, struct f80 b, uint16_t *cc)
{
    return partial_remainder(env, a, b, cc, true);
}
