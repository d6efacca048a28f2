/*
 * f80_wide.c - 128-bit-significand working precision for the transcendentals.
 *
 * Sources: none beyond schoolbook multi-word arithmetic (Knuth TAOCP vol. 2
 * 4.3.1).  Each operation truncates to 128 bits but ORs what it drops into
 * bit 0, so the error stays below a few units of 2^-127 and its direction is
 * visible to the final rounding to 64 bits (1 - tiny rounds down, not to 1).
 * Exponents are plain int32, so no intermediate can overflow or underflow.
 *
 * Not emulated: this is no x87 format; nothing of it is guest-visible.
 */
#include "cpu/softfloat/f80_internal.h"

static struct f80_wide normalize(struct f80_wide a)
{
    int lz;

    if (a.m == 0) return a;
    lz = f80_clz128(a.m);
    a.m <<= lz;
    a.e -= lz;
    return a;
}

struct f80_wide f80_w_from_f80(struct f80 a)
{
    struct f80_wide w = {0, 0, f80_sign(a)};
    struct f80_unpacked u;

    if (a.mant == 0) return w;
    u = f80_unpack(a);
    w.m = (f80_u128)u.sig << 64;
    w.e = u.exp - F80_BIAS;
    return w;
}

struct f80_wide f80_w_from_int(int64_t v)
{
    struct f80_wide w = {v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 127, v < 0};
    return normalize(w);
}

struct f80_wide f80_w_add(struct f80_wide a, struct f80_wide b)
{
    struct f80_wide r;
    f80_u128 am, bm;

    if (b.m == 0) return a;
    if (a.m == 0) return b;
    if (a.e < b.e || (a.e == b.e && a.m < b.m)) {
        r = a;
        a = b;
        b = r;
    }
    /* One bit of headroom for the carry of a same-sign sum. */
    am = f80_shr_jam128(a.m, 1);
    bm = f80_shr_jam128(b.m, a.e - b.e + 1);
    r.sign = a.sign;
    r.e = a.e + 1;
    r.m = a.sign == b.sign ? am + bm : am - bm;
    return normalize(r);
}

struct f80_wide f80_w_sub(struct f80_wide a, struct f80_wide b)
{
    return f80_w_add(a, f80_w_neg(b));
}

struct f80_wide f80_w_mul(struct f80_wide a, struct f80_wide b)
{
    struct f80_wide r = {0, 0, a.sign != b.sign};
    uint64_t ah = (uint64_t)(a.m >> 64), al = (uint64_t)a.m;
    uint64_t bh = (uint64_t)(b.m >> 64), bl = (uint64_t)b.m;
    f80_u128 hh, hl, lh, ll, mid, lo, hi;
    bool mid_carry, lo_carry;

    if (a.m == 0 || b.m == 0) return r;
    hh = (f80_u128)ah * bh;
    hl = (f80_u128)ah * bl;
    lh = (f80_u128)al * bh;
    ll = (f80_u128)al * bl;
    mid = hl + lh;
    mid_carry = mid < hl;
    lo = ll + (mid << 64);
    lo_carry = lo < ll;
    hi = hh + (mid >> 64) + ((f80_u128)mid_carry << 64) + lo_carry;
    /* Both inputs are in [2^127, 2^128), so hi has bit 127 or bit 126 set. */
    r.e = a.e + b.e + 1;
    if (!(hi >> 127)) {
        hi = (hi << 1) | (lo >> 127);
        lo <<= 1;
        r.e -= 1;
    }
    r.m = hi | (lo != 0);
    return r;
}

struct f80_wide f80_w_div(struct f80_wide a, struct f80_wide b)
{
    struct f80_wide r = {0, a.e - b.e, a.sign != b.sign};
    f80_u128 rem = a.m, q = 0;
    int i, bits = 128;

    if (a.m == 0) return r;
    /* Restoring division, one quotient bit per step.  The remainder is kept
     * below b.m, and a bit shifted out of it means it exceeded b.m. */
    if (rem >= b.m) {
        rem -= b.m;
        q = 1;
        bits = 127;
    } else {
        r.e -= 1;
    }
    for (i = 0; i < bits; i++) {
        bool out = rem >> 127;
        rem <<= 1;
        q <<= 1;
        if (out || rem >= b.m) {
            rem -= b.m;
            q |= 1;
        }
    }
    r.m = q | (rem != 0);
    return r;
}

struct f80_wide f80_w_div_small(struct f80_wide a, uint32_t d)
{
    /* a.m * 2^64 / d as a 192-bit quotient hi:lo, then renormalized. */
    f80_u128 hi = a.m / d, rem = a.m % d;
    f80_u128 lo_full = (rem << 64) / d;
    bool sticky = ((rem << 64) % d) != 0;
    uint64_t lo = (uint64_t)lo_full;
    int s;

    if (a.m == 0) return a;
    s = f80_clz128(hi); /* below 33: hi >= 2^127 / d */
    a.e -= s;
    a.m = s ? (hi << s) | (lo >> (64 - s)) : hi;
    a.m |= ((uint64_t)(lo << s) != 0) | sticky;
    return a;
}

struct f80 f80_w_round(struct f80_env *env, struct f80_wide a, bool exact)
{
    if (a.m == 0) return f80_zero(a.sign);
    if (!exact) a.m |= 1;
    return f80_round_pack(env, a.sign, a.e + F80_BIAS, a.m, 64);
}
