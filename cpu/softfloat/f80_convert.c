/*
 * f80_convert.c - FILD/FIST/FISTTP and FLD/FST of single and double reals.
 *
 * Sources: Intel SDM vol. 2 FIST/FISTP (results table: NaN, infinity or out of
 * range give #IA and the integer indefinite 100..0), FISTTP (always chops),
 * FLD (a denormal m32/m64 source raises #D; an SNaN is quieted with #IA), FST
 * (rounded per RC only, never PC; overflow/underflow per the destination's
 * exponent range), vol. 1 4.8.3 (real indefinite in each format), 4.9.1.5
 * (tininess after rounding).  Integer and float loads are exact.
 *
 * Not emulated: with OE or UE unmasked the x87 leaves a memory destination
 * alone; f80_to_f32/f64 then return a meaningless value and the caller must
 * not store it.
 */
#include "cpu/softfloat/f80_internal.h"

struct f80 f80_from_i64(int64_t v)
{
    return f80_from_u64(v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

struct f80 f80_from_i32(int32_t v)
{
    return f80_from_i64(v);
}

struct f80 f80_from_i16(int16_t v)
{
    return f80_from_i64(v);
}

static int64_t to_int(struct f80_env *env, struct f80 a, unsigned rc, int bits)
{
    enum f80_kind k = f80_kind_of(a);
    uint64_t limit = 1ull << (bits - 1); /* magnitude of the most negative value */
    int64_t indefinite = -(int64_t)(limit - 1) - 1;
    struct f80_unpacked u;
    uint64_t mag;
    bool inexact, up;

    if (k == F80K_ZERO) return 0;
    if (k != F80K_NORMAL && k != F80K_DENORMAL) {
        f80_raise(env, F80_IE);
        return indefinite;
    }
    u = f80_unpack(a);
    if (!f80_round_to_u64(u, rc, &mag, &inexact, &up) || mag > limit || (mag == limit && !u.sign)) {
        f80_raise(env, F80_IE);
        return indefinite;
    }
    if (inexact) env->flags |= F80_PE;
    if (up) env->flags |= F80_C1;
    return u.sign ? (int64_t)(0 - mag) : (int64_t)mag;
}

int16_t f80_to_i16(struct f80_env *env, struct f80 a)
{
    return (int16_t)to_int(env, a, env->round, 16);
}
int32_t f80_to_i32(struct f80_env *env, struct f80 a)
{
    return (int32_t)to_int(env, a, env->round, 32);
}
int64_t f80_to_i64(struct f80_env *env, struct f80 a)
{
    return to_int(env, a, env->round, 64);
}
int16_t f80_to_i16_trunc(struct f80_env *env, struct f80 a)
{
    return (int16_t)to_int(env, a, F80_RZ, 16);
}
int32_t f80_to_i32_trunc(struct f80_env *env, struct f80 a)
{
    return (int32_t)to_int(env, a, F80_RZ, 32);
}
int64_t f80_to_i64_trunc(struct f80_env *env, struct f80 a)
{
    return to_int(env, a, F80_RZ, 64);
}

/* An IEEE binary format by its field widths. */
struct ieee_format {
    int frac_bits;
    int exp_bits;
};
static const struct ieee_format fmt32 = {23, 8};
static const struct ieee_format fmt64 = {52, 11};

static struct f80 from_ieee(struct f80_env *env, uint64_t bits, struct ieee_format f)
{
    int32_t bias = (1 << (f.exp_bits - 1)) - 1;
    int32_t emax = (1 << f.exp_bits) - 1;
    bool sign = (bits >> (f.frac_bits + f.exp_bits)) & 1;
    int32_t exp = (int32_t)((bits >> f.frac_bits) & (uint64_t)emax);
    uint64_t frac = bits & ((1ull << f.frac_bits) - 1);
    uint64_t m;
    int32_t lsb_exp;
    int lz;

    if (exp == emax) {
        uint64_t mant = F80_INT_BIT | (frac << (63 - f.frac_bits));
        if (frac == 0) return f80_inf(sign);
        if (!(mant & F80_QUIET_BIT)) {
            if (f80_raise(env, F80_IE)) return f80_indefinite();
            mant |= F80_QUIET_BIT;
        }
        return f80_make((uint16_t)((sign ? 0x8000 : 0) | F80_EXP_INF), mant);
    }
    if (exp == 0) {
        if (frac == 0) return f80_zero(sign);
        if (f80_raise(env, F80_DE)) return f80_indefinite();
        m = frac;
        lsb_exp = 1 - bias - f.frac_bits;
    } else {
        m = frac | (1ull << f.frac_bits);
        lsb_exp = exp - bias - f.frac_bits;
    }
    /* Every single or double value is a normal extended value. */
    lz = __builtin_clzll(m);
    return f80_make((uint16_t)((sign ? 0x8000 : 0) | (lsb_exp + 63 - lz + F80_BIAS)), m << lz);
}

struct f80 f80_from_f32(struct f80_env *env, uint32_t bits)
{
    return from_ieee(env, bits, fmt32);
}

struct f80 f80_from_f64(struct f80_env *env, uint64_t bits)
{
    return from_ieee(env, bits, fmt64);
}

static uint64_t pack_ieee(bool sign, int32_t exp, uint64_t frac, struct ieee_format f)
{
    return ((uint64_t)sign << (f.frac_bits + f.exp_bits)) | ((uint64_t)exp << f.frac_bits) | frac;
}

static void note(struct f80_env *env, const struct f80_rounded *r)
{
    if (r->inexact) env->flags |= F80_PE;
    if (r->up) env->flags |= F80_C1;
}

static uint64_t to_ieee(struct f80_env *env, struct f80 a, struct ieee_format f)
{
    enum f80_kind k = f80_kind_of(a);
    bool sign = f80_sign(a);
    int32_t bias = (1 << (f.exp_bits - 1)) - 1;
    int32_t emax = (1 << f.exp_bits) - 1; /* all-ones exponent: inf / NaN */
    int prec = f.frac_bits + 1;
    uint64_t frac_mask = (1ull << f.frac_bits) - 1;
    unsigned rc = env->round & 3;
    struct f80_unpacked u;
    struct f80_rounded r;
    f80_u128 sig;
    int32_t exp;

    switch (k) {
    case F80K_UNSUPPORTED:
        f80_raise(env, F80_IE);
        return pack_ieee(true, emax, 1ull << (f.frac_bits - 1), f);
    case F80K_SNAN:
    case F80K_QNAN:
        if (k == F80K_SNAN) f80_raise(env, F80_IE);
        /* Keep the top fraction bits of the payload, quieted. */
        return pack_ieee(sign, emax,
                         ((a.mant << 1) >> (64 - f.frac_bits)) | (1ull << (f.frac_bits - 1)), f);
    case F80K_INF: return pack_ieee(sign, emax, 0, f);
    case F80K_ZERO: return pack_ieee(sign, 0, 0, f);
    default: break;
    }

    u = f80_unpack(a);
    exp = u.exp - F80_BIAS + bias;
    sig = (f80_u128)u.sig << 64;
    if (exp < 1) {
        bool tiny = exp < 0 || !f80_round_sig(sig, sign, rc, prec).carry;
        r = f80_round_sig(f80_shr_jam128(sig, 1 - exp), sign, rc, prec);
        if (!(env->masks & F80_UE)) {
            if (tiny) {
                env->flags |= F80_UE;
                return pack_ieee(sign, 0, 0, f);
            }
        } else if (tiny && r.inexact) {
            env->flags |= F80_UE;
        }
        note(env, &r);
        return pack_ieee(sign, (r.sig >> 127) ? 1 : 0,
                         (uint64_t)(r.sig >> (128 - prec)) & frac_mask, f);
    }
    r = f80_round_sig(sig, sign, rc, prec);
    if (r.carry) exp++;
    if (exp >= emax) {
        env->flags |= F80_OE;
        if (!(env->masks & F80_OE)) return pack_ieee(sign, emax, 0, f);
        env->flags |= F80_PE;
        if (rc == F80_RN || (rc == F80_RU && !sign) || (rc == F80_RD && sign)) {
            env->flags |= F80_C1;
            return pack_ieee(sign, emax, 0, f);
        }
        return pack_ieee(sign, emax - 1, frac_mask, f);
    }
    note(env, &r);
    return pack_ieee(sign, exp, (uint64_t)(r.sig >> (128 - prec)) & frac_mask, f);
}

uint32_t f80_to_f32(struct f80_env *env, struct f80 a)
{
    return (uint32_t)to_ieee(env, a, fmt32);
}

uint64_t f80_to_f64(struct f80_env *env, struct f80 a)
{
    return to_ieee(env, a, fmt64);
}
