/*
 * far.c - far JMP, CALL and RET in every mode, and their instruction handlers.
 *
 * Sources: SDM vol. 3A 5.8 (privilege-level changes: direct transfers,
 * call gates, stack switching and parameter copying, RET to an outer ring),
 * 7.3 (task gates and TSS descriptors as JMP/CALL targets); vol. 2 "JMP",
 * "CALL", "RET" pseudo-code, whose check order and error codes we follow.
 *
 * As everywhere in the CPU, all checks and stack writes precede the first
 * register change; the staged stack (prot_internal.h) makes the inner-ring
 * frame of a call gate safe to abandon.
 *
 * Not emulated: 64-bit call gates; the #SS error codes of faults on the
 * inner stack carry the new SS selector as the SDM says, those on the current
 * stack carry 0.
 */
#include "cpu/except.h"
#include "cpu/insn_table.h"
#include "cpu/intr.h"
#include "cpu/mmu.h"
#include "cpu/ops.h"
#include "cpu/prot_internal.h"
#include "cpu/seg.h"

static uint32_t trunc_ip(uint32_t off, unsigned osize) { return osize == 4 ? off : off & 0xffff; }

static void real_far_jump(struct cpu *c, uint16_t sel, uint32_t off)
{
    /* The CS limit that applies is the cached one, which a real-mode load keeps. */
    if (off > c->seg[SEG_CS].limit)
        cpu_raise_gp0(c);
    seg_load_real(c, SEG_CS, sel);
    c->eip = off;
}

/* Checks of a direct transfer to a code segment (JMP/CALL, SDM 5.8.1). */
static void check_direct_code(struct cpu *c, uint16_t sel, struct descriptor d)
{
    uint32_t err = sel & 0xfffcu;
    if (desc_conforming(d)) {
        if (desc_dpl(d) > c->cpl)
            cpu_raise(c, EXC_GP, err);
    } else if ((sel & 3u) > c->cpl || desc_dpl(d) != c->cpl) {
        cpu_raise(c, EXC_GP, err);
    }
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
}

/* Gate or TSS descriptor DPL vs CPL and RPL, then presence. */
static void check_gate(struct cpu *c, uint16_t sel, struct descriptor g)
{
    uint32_t err = sel & 0xfffcu;
    if (desc_dpl(g) < c->cpl || desc_dpl(g) < (sel & 3u))
        cpu_raise(c, EXC_GP, err);
    if (!desc_present(g))
        cpu_raise(c, EXC_NP, err);
}

/* The code segment named by a call gate: must be code with DPL <= CPL. */
static struct descriptor gate_target(struct cpu *c, struct descriptor g, uint16_t *csel)
{
    *csel = gate_sel(g);
    if ((*csel & ~3u) == 0)
        cpu_raise_gp0(c);
    struct descriptor d = seg_read_descriptor(c, *csel, EXC_GP);
    uint32_t err = *csel & 0xfffcu;
    if (!desc_is_code(d) || desc_dpl(d) > c->cpl)
        cpu_raise(c, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    return d;
}

/* Task gate or TSS descriptor as a JMP/CALL target. */
static void far_task(struct cpu *c, uint16_t sel, struct descriptor g, enum task_switch_reason why)
{
    check_gate(c, sel, g);
    uint16_t tsel = sel;
    struct descriptor td = g;
    if (desc_type(g) == SYS_TASK) {
        tsel = gate_sel(g);
        uint32_t terr = tsel & 0xfffcu;
        if ((tsel & 4) || !seg_try_descriptor(c, tsel, &td))
            cpu_raise(c, EXC_GP, terr);
        unsigned t = desc_type(td);
        if (desc_is_seg(td) || (t != SYS_TSS16_AVAIL && t != SYS_TSS32_AVAIL))
            cpu_raise(c, EXC_GP, terr);
        if (!desc_present(td))
            cpu_raise(c, EXC_NP, terr);
    }
    cpu_task_switch(c, tsel, td, why, false, 0);
}

void cpu_far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize)
{
    off = trunc_ip(off, osize);
    if (!cpu_pe(c) || cpu_v86(c)) {
        real_far_jump(c, sel, off);
        return;
    }
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(c);
    struct descriptor d = seg_read_descriptor(c, sel, EXC_GP);
    uint32_t err = sel & 0xfffcu;
    if (desc_is_code(d)) {
        check_direct_code(c, sel, d);
        if (off > desc_limit(d))
            cpu_raise_gp0(c);
        seg_set_accessed(c, sel, &d);
        seg_load_cs_checked(c, sel, d, c->cpl);
        c->eip = off;
        return;
    }
    if (desc_is_seg(d))
        cpu_raise(c, EXC_GP, err);
    switch (desc_type(d)) {
    case SYS_CALL16:
    case SYS_CALL32: {
        check_gate(c, sel, d);
        uint16_t csel;
        struct descriptor cd = gate_target(c, d, &csel);
        /* JMP through a gate never changes privilege. */
        if (!desc_conforming(cd) && desc_dpl(cd) != c->cpl)
            cpu_raise(c, EXC_GP, csel & 0xfffcu);
        uint32_t goff = gate_offset(d);
        if (goff > desc_limit(cd))
            cpu_raise_gp0(c);
        seg_set_accessed(c, csel, &cd);
        seg_load_cs_checked(c, csel, cd, c->cpl);
        c->eip = goff;
        return;
    }
    case SYS_TASK:
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
        far_task(c, sel, d, TS_JMP);
        return;
    default:
        cpu_raise(c, EXC_GP, err);
    }
}

