/*
 * tasking.c - hardware task switches and TSS stack lookups.
 *
 * Sources: SDM vol. 3A 7.2 (TSS layouts, 32- and 16-bit), 7.3 (task
 * switching, the 14 steps and which faults happen before and after the
 * commit point), 7.4 (busy bit, NT, back link), 6.13 (error code pushed on
 * the new task's stack), 17.3.1.5 (T bit: #DB trap in the new task).
 *
 * Everything that can fault in the old task's context (reading the new TSS,
 * page faults on the old TSS save area) happens first.  After the commit point
 * the new task's state is in the registers and c->insn_eip is moved to the
 * new EIP, so a fault while loading the new segments is delivered in the new
 * task, as the SDM requires.
 *
 * Not emulated: the I/O map base is read by cpu_io_check from the TSS at each
 * access (nothing is cached); 16-bit TSSs leave the upper halves of the
 * general registers unchanged; no locked cycles for the busy bit.  The T-bit
 * trap is reported through c->pending_dr6 (BT), which the run loop turns into
 * a #DB after the instruction.
 */
#include "cpu/intr.h"

#include "cpu/except.h"
#include "cpu/mmu.h"
#include "cpu/paging.h"
#include "cpu/prot_internal.h"

#define DR6_BT 0x8000u

void tss_inner_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
    uint32_t err = c->tr.sel & 0xfffcu;
    if (c->tr.flags & 8) { /* 32-bit TSS */
        uint32_t off = 4 + dpl * 8;
        if (off + 5 > c->tr.limit)
            cpu_raise(c, EXC_TS, err);
        *esp = cpu_sys_read(c, c->tr.base + off, 4);
        *ss = (uint16_t)cpu_sys_read(c, c->tr.base + off + 4, 2);
    } else {
        uint32_t off = 2 + dpl * 4;
        if (off + 3 > c->tr.limit)
            cpu_raise(c, EXC_TS, err);
        *esp = cpu_sys_read(c, c->tr.base + off, 2);
        *ss = (uint16_t)cpu_sys_read(c, c->tr.base + off + 2, 2);
    }
}

struct tss_image {
    uint32_t cr3, eip, eflags;
    uint32_t regs[8];
    uint16_t sregs[SEG_COUNT]; /* ES CS SS DS FS GS, as in the TSS */
    uint16_t ldt;
    bool trap;
};

static void read_tss(struct cpu *c, uint32_t base, bool t32, struct tss_image *t)
{
    if (t32) {
        t->cr3 = cpu_sys_read(c, base + 0x1c, 4);
        t->eip = cpu_sys_read(c, base + 0x20, 4);
        t->eflags = cpu_sys_read(c, base + 0x24, 4);
        for (unsigned r = 0; r < 8; r++)
            t->regs[r] = cpu_sys_read(c, base + 0x28 + r * 4, 4);
        for (unsigned s = 0; s < SEG_COUNT; s++)
            t->sregs[s] = (uint16_t)cpu_sys_read(c, base + 0x48 + s * 4, 2);
        t->ldt = (uint16_t)cpu_sys_read(c, base + 0x60, 2);
        t->trap = cpu_sys_read(c, base + 0x64, 2) & 1;
    } else {
        t->cr3 = 0;
        t->eip = cpu_sys_read(c, base + 0x0e, 2);
        t->eflags = cpu_sys_read(c, base + 0x10, 2);
        for (unsigned r = 0; r < 8; r++)
            t->regs[r] = (c->regs[r] & 0xffff0000u) | cpu_sys_read(c, base + 0x12 + r * 2, 2);
        for (unsigned s = 0; s < 4; s++)
            t->sregs[s] = (uint16_t)cpu_sys_read(c, base + 0x22 + s * 2, 2);
        t->sregs[SEG_FS] = t->sregs[SEG_GS] = 0;
        t->ldt = (uint16_t)cpu_sys_read(c, base + 0x2a, 2);
        t->trap = false;
    }
}

static void save_tss(struct cpu *c, uint32_t base, bool t32, uint32_t eflags)
{
    if (t32) {
        cpu_sys_write(c, base + 0x20, c->eip, 4);
        cpu_sys_write(c, base + 0x24, eflags, 4);
        for (unsigned r = 0; r < 8; r++)
            cpu_sys_write(c, base + 0x28 + r * 4, c->regs[r], 4);
        for (unsigned s = 0; s < SEG_COUNT; s++)
            cpu_sys_write(c, base + 0x48 + s * 4, c->seg[s].sel, 2);
    } else {
        cpu_sys_write(c, base + 0x0e, c->eip & 0xffff, 2);
        cpu_sys_write(c, base + 0x10, eflags & 0xffff, 2);
        for (unsigned r = 0; r < 8; r++)
            cpu_sys_write(c, base + 0x12 + r * 2, c->regs[r] & 0xffff, 2);
        for (unsigned s = 0; s < 4; s++)
            cpu_sys_write(c, base + 0x22 + s * 2, c->seg[s].sel, 2);
    }
}

static void set_busy(struct cpu *c, uint16_t sel, bool busy)
{
    uint32_t addr = c->gdtr.base + (sel & ~7u) + 5;
    uint32_t b = cpu_sys_read(c, addr, 1);
    b = busy ? (b | 2) : (b & ~2u);
    cpu_sys_write(c, addr, b, 1);
}

/* Segment loads of the new task (after the commit point): #TS for bad
 * selectors and descriptors, #NP / #SS when not present. */
