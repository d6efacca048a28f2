/*
 * host_x87.h - the host's own x87 as an oracle for the soft-float tests.
 *
 * Only for tests on an x86-64 host: each helper loads its operands with FLD
 * m80, runs one x87 instruction under a given control word, and reads the
 * status word with FNSTSW before FNCLEX, so even unmasked exceptions are seen
 * and never delivered (they only fire at the next waiting instruction).
 * The compiler keeps nothing on the x87 stack across these statements
 * (x86-64 does its double math in SSE).
 */
#ifndef CINDER_TESTS_HOST_X87_H
#define CINDER_TESTS_HOST_X87_H

#include <stdint.h>
#include <string.h>

#include "cpu/softfloat/softfloat80.h"

struct host80 {
    uint64_t mant;
    uint16_t se;
} __attribute__((packed));

static inline struct host80 h80(struct f80 a)
{
    struct host80 h = {a.mant, a.se};
    return h;
}

static inline struct f80 f80h(struct host80 h)
{
    return f80_make(h.se, h.mant);
}

/* st(0) = a, st(1) = b; INSN leaves one result in st(0) and b below it. */
#define HOST_BINARY(name, insn)                                                                    \
    static inline struct f80 name(struct f80 a, struct f80 b, uint16_t cw, uint16_t *sw)           \
    {                                                                                              \
        struct host80 ha = h80(a), hb = h80(b), r;                                                 \
        uint16_t s, old;                                                                           \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"         \
                         "fnstsw %[s]\n\tfnclex\n\tfstpt %[r]\n\tfstp %%st(0)\n\tfldcw %[old]"     \
                         : [r] "=m"(r), [s] "=m"(s)                                                \
                         : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw), [old] "m"(old));                \
        *sw = s;                                                                                   \
        return f80h(r);                                                                            \
    }

/* st(0) = a, st(1) = b; INSN pops, leaving its result in st(0). */
#define HOST_BINARY_POP(name, insn)                                                                \
    static inline struct f80 name(struct f80 a, struct f80 b, uint16_t cw, uint16_t *sw)           \
    {                                                                                              \
        struct host80 ha = h80(a), hb = h80(b), r;                                                 \
        uint16_t s, old;                                                                           \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"         \
                         "fnstsw %[s]\n\tfnclex\n\tfstpt %[r]\n\tfldcw %[old]"                     \
                         : [r] "=m"(r), [s] "=m"(s)                                                \
                         : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw), [old] "m"(old));                \
        *sw = s;                                                                                   \
        return f80h(r);                                                                            \
    }

#define HOST_UNARY(name, insn)                                                                     \
    static inline struct f80 name(struct f80 a, uint16_t cw, uint16_t *sw)                         \
    {                                                                                              \
        struct host80 ha = h80(a), r;                                                              \
        uint16_t s, old;                                                                           \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn "\n\t"                      \
                         "fnstsw %[s]\n\tfnclex\n\tfstpt %[r]\n\tfldcw %[old]"                     \
                         : [r] "=m"(r), [s] "=m"(s)                                                \
                         : [a] "m"(ha), [cw] "m"(cw), [old] "m"(old));                             \
        *sw = s;                                                                                   \
        return f80h(r);                                                                            \
    }

/* Load a, store it to memory with INSN (which pops); TYPE is the memory
 * type.  Only with IE masked: an aborted store would leave the stack loaded. */
#define HOST_STORE(name, type, insn)                                                               \
    static inline type name(struct f80 a, uint16_t cw, uint16_t *sw)                               \
    {                                                                                              \
        struct host80 ha = h80(a);                                                                 \
        type r;                                                                                    \
        uint16_t s, old;                                                                           \
        memset(&r, 0, sizeof r);                                                                   \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[r]\n\t"                 \
                         "fnstsw %[s]\n\tfnclex\n\tfldcw %[old]"                                   \
                         : [r] "+m"(r), [s] "=m"(s)                                                \
                         : [a] "m"(ha), [cw] "m"(cw), [old] "m"(old));                             \
        *sw = s;                                                                                   \
        return r;                                                                                  \
    }

/* Load from memory with INSN and store the register as m80.  Only with IE
 * and DE masked, for the same reason. */
#define HOST_LOAD(name, type, insn)                                                                \
    static inline struct f80 name(type v, uint16_t cw, uint16_t *sw)                               \
    {                                                                                              \
        struct host80 r;                                                                           \
        uint16_t s, old;                                                                           \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\t" insn " %[v]\n\t"                              \
                         "fnstsw %[s]\n\tfnclex\n\tfstpt %[r]\n\tfldcw %[old]"                     \
                         : [r] "=m"(r), [s] "=m"(s)                                                \
                         : [v] "m"(v), [cw] "m"(cw), [old] "m"(old));                              \
        *sw = s;                                                                                   \
        return f80h(r);                                                                            \
    }

struct bcd10 {
    uint8_t b[10];
};

HOST_BINARY(host_add, "fadd %%st(1), %%st")
HOST_BINARY(host_sub, "fsub %%st(1), %%st")
HOST_BINARY(host_mul, "fmul %%st(1), %%st")
HOST_BINARY(host_div, "fdiv %%st(1), %%st")
HOST_BINARY(host_prem, "fprem")
HOST_BINARY(host_prem1, "fprem1")
HOST_BINARY(host_scale, "fscale")
HOST_BINARY_POP(host_patan, "fpatan")
HOST_BINARY_POP(host_yl2x, "fyl2x")
HOST_BINARY_POP(host_yl2xp1, "fyl2xp1")
HOST_UNARY(host_sqrt, "fsqrt")
HOST_UNARY(host_rndint, "frndint")
HOST_UNARY(host_f2xm1, "f2xm1")
HOST_UNARY(host_sin, "fsin")
HOST_UNARY(host_cos, "fcos")
HOST_UNARY(host_xam, "fxam")
HOST_STORE(host_fst32, uint32_t, "fstps")
HOST_STORE(host_fst64, uint64_t, "fstpl")
HOST_STORE(host_fist16, int16_t, "fistps")
HOST_STORE(host_fist32, int32_t, "fistpl")
HOST_STORE(host_fist64, int64_t, "fistpll")
HOST_STORE(host_fisttp16, int16_t, "fisttps")
HOST_STORE(host_fisttp32, int32_t, "fisttpl")
HOST_STORE(host_fisttp64, int64_t, "fisttpll")
HOST_STORE(host_fbstp, struct bcd10, "fbstp")
HOST_LOAD(host_fld32, uint32_t, "flds")
HOST_LOAD(host_fld64, uint64_t, "fldl")
HOST_LOAD(host_fbld, struct bcd10, "fbld")

/* FXTRACT: exponent below, significand on top. */
static inline void host_xtract(struct f80 a, uint16_t cw, uint16_t *sw, struct f80 *e,
                               struct f80 *s)
{
    struct host80 ha = h80(a), re, rs;
    uint16_t st, old;
    __asm__ volatile("fnstcw %0" : "=m"(old));
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\tfxtract\n\t"
                     "fnstsw %[s]\n\tfnclex\n\tfstpt %[rs]\n\tfstpt %[re]\n\tfldcw %[old]"
                     : [re] "=m"(re), [rs] "=m"(rs), [s] "=m"(st)
                     : [a] "m"(ha), [cw] "m"(cw), [old] "m"(old));
    *sw = st;
    *e = f80h(re);
    *s = f80h(rs);
}

/* FCOMPP / FUCOMPP of st(0) = a against st(1) = b: status word only. */
#define HOST_COMPARE(name, insn)                                                                   \
    static inline uint16_t name(struct f80 a, struct f80 b, uint16_t cw)                           \
    {                                                                                              \
        struct host80 ha = h80(a), hb = h80(b);                                                    \
        uint16_t s, old;                                                                           \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"         \
                         "fnstsw %[s]\n\tfnclex\n\tfldcw %[old]"                                   \
                         : [s] "=m"(s)                                                             \
                         : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw), [old] "m"(old));                \
        return s;                                                                                  \
    }
HOST_COMPARE(host_fcompp, "fcompp")
HOST_COMPARE(host_fucompp, "fucompp")

/* Two-result trig: a sentinel below keeps the pops balanced whether or not
 * the instruction completed (C2). */
#define HOST_TWO_RESULT(name, insn)                                                                \
    static inline void name(struct f80 a, uint16_t cw, uint16_t *sw, struct f80 *top,              \
                            struct f80 *below)                                                     \
    {                                                                                              \
        struct host80 ha = h80(a), rt, rb;                                                         \
        uint16_t s, old;                                                                           \
        __asm__ volatile("fnstcw %0" : "=m"(old));                                                 \
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldz\n\tfldt %[a]\n\t" insn "\n\t"              \
                         "fnstsw %[s]\n\tfnclex\n\tfstpt %[rt]\n\tfstpt %[rb]\n\t"                 \
                         "ffree %%st(0)\n\tfincstp\n\tfnclex\n\tfldcw %[old]"                      \
                         : [rt] "=m"(rt), [rb] "=m"(rb), [s] "=m"(s)                               \
                         : [a] "m"(ha), [cw] "m"(cw), [old] "m"(old));                             \
        *sw = s;                                                                                   \
        *top = f80h(rt);                                                                           \
        *below = f80h(rb);                                                                         \
    }
HOST_TWO_RESULT(host_sincos, "fsincos")
HOST_TWO_RESULT(host_ptan, "fptan")

#endif /* CINDER_TESTS_HOST_X87_H */
