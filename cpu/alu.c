/*
 * alu.c - integer arithmetic of the general-purpose instructions.
 *
 * Sources: Intel SDM vol. 2 (ADD ADC SUB SBB AND OR XOR NEG INC DEC, SAL/SAR/
 * SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD, MUL, IMUL, DIV, IDIV, DAA, DAS, AAA,
 * AAS, AAM, AAD), vol. 1 3.4.3.1 and appendix A for which flags each sets.
 *
 * Undefined flags follow one policy, shared with the JIT (flags.h):
 *  - shifts (SHL SHR SAR SHLD SHRD) with a count > 1: OF is computed with the
 *    count-1 formula applied to the final result (SHL/SHLD: CF ^ MSB;
 *    SHR/SHRD: MSB ^ MSB-1; SAR: 0), AF = 0, as P6 does;
 *  - rotates change only CF and OF; OF uses the same final-result formula;
 *    ROL/ROR with count a multiple of the width still update CF/OF, and
 *    RCL/RCR whose count is a multiple of width+1 still set OF from the
 *    unchanged value (80286 vectors confirm the latter);
 *  - 16-bit SHLD/SHRD with count > 16 shift the 48-bit dst:src:dst (P6);
 *  - MUL/IMUL: SF ZF PF from the low half of the product, AF = 0;
 *  - DIV/IDIV leave the flags alone;
 *  - DAA/DAS: OF = 0; AAA/AAS: OF = SF = 0, ZF/PF from AL; AAM: OF = AF =
 *    CF = 0; AAD: the flags of the byte add AL + AH*base.
 * Not emulated: nothing is left out; these are pure functions.
 */
#include "cpu/alu.h"

static inline int32_t sext(uint32_t v, unsigned size)
{
    unsigned sh = 32 - size * 8;
    return (int32_t)(v << sh) >> sh;
}

static inline uint32_t msb(uint32_t v, unsigned size)
{
    return (v >> (size * 8 - 1)) & 1;
}

uint32_t alu_szp(uint32_t res, unsigned size)
{
    res &= size_mask(size);
    return (res == 0 ? FL_ZF : 0) | ((res & size_sign(size)) ? FL_SF : 0) |
           (parity8(res) ? FL_PF : 0);
}

/* ---- shifts and rotates ---- */

static uint32_t with_cf_of(uint32_t fl, bool cf, bool of)
{
    return (fl & ~(FL_CF | FL_OF)) | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
}

uint32_t alu_shift(enum shift_op op, uint32_t v, unsigned count, unsigned size, uint32_t fl_in,
                   uint32_t *fl_out)
{
    unsigned bits = size * 8;
    uint32_t m = size_mask(size);
    uint32_t res;
    bool cf, of;
    v &= m;
    fl_in &= FL_ARITH;

    switch (op) {
    case SH_ROL: {
        unsigned n = count & (bits - 1);
        res = n ? ((v << n) | (v >> (bits - n))) & m : v;
        cf = res & 1;
        *fl_out = with_cf_of(fl_in, cf, cf ^ msb(res, size));
        return res;
    }
    case SH_ROR: {
        unsigned n = count & (bits - 1);
        res = n ? ((v >> n) | (v << (bits - n))) & m : v;
        cf = msb(res, size);
        *fl_out = with_cf_of(fl_in, cf, cf ^ msb(res << 1, size));
        return res;
    }
    case SH_RCL:
    case SH_RCR: {
        /* Rotate the (bits+1)-bit value CF:v. */
        unsigned n = size == 4 ? count : count % (bits + 1);
        if (n == 0) {
            /* A full turn: value and CF come back, but OF is still worked
             * out from the (unchanged) result, as the hardware does. */
            cf = fl_in & FL_CF;
            of = op == SH_RCL ? cf ^ msb(v, size) : msb(v, size) ^ msb(v << 1, size);
            *fl_out = with_cf_of(fl_in, cf, of);
            return v;
        }
        uint64_t wm = (2ull << bits) - 1;
        uint64_t t = ((uint64_t)((fl_in & FL_CF) ? 1 : 0) << bits) | v;
        if (op == SH_RCL)
            t = ((t << n) | (t >> (bits + 1 - n))) & wm;
        else
            t = ((t >> n) | (t << (bits + 1 - n))) & wm;
        res = (uint32_t)t & m;
        cf = (t >> bits) & 1;
        of = op == SH_RCL ? cf ^ msb(res, size) : msb(res, size) ^ msb(res << 1, size);
        *fl_out = with_cf_of(fl_in, cf, of);
        return res;
    }
    case SH_SHL:
    case SH_SAL: {
        uint64_t r64 = (uint64_t)v << count;
        res = (uint32_t)r64 & m;
        cf = (r64 >> bits) & 1;
        of = cf ^ msb(res, size);
        break;
    }
    case SH_SHR:
        res = (v >> count) & m;
        cf = (v >> (count - 1)) & 1;
        of = msb(res, size) ^ msb(res << 1, size);
        break;
    default: { /* SH_SAR */
        int32_t sv = sext(v, size);
        res = (uint32_t)(sv >> count) & m;
        cf = (sv >> (count - 1)) & 1;
        of = false;
        break;
    }
    }
    *fl_out = alu_szp(res, size) | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
    return res;
}

