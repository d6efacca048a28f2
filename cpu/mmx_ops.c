/*
 * mmx_ops.c - the MMX instruction set of the Pentium II (0F 60-7F, D1-FE).
 *
 * Sources: Intel SDM vol. 1 ch. 9 (9.5 x87 aliasing: every MMX instruction
 * sets TOP to 0 and all tags to valid, EMMS sets them empty, and an MMX
 * register write sets the register's sign/exponent field to all ones;
 * 9.6.2 exceptions: CR0.EM -> #UD, CR0.TS -> #NM, pending x87 error -> #MF),
 * vol. 2 pages of each instruction (saturation, shift counts above the lane
 * width, PUNPCKL* reading only 32 bits from memory).
 *
 * Not emulated: the SSE and SSE2 additions (PSHUFW, PAVGB, 66-prefixed XMM
 * forms); a 66 prefix on these rows is ignored, as the P6 does.
 */
#include "cpu/except.h"
#include "cpu/fpu_internal.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

static void mmx_enter(struct cpu *c)
{
    if (c->cr0 & CR0_EM)
        cpu_raise_ud(c);
    if (c->cr0 & CR0_TS)
        cpu_raise_noerr(c, EXC_NM);
    fpu_check_pending(c);
}

/* The x87 side effect of every MMX instruction but EMMS. */
static void mmx_transition(struct cpu *c)
{
    c->fpu.top = 0;
    c->fpu.tw = 0;
}

static uint64_t mm_get(const struct cpu *c, unsigned n) { return c->fpu.r[n & 7].mant; }

static void mm_set(struct cpu *c, unsigned n, uint64_t v)
{
    c->fpu.r[n & 7].mant = v;
    c->fpu.r[n & 7].se = 0xffff;
}

/* The mm/m64 source (or m32 for the low unpacks). */
static uint64_t mm_src(struct cpu *c, const struct insn *i, bool m32)
{
    if (insn_is_reg(i))
        return mm_get(c, insn_rm(i));
    if (m32)
        return cpu_read(c, i->seg, insn_ea(c, i), 4);
    return cpu_read64(c, i->seg, insn_ea(c, i));
}

static void mm_result(struct cpu *c, const struct insn *i, uint64_t v)
{
    mm_set(c, insn_reg(i), v);
    mmx_transition(c);
}

/* ---- lane-wise arithmetic ---- */

enum lane_op { L_ADD, L_ADDS, L_ADDUS, L_SUB, L_SUBS, L_SUBUS, L_CMPEQ, L_CMPGT, L_MULL, L_MULH };

static int64_t sext(uint64_t v, unsigned bits) { return (int64_t)(v << (64 - bits)) >> (64 - bits); }

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static uint64_t lanes(uint64_t a, uint64_t b, unsigned bits, enum lane_op op)
{
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1, res = 0;
    int64_t smax = (int64_t)(m >> 1), smin = -smax - 1;
    for (unsigned s = 0; s < 64; s += bits) {
        uint64_t ua = (a >> s) & m, ub = (b >> s) & m;
        int64_t sa = sext(ua, bits), sb = sext(ub, bits);
        uint64_t r;
        switch (op) {
        case L_ADD: r = ua + ub; break;
        case L_ADDS: r = (uint64_t)clamp(sa + sb, smin, smax); break;
        case L_ADDUS: r = ua + ub > m ? m : ua + ub; break;
        case L_SUB: r = ua - ub; break;
        case L_SUBS: r = (uint64_t)clamp(sa - sb, smin, smax); break;
        case L_SUBUS: r = ua > ub ? ua - ub : 0; break;
        case L_CMPEQ: r = ua == ub ? m : 0; break;
        case L_CMPGT: r = sa > sb ? m : 0; break;
        case L_MULL: r = (uint64_t)(sa * sb); break;
        default: r = (uint64_t)((sa * sb) >> 16); break;
        }
        res |= (r & m) << s;
    }
    return res;
}

static void lane_insn(struct cpu *c, const struct insn *i, unsigned bits, enum lane_op op)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, false);
    mm_result(c, i, lanes(mm_get(c, insn_reg(i)), b, bits, op));
}

