/*
 * softfloat80.h - exact 80-bit extended-precision arithmetic for the x87.
 *
 * Sources: Intel SDM vol. 1 ch. 4 (data types, 4.8 real numbers, 4.9 exceptions)
 * and ch. 8 (x87 FPU), vol. 2 instruction pages (FADD ... FYL2XP1), IEEE 754-2008.
 * Behaviour the SDM leaves open was pinned against a real x87 (see the test).
 *
 * Every operation takes a struct f80_env: rounding control, precision control,
 * the exception masks of the x87 control word, and accumulates F80_* flags.
 * The library computes the value the x87 would write with the exceptions as
 * masked in env->masks:
 *   - IE, DE, ZE unmasked: the x87 writes nothing.  The flag is set, the returned
 *     value is meaningless, and the caller must not store it (nor pop).
 *   - OE, UE unmasked: the result comes back with its exponent biased by
 *     -/+ 0x6000, as the x87 writes it to a register.  For a memory destination
 *     (f80_to_f32/f64) the x87 writes nothing; the returned value is meaningless.
 *   - PE never suppresses a result.
 * F80_C1 in env->flags means "the last rounding went up in magnitude".  Flags
 * only accumulate: the caller clears them (and C1) before each instruction.
 *
 * Not emulated: stack faults and tags (the caller's business), the "empty"
 * class of FXAM, bit-exact reproduction of Intel's transcendental microcode
 * (ours are within 1 ulp of the true value, usually correctly rounded).
 */
#ifndef CINDER_CPU_SOFTFLOAT80_H
#define CINDER_CPU_SOFTFLOAT80_H

#include <stdbool.h>
#include <stdint.h>

struct f80 {
    uint64_t mant; /* significand with explicit integer bit 63 */
    uint16_t se;   /* bit 15 sign, bits 0-14 biased exponent (bias 16383) */
};

enum f80_round { F80_RN = 0, F80_RD = 1, F80_RU = 2, F80_RZ = 3 }; /* x87 RC field */
enum f80_prec { F80_PREC24 = 0, F80_PREC53 = 2, F80_PREC64 = 3 };  /* x87 PC field; 1 -> 64 */

/* Exception flags at their x87 status-word positions. */
#define F80_IE 0x01 /* invalid operation */
#define F80_DE 0x02 /* denormal operand */
#define F80_ZE 0x04 /* divide by zero */
#define F80_OE 0x08 /* overflow */
#define F80_UE 0x10 /* underflow */
#define F80_PE 0x20 /* precision (inexact) */
#define F80_EXC_ALL 0x3F
/* Condition codes at their status-word positions (rem, xam, trig C2). */
#define F80_C0 0x100
#define F80_C1 0x200 /* in env->flags: the result was rounded up */
#define F80_C2 0x400
#define F80_C3 0x4000

struct f80_env {
    uint8_t round;  /* enum f80_round: x87 control word RC */
    uint8_t prec;   /* enum f80_prec: x87 control word PC, for add/sub/mul/div/sqrt only */
    uint16_t flags; /* accumulated F80_IE..F80_PE and F80_C1; never cleared here */
    uint16_t masks; /* x87 control word exception masks, 1 = masked (bits as F80_IE..PE) */
};

/* The x87 default: round to nearest, 64-bit precision, everything masked. */
static inline struct f80_env f80_env_default(void)
{
    struct f80_env env = {F80_RN, F80_PREC64, 0, F80_EXC_ALL};
    return env;
}

static inline struct f80 f80_make(uint16_t se, uint64_t mant)
{
    struct f80 r = {mant, se};
    return r;
}

static inline bool f80_sign(struct f80 a)
{
    return (a.se >> 15) != 0;
}
static inline uint16_t f80_exp(struct f80 a)
{
    return a.se & 0x7FFF;
}
/* FCHS and FABS: pure sign-bit operations, no exceptions even for SNaN. */
static inline struct f80 f80_neg(struct f80 a)
{
    return f80_make(a.se ^ 0x8000, a.mant);
}
static inline struct f80 f80_abs(struct f80 a)
{
    return f80_make(a.se & 0x7FFF, a.mant);
}