uint32_t alu_shld(uint32_t dst, uint32_t src, unsigned count, unsigned size, uint32_t fl_in,
                  uint32_t *fl_out)
{
    uint32_t res;
    bool cf;
    if (size == 4) {
        res = (dst << count) | (count < 32 ? src >> (32 - count) : 0);
        cf = (dst >> (32 - count)) & 1;
    } else {
        /* 16-bit: P6 shifts dst:src:dst, so counts 17-31 pull dst back in. */
        uint64_t t =
            ((uint64_t)(dst & 0xffff) << 32) | ((uint64_t)(src & 0xffff) << 16) | (dst & 0xffff);
        res = (uint32_t)(t >> (32 - count)) & 0xffff;
        cf = (t >> (48 - count)) & 1;
    }
    *fl_out = alu_szp(res, size) | (cf ? FL_CF : 0) | ((cf ^ msb(res, size)) ? FL_OF : 0);
    (void)fl_in;
    return res;
}

uint32_t alu_shrd(uint32_t dst, uint32_t src, unsigned count, unsigned size, uint32_t fl_in,
                  uint32_t *fl_out)
{
    uint32_t res;
    bool cf;
    if (size == 4) {
        res = (dst >> count) | (src << (32 - count));
        cf = (dst >> (count - 1)) & 1;
    } else {
        uint64_t t =
            ((uint64_t)(dst & 0xffff) << 32) | ((uint64_t)(src & 0xffff) << 16) | (dst & 0xffff);
        res = (uint32_t)(t >> count) & 0xffff;
        cf = (t >> (count - 1)) & 1;
    }
    bool of = msb(res, size) ^ msb(res << 1, size);
    *fl_out = alu_szp(res, size) | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
    (void)fl_in;
    return res;
}

/* ---- multiply and divide ---- */

uint64_t alu_mul(uint32_t a, uint32_t b, unsigned size, uint32_t fl_in, uint32_t *fl_out)
{
    uint32_t m = size_mask(size);
    uint64_t p = (uint64_t)(a & m) * (b & m);
    bool hi = (p >> (size * 8)) != 0;
    *fl_out = alu_szp((uint32_t)p, size) | (hi ? FL_CF | FL_OF : 0);
    (void)fl_in;
    return p;
}

int64_t alu_imul(uint32_t a, uint32_t b, unsigned size, uint32_t fl_in, uint32_t *fl_out)
{
    int64_t p = (int64_t)sext(a, size) * sext(b, size);
    bool fits = p == (int64_t)sext((uint32_t)p, size);
    *fl_out = alu_szp((uint32_t)p, size) | (fits ? 0 : FL_CF | FL_OF);
    (void)fl_in;
    return p;
}

bool alu_div(uint64_t dividend, uint32_t divisor, unsigned size, uint32_t *q, uint32_t *r)
{
    uint32_t m = size_mask(size);
    divisor &= m;
    if (divisor == 0) return false;
    if (size < 4) dividend &= ((uint64_t)1 << (size * 16)) - 1;
    uint64_t qq = dividend / divisor;
    if (qq > m) return false;
    *q = (uint32_t)qq;
    *r = (uint32_t)(dividend % divisor);
    return true;
}

