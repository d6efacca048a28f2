/*
 * f80_compare.c - FCOM/FUCOM ordering and FXAM classification.
 *
 * Sources: Intel SDM vol. 2 FCOM/FUCOM (FCOM: any NaN is #IA; FUCOM: only
 * SNaN), FXAM (table of C3 C2 C0 classes), vol. 1 8.2.2 (unsupported
 * encodings classify as "unsupported"; pseudo-denormals as denormal, as a real
 * x87 reports them).
 *
 * Not emulated: the "empty" class, which depends on the tag word.
 */
#include "cpu/softfloat/f80_internal.h"

enum f80_class f80_classify(struct f80 a)
{
    switch (f80_kind_of(a)) {
    case F80K_ZERO: return F80_CLASS_ZERO;
    case F80K_DENORMAL: return F80_CLASS_DENORMAL;
    case F80K_NORMAL: return F80_CLASS_NORMAL;
    case F80K_INF: return F80_CLASS_INF;
    case F80K_QNAN:
    case F80K_SNAN: return F80_CLASS_NAN;
    default: return F80_CLASS_UNSUPPORTED;
    }
}

uint16_t f80_xam(struct f80 a)
{
    return (uint16_t)(f80_classify(a) | (f80_sign(a) ? F80_C1 : 0));
}

bool f80_is_nan(struct f80 a)
{
    return f80_kind_is_nan(f80_kind_of(a));
}

bool f80_is_signaling_nan(struct f80 a)
{
    return f80_kind_of(a) == F80K_SNAN;
}

/* -1, 0, 1 as |a| is below, equal to, above |b|; a and b are not NaN. */
static int magnitude_cmp(struct f80 a, enum f80_kind ka, struct f80 b, enum f80_kind kb)
{
    struct f80_unpacked ua, ub;

    if (ka == F80K_ZERO || kb == F80K_ZERO || ka == F80K_INF || kb == F80K_INF) {
        int ra = ka == F80K_ZERO ? 0 : ka == F80K_INF ? 2 : 1;
        int rb = kb == F80K_ZERO ? 0 : kb == F80K_INF ? 2 : 1;
        return (ra > rb) - (ra < rb);
    }
    ua = f80_unpack(a);
    ub = f80_unpack(b);
    if (ua.exp != ub.exp) return ua.exp > ub.exp ? 1 : -1;
    return (ua.sig > ub.sig) - (ua.sig < ub.sig);
}

static enum f80_cmp compare(struct f80_env *env, struct f80 a, struct f80 b, bool quiet)
{
    enum f80_kind ka = f80_kind_of(a), kb = f80_kind_of(b);
    bool neg_a, neg_b;
    int m;

    if (ka == F80K_UNSUPPORTED || kb == F80K_UNSUPPORTED) {
        env->flags |= F80_IE;
        return F80_CMP_UN;
    }
    if (f80_kind_is_nan(ka) || f80_kind_is_nan(kb)) {
        if (!quiet || ka == F80K_SNAN || kb == F80K_SNAN) env->flags |= F80_IE;
        return F80_CMP_UN;
    }
    if ((ka == F80K_DENORMAL || kb == F80K_DENORMAL) && f80_raise(env, F80_DE)) return F80_CMP_UN;
    /* Zeros compare equal whatever their signs. */
    neg_a = ka != F80K_ZERO && f80_sign(a);
    neg_b = kb != F80K_ZERO && f80_sign(b);
    if (neg_a != neg_b) return neg_a ? F80_CMP_LT : F80_CMP_GT;
    m = magnitude_cmp(a, ka, b, kb);
    if (neg_a) m = -m;
    return m < 0 ? F80_CMP_LT : m > 0 ? F80_CMP_GT : F80_CMP_EQ;
}

enum f80_cmp f80_compare(struct f80_env *env, struct f80 a, struct f80 b)
{
    return compare(env, a, b, false);
}

enum f80_cmp f80_compare_quiet(struct f80_env *env, struct f80 a, struct f80 b)
{
    return compare(env, a, b, true);
}
