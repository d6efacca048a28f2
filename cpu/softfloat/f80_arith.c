/*
 * f80_arith.c - FADD, FSUB, FMUL, FDIV, FSQRT: the operations that obey the
 * precision-control field.
 *
 * Sources: Intel SDM vol. 1 8.1.5.2 (precision control applies to these five
 * only), 4.9.2 (exception priority: invalid, then divide-by-zero, then
 * denormal, then overflow/underflow/inexact), IEEE 754-2008 6.3 (sign of an
 * exact zero sum: +0, or -0 when rounding down).  Each result is computed
 * exactly or with a sticky bit in 128 bits and rounded once by f80_round_pack.
 *
 * Not emulated: nothing known; results are checked bit for bit against a real
 * x87 in tests/unit/softfloat.
 */
#include "cpu/softfloat/f80_internal.h"

static int env_prec(const struct f80_env *env)
{
    return f80_prec_bits(env->prec);
}

static bool has_denormal(enum f80_kind ka, enum f80_kind kb)
{
    return ka == F80K_DENORMAL || kb == F80K_DENORMAL;
}

static struct f80 addsub(struct f80_env *env, struct f80 a, struct f80 b, bool negate_b)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    struct f80 res;
    struct f80_unpacked ua, ub;
    f80_u128 sa, sb;
    bool sign_a, sign_b;
    int32_t exp;

    if (f80_nan_operands(env, a, b, &res)) return res;
    sign_a = f80_sign(a);
    sign_b = f80_sign(b) ^ negate_b;
    if (ka == F80K_INF || kb == F80K_INF) {
        if (ka == F80K_INF && kb == F80K_INF && sign_a != sign_b) return f80_invalid(env);
        if (has_denormal(ka, kb) && f80_raise(env, F80_DE)) return a;
        return f80_inf(ka == F80K_INF ? sign_a : sign_b);
    }
    if (has_denormal(ka, kb) && f80_raise(env, F80_DE)) return a;
    if (ka == F80K_ZERO && kb == F80K_ZERO) {
        if (sign_a == sign_b) return f80_zero(sign_a);
        return f80_zero((env->round & 3) == F80_RD);
    }
    /* A zero operand still goes through rounding: x + 0 is rounded to the
     * precision control and denormals are re-encoded. */
    if (ka == F80K_ZERO) {
        ub = f80_unpack(b);
        return f80_round_pack(env, sign_b, ub.exp + 64, ub.sig, env_prec(env));
    }
    if (kb == F80K_ZERO) {
        ua = f80_unpack(a);
        return f80_round_pack(env, sign_a, ua.exp + 64, ua.sig, env_prec(env));
    }

    ua = f80_unpack(a);
    ub = f80_unpack(b);
    /* Significands sit at bit 126 so a carry fits in bit 127. */
    sa = (f80_u128)ua.sig << 63;
    sb = (f80_u128)ub.sig << 63;
    if (ua.exp >= ub.exp) {
        exp = ua.exp;
        sb = f80_shr_jam128(sb, ua.exp - ub.exp);
    } else {
        exp = ub.exp;
        sa = f80_shr_jam128(sa, ub.exp - ua.exp);
    }
    if (sign_a == sign_b) return f80_round_pack(env, sign_a, exp + 1, sa + sb, env_prec(env));
    if (sa == sb) return f80_zero((env->round & 3) == F80_RD);
    if (sa > sb) return f80_round_pack(env, sign_a, exp + 1, sa - sb, env_prec(env));
    return f80_round_pack(env, sign_b, exp + 1, sb - sa, env_prec(env));
}

struct f80 f80_add(struct f80_env *env, struct f80 a, struct f80 b)
{
    return addsub(env, a, b, false);
}

struct f80 f80_sub(struct f80_env *env, struct f80 a, struct f80 b)
{
    return addsub(env, a, b, true);
}