bool alu_idiv(uint64_t dividend, uint32_t divisor, unsigned size, uint32_t *q, uint32_t *r)
{
    int64_t d = sext(divisor, size);
    int64_t n;
    if (size == 4)
        n = (int64_t)dividend;
    else if (size == 2)
        n = (int32_t)(uint32_t)dividend;
    else
        n = (int16_t)(uint16_t)dividend;
    if (d == 0) return false;
    if (d == -1 && n == INT64_MIN)
        return false; /* would trap on the host; the quotient overflows anyway */
    int64_t qq = n / d, rr = n % d;
    int64_t lim = (int64_t)1 << (size * 8 - 1);
    if (qq >= lim || qq < -lim) return false;
    *q = (uint32_t)qq & size_mask(size);
    *r = (uint32_t)rr & size_mask(size);
    return true;
}

/* ---- BCD ---- */

uint8_t alu_daa(uint8_t al, uint32_t fl_in, uint32_t *fl_out)
{
    bool cf = fl_in & FL_CF, af = fl_in & FL_AF;
    uint8_t old = al;
    bool ncf = false, naf = false;
    if ((al & 0xf) > 9 || af) {
        ncf = cf || al > 0xf9;
        al += 6;
        naf = true;
    }
    if (old > 0x99 || cf) {
        al += 0x60;
        ncf = true;
    }
    *fl_out = alu_szp(al, 1) | (ncf ? FL_CF : 0) | (naf ? FL_AF : 0);
    return al;
}

uint8_t alu_das(uint8_t al, uint32_t fl_in, uint32_t *fl_out)
{
    bool cf = fl_in & FL_CF, af = fl_in & FL_AF;
    uint8_t old = al;
    bool ncf = false, naf = false;
    if ((al & 0xf) > 9 || af) {
        ncf = cf || al < 6;
        al -= 6;
        naf = true;
    }
    if (old > 0x99 || cf) {
        al -= 0x60;
        ncf = true;
    }
    *fl_out = alu_szp(al, 1) | (ncf ? FL_CF : 0) | (naf ? FL_AF : 0);
    return al;
}

uint16_t alu_aaa(uint16_t ax, uint32_t fl_in, uint32_t *fl_out)
{
    bool adj = (ax & 0xf) > 9 || (fl_in & FL_AF);
    if (adj) ax += 0x106;
    ax &= 0xff0f;
    *fl_out = (alu_szp(ax & 0xff, 1) & (FL_ZF | FL_PF)) | (adj ? FL_AF | FL_CF : 0);
    return ax;
}

uint16_t alu_aas(uint16_t ax, uint32_t fl_in, uint32_t *fl_out)
{
    bool adj = (ax & 0xf) > 9 || (fl_in & FL_AF);
    if (adj) ax -= 0x106;
    ax &= 0xff0f;
    *fl_out = (alu_szp(ax & 0xff, 1) & (FL_ZF | FL_PF)) | (adj ? FL_AF | FL_CF : 0);
    return ax;
}

uint16_t alu_aam(uint8_t al, uint8_t base, uint32_t fl_in, uint32_t *fl_out)
{
    uint8_t ah = al / base, lo = al % base;
    *fl_out = alu_szp(lo, 1);
    (void)fl_in;
    return (uint16_t)((ah << 8) | lo);
}

uint16_t alu_aad(uint16_t ax, uint8_t base, uint32_t fl_in, uint32_t *fl_out)
{
    uint8_t a = ax & 0xff, b = (uint8_t)((ax >> 8) * base);
    uint8_t r = (uint8_t)(a + b);
    bool cf = r < a;
    bool of = ((a ^ r) & (b ^ r)) & 0x80;
    bool af = (a ^ b ^ r) & 0x10;
    *fl_out = alu_szp(r, 1) | (cf ? FL_CF : 0) | (of ? FL_OF : 0) | (af ? FL_AF : 0);
    (void)fl_in;
    return r;
}