static void call_gate(struct cpu *c, uint16_t sel, struct descriptor g)
{
    check_gate(c, sel, g);
    uint16_t csel;
    struct descriptor cd = gate_target(c, g, &csel);
    unsigned gsize = desc_type(g) == SYS_CALL32 ? 4 : 2;
    uint32_t goff = gate_offset(g);
    struct xstack x;

    if (!desc_conforming(cd) && desc_dpl(cd) < c->cpl) {
        /* More privileged: switch to the TSS stack and copy the parameters. */
        unsigned ncpl = desc_dpl(cd);
        uint16_t ss;
        uint32_t esp;
        tss_inner_stack(c, ncpl, &ss, &esp);
        struct descriptor sd = seg_check_stack(c, ss, ncpl, EXC_TS, 0);
        struct seg sseg = seg_from_desc(c, ss, sd, SEG_SS);
        xstack_init(&x, &sseg, esp, ncpl, ss & 0xfffcu);
        unsigned params = g.hi & 0x1f;
        xstack_push(c, &x, c->seg[SEG_SS].sel, gsize);
        xstack_push(c, &x, c->regs[R_ESP], gsize);
        struct xstack old;
        xstack_current(c, &old);
        for (unsigned k = params; k-- > 0;) {
            struct xstack p = old;
            xstack_skip(&p, k * gsize);
            xstack_push(c, &x, xstack_pop(c, &p, gsize), gsize);
        }
        xstack_push(c, &x, c->seg[SEG_CS].sel, gsize);
        xstack_push(c, &x, c->eip, gsize);
        if (goff > desc_limit(cd))
            cpu_raise_gp0(c);
        seg_set_accessed(c, csel, &cd);
        seg_set_accessed(c, ss, &sd);
        seg_load_cs_checked(c, csel, cd, ncpl);
        seg_set_desc(c, SEG_SS, ss, sd);
        c->regs[R_ESP] = x.sp;
        c->eip = goff;
        return;
    }
    xstack_current(c, &x);
    xstack_push(c, &x, c->seg[SEG_CS].sel, gsize);
    xstack_push(c, &x, c->eip, gsize);
    if (goff > desc_limit(cd))
        cpu_raise_gp0(c);
    seg_set_accessed(c, csel, &cd);
    xstack_commit_esp(c, &x);
    seg_load_cs_checked(c, csel, cd, c->cpl);
    c->eip = goff;
}

void cpu_far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize)
{
    off = trunc_ip(off, osize);
    struct xstack x;
    if (!cpu_pe(c) || cpu_v86(c)) {
        xstack_current(c, &x);
        xstack_push(c, &x, c->seg[SEG_CS].sel, osize);
        xstack_push(c, &x, c->eip, osize);
        if (off > c->seg[SEG_CS].limit)
            cpu_raise_gp0(c);
        xstack_commit_esp(c, &x);
        seg_load_real(c, SEG_CS, sel);
        c->eip = off;
        return;
    }
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(c);
    struct descriptor d = seg_read_descriptor(c, sel, EXC_GP);
    uint32_t err = sel & 0xfffcu;
    if (desc_is_code(d)) {
        check_direct_code(c, sel, d);
        xstack_current(c, &x);
        xstack_push(c, &x, c->seg[SEG_CS].sel, osize);
        xstack_push(c, &x, c->eip, osize);
        if (off > desc_limit(d))
            cpu_raise_gp0(c);
        seg_set_accessed(c, sel, &d);
        xstack_commit_esp(c, &x);
        seg_load_cs_checked(c, sel, d, c->cpl);
        c->eip = off;
        return;
    }
    if (desc_is_seg(d))
        cpu_raise(c, EXC_GP, err);
    switch (desc_type(d)) {
    case SYS_CALL16:
    case SYS_CALL32:
        call_gate(c, sel, d);
        return;
    case SYS_TASK:
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
        far_task(c, sel, d, TS_CALL);
        return;
    default:
        cpu_raise(c, EXC_GP, err);
    }
}