struct f80 f80_mul(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    bool sign = f80_sign(a) ^ f80_sign(b);
    struct f80 res;
    struct f80_unpacked ua, ub;

    if (f80_nan_operands(env, a, b, &res)) return res;
    if ((ka == F80K_INF && kb == F80K_ZERO) || (ka == F80K_ZERO && kb == F80K_INF))
        return f80_invalid(env);
    if (has_denormal(ka, kb) && f80_raise(env, F80_DE)) return a;
    if (ka == F80K_INF || kb == F80K_INF) return f80_inf(sign);
    if (ka == F80K_ZERO || kb == F80K_ZERO) return f80_zero(sign);
    ua = f80_unpack(a);
    ub = f80_unpack(b);
    return f80_round_pack(env, sign, ua.exp + ub.exp - F80_BIAS + 1, (f80_u128)ua.sig * ub.sig,
                          env_prec(env));
}

struct f80 f80_div(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    bool sign = f80_sign(a) ^ f80_sign(b);
    struct f80 res;
    struct f80_unpacked ua, ub;
    f80_u128 num, q1, r1, q2, r2;
    int32_t exp;

    if (f80_nan_operands(env, a, b, &res)) return res;
    if ((ka == F80K_INF && kb == F80K_INF) || (ka == F80K_ZERO && kb == F80K_ZERO))
        return f80_invalid(env);
    if (kb == F80K_ZERO && ka != F80K_INF) {
        if (f80_raise(env, F80_ZE)) return a;
        return f80_inf(sign);
    }
    if (has_denormal(ka, kb) && f80_raise(env, F80_DE)) return a;
    if (ka == F80K_INF) return f80_inf(sign);
    if (kb == F80K_INF || ka == F80K_ZERO) return f80_zero(sign);

    ua = f80_unpack(a);
    ub = f80_unpack(b);
    /* Two 128/64 divisions give a 128-bit quotient with bit 127 set; the final
     * remainder becomes the sticky bit. */
    exp = ua.exp - ub.exp + F80_BIAS;
    if (ua.sig >= ub.sig) {
        num = (f80_u128)ua.sig << 63;
    } else {
        num = (f80_u128)ua.sig << 64;
        exp -= 1;
    }
    q1 = num / ub.sig;
    r1 = num % ub.sig;
    q2 = (r1 << 64) / ub.sig;
    r2 = (r1 << 64) % ub.sig;
    return f80_round_pack(env, sign, exp, (q1 << 64) | q2 | (r2 != 0), env_prec(env));
}

/* Digit-by-digit square root of a 128-bit integer; the root fits 64 bits. */
static uint64_t isqrt128(f80_u128 n, f80_u128 *rem)
{
    f80_u128 res = 0, bit = (f80_u128)1 << 126;

    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= res + bit) {
            n -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    *rem = n;
    return (uint64_t)res;
}

struct f80 f80_sqrt(struct f80_env *env, struct f80 a)
{
    enum f80_kind k = f80_kind_of(a);
    struct f80 res;
    struct f80_unpacked u;
    int32_t t, half;
    f80_u128 n, rem, sig;
    uint64_t root;

    if (f80_nan_operand(env, a, &res)) return res;
    if (k == F80K_ZERO) return a;
    if (f80_sign(a)) return f80_invalid(env);
    if (k == F80K_DENORMAL && f80_raise(env, F80_DE)) return a;
    if (k == F80K_INF) return a;

    u = f80_unpack(a);
    /* value = sig * 2^t; make the exponent even so it halves exactly. */
    t = u.exp - F80_BIAS - 63;
    if (t & 1) {
        n = (f80_u128)u.sig << 63;
        half = (t - 63) / 2;
    } else {
        n = (f80_u128)u.sig << 64;
        half = t / 2 - 32;
    }
    root = isqrt128(n, &rem);
    /* sqrt(n) is never exactly root + 1/2 for integer n, so one bit below the
     * root (set when rem > root) plus sticky suffices for every mode. */
    sig = ((f80_u128)root << 64) | (rem > root ? (f80_u128)1 << 63 : 0) | (rem != 0);
    return f80_round_pack(env, false, half - 64 + F80_BIAS + 127, sig, env_prec(env));
}
