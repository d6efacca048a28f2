/*
 * intr.c - interrupt and exception delivery (IVT, IDT gates, V86) and IRET.
 *
 * Sources: SDM vol. 3A 6.4-6.14 (IDT, gates, stack frames, privilege and
 * error codes incl. the EXT/IDT bits), 20.3 (interrupts in V86 mode, VME
 * interrupt redirection bit map, table 20-2), 20.4 (PVI/VIF); vol. 2 "INT n",
 * "IRET/IRETD" pseudo-code for every check and flag rule.
 *
 * Every check and every stack write happens before any register is changed,
 * so a fault during delivery (which longjmps back to except.c) sees the state
 * of the interrupted instruction.
 *
 * Not emulated: SMM, the APIC, 64-bit frames; the #SS error codes of faults on
 * the old stack during IRET carry no EXT bit.
 */
#include "cpu/intr.h"

#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/mmu.h"
#include "cpu/prot_internal.h"

#define IRET_REAL_MASK 0x00257fd5u /* ID AC RF NT IOPL OF DF IF TF SF ZF AF PF CF */

static void finish_flags_change(struct cpu *c)
{
    cpu_update_tlb_cur(c); /* AC or CPL may have changed */
    c->stop_block = true;  /* IF/TF/VM: the loop must look again */
}

static void real_mode_interrupt(struct cpu *c, int vector)
{
    if ((uint32_t)vector * 4 + 3 > c->idtr.limit)
        cpu_raise_gp0(c);
    uint32_t ent = cpu_sys_read(c, c->idtr.base + (uint32_t)vector * 4, 4);
    struct xstack x;
    xstack_current(c, &x);
    xstack_push(c, &x, cpu_get_eflags(c) & 0xffff, 2);
    xstack_push(c, &x, c->seg[SEG_CS].sel, 2);
    xstack_push(c, &x, c->eip & 0xffff, 2);
    xstack_commit_esp(c, &x);
    cpu_set_eflags(c, 0, FL_IF | FL_TF | FL_AC | FL_RF);
    seg_load_real(c, SEG_CS, (uint16_t)(ent >> 16));
    c->eip = ent & 0xffff;
    finish_flags_change(c);
}

/* VME redirection of INT n to the V86 task's own IVT at linear 0 (methods 5
 * and 6 of table 20-2).  With IOPL < 3 the frame shows IF = VIF and IOPL = 3,
 * and VIF (not IF) is cleared. */
static void v86_redirect(struct cpu *c, int vector)
{
    uint32_t ent = cpu_lin_read(c, (uint32_t)vector * 4, 4);
    uint32_t fl = cpu_get_eflags(c);
    uint32_t img = fl & 0xffff;
    bool virt = cpu_iopl(c) < 3;
    if (virt)
        img = (img & ~FL_IF) | ((fl & FL_VIF) ? FL_IF : 0) | FL_IOPL;
    struct xstack x;
    xstack_current(c, &x);
    xstack_push(c, &x, img, 2);
    xstack_push(c, &x, c->seg[SEG_CS].sel, 2);
    xstack_push(c, &x, c->eip & 0xffff, 2);
    xstack_commit_esp(c, &x);
    cpu_set_eflags(c, 0, (virt ? FL_VIF : FL_IF) | FL_TF | FL_RF);
    seg_load_real(c, SEG_CS, (uint16_t)(ent >> 16));
    c->eip = ent & 0xffff;
    finish_flags_change(c);
}

/* Bit `vector` of the TSS interrupt redirection bit map (32 bytes below the
 * I/O map base); set means "not redirected". */
static bool int_redirect_bit(struct cpu *c, int vector)
{
    unsigned type = c->tr.flags & SEGF_TYPE;
    if (type != SYS_TSS32_BUSY && type != SYS_TSS32_AVAIL)
        cpu_raise_gp0(c);
    if (c->tr.limit < 0x67)
        cpu_raise_gp0(c);
    uint32_t map = cpu_sys_read(c, c->tr.base + 0x66, 2);
    uint32_t off = map - 32 + ((uint32_t)vector >> 3);
    if (map < 32 || off > c->tr.limit)
        cpu_raise_gp0(c);
    return (cpu_sys_read(c, c->tr.base + off, 1) >> (vector & 7)) & 1;
}