void cpu_far_return(struct cpu *c, unsigned osize, uint16_t pop_bytes)
{
    struct xstack x;
    xstack_current(c, &x);
    uint32_t eip = trunc_ip(xstack_pop(c, &x, osize), osize);
    uint16_t cs = (uint16_t)xstack_pop(c, &x, osize);
    if (!cpu_pe(c) || cpu_v86(c)) {
        if (eip > c->seg[SEG_CS].limit)
            cpu_raise_gp0(c);
        xstack_skip(&x, pop_bytes);
        xstack_commit_esp(c, &x);
        seg_load_real(c, SEG_CS, cs);
        c->eip = eip;
        return;
    }
    if ((cs & ~3u) == 0)
        cpu_raise_gp0(c);
    struct descriptor d = seg_read_descriptor(c, cs, EXC_GP);
    uint32_t err = cs & 0xfffcu;
    unsigned rpl = cs & 3;
    if (!desc_is_code(d) || rpl < c->cpl)
        cpu_raise(c, EXC_GP, err);
    if (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl)
        cpu_raise(c, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    xstack_skip(&x, pop_bytes);
    if (rpl == c->cpl) {
        if (eip > desc_limit(d))
            cpu_raise_gp0(c);
        seg_set_accessed(c, cs, &d);
        xstack_commit_esp(c, &x);
        seg_load_cs_checked(c, cs, d, rpl);
        c->eip = eip;
        return;
    }
    /* Return to an outer ring: SS:ESP follow the parameters. */
    uint32_t esp = xstack_pop(c, &x, osize);
    uint16_t ss = (uint16_t)xstack_pop(c, &x, osize);
    struct descriptor sd = seg_check_stack(c, ss, rpl, EXC_GP, 0);
    if (eip > desc_limit(d))
        cpu_raise_gp0(c);
    seg_set_accessed(c, cs, &d);
    seg_set_accessed(c, ss, &sd);
    seg_load_cs_checked(c, cs, d, rpl);
    seg_set_desc(c, SEG_SS, ss, sd);
    if (sd.hi & 0x00400000u)
        c->regs[R_ESP] = esp + pop_bytes;
    else
        c->regs[R_ESP] = (c->regs[R_ESP] & 0xffff0000u) | ((esp + pop_bytes) & 0xffff);
    c->eip = eip;
    seg_invalidate_outer(c);
}

/* ---- handlers ---- */

void op_jmp_far(struct cpu *c, const struct insn *i)
{
    cpu_far_jump(c, i->imm2, i->imm, insn_osize(i));
}

void op_call_far(struct cpu *c, const struct insn *i)
{
    cpu_far_call(c, i->imm2, i->imm, insn_osize(i));
}

/* m16:16 / m16:32 operand: offset first, selector after it. */
static void read_far_ptr(struct cpu *c, const struct insn *i, uint16_t *sel, uint32_t *off)
{
    unsigned osize = insn_osize(i);
    uint32_t ea = insn_ea(c, i);
    *off = cpu_read(c, i->seg, ea, osize);
    *sel = (uint16_t)cpu_read(c, i->seg, (ea + osize) & insn_amask(i), 2);
}

void op_jmp_far_m(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;
    read_far_ptr(c, i, &sel, &off);
    cpu_far_jump(c, sel, off, insn_osize(i));
}

void op_call_far_m(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;
    read_far_ptr(c, i, &sel, &off);
    cpu_far_call(c, sel, off, insn_osize(i));
}

void op_ret_far(struct cpu *c, const struct insn *i)
{
    cpu_far_return(c, insn_osize(i), 0);
}

void op_ret_far_imm(struct cpu *c, const struct insn *i)
{
    cpu_far_return(c, insn_osize(i), (uint16_t)i->imm);
}