static void load_task_segments(struct cpu *c, const struct tss_image *t)
{
    uint16_t ldt = t->ldt;
    if ((ldt & ~3u) == 0) {
        c->ldtr.sel = ldt;
        c->ldtr.base = c->ldtr.limit = 0;
        c->ldtr.flags = 0;
    } else {
        struct descriptor d;
        uint32_t err = ldt & 0xfffcu;
        if ((ldt & 4) || !seg_try_descriptor(c, ldt, &d))
            cpu_raise(c, EXC_TS, err);
        if (desc_is_seg(d) || desc_type(d) != SYS_LDT || !desc_present(d))
            cpu_raise(c, EXC_TS, err);
        c->ldtr.sel = ldt;
        c->ldtr.base = desc_base(d);
        c->ldtr.limit = desc_limit(d);
        c->ldtr.flags = desc_flags(d);
    }

    if (cpu_v86(c)) {
        for (int s = 0; s < SEG_COUNT; s++)
            seg_load_real(c, s, t->sregs[s]);
        cpu_set_cpl(c, 3);
        return;
    }

    /* Selectors first, so a handler of a fault below sees the new ones. */
    for (int s = 0; s < SEG_COUNT; s++)
        seg_set_null(c, s, t->sregs[s]);

    uint16_t cs = t->sregs[SEG_CS];
    unsigned cpl = cs & 3;
    uint32_t err = cs & 0xfffcu;
    struct descriptor d;
    if ((cs & ~3u) == 0 || !seg_try_descriptor(c, cs, &d) || !desc_is_code(d))
        cpu_raise(c, EXC_TS, err);
    if (desc_conforming(d) ? desc_dpl(d) > cpl : desc_dpl(d) != cpl)
        cpu_raise(c, EXC_TS, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    seg_set_accessed(c, cs, &d);
    seg_load_cs_checked(c, cs, d, cpl);

    uint16_t ss = t->sregs[SEG_SS];
    d = seg_check_stack(c, ss, cpl, EXC_TS, 0);
    seg_set_accessed(c, ss, &d);
    seg_set_desc(c, SEG_SS, ss, d);

    static const int data[] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS};
    for (unsigned k = 0; k < 4; k++) {
        uint16_t sel = t->sregs[data[k]];
        if ((sel & ~3u) == 0)
            continue;
        err = sel & 0xfffcu;
        if (!seg_try_descriptor(c, sel, &d) || !desc_is_seg(d) || (desc_is_code(d) && !desc_rw(d)))
            cpu_raise(c, EXC_TS, err);
        if (!desc_conforming(d) && (desc_dpl(d) < cpl || desc_dpl(d) < (sel & 3u)))
            cpu_raise(c, EXC_TS, err);
        if (!desc_present(d))
            cpu_raise(c, EXC_NP, err);
        seg_set_accessed(c, sel, &d);
        seg_set_desc(c, data[k], sel, d);
    }
}

void cpu_task_switch(struct cpu *c, uint16_t sel, struct descriptor d, enum task_switch_reason why,
                     bool has_error, uint32_t error)
{
    uint32_t terr = sel & 0xfffcu;
    bool n32 = desc_type(d) & 8;
    uint32_t nbase = desc_base(d);
    uint32_t nlimit = desc_limit(d);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, terr);
    if (nlimit < (n32 ? 0x67u : 0x2bu))
        cpu_raise(c, EXC_TS, terr);

    /* Faults in the old task's context: new TSS reads, old TSS save area. */
    struct tss_image t;
    read_tss(c, nbase, n32, &t);
    bool o32 = c->tr.flags & 8;
    uint32_t obase = c->tr.base;
    cpu_translate(c, obase + (o32 ? 0x20 : 0x0e), ACC_WRITE, TLB_SUPER);
    cpu_translate(c, obase + (o32 ? 0x5f : 0x29), ACC_WRITE, TLB_SUPER);
    if (why == TS_CALL || why == TS_INT)
        cpu_translate(c, nbase, ACC_WRITE, TLB_SUPER);

    uint32_t oflags = cpu_get_eflags(c);
    if (why == TS_IRET)
        oflags &= ~FL_NT;
    if (why == TS_JMP || why == TS_IRET)
        set_busy(c, c->tr.sel, false);
    save_tss(c, obase, o32, oflags);

    if (why == TS_CALL || why == TS_INT) {
        t.eflags |= FL_NT;
        cpu_sys_write(c, nbase, c->tr.sel, 2);
    }
    if (why != TS_IRET) {
        set_busy(c, sel, true);
        d.hi |= 0x200u;
    }

    /* Commit point. */
    c->tr.sel = sel;
    c->tr.base = nbase;
    c->tr.limit = nlimit;
    c->tr.flags = desc_flags(d);
    c->cr0 |= CR0_TS;
    if (n32 && (c->cr0 & CR0_PG))
        cpu_load_cr3(c, t.cr3);
    cpu_set_eflags(c, t.eflags, n32 ? ~0u : 0xffffu);
    for (unsigned r = 0; r < 8; r++)
        c->regs[r] = t.regs[r];
    c->eip = n32 ? t.eip : t.eip & 0xffff;
    c->insn_eip = c->eip;
    c->stop_block = true;

    load_task_segments(c, &t);
    cpu_update_tlb_cur(c);

    if (has_error) {
        struct xstack x;
        xstack_current(c, &x);
        xstack_push(c, &x, error, n32 ? 4 : 2);
        xstack_commit_esp(c, &x);
    }
    if (c->eip > c->seg[SEG_CS].limit)
        cpu_raise_gp0(c);
    if (t.trap)
        c->pending_dr6 |= DR6_BT;
}