void cpu_soft_int(struct cpu *c, int vector)
{
    if (cpu_pe(c) && cpu_v86(c)) {
        if (c->cr4 & CR4_VME) {
            if (!int_redirect_bit(c, vector)) {
                v86_redirect(c, vector);
                return;
            }
            if (cpu_iopl(c) < 3)
                cpu_raise_gp0(c);
        } else if (cpu_iopl(c) < 3) {
            cpu_raise_gp0(c);
        }
    }
    cpu_interrupt(c, vector, INTR_SOFT, false, 0);
}

static void pm_task_gate(struct cpu *c, struct descriptor g, uint32_t ext, bool has_error,
                         uint32_t error)
{
    uint16_t tsel = gate_sel(g);
    uint32_t terr = (tsel & 0xfffcu) | ext;
    struct descriptor td;
    if ((tsel & 4) || !seg_try_descriptor(c, tsel, &td))
        cpu_raise(c, EXC_GP, terr);
    unsigned t = desc_type(td);
    if (desc_is_seg(td) || (t != SYS_TSS16_AVAIL && t != SYS_TSS32_AVAIL))
        cpu_raise(c, EXC_GP, terr);
    if (!desc_present(td))
        cpu_raise(c, EXC_NP, terr);
    cpu_task_switch(c, tsel, td, TS_INT, has_error, error);
}

static void pm_interrupt(struct cpu *c, int vector, enum intr_kind kind, bool has_error, uint32_t error)
{
    uint32_t ext = kind == INTR_SOFT ? 0 : 1;
    uint32_t idt_err = (uint32_t)vector * 8 + 2 + ext;
    if ((uint32_t)vector * 8 + 7 > c->idtr.limit)
        cpu_raise(c, EXC_GP, idt_err);
    struct descriptor g;
    g.lo = cpu_sys_read(c, c->idtr.base + (uint32_t)vector * 8, 4);
    g.hi = cpu_sys_read(c, c->idtr.base + (uint32_t)vector * 8 + 4, 4);
    unsigned type = desc_type(g);
    if (desc_is_seg(g) || !(type == SYS_TASK || type == SYS_INT16 || type == SYS_TRAP16 ||
                            type == SYS_INT32 || type == SYS_TRAP32))
        cpu_raise(c, EXC_GP, idt_err);
    if (kind == INTR_SOFT && desc_dpl(g) < c->cpl)
        cpu_raise(c, EXC_GP, (uint32_t)vector * 8 + 2);
    if (!desc_present(g))
        cpu_raise(c, EXC_NP, idt_err);
    if (type == SYS_TASK) {
        pm_task_gate(c, g, ext, has_error, error);
        return;
    }

    uint16_t sel = gate_sel(g);
    uint32_t off = gate_offset(g);
    uint32_t serr = (sel & 0xfffcu) | ext;
    if ((sel & ~3u) == 0)
        cpu_raise(c, EXC_GP, ext);
    struct descriptor d;
    if (!seg_try_descriptor(c, sel, &d))
        cpu_raise(c, EXC_GP, serr);
    if (!desc_is_code(d) || desc_dpl(d) > c->cpl)
        cpu_raise(c, EXC_GP, serr);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, serr);

    unsigned gsize = (type & 8) ? 4 : 2;
    bool v86 = cpu_v86(c);
    bool inner = !desc_conforming(d) && desc_dpl(d) < c->cpl;
    unsigned new_cpl = inner ? desc_dpl(d) : c->cpl;
    uint32_t fl = cpu_get_eflags(c);
    struct xstack x;
    uint16_t ss = 0;
    struct descriptor sd = {0, 0};
    if (inner) {
        if (v86 && new_cpl != 0)
            cpu_raise(c, EXC_GP, serr);
        uint32_t esp;
        tss_inner_stack(c, new_cpl, &ss, &esp);
        sd = seg_check_stack(c, ss, new_cpl, EXC_TS, ext);
        struct seg sseg = seg_from_desc(c, ss, sd, SEG_SS);
        xstack_init(&x, &sseg, esp, new_cpl, (ss & 0xfffcu) | ext);
        if (v86) {
            xstack_push(c, &x, c->seg[SEG_GS].sel, gsize);
            xstack_push(c, &x, c->seg[SEG_FS].sel, gsize);
            xstack_push(c, &x, c->seg[SEG_DS].sel, gsize);
            xstack_push(c, &x, c->seg[SEG_ES].sel, gsize);
        }
        xstack_push(c, &x, c->seg[SEG_SS].sel, gsize);
        xstack_push(c, &x, c->regs[R_ESP], gsize);
    } else {
        if (v86)
            cpu_raise(c, EXC_GP, serr);
        xstack_current(c, &x);
        x.err = ext;
    }
    xstack_push(c, &x, gsize == 4 ? fl : fl & 0xffff, gsize);
    xstack_push(c, &x, c->seg[SEG_CS].sel, gsize);
    xstack_push(c, &x, c->eip, gsize);
    if (has_error)
        xstack_push(c, &x, error, gsize);
    if (off > desc_limit(d))
        cpu_raise(c, EXC_GP, ext);
    seg_set_accessed(c, sel, &d);
    if (inner)
        seg_set_accessed(c, ss, &sd);

    /* Commit.  VM is cleared first so the segment caches below are built
     * with protected-mode rules. */
    uint32_t clear = FL_TF | FL_NT | FL_RF | FL_VM;
    if (type == SYS_INT16 || type == SYS_INT32)
        clear |= FL_IF;
    cpu_set_eflags(c, fl & ~clear, ~0u);
    if (inner) {
        if (v86) {
            seg_set_null(c, SEG_GS, 0);
            seg_set_null(c, SEG_FS, 0);
            seg_set_null(c, SEG_DS, 0);
            seg_set_null(c, SEG_ES, 0);
        }
        seg_set_desc(c, SEG_SS, ss, sd);
        c->regs[R_ESP] = x.sp;
    } else {
        xstack_commit_esp(c, &x);
    }
    seg_load_cs_checked(c, sel, d, new_cpl);
    c->eip = gsize == 4 ? off : off & 0xffff;
    finish_flags_change(c);
}

