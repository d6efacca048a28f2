/*
 * fpu_control.c - x87 control instructions and state images: FLDCW,
 * FNINIT, FNCLEX, FLDENV/FNSTENV, FRSTOR/FNSAVE, FWAIT, FXSAVE/FXRSTOR.
 *
 * Sources: Intel SDM vol. 1 8.1.10 and figures 8-9 to 8-12 (14/28-byte
 * environment in real and protected mode), 8.1.11 (FSAVE image), 8.3.6
 * (FWAIT), vol. 2 FXSAVE table 3-53 (512-byte layout, abridged tag word),
 * FWAIT/WAIT (#NM when CR0.MP and CR0.TS).
 *
 * Choices where the SDM is silent: the reserved upper halves of the 32-bit
 * environment read 0xFFFF (as on P6 parts); in real and v86 mode the stored
 * instruction and data pointers are the 20/32-bit linear addresses.  FXSAVE
 * writes bytes 0-159 only (no XMM state exists) after checking the whole
 * 512-byte area is writable.  MXCSR is stored and read back; bits outside
 * MXCSR_MASK (0xFFBF) in FXRSTOR's image raise #GP(0).
 *
 * Not emulated: SSE state (XMM registers are absent on a Pentium II).
 */
#include <string.h>

#include "cpu/except.h"
#include "cpu/fpu_internal.h"
#include "cpu/ops.h"

#define MXCSR_MASK 0x0000ffbfu

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return p[0] | (p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (get16(p + 2) << 16); }

static bool fpu_real_format(const struct cpu *c) { return !cpu_pe(c) || cpu_v86(c); }

void fpu_fldcw(struct cpu *c, uint16_t cw)
{
    /* bits 6 and 13-15 are reserved; bit 6 reads back as 1 on the 387 and later */
    c->fpu.cw = (uint16_t)((cw & ~0xe0c0u) | 0x0040u);
    fpu_update_es(c);
}

void fpu_fninit(struct cpu *c)
{
    fpu_reset(&c->fpu);
    fpu_update_es(c);
}

void fpu_fnclex(struct cpu *c)
{
    c->fpu.sw &= ~(SW_EXC | SW_SF | SW_ES | SW_B);
    fpu_update_es(c);
}

/* Fills the 14- or 28-byte environment; returns its length. */
static unsigned env_image(struct cpu *c, bool o32, uint8_t *b)
{
    struct fpu *f = &c->fpu;
    bool real = fpu_real_format(c);
    uint32_t ip = f->fip, dp = f->fdp;
    if (real) {
        ip += (uint32_t)f->fcs << 4;
        dp += (uint32_t)f->fds << 4;
    }
    if (o32) {
        put32(b + 0, 0xffff0000u | f->cw);
        put32(b + 4, 0xffff0000u | fpu_get_sw(f));
        put32(b + 8, 0xffff0000u | fpu_full_tw(f));
        if (real) {
            put32(b + 12, 0xffff0000u | (ip & 0xffff));
            put32(b + 16, ((ip >> 16) << 12) | (f->fop & 0x7ff));
            put32(b + 20, 0xffff0000u | (dp & 0xffff));
            put32(b + 24, (dp >> 16) << 12);
        } else {
            put32(b + 12, ip);
            put32(b + 16, f->fcs | ((uint32_t)(f->fop & 0x7ff) << 16));
            put32(b + 20, dp);
            put32(b + 24, 0xffff0000u | f->fds);
        }
        return 28;
    }
    put16(b + 0, f->cw);
    put16(b + 2, fpu_get_sw(f));
    put16(b + 4, fpu_full_tw(f));
    if (real) {
        put16(b + 6, ip);
        put16(b + 8, (((ip >> 16) & 0xf) << 12) | (f->fop & 0x7ff));
        put16(b + 10, dp);
        put16(b + 12, ((dp >> 16) & 0xf) << 12);
    } else {
        put16(b + 6, ip);
        put16(b + 8, f->fcs);
        put16(b + 10, dp);
        put16(b + 12, f->fds);
    }
    return 14;
}

void fpu_fstenv(struct cpu *c, const struct insn *i, bool save)
{
    struct fpu *f = &c->fpu;
    uint8_t b[108];
    unsigned len = env_image(c, insn_osize(i) == 4, b);
    if (save) {
        for (unsigned k = 0; k < 8; k++)
            fpu_f80_to_bytes(st_get(f, k), b + len + 10 * k);
        len += 80;
    }
    cpu_write_bytes(c, i->seg, insn_ea(c, i), b, len);
    if (save) {
        fpu_fninit(c);
    } else {
        /* masks everything; ES stays as it was (the handler's FNCLEX clears it) */
        f->cw |= SW_EXC;
    }
}

