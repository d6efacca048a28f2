/*
 * f80_round.c - operand classes, NaN rules and the single rounding routine.
 *
 * Sources: Intel SDM vol. 1 4.8.3 (NaNs, the rules for generating QNaNs: QNaN beats
 * SNaN, else larger significand), 4.9.1.4-6 (overflow, underflow, inexact:
 * masked responses and the 0x6000 bias adjust when unmasked), 8.1.8 / 8.1.5
 * (precision control rounds the significand but keeps the 15-bit exponent),
 * 8.2.2 (unsupported encodings).  Tininess is detected after rounding as on
 * x86; masked underflow is flagged only when the result is also inexact.
 * Facts the SDM leaves open were pinned against a real x87: two NaNs with equal
 * significands give the positive one; an unsupported operand wins over a NaN.
 *
 * A result beyond even the bias-adjusted range with OE/UE unmasked (only
 * FSCALE reaches it) is infinity or zero, as observed on a real x87.
 *
 * Not emulated: nothing known.
 */
#include "cpu/softfloat/f80_internal.h"

enum f80_kind f80_kind_of(struct f80 a)
{
    uint16_t exp = f80_exp(a);
    bool j = (a.mant & F80_INT_BIT) != 0;
    uint64_t frac = a.mant & ~F80_INT_BIT;

    if (exp == 0) {
        if (a.mant == 0) return F80K_ZERO;
        return F80K_DENORMAL;
    }
    if (!j) return F80K_UNSUPPORTED;
    if (exp == F80_EXP_INF) {
        if (frac == 0) return F80K_INF;
        return (frac & F80_QUIET_BIT) ? F80K_QNAN : F80K_SNAN;
    }
    return F80K_NORMAL;
}

struct f80_unpacked f80_unpack(struct f80 a)
{
    struct f80_unpacked u;
    u.sign = f80_sign(a);
    u.exp = f80_exp(a);
    u.sig = a.mant;
    if (u.exp == 0) {
        /* Denormals and pseudo-denormals share the exponent of the smallest
         * normal; the explicit J bit lets both be normalized the same way. */
        int lz = __builtin_clzll(u.sig);
        u.sig <<= lz;
        u.exp = 1 - lz;
    }
    return u;
}

int f80_prec_bits(unsigned prec)
{
    switch (prec & 3) {
    case F80_PREC24: return 24;
    case F80_PREC53: return 53;
    default: /* PC = 1 is reserved; the x87 then behaves as 64 bits */ return 64;
    }
}

bool f80_raise(struct f80_env *env, uint16_t flag)
{
    env->flags |= flag;
    return (env->masks & flag) == 0;
}

struct f80 f80_indefinite(void)
{
    return f80_make(0xFFFF, 0xC000000000000000ull);
}

struct f80 f80_invalid(struct f80_env *env)
{
    env->flags |= F80_IE;
    return f80_indefinite();
}

static struct f80 quiet(struct f80 a)
{
    return f80_make(a.se, a.mant | F80_QUIET_BIT);
}

struct f80 f80_propagate_nan1(struct f80_env *env, struct f80 a)
{
    if (f80_kind_of(a) == F80K_SNAN) env->flags |= F80_IE;
    return quiet(a);
}

struct f80 f80_propagate_nan(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    if (ka == F80K_SNAN || kb == F80K_SNAN) env->flags |= F80_IE;
    if (!f80_kind_is_nan(kb)) return quiet(a);
    if (!f80_kind_is_nan(ka)) return quiet(b);
    if (ka != kb) return quiet(ka == F80K_QNAN ? a : b);
    if (a.mant != b.mant) return quiet(a.mant > b.mant ? a : b);
    return quiet(f80_sign(a) ? b : a);
}

bool f80_nan_operands(struct f80_env *env, struct f80 a, struct f80 b, struct f80 *res)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    if (ka == F80K_UNSUPPORTED || kb == F80K_UNSUPPORTED) {
        *res = f80_invalid(env);
        return true;
    }
    if (f80_kind_is_nan(ka) || f80_kind_is_nan(kb)) {
        *res = f80_propagate_nan(env, a, b);
        return true;
    }
    return false;
}

bool f80_nan_operand(struct f80_env *env, struct f80 a, struct f80 *res)
{
    enum f80_kind k = f80_kind_of(a);
    if (k == F80K_UNSUPPORTED) {
        *res = f80_invalid(env);
        return true;
    }
    if (f80_kind_is_nan(k)) {
        *res = f80_propagate_nan1(env, a);
        return true;
    }
    return false;
}