void cpu_interrupt(struct cpu *c, int vector, enum intr_kind kind, bool has_error, uint32_t error)
{
    if (!cpu_pe(c))
        real_mode_interrupt(c, vector);
    else
        pm_interrupt(c, vector, kind, has_error, error);
    if (vector == EXC_NMI && kind == INTR_EXT)
        c->nmi_blocked = true;
    c->halted = false;
}

/* ---- IRET ---- */

static void iret_real(struct cpu *c, unsigned osize)
{
    struct xstack x;
    xstack_current(c, &x);
    uint32_t eip = xstack_pop(c, &x, osize);
    uint16_t cs = (uint16_t)xstack_pop(c, &x, osize);
    uint32_t fl = xstack_pop(c, &x, osize);
    if (osize == 2)
        eip &= 0xffff;
    if (eip > c->seg[SEG_CS].limit)
        cpu_raise_gp0(c);
    xstack_commit_esp(c, &x);
    cpu_set_eflags(c, fl, osize == 4 ? IRET_REAL_MASK : IRET_REAL_MASK & 0xffff);
    seg_load_real(c, SEG_CS, cs);
    c->eip = eip;
}

static void iret_v86(struct cpu *c, unsigned osize)
{
    struct xstack x;
    xstack_current(c, &x);
    bool vme = cpu_iopl(c) < 3;
    if (vme && (!(c->cr4 & CR4_VME) || osize != 2))
        cpu_raise_gp0(c);
    uint32_t eip = xstack_pop(c, &x, osize);
    uint16_t cs = (uint16_t)xstack_pop(c, &x, osize);
    uint32_t fl = xstack_pop(c, &x, osize);
    if (osize == 2)
        eip &= 0xffff;
    uint32_t mask;
    if (vme) {
        if ((fl & FL_TF) || ((c->eflags & FL_VIP) && (fl & FL_IF)))
            cpu_raise_gp0(c);
        mask = IRET_REAL_MASK & 0xffff & ~(FL_IOPL | FL_IF);
        fl = (fl & 0xffff) | ((fl & FL_IF) ? FL_VIF : 0);
        mask |= FL_VIF;
    } else {
        mask = (osize == 4 ? IRET_REAL_MASK : IRET_REAL_MASK & 0xffff) & ~FL_IOPL;
    }
    if (eip > 0xffff)
        cpu_raise_gp0(c);
    xstack_commit_esp(c, &x);
    cpu_set_eflags(c, fl, mask);
    seg_load_real(c, SEG_CS, cs);
    c->eip = eip;
}