void op_paddb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_ADD); }
void op_paddw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_ADD); }
void op_paddd(struct cpu *c, const struct insn *i) { lane_insn(c, i, 32, L_ADD); }
void op_paddsb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_ADDS); }
void op_paddsw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_ADDS); }
void op_paddusb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_ADDUS); }
void op_paddusw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_ADDUS); }
void op_psubb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_SUB); }
void op_psubw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_SUB); }
void op_psubd(struct cpu *c, const struct insn *i) { lane_insn(c, i, 32, L_SUB); }
void op_psubsb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_SUBS); }
void op_psubsw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_SUBS); }
void op_psubusb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_SUBUS); }
void op_psubusw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_SUBUS); }
void op_pcmpeqb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_CMPEQ); }
void op_pcmpeqw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_CMPEQ); }
void op_pcmpeqd(struct cpu *c, const struct insn *i) { lane_insn(c, i, 32, L_CMPEQ); }
void op_pcmpgtb(struct cpu *c, const struct insn *i) { lane_insn(c, i, 8, L_CMPGT); }
void op_pcmpgtw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_CMPGT); }
void op_pcmpgtd(struct cpu *c, const struct insn *i) { lane_insn(c, i, 32, L_CMPGT); }
void op_pmullw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_MULL); }
void op_pmulhw(struct cpu *c, const struct insn *i) { lane_insn(c, i, 16, L_MULH); }

void op_pmaddwd(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, false), a = mm_get(c, insn_reg(i)), r = 0;
    for (unsigned s = 0; s < 64; s += 32) {
        int64_t lo = sext(a >> s, 16) * sext(b >> s, 16);
        int64_t hi = sext(a >> (s + 16), 16) * sext(b >> (s + 16), 16);
        r |= ((uint64_t)(lo + hi) & 0xffffffffu) << s; /* 0x8000^2 * 2 wraps to 0x80000000 */
    }
    mm_result(c, i, r);
}

/* ---- logic ---- */

static void logic_insn(struct cpu *c, const struct insn *i, unsigned op)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, false), a = mm_get(c, insn_reg(i)), r;
    switch (op) {
    case 0: r = a & b; break;
    case 1: r = ~a & b; break;
    case 2: r = a | b; break;
    default: r = a ^ b; break;
    }
    mm_result(c, i, r);
}

void op_pand(struct cpu *c, const struct insn *i) { logic_insn(c, i, 0); }
void op_pandn(struct cpu *c, const struct insn *i) { logic_insn(c, i, 1); }
void op_por(struct cpu *c, const struct insn *i) { logic_insn(c, i, 2); }
void op_pxor(struct cpu *c, const struct insn *i) { logic_insn(c, i, 3); }

/* ---- pack and unpack ---- */

/* Narrows each `bits`-wide lane of a and b to half width with signed or
 * unsigned saturation; a's lanes go to the low half of the result. */
static uint64_t pack(uint64_t a, uint64_t b, unsigned bits, bool usat)
{
    unsigned half = bits / 2, n = 64 / bits;
    uint64_t hm = (1ull << half) - 1, r = 0;
    int64_t lo = usat ? 0 : -(int64_t)(1ull << (half - 1));
    int64_t hi = usat ? (int64_t)hm : (int64_t)(hm >> 1);
    for (unsigned k = 0; k < 2 * n; k++) {
        uint64_t src = k < n ? a : b;
        int64_t v = sext(src >> ((k % n) * bits), bits);
        r |= ((uint64_t)clamp(v, lo, hi) & hm) << (k * half);
    }
    return r;
}

void op_packsswb(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, false);
    mm_result(c, i, pack(mm_get(c, insn_reg(i)), b, 16, false));
}
void op_packssdw(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, false);
    mm_result(c, i, pack(mm_get(c, insn_reg(i)), b, 32, false));
}
void op_packuswb(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, false);
    mm_result(c, i, pack(mm_get(c, insn_reg(i)), b, 16, true));
}

/* Interleaves the lanes of the low (high = false) or high halves of a and b,
 * a's lane first. */
static uint64_t unpack(uint64_t a, uint64_t b, unsigned bits, bool high)
{
    unsigned n = 32 / bits, base = high ? 32 : 0;
    uint64_t m = bits == 32 ? 0xffffffffull : (1ull << bits) - 1, r = 0;
    for (unsigned k = 0; k < n; k++) {
        r |= ((a >> (base + k * bits)) & m) << (2 * k * bits);
        r |= ((b >> (base + k * bits)) & m) << ((2 * k + 1) * bits);
    }
    return r;
}

static void unpack_insn(struct cpu *c, const struct insn *i, unsigned bits, bool high)
{
    mmx_enter(c);
    uint64_t b = mm_src(c, i, !high);
    mm_result(c, i, unpack(mm_get(c, insn_reg(i)), b, bits, high));
}