/* ---- basic arithmetic: rounded to env->prec and env->round ---- */
struct f80 f80_add(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_sub(struct f80_env *env, struct f80 a, struct f80 b); /* a - b */
struct f80 f80_mul(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_div(struct f80_env *env, struct f80 a, struct f80 b); /* a / b */
struct f80 f80_sqrt(struct f80_env *env, struct f80 a);

/* FPREM (rem) and FPREM1 (rem1) of a = ST(0) by b = ST(1).  *cc receives the
 * condition codes: F80_C2 when the reduction is incomplete, otherwise the low
 * quotient bits Q2, Q1, Q0 in C0, C3, C1. */
struct f80 f80_rem(struct f80_env *env, struct f80 a, struct f80 b, uint16_t *cc);
struct f80 f80_rem1(struct f80_env *env, struct f80 a, struct f80 b, uint16_t *cc);

struct f80 f80_round_to_int(struct f80_env *env, struct f80 a); /* FRNDINT */
/* FSCALE: a = ST(0) times 2 to the power of b = ST(1) truncated to an integer. */
struct f80 f80_scale(struct f80_env *env, struct f80 a, struct f80 b);
/* FXTRACT: *exponent goes to ST(1), *significand to the new ST(0). */
void f80_xtract(struct f80_env *env, struct f80 a, struct f80 *exponent, struct f80 *significand);

enum f80_cmp { F80_CMP_LT = 0, F80_CMP_EQ = 1, F80_CMP_GT = 2, F80_CMP_UN = 3 };
/* Compare a with b.  f80_compare is FCOM/FCOMI/FTST (any NaN -> IE);
 * f80_compare_quiet is FUCOM/FUCOMI (only SNaN -> IE). */
enum f80_cmp f80_compare(struct f80_env *env, struct f80 a, struct f80 b);
enum f80_cmp f80_compare_quiet(struct f80_env *env, struct f80 a, struct f80 b);

/* FXAM classes, valued as the C3, C2, C0 bits FXAM sets (C1 is the sign). */
enum f80_class {
    F80_CLASS_UNSUPPORTED = 0,
    F80_CLASS_NAN = F80_C0,
    F80_CLASS_NORMAL = F80_C2,
    F80_CLASS_INF = F80_C2 | F80_C0,
    F80_CLASS_ZERO = F80_C3,
    F80_CLASS_EMPTY = F80_C3 | F80_C0, /* never returned: tags are the caller's */
    F80_CLASS_DENORMAL = F80_C3 | F80_C2,
};
enum f80_class f80_classify(struct f80 a);
/* The full FXAM condition codes for a non-empty register: class | C1 = sign. */
uint16_t f80_xam(struct f80 a);
bool f80_is_nan(struct f80 a);
bool f80_is_signaling_nan(struct f80 a);

/* ---- conversions ---- */
struct f80 f80_from_i16(int16_t v);
struct f80 f80_from_i32(int32_t v);
struct f80 f80_from_i64(int64_t v);
/* FIST/FISTP round per env->round; the _trunc forms are FISTTP.  Out of
 * range, NaN or infinity: IE and the integer indefinite (most negative value). */
int16_t f80_to_i16(struct f80_env *env, struct f80 a);
int32_t f80_to_i32(struct f80_env *env, struct f80 a);
int64_t f80_to_i64(struct f80_env *env, struct f80 a);
int16_t f80_to_i16_trunc(struct f80_env *env, struct f80 a);
int32_t f80_to_i32_trunc(struct f80_env *env, struct f80 a);
int64_t f80_to_i64_trunc(struct f80_env *env, struct f80 a);
/* FLD m32/m64 (exact; SNaN -> IE and quieted, denormal -> DE) and FST m32/m64
 * (rounded per env->round, never env->prec).  Arguments are raw IEEE bits. */
struct f80 f80_from_f32(struct f80_env *env, uint32_t bits);
struct f80 f80_from_f64(struct f80_env *env, uint64_t bits);
uint32_t f80_to_f32(struct f80_env *env, struct f80 a);
uint64_t f80_to_f64(struct f80_env *env, struct f80 a);
/* FBLD and FBSTP: 10 bytes, byte 0 holds the two least significant digits. */
struct f80 f80_from_bcd(const uint8_t bcd[10]);
void f80_to_bcd(struct f80_env *env, struct f80 a, uint8_t bcd[10]);

/* ---- constants (FLD1, FLDL2T, ...): no flags, rounded per rc as the x87 does ---- */
enum f80_const_id { F80_K_ONE, F80_K_L2T, F80_K_L2E, F80_K_PI, F80_K_LG2, F80_K_LN2, F80_K_ZERO };
struct f80 f80_const(enum f80_const_id id, enum f80_round rc);
struct f80 f80_indefinite(void); /* real indefinite QNaN: sign 1, mant 0xC000000000000000 */

/* ---- transcendentals: rounded per env->round to 64 bits, env->prec ignored ---- */
struct f80 f80_f2xm1(struct f80_env *env, struct f80 x);
/* FYL2X: y * log2(x) and FYL2XP1: y * log2(x + 1), where x = ST(0), y = ST(1). */
struct f80 f80_fyl2x(struct f80_env *env, struct f80 x, struct f80 y);
struct f80 f80_fyl2xp1(struct f80_env *env, struct f80 x, struct f80 y);
/* FPATAN: atan(y / x) in the quadrant of (x, y), where x = ST(0), y = ST(1). */
struct f80 f80_fpatan(struct f80_env *env, struct f80 x, struct f80 y);
/* FSIN, FCOS, FSINCOS, FPTAN.  They return false (the x87 sets C2 and leaves
 * ST(0) alone) when |x| >= 2^63; outputs then hold x and no flag is raised.
 * f80_tan returns the tangent only; FPTAN then pushes 1.0 itself. */
bool f80_sin(struct f80_env *env, struct f80 x, struct f80 *sin);
bool f80_cos(struct f80_env *env, struct f80 x, struct f80 *cos);
bool f80_sincos(struct f80_env *env, struct f80 x, struct f80 *sin, struct f80 *cos);
bool f80_tan(struct f80_env *env, struct f80 x, struct f80 *tan);

#endif /* CINDER_CPU_SOFTFLOAT80_H */