void fpu_fldenv(struct cpu *c, const struct insn *i, bool restore)
{
    struct fpu *f = &c->fpu;
    bool o32 = insn_osize(i) == 4, real = fpu_real_format(c);
    unsigned len = o32 ? 28 : 14;
    uint8_t b[108];
    cpu_read_bytes(c, i->seg, insn_ea(c, i), b, len + (restore ? 80 : 0));

    uint16_t cw, sw, tw, fop = 0, fcs = 0, fds = 0;
    uint32_t ip, dp;
    if (o32) {
        cw = (uint16_t)get16(b);
        sw = (uint16_t)get16(b + 4);
        tw = (uint16_t)get16(b + 8);
        if (real) {
            ip = (get32(b + 12) & 0xffff) | (((get32(b + 16) >> 12) & 0xffff) << 16);
            fop = get32(b + 16) & 0x7ff;
            dp = (get32(b + 20) & 0xffff) | (((get32(b + 24) >> 12) & 0xffff) << 16);
        } else {
            ip = get32(b + 12);
            fcs = (uint16_t)get16(b + 16);
            fop = (get32(b + 16) >> 16) & 0x7ff;
            dp = get32(b + 20);
            fds = (uint16_t)get16(b + 24);
        }
    } else {
        cw = (uint16_t)get16(b);
        sw = (uint16_t)get16(b + 2);
        tw = (uint16_t)get16(b + 4);
        ip = get16(b + 6);
        dp = get16(b + 10);
        if (real) {
            ip |= (get16(b + 8) >> 12) << 16;
            fop = get16(b + 8) & 0x7ff;
            dp |= (get16(b + 12) >> 12) << 16;
        } else {
            fcs = (uint16_t)get16(b + 8);
            fds = (uint16_t)get16(b + 12);
        }
    }
    f->fip = ip;
    f->fdp = dp;
    f->fcs = fcs;
    f->fds = fds;
    f->fop = fop;
    f->cw = (uint16_t)((cw & ~0xe0c0u) | 0x0040u);
    f->top = (sw >> 11) & 7;
    if (restore)
        for (unsigned k = 0; k < 8; k++)
            f->r[fpu_phys(f, k)] = fpu_f80_from_bytes(b + len + 10 * k);
    fpu_load_tw(f, tw);
    fpu_put_sw(c, sw);
}

void op_fwait(struct cpu *c, const struct insn *i)
{
    if ((c->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise_noerr(c, EXC_NM);
    fpu_check_pending(c);
}

static uint32_t fx_area(struct cpu *c, const struct insn *i)
{
    if (insn_is_reg(i))
        cpu_raise_ud(c);
    fpu_enter(c);
    uint32_t ea = insn_ea(c, i);
    if ((c->seg[i->seg].base + ea) & 15)
        cpu_raise_gp0(c);
    return ea;
}

void op_fxsave(struct cpu *c, const struct insn *i)
{
    struct fpu *f = &c->fpu;
    uint32_t ea = fx_area(c, i);
    uint8_t b[160];
    memset(b, 0, sizeof(b));
    put16(b + 0, f->cw);
    put16(b + 2, fpu_get_sw(f));
    for (unsigned p = 0; p < 8; p++)
        if (fpu_tag_phys(f, p) != TAG_EMPTY)
            b[4] |= (uint8_t)(1u << p);
    put16(b + 6, f->fop & 0x7ff);
    put32(b + 8, f->fip);
    put16(b + 12, f->fcs);
    put32(b + 16, f->fdp);
    put16(b + 20, f->fds);
    put32(b + 24, f->mxcsr);
    put32(b + 28, MXCSR_MASK);
    for (unsigned k = 0; k < 8; k++)
        fpu_f80_to_bytes(st_get(f, k), b + 32 + 16 * k);
    cpu_probe_write(c, i->seg, ea, 512);
    cpu_write_bytes(c, i->seg, ea, b, sizeof(b));
}

void op_fxrstor(struct cpu *c, const struct insn *i)
{
    struct fpu *f = &c->fpu;
    uint32_t ea = fx_area(c, i);
    uint8_t b[512];
    cpu_read_bytes(c, i->seg, ea, b, sizeof(b));
    uint32_t mxcsr = get32(b + 24);
    if (mxcsr & ~MXCSR_MASK)
        cpu_raise_gp0(c);
    f->mxcsr = mxcsr;
    f->cw = (uint16_t)((get16(b) & ~0xe0c0u) | 0x0040u);
    uint16_t sw = (uint16_t)get16(b + 2);
    f->top = (sw >> 11) & 7;
    f->fop = get16(b + 6) & 0x7ff;
    f->fip = get32(b + 8);
    f->fcs = (uint16_t)get16(b + 12);
    f->fdp = get32(b + 16);
    f->fds = (uint16_t)get16(b + 20);
    for (unsigned k = 0; k < 8; k++)
        f->r[fpu_phys(f, k)] = fpu_f80_from_bytes(b + 32 + 16 * k);
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++)
        if (!(b[4] & (1u << p)))
            tw |= (uint16_t)(TAG_EMPTY << (2 * p));
    fpu_load_tw(f, tw);
    fpu_put_sw(c, sw);
}