struct f80_rounded f80_round_sig(f80_u128 sig, bool sign, unsigned rc, int prec_bits)
{
    f80_u128 lsb = (f80_u128)1 << (128 - prec_bits);
    f80_u128 rem = sig & (lsb - 1);
    f80_u128 half = lsb >> 1;
    struct f80_rounded r = {sig - rem, rem != 0, false, false};
    bool inc;

    if (!rem) return r;
    switch (rc & 3) {
    case F80_RN: inc = rem > half || (rem == half && (r.sig & lsb)); break;
    case F80_RD: inc = sign; break;
    case F80_RU: inc = !sign; break;
    default: inc = false; break;
    }
    if (inc) {
        r.sig += lsb;
        r.up = true;
        if (r.sig == 0) {
            r.carry = true;
            r.sig = (f80_u128)1 << 127;
        }
    }
    return r;
}

static struct f80 pack(bool sign, int32_t exp, f80_u128 sig)
{
    return f80_make((uint16_t)((sign ? 0x8000 : 0) | exp), (uint64_t)(sig >> 64));
}

static void note_rounding(struct f80_env *env, const struct f80_rounded *r)
{
    if (r->inexact) env->flags |= F80_PE;
    if (r->up) env->flags |= F80_C1;
}

static struct f80 overflow(struct f80_env *env, bool sign, int32_t exp, const struct f80_rounded *r,
                           int prec_bits)
{
    unsigned rc = env->round & 3;
    bool to_inf;

    if (!(env->masks & F80_OE)) {
        env->flags |= F80_OE;
        exp -= F80_BIAS_ADJUST;
        if (exp < F80_EXP_INF) {
            note_rounding(env, r);
            return pack(sign, exp, r->sig);
        }
        env->flags |= F80_PE | F80_C1;
        return f80_inf(sign);
    }
    env->flags |= F80_OE | F80_PE;
    to_inf = rc == F80_RN || (rc == F80_RU && !sign) || (rc == F80_RD && sign);
    if (to_inf) {
        env->flags |= F80_C1;
        return f80_inf(sign);
    }
    return f80_make((uint16_t)((sign ? 0x8000 : 0) | (F80_EXP_INF - 1)), ~0ull << (64 - prec_bits));
}

/* exp < 1: denormalize, then round at the same bit positions as a normal
 * result of this precision (the x87 does not widen the rounding point). */
static struct f80 denormal(struct f80_env *env, bool sign, int32_t exp, f80_u128 sig, int prec_bits)
{
    struct f80_rounded probe = f80_round_sig(sig, sign, env->round, prec_bits);
    bool tiny = exp < 0 || !probe.carry;
    struct f80_rounded r = f80_round_sig(f80_shr_jam128(sig, 1 - exp), sign, env->round, prec_bits);

    note_rounding(env, &r);
    if (tiny && r.inexact) env->flags |= F80_UE;
    return pack(sign, (r.sig >> 127) ? 1 : 0, r.sig);
}

struct f80 f80_round_pack(struct f80_env *env, bool sign, int32_t exp, f80_u128 sig, int prec_bits)
{
    struct f80_rounded r;
    int lz;

    if (sig == 0) return f80_zero(sign);
    lz = f80_clz128(sig);
    sig <<= lz;
    exp -= lz;

    if (exp < 1 && (env->masks & F80_UE)) return denormal(env, sign, exp, sig, prec_bits);

    r = f80_round_sig(sig, sign, env->round, prec_bits);
    if (r.carry) exp++;
    if (exp < 1) {
        /* Unmasked underflow: the x87 delivers the normalized result with the
         * exponent wrapped up by 0x6000 and traps. */
        env->flags |= F80_UE;
        if (exp + F80_BIAS_ADJUST >= 1) {
            note_rounding(env, &r);
            return pack(sign, exp + F80_BIAS_ADJUST, r.sig);
        }
        /* Too small even for the wrapped exponent (FSCALE only): a real x87
         * gives a signed zero, whatever the rounding mode. */
        env->flags |= F80_PE;
        return f80_zero(sign);
    }
    if (exp >= F80_EXP_INF) return overflow(env, sign, exp, &r, prec_bits);
    note_rounding(env, &r);
    return pack(sign, exp, r.sig);
}