void op_punpcklbw(struct cpu *c, const struct insn *i) { unpack_insn(c, i, 8, false); }
void op_punpcklwd(struct cpu *c, const struct insn *i) { unpack_insn(c, i, 16, false); }
void op_punpckldq(struct cpu *c, const struct insn *i) { unpack_insn(c, i, 32, false); }
void op_punpckhbw(struct cpu *c, const struct insn *i) { unpack_insn(c, i, 8, true); }
void op_punpckhwd(struct cpu *c, const struct insn *i) { unpack_insn(c, i, 16, true); }
void op_punpckhdq(struct cpu *c, const struct insn *i) { unpack_insn(c, i, 32, true); }

/* ---- shifts ---- */

enum shift_kind { SH_LL, SH_RL, SH_RA };

static uint64_t shift(uint64_t a, uint64_t count, unsigned bits, enum shift_kind k)
{
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1, r = 0;
    if (count >= bits) {
        if (k != SH_RA)
            return 0;
        count = bits - 1; /* arithmetic: every bit becomes the sign */
    }
    for (unsigned s = 0; s < 64; s += bits) {
        uint64_t v = (a >> s) & m, x;
        switch (k) {
        case SH_LL: x = v << count; break;
        case SH_RL: x = v >> count; break;
        default: x = (uint64_t)(sext(v, bits) >> count); break;
        }
        r |= (x & m) << s;
    }
    return r;
}

static void shift_insn(struct cpu *c, const struct insn *i, unsigned bits, enum shift_kind k)
{
    mmx_enter(c);
    uint64_t count = mm_src(c, i, false);
    mm_result(c, i, shift(mm_get(c, insn_reg(i)), count, bits, k));
}

void op_psllw(struct cpu *c, const struct insn *i) { shift_insn(c, i, 16, SH_LL); }
void op_pslld(struct cpu *c, const struct insn *i) { shift_insn(c, i, 32, SH_LL); }
void op_psllq(struct cpu *c, const struct insn *i) { shift_insn(c, i, 64, SH_LL); }
void op_psrlw(struct cpu *c, const struct insn *i) { shift_insn(c, i, 16, SH_RL); }
void op_psrld(struct cpu *c, const struct insn *i) { shift_insn(c, i, 32, SH_RL); }
void op_psrlq(struct cpu *c, const struct insn *i) { shift_insn(c, i, 64, SH_RL); }
void op_psraw(struct cpu *c, const struct insn *i) { shift_insn(c, i, 16, SH_RA); }
void op_psrad(struct cpu *c, const struct insn *i) { shift_insn(c, i, 32, SH_RA); }

/* 0F 71/72/73 /2 /4 /6 ib: the register operand is in rm. */
void op_mmx_shift_imm(struct cpu *c, const struct insn *i)
{
    if (!insn_is_reg(i))
        cpu_raise_ud(c);
    mmx_enter(c);
    unsigned bits, n = insn_rm(i);
    enum shift_kind k;
    switch (i->op) {
    case INSN_PSRLW_imm: bits = 16; k = SH_RL; break;
    case INSN_PSRAW_imm: bits = 16; k = SH_RA; break;
    case INSN_PSLLW_imm: bits = 16; k = SH_LL; break;
    case INSN_PSRLD_imm: bits = 32; k = SH_RL; break;
    case INSN_PSRAD_imm: bits = 32; k = SH_RA; break;
    case INSN_PSLLD_imm: bits = 32; k = SH_LL; break;
    case INSN_PSRLQ_imm: bits = 64; k = SH_RL; break;
    default: bits = 64; k = SH_LL; break;
    }
    mm_set(c, n, shift(mm_get(c, n), i->imm & 0xff, bits, k));
    mmx_transition(c);
}

/* ---- moves ---- */

void op_movd_pq_ed(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    mm_result(c, i, rm_read(c, i, 4));
}

void op_movd_ed_pq(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    rm_write(c, i, (uint32_t)mm_get(c, insn_reg(i)), 4);
    mmx_transition(c);
}

void op_movq_pq_qq(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    mm_result(c, i, mm_src(c, i, false));
}

void op_movq_qq_pq(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    uint64_t v = mm_get(c, insn_reg(i));
    if (insn_is_reg(i))
        mm_set(c, insn_rm(i), v);
    else
        cpu_write64(c, i->seg, insn_ea(c, i), v);
    mmx_transition(c);
}

void op_emms(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    c->fpu.top = 0;
    c->fpu.tw = 0xffff;
}
