/*
 * decode.c - the x86 instruction decoder (16- and 32-bit code).
 *
 * Sources: Intel SDM vol. 2 ch. 2 (instruction format, ModRM/SIB tables
 * 2-1..2-3) and appendix A (opcode maps).  The opcode maps are not written
 * here: they are derived at start-up from cpu/insn_table.def, the single
 * source of truth, so an instruction is added by adding its row.
 *
 * Not decoded: VEX/EVEX, SSE (not on a Pentium II; those bytes are #UD),
 * 3DNow!, 64-bit mode.
 */
#include "cpu/decode.h"

#include <pthread.h>
#include <string.h>

#include "cpu/except.h"
#include "cpu/insn_table.h"
#include "cpu/ops.h"

const struct insn_row insn_rows[] = {
#define INSN(name, map, opc, reg, attrs, fr, fw, fn) {#name, fn, (attrs)},
#include "cpu/insn_table.def"
#undef INSN
};
const unsigned insn_row_count = INSN_COUNT;

/* Per opcode: either one row (`row`), or a group indexed by ModRM.reg. */
struct opcode_slot {
    uint16_t row;       /* INSN_INVALID when the opcode is undefined */
    uint16_t group[8];  /* rows by reg field when `grouped` */
    bool grouped;       /* the row depends on ModRM.reg */
};

static struct opcode_slot maps[2][256];
static pthread_once_t maps_once = PTHREAD_ONCE_INIT;

static void build_maps(void)
{
    static const struct {
        int map, opc, reg;
    } where[] = {
#define INSN(name, map, opc, reg, attrs, fr, fw, fn) {map, opc, reg},
#include "cpu/insn_table.def"
#undef INSN
    };
    for (int m = 0; m < 2; m++)
        for (int o = 0; o < 256; o++) {
            maps[m][o].row = INSN_INVALID;
            for (int r = 0; r < 8; r++)
                maps[m][o].group[r] = INSN_INVALID;
        }
    for (unsigned row = 0; row < INSN_COUNT; row++) {
        if (where[row].map > 1)
            continue; /* pseudo rows such as INVALID */
        struct opcode_slot *s = &maps[where[row].map][where[row].opc];
        if (where[row].reg == ANY) {
            s->row = (uint16_t)row;
        } else {
            s->grouped = true;
            s->group[where[row].reg] = (uint16_t)row;
        }
    }
}

uint32_t decode_row_attrs(unsigned op) { return op < INSN_COUNT ? insn_rows[op].attrs : 0; }
const char *decode_row_name(unsigned op) { return op < INSN_COUNT ? insn_rows[op].name : "?"; }

/* Per-form variants (insn_table.h): a row handler and its variant for a
 * ModRM register operand with a 32-bit operand size. */
