/*
 * fpu.c - x87 state: reset, register stack and tags, status word and
 * exception reporting.
 *
 * Sources: Intel SDM vol. 1 8.1 (registers, status/tag words), 8.5.1.1
 * (stack overflow/underflow), 8.7 and appendix D (#MF versus FERR#/IGNNE#
 * "MS-DOS compatibility" reporting), vol. 3A 9.1.1 table 9-1 (power-up
 * state), vol. 2 FINIT.
 *
 * Exceptions are reported at the next *waiting* x87 instruction (P6 style
 * deferred reporting): with CR0.NE=1 as #MF, with CR0.NE=0 by asserting
 * FERR# through the board callback and carrying on.  IGNNE# (asserted by the
 * board's port 0xF0 write) stays on until the guest clears ES.
 *
 * Not emulated: the FPU busy/freeze timing of FERR# (the instruction that
 * would wait for the IRQ 13 handler simply executes), 80287 modes.
 */
#include <string.h>

#include "cpu/except.h"
#include "cpu/fpu_internal.h"

unsigned fpu_tag_of(struct f80 v)
{
    uint16_t e = f80_exp(v);
    if (e == 0)
        return v.mant == 0 ? TAG_ZERO : TAG_SPECIAL; /* zero, or denormal/pseudo-denormal */
    if (e == 0x7fff || !(v.mant >> 63))
        return TAG_SPECIAL; /* inf, NaN, unnormal */
    return TAG_VALID;
}

void fpu_set_phys(struct fpu *f, unsigned p, struct f80 v)
{
    f->r[p] = v;
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * p))) | (fpu_tag_of(v) << (2 * p)));
}

void fpu_push(struct fpu *f, struct f80 v)
{
    f->top = (f->top - 1) & 7;
    st_set(f, 0, v);
}

void fpu_pop(struct fpu *f)
{
    f->tw |= (uint16_t)(3u << (2 * f->top));
    f->top = (f->top + 1) & 7;
}

uint16_t fpu_full_tw(const struct fpu *f)
{
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = fpu_tag_phys(f, p) == TAG_EMPTY ? TAG_EMPTY : fpu_tag_of(f->r[p]);
        tw |= (uint16_t)(t << (2 * p));
    }
    return tw;
}

void fpu_load_tw(struct fpu *f, uint16_t tw)
{
    f->tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = ((tw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY : fpu_tag_of(f->r[p]);
        f->tw |= (uint16_t)(t << (2 * p));
    }
}

uint16_t fpu_get_sw(const struct fpu *f)
{
    return (uint16_t)((f->sw & ~SW_TOP) | (f->top << 11));
}

void fpu_put_sw(struct cpu *c, uint16_t sw)
{
    c->fpu.top = (sw >> 11) & 7;
    c->fpu.sw = sw & ~SW_TOP;
    fpu_update_es(c);
}

struct f80_env fpu_env(const struct fpu *f)
{
    struct f80_env e;
    e.round = (f->cw >> CW_RC_SHIFT) & 3;
    e.prec = (f->cw >> CW_PC_SHIFT) & 3;
    if (e.prec == 1) /* reserved PC value: the x87 treats it as 64-bit precision */
        e.prec = F80_PREC64;
    e.flags = 0;
    e.masks = f->cw & SW_EXC;
    return e;
}

static void fpu_set_ferr(struct cpu *c, bool level)
{
    if (c->fpu.ferr == level)
        return;
    c->fpu.ferr = level;
    if (c->cfg.ferr)
        c->cfg.ferr(c->cfg.ferr_opaque, level);
}

void fpu_update_es(struct cpu *c)
{
    struct fpu *f = &c->fpu;
    if (f->sw & ~f->cw & SW_EXC) {
        f->sw |= SW_ES | SW_B;
    } else {
        f->sw &= ~(SW_ES | SW_B);
        f->ignne = false; /* FERR# deasserts, so the board's IGNNE# latch resets */
        fpu_set_ferr(c, false);
    }
}

void fpu_finish(struct cpu *c, const struct f80_env *e)
{
    struct fpu *f = &c->fpu;
    f->sw |= e->flags & SW_EXC;
    fpu_set_cc(f, SW_C1, (e->flags & F80_C1) ? SW_C1 : 0);
    fpu_update_es(c);
}

bool fpu_stack_fault(struct cpu *c, bool overflow)
{
    struct fpu *f = &c->fpu;
    f->sw |= SW_IE | SW_SF;
    fpu_set_cc(f, SW_C1, overflow ? SW_C1 : 0);
    fpu_update_es(c);
    return (f->cw & SW_IE) != 0;
}

void fpu_enter(struct cpu *c)
{
    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_raise_noerr(c, EXC_NM);
}

void fpu_check_pending(struct cpu *c)
{
    struct fpu *f = &c->fpu;
    if (!(f->sw & SW_ES))
        return;
    if (c->cr0 & CR0_NE)
        cpu_raise_noerr(c, EXC_MF);
    if (!f->ignne)
        fpu_set_ferr(c, true);
}

void fpu_clear_ferr(struct cpu *c)
{
    if (c->fpu.ferr)
        c->fpu.ignne = true;
    fpu_set_ferr(c, false);
}

void fpu_note_ptrs(struct cpu *c, const struct insn *i, unsigned esc)
{
    struct fpu *f = &c->fpu;
    f->fip = c->insn_eip;
    f->fcs = c->seg[SEG_CS].sel;
    f->fop = (uint16_t)(((esc & 7) << 8) | i->modrm);
    if (!insn_is_reg(i)) {
        f->fdp = insn_ea(c, i);
        f->fds = c->seg[i->seg].sel;
    }
}

struct f80 fpu_f80_from_bytes(const uint8_t b[10])
{
    struct f80 v;
    memcpy(&v.mant, b, 8);
    v.se = (uint16_t)(b[8] | (b[9] << 8));
    return v;
}

void fpu_f80_to_bytes(struct f80 v, uint8_t b[10])
{
    memcpy(b, &v.mant, 8);
    b[8] = (uint8_t)v.se;
    b[9] = (uint8_t)(v.se >> 8);
}

void fpu_reset(struct fpu *f)
{
    f->cw = 0x037f;
    f->sw = 0;
    f->top = 0;
    f->tw = 0xffff;
    f->fop = 0;
    f->fip = 0;
    f->fcs = 0;
    f->fdp = 0;
    f->fds = 0;
}

void fpu_power_on(struct fpu *f)
{
    memset(f, 0, sizeof(*f));
    fpu_reset(f);
    f->cw = 0x0040;
    f->tw = 0x5555; /* all registers +0.0, tagged zero (table 9-1) */
    f->mxcsr = 0x1f80;
}