static void iret_task_return(struct cpu *c)
{
    uint16_t link = (uint16_t)cpu_sys_read(c, c->tr.base, 2);
    uint32_t err = link & 0xfffcu;
    struct descriptor d;
    if ((link & 4) || !seg_try_descriptor(c, link, &d))
        cpu_raise(c, EXC_TS, err);
    unsigned t = desc_type(d);
    if (desc_is_seg(d) || (t != SYS_TSS16_BUSY && t != SYS_TSS32_BUSY))
        cpu_raise(c, EXC_TS, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    cpu_task_switch(c, link, d, TS_IRET, false, 0);
}

/* IRETD at CPL 0 with VM=1 in the popped EFLAGS (SDM IRET, RETURN-TO-VIRTUAL-8086-MODE). */
static void iret_to_v86(struct cpu *c, struct xstack *x, uint32_t eip, uint16_t cs, uint32_t fl)
{
    uint32_t esp = xstack_pop(c, x, 4);
    uint16_t ss = (uint16_t)xstack_pop(c, x, 4);
    uint16_t es = (uint16_t)xstack_pop(c, x, 4);
    uint16_t ds = (uint16_t)xstack_pop(c, x, 4);
    uint16_t fs = (uint16_t)xstack_pop(c, x, 4);
    uint16_t gs = (uint16_t)xstack_pop(c, x, 4);
    if (eip > 0xffff)
        cpu_raise_gp0(c);
    cpu_set_eflags(c, fl | FL_VM, ~0u);
    seg_load_real(c, SEG_CS, cs);
    seg_load_real(c, SEG_SS, ss);
    seg_load_real(c, SEG_ES, es);
    seg_load_real(c, SEG_DS, ds);
    seg_load_real(c, SEG_FS, fs);
    seg_load_real(c, SEG_GS, gs);
    c->regs[R_ESP] = esp;
    c->eip = eip;
    cpu_set_cpl(c, 3);
}

static void iret_pm(struct cpu *c, unsigned osize)
{
    struct xstack x;
    xstack_current(c, &x);
    uint32_t eip = xstack_pop(c, &x, osize);
    uint16_t cs = (uint16_t)xstack_pop(c, &x, osize);
    uint32_t fl = xstack_pop(c, &x, osize);
    if (osize == 4 && (fl & FL_VM) && c->cpl == 0) {
        iret_to_v86(c, &x, eip, cs, fl);
        return;
    }
    if (osize == 2)
        eip &= 0xffff;
    if ((cs & ~3u) == 0)
        cpu_raise_gp0(c);
    uint32_t err = cs & 0xfffcu;
    struct descriptor d = seg_read_descriptor(c, cs, EXC_GP);
    unsigned rpl = cs & 3;
    if (!desc_is_code(d) || rpl < c->cpl)
        cpu_raise(c, EXC_GP, err);
    if (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl)
        cpu_raise(c, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    bool outer = rpl > c->cpl;
    uint32_t esp = 0;
    uint16_t ss = 0;
    struct descriptor sd = {0, 0};
    if (outer) {
        esp = xstack_pop(c, &x, osize);
        ss = (uint16_t)xstack_pop(c, &x, osize);
        sd = seg_check_stack(c, ss, rpl, EXC_GP, 0);
    }
    if (eip > desc_limit(d))
        cpu_raise_gp0(c);
    seg_set_accessed(c, cs, &d);
    if (outer)
        seg_set_accessed(c, ss, &sd);

    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_RF | FL_AC | FL_ID;
    if (c->cpl <= cpu_iopl(c))
        mask |= FL_IF;
    if (c->cpl == 0)
        mask |= FL_IOPL | FL_IF | FL_VIF | FL_VIP;
    if (osize == 2)
        mask &= 0xffff;
    cpu_set_eflags(c, fl, mask);
    if (outer) {
        seg_load_cs_checked(c, cs, d, rpl);
        seg_set_desc(c, SEG_SS, ss, sd);
        if (sd.hi & 0x00400000u)
            c->regs[R_ESP] = esp;
        else
            c->regs[R_ESP] = (c->regs[R_ESP] & 0xffff0000u) | (esp & 0xffff);
        seg_invalidate_outer(c);
    } else {
        seg_load_cs_checked(c, cs, d, c->cpl);
        xstack_commit_esp(c, &x);
    }
    c->eip = eip;
}

void cpu_iret(struct cpu *c, unsigned osize)
{
    if (!cpu_pe(c))
        iret_real(c, osize);
    else if (cpu_v86(c))
        iret_v86(c, osize);
    else if (c->eflags & FL_NT)
        iret_task_return(c);
    else
        iret_pm(c, osize);
    c->nmi_blocked = false;
    finish_flags_change(c);
}