#define ALU_REG32_FORMS(name)                                                                      \
    {op_##name##_rm_r, op_##name##_rm_r_reg32}, {op_##name##_r_rm, op_##name##_r_rm_reg32},        \
        {op_##name##_rm_imm, op_##name##_rm_imm_reg32}
static const struct {
    insn_fn *row_fn, *reg32_fn;
} reg32_forms[] = {
    ALU_REG32_FORMS(add), ALU_REG32_FORMS(or),  ALU_REG32_FORMS(adc), ALU_REG32_FORMS(sbb),
    ALU_REG32_FORMS(and), ALU_REG32_FORMS(sub), ALU_REG32_FORMS(xor), ALU_REG32_FORMS(cmp),
    {op_test_rm_r, op_test_rm_r_reg32},         {op_test_rm_imm, op_test_rm_imm_reg32},
    {op_inc_rm, op_inc_rm_reg32},               {op_dec_rm, op_dec_rm_reg32},
    {op_mov_rm_r, op_mov_rm_r_reg32},           {op_mov_r_rm, op_mov_r_rm_reg32},
};
#undef ALU_REG32_FORMS

/* The handler for a decoded instruction: the row's, or its per-form variant. */
static insn_fn *pick_handler(const struct insn *in, unsigned row, bool has_modrm)
{
    insn_fn *fn = insn_rows[row].fn;
    if (has_modrm && in->modrm >= 0xc0 && in->size == 4)
        for (size_t k = 0; k < sizeof reg32_forms / sizeof reg32_forms[0]; k++)
            if (reg32_forms[k].row_fn == fn)
                return reg32_forms[k].reg32_fn;
    return fn;
}

/* An instruction longer than 15 bytes is #GP(0) (SDM vol.2 2.3.11). */
static void op_too_long(struct cpu *c, const struct insn *i) { cpu_raise_gp0(c); }

struct reader {
    const uint8_t *p;
    size_t avail;
    size_t pos;
    bool short_read; /* ran past `avail` */
};

static uint32_t take(struct reader *r, unsigned n)
{
    uint32_t v = 0;
    if (r->pos + n > r->avail) {
        r->short_read = true;
        r->pos += n;
        return 0;
    }
    for (unsigned k = 0; k < n; k++)
        v |= (uint32_t)r->p[r->pos + k] << (8 * k);
    r->pos += n;
    return v;
}

static uint32_t sext8(uint32_t v) { return (uint32_t)(int32_t)(int8_t)v; }
static uint32_t sext16(uint32_t v) { return (uint32_t)(int32_t)(int16_t)v; }

/* 16-bit ModRM memory forms (SDM table 2-1): base, index, default segment. */
static const uint8_t ea16_base[8] = {R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX};
static const uint8_t ea16_index[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ZERO, R_ZERO, R_ZERO, R_ZERO};

static void decode_modrm_mem(struct insn *in, struct reader *r, int *default_seg)
{
    unsigned mod = in->modrm >> 6, rm = in->modrm & 7;
    in->base = R_ZERO;
    in->index = R_ZERO;
    in->scale = 0;
    in->disp = 0;
    *default_seg = SEG_DS;
    if (!(in->pfx & PFX_A32)) {
        if (mod == 0 && rm == 6) {
            in->disp = take(r, 2);
            return;
        }
        in->base = ea16_base[rm];
        in->index = ea16_index[rm];
        if (in->base == R_EBP)
            *default_seg = SEG_SS;
        if (mod == 1)
            in->disp = sext8(take(r, 1));
        else if (mod == 2)
            in->disp = take(r, 2);
        /* The 16-bit sum wraps: insn_ea masks with 0xffff, and a 16-bit
         * displacement is the same modulo 2^16 whether sign-extended or not. */
        return;
    }
    if (rm == 4) {
        uint32_t sib = take(r, 1);
        unsigned base = sib & 7, index = (sib >> 3) & 7;
        in->scale = (uint8_t)(sib >> 6);
        in->index = index == 4 ? R_ZERO : (uint8_t)index;
        if (base == 5 && mod == 0) {
            in->base = R_ZERO;
            in->disp = take(r, 4);
        } else {
            in->base = (uint8_t)base;
            if (base == R_ESP || base == R_EBP)
                *default_seg = SEG_SS;
        }
    } else if (rm == 5 && mod == 0) {
        in->disp = take(r, 4);
        return;
    } else {
        in->base = (uint8_t)rm;
        if (rm == R_EBP)
            *default_seg = SEG_SS;
    }
    if (mod == 1)
        in->disp += sext8(take(r, 1));
    else if (mod == 2)
        in->disp += take(r, 4);
}

int x86_decode(struct insn *out, const uint8_t *bytes, size_t avail, unsigned mode_bits)
{
    pthread_once(&maps_once, build_maps);
    struct reader r = {bytes, avail, 0, false};
    struct insn in;
    memset(&in, 0, sizeof in);
    bool code32 = mode_bits & MODE_CODE32;
    if (code32)
        in.pfx = PFX_O32 | PFX_A32;
    int seg_override = -1;

    /* Prefixes: any number, in any order, within the 15-byte limit. */
    unsigned map = 0, opc;
    for (;;) {
        if (r.pos >= X86_MAX_INSN_LEN) {
            if (r.pos > avail)
                return -DECODE_NEED_MORE;
            in.fn = op_too_long;
            in.op = INSN_INVALID;
            in.len = X86_MAX_INSN_LEN;
            *out = in;
            return X86_MAX_INSN_LEN;
        }
        uint32_t b = take(&r, 1);
        if (r.short_read)
            return -DECODE_NEED_MORE;
        switch (b) {
        case 0x26: seg_override = SEG_ES; continue;
        case 0x2e: seg_override = SEG_CS; continue;
        case 0x36: seg_override = SEG_SS; continue;
        case 0x3e: seg_override = SEG_DS; continue;
        case 0x64: seg_override = SEG_FS; continue;
        case 0x65: seg_override = SEG_GS; continue;
        case 0x66:
            in.pfx = (uint8_t)((in.pfx & ~PFX_O32) | (code32 ? 0 : PFX_O32) | PFX_66);
            continue;
        case 0x67: in.pfx = (uint8_t)((in.pfx & ~PFX_A32) | (code32 ? 0 : PFX_A32)); continue;
        case 0xf0: in.pfx |= PFX_LOCK; continue;
        case 0xf2: in.pfx = (uint8_t)((in.pfx & ~PFX_REP) | PFX_REPNE); continue;
        case 0xf3: in.pfx = (uint8_t)((in.pfx & ~PFX_REPNE) | PFX_REP); continue;
        default: break;
        }
        opc = b;
        break;
    }
    if (opc == 0x0f) {
        map = 1;
        opc = take(&r, 1);
        if (r.short_read)
            return -DECODE_NEED_MORE;
    }

    const struct opcode_slot *slot = &maps[map][opc];
    unsigned row = slot->row;
    uint32_t attrs = insn_rows[row].attrs;
    bool has_modrm = slot->grouped || (attrs & A_MODRM);
    bool ud = false;
    int default_seg = SEG_DS;
    if (has_modrm) {
        in.modrm = (uint8_t)take(&r, 1);
        if (slot->grouped) {
            row = slot->group[(in.modrm >> 3) & 7];
            attrs = insn_rows[row].attrs;
        }
        if (attrs & A_REGF) {
            in.modrm |= 0xc0; /* MOV CRn/DRn: the mod field is ignored (SDM vol.2 MOV-CR) */
        } else if (in.modrm < 0xc0) {
            decode_modrm_mem(&in, &r, &default_seg);
        } else if (attrs & A_MEM) {
            ud = true;
        }
    }
    unsigned osize = (in.pfx & PFX_O32) ? 4 : 2;
    if (attrs & (A_IMM8 | A_IMM8S)) {
        in.imm = take(&r, 1);
        if (attrs & A_IMM8S)
            in.imm = sext8(in.imm);
    } else if (attrs & A_IMM16) {
        in.imm = take(&r, 2);
    } else if (attrs & A_IMMV) {
        in.imm = take(&r, osize);
    } else if (attrs & A_REL8) {
        in.imm = sext8(take(&r, 1));
    } else if (attrs & A_RELV) {
        in.imm = osize == 4 ? take(&r, 4) : sext16(take(&r, 2));
    } else if (attrs & A_MOFFS) {
        in.disp = take(&r, (in.pfx & PFX_A32) ? 4 : 2);
        in.base = in.index = R_ZERO;
    } else if (attrs & A_FARPTR) {
        in.imm = take(&r, osize);
        in.imm2 = (uint16_t)take(&r, 2);
    } else if (attrs & A_ENTER) {
        in.imm = take(&r, 2);
        in.imm2 = (uint16_t)take(&r, 1);
    }
    if (r.short_read) {
        /* Past 15 bytes the instruction is #GP(0) however many bytes exist. */
        if (r.pos > X86_MAX_INSN_LEN && avail >= X86_MAX_INSN_LEN)
            goto too_long;
        return -DECODE_NEED_MORE;
    }
    if (r.pos > X86_MAX_INSN_LEN)
        goto too_long;

    if (!has_modrm)
        in.base = in.index = R_ZERO;
    if ((in.pfx & PFX_LOCK) && (!(attrs & A_LOCK) || in.modrm >= 0xc0))
        ud = true;
    if (ud || (attrs & A_UD))
        row = INSN_INVALID;
    in.op = (uint16_t)row;
    in.seg = (uint8_t)(seg_override >= 0 ? seg_override : default_seg);
    if (seg_override >= 0)
        in.pfx |= PFX_SEGOVR;
    in.size = (attrs & A_BYTE) ? 1 : (uint8_t)osize;
    in.fn = pick_handler(&in, row, has_modrm);
    in.len = (uint8_t)r.pos;
    *out = in;
    return (int)r.pos;

too_long:
    memset(&in, 0, sizeof in);
    in.fn = op_too_long;
    in.op = INSN_INVALID;
    in.len = X86_MAX_INSN_LEN;
    in.base = in.index = R_ZERO;
    *out = in;
    return X86_MAX_INSN_LEN;
}
