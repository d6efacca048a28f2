/*
 * ops_system.c - system instructions: descriptor-table registers, LDTR/TR,
 * access-rights queries, control and debug registers, HLT, CLI/STI,
 * PUSHF/POPF, TSC/PMC/MSR, CPUID, SYSENTER/SYSEXIT, caches.
 *
 * Sources: SDM vol. 2 pseudo-code of each instruction (check order and
 * error codes), vol. 3A 2.5 (CR0/CR4 bits and invalid combinations), 17.2
 * (DR4/DR5 aliasing, DR6/DR7 fixed bits, DR7.GD), 20.4 (VME/PVI: CLI, STI,
 * PUSHF, POPF on VIF), 5.8.7 (SYSENTER/SYSEXIT flat segments).
 *
 * Not emulated: caches (INVD/WBINVD do nothing), performance counters (RDPMC
 * reads 0), I/O breakpoints.  SGDT/SIDT with a 16-bit operand size store
 * the high base byte as 0 (the SDM's description for IA-32 processors).
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/insn_table.h"
#include "cpu/msr.h"
#include "cpu/ops.h"
#include "cpu/prot_internal.h"
#include "cpu/seg.h"

static void require_cpl0(struct cpu *c)
{
    if (c->cpl != 0)
        cpu_raise_gp0(c);
}

/* LLDT, SLDT, LAR, ... exist only in protected mode proper. */
static void require_pm(struct cpu *c)
{
    if (!cpu_pe(c) || cpu_v86(c))
        cpu_raise_ud(c);
}

static void finish_flags(struct cpu *c)
{
    cpu_update_tlb_cur(c); /* EFLAGS.AC */
    c->stop_block = true;  /* IF/TF: look for interrupts and single-step again */
}

/* A 16-bit selector result: zero-extended into a 32-bit register, 16 bits to memory. */
static void store_sel(struct cpu *c, const struct insn *i, uint16_t v)
{
    if (insn_is_reg(i))
        reg_write(c, insn_rm(i), v, insn_osize(i));
    else
        cpu_write(c, i->seg, insn_ea(c, i), v, 2);
}

void op_ud(struct cpu *c, const struct insn *i)
{
    cpu_raise_ud(c);
}

/* ---- LDTR / TR ---- */

void op_sldt(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    store_sel(c, i, c->ldtr.sel);
}

void op_str(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    store_sel(c, i, c->tr.sel);
}

void op_lldt(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    require_cpl0(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    if ((sel & ~3u) == 0) {
        c->ldtr.sel = sel;
        c->ldtr.base = c->ldtr.limit = 0;
        c->ldtr.flags = 0;
        return;
    }
    uint32_t err = sel & 0xfffcu;
    if (sel & 4)
        cpu_raise(c, EXC_GP, err);
    struct descriptor d = seg_read_descriptor(c, sel, EXC_GP);
    if (desc_is_seg(d) || desc_type(d) != SYS_LDT)
        cpu_raise(c, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    c->ldtr.sel = sel;
    c->ldtr.base = desc_base(d);
    c->ldtr.limit = desc_limit(d);
    c->ldtr.flags = desc_flags(d);
}

void op_ltr(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    require_cpl0(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(c);
    uint32_t err = sel & 0xfffcu;
    if (sel & 4)
        cpu_raise(c, EXC_GP, err);
    struct descriptor d = seg_read_descriptor(c, sel, EXC_GP);
    if (desc_is_seg(d) || (desc_type(d) != SYS_TSS16_AVAIL && desc_type(d) != SYS_TSS32_AVAIL))
        cpu_raise(c, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_NP, err);
    d.hi |= 0x200u; /* busy */
    cpu_sys_write(c, c->gdtr.base + (sel & ~7u) + 5, (d.hi >> 8) & 0xff, 1);
    c->tr.sel = sel;
    c->tr.base = desc_base(d);
    c->tr.limit = desc_limit(d);
    c->tr.flags = desc_flags(d);
}

/* ---- access-rights queries: ZF reports, bad selectors never fault ---- */

static bool visible_at_cpl(struct cpu *c, uint16_t sel, struct descriptor d)
{
    if (desc_conforming(d))
        return true;
    return desc_dpl(d) >= c->cpl && desc_dpl(d) >= (sel & 3u);
}

static bool lookup(struct cpu *c, uint16_t sel, struct descriptor *d)
{
    return (sel & ~3u) != 0 && seg_try_descriptor(c, sel, d);
}

static void set_zf(struct cpu *c, bool z)
{
    flags_set_some(c, FL_ZF, z ? FL_ZF : 0);
}

void op_verr(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    struct descriptor d;
    bool ok = lookup(c, sel, &d) && desc_is_seg(d) && (!desc_is_code(d) || desc_rw(d)) &&
              visible_at_cpl(c, sel, d);
    set_zf(c, ok);
}

void op_verw(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    struct descriptor d;
    bool ok = lookup(c, sel, &d) && desc_is_data(d) && desc_rw(d) && visible_at_cpl(c, sel, d);
    set_zf(c, ok);
}

void op_lar(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    struct descriptor d;
    bool ok = lookup(c, sel, &d);
    if (ok && !desc_is_seg(d)) {
        switch (desc_type(d)) {
        case SYS_TSS16_AVAIL: case SYS_LDT: case SYS_TSS16_BUSY: case SYS_CALL16: case SYS_TASK:
        case SYS_TSS32_AVAIL: case SYS_TSS32_BUSY: case SYS_CALL32:
            break;
        default:
            ok = false;
        }
    }
    ok = ok && visible_at_cpl(c, sel, d);
    if (ok)
        reg_write(c, insn_reg(i), d.hi & (insn_osize(i) == 4 ? 0x00ffff00u : 0xff00u), insn_osize(i));
    set_zf(c, ok);
}

void op_lsl(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    struct descriptor d;
    bool ok = lookup(c, sel, &d);
    if (ok && !desc_is_seg(d)) {
        unsigned t = desc_type(d);
        ok = t == SYS_TSS16_AVAIL || t == SYS_LDT || t == SYS_TSS16_BUSY || t == SYS_TSS32_AVAIL ||
             t == SYS_TSS32_BUSY;
    }
    ok = ok && visible_at_cpl(c, sel, d);
    if (ok)
        reg_write(c, insn_reg(i), desc_limit(d), insn_osize(i));
    set_zf(c, ok);
}

void op_arpl(struct cpu *c, const struct insn *i)
{
    require_pm(c);
    uint32_t dst = rm_read(c, i, 2);
    uint32_t src = reg_read(c, insn_reg(i), 2);
    if ((dst & 3) < (src & 3)) {
        rm_write(c, i, (dst & ~3u) | (src & 3), 2);
        set_zf(c, true);
    } else {
        set_zf(c, false);
    }
}

/* ---- GDTR / IDTR / MSW ---- */

static void store_dtr(struct cpu *c, const struct insn *i, const struct dtr *t)
{
    uint32_t ea = insn_ea(c, i);
    uint32_t base = insn_osize(i) == 4 ? t->base : t->base & 0xffffff;
    cpu_probe_write(c, i->seg, ea, 6);
    cpu_write(c, i->seg, ea, t->limit & 0xffff, 2);
    cpu_write(c, i->seg, (ea + 2) & insn_amask(i), base, 4);
}

static void load_dtr(struct cpu *c, const struct insn *i, struct dtr *t)
{
    require_cpl0(c);
    uint32_t ea = insn_ea(c, i);
    uint32_t limit = cpu_read(c, i->seg, ea, 2);
    uint32_t base = cpu_read(c, i->seg, (ea + 2) & insn_amask(i), 4);
    if (insn_osize(i) == 2)
        base &= 0xffffff;
    t->limit = limit;
    t->base = base;
}

void op_sgdt(struct cpu *c, const struct insn *i) { store_dtr(c, i, &c->gdtr); }
void op_sidt(struct cpu *c, const struct insn *i) { store_dtr(c, i, &c->idtr); }
void op_lgdt(struct cpu *c, const struct insn *i) { load_dtr(c, i, &c->gdtr); }
void op_lidt(struct cpu *c, const struct insn *i) { load_dtr(c, i, &c->idtr); }

void op_smsw(struct cpu *c, const struct insn *i)
{
    if (insn_is_reg(i))
        reg_write(c, insn_rm(i), c->cr0, insn_osize(i)); /* P6: all of CR0 with a 32-bit operand */
    else
        cpu_write(c, i->seg, insn_ea(c, i), c->cr0 & 0xffff, 2);
}

void op_lmsw(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t v = rm_read(c, i, 2);
    /* Only PE MP EM TS change, and PE can be set but not cleared. */
    cpu_set_cr0(c, (c->cr0 & ~0xeu) | (v & 0xf) | (c->cr0 & CR0_PE));
}

void op_clts(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    c->cr0 &= ~CR0_TS;
}

void op_wbinvd(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
}

void op_invlpg(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    tlb_flush_page(c, c->seg[i->seg].base + insn_ea(c, i));
}

/* ---- control and debug registers ---- */

#define CR0_WRITABLE (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | \
                      CR0_NW | CR0_CD | CR0_PG)

static uint32_t cr4_allowed(const struct cpu *c)
{
    uint32_t m = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE |
                 CR4_OSFXSR;
    if (c->cfg.pae)
        m |= CR4_PAE;
    return m;
}

void op_mov_r_cr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t v;
    switch (insn_reg(i)) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    case 4: v = c->cr4; break;
    default: cpu_raise_ud(c);
    }
    c->regs[insn_rm(i)] = v;
}

void op_mov_cr_r(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t v = c->regs[insn_rm(i)];
    switch (insn_reg(i)) {
    case 0:
        if ((v & CR0_PG) && !(v & CR0_PE))
            cpu_raise_gp0(c);
        if ((v & CR0_NW) && !(v & CR0_CD))
            cpu_raise_gp0(c);
        cpu_set_cr0(c, v & CR0_WRITABLE); /* other bits: writes ignored */
        break;
    case 2:
        c->cr2 = v;
        break;
    case 3:
        cpu_load_cr3(c, v);
        break;
    case 4:
        if (v & ~cr4_allowed(c))
            cpu_raise_gp0(c);
        cpu_set_cr4(c, v);
        break;
    default:
        cpu_raise_ud(c);
    }
}

#define DR6_BD 0x2000u
#define DR7_GD 0x2000u

/* DR number after the DR4/DR5 alias, with the #UD and general-detect #DB. */
static unsigned dr_access(struct cpu *c, unsigned n)
{
    require_cpl0(c);
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE)
            cpu_raise_ud(c);
        n += 2;
    }
    if (c->dr[7] & DR7_GD) {
        /* The #DB handler must be able to use the debug registers. */
        c->dr[6] |= DR6_BD;
        c->dr[7] &= ~DR7_GD;
        cpu_raise_noerr(c, EXC_DB);
    }
    return n;
}

void op_mov_r_dr(struct cpu *c, const struct insn *i)
{
    unsigned n = dr_access(c, insn_reg(i));
    c->regs[insn_rm(i)] = c->dr[n];
}

void op_mov_dr_r(struct cpu *c, const struct insn *i)
{
    unsigned n = dr_access(c, insn_reg(i));
    uint32_t v = c->regs[insn_rm(i)];
    if (n == 6)
        v = (v & 0x0000e00fu) | 0xffff0ff0u; /* P6: reserved bits read as 1, bit 12 as 0 */
    else if (n == 7)
        v = (v & ~0xd800u) | 0x400u;
    c->dr[n] = v;
    if (n == 7 || n < 4)
        cpu_update_tlb_cur(c);
    c->stop_block = true;
}

/* ---- HLT, CLI, STI, PUSHF, POPF ---- */

void op_hlt(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    c->halted = true;
    c->stop_block = true;
}

/* Which flag CLI/STI change: FL_IF or FL_VIF (VME/PVI); #GP(0) if neither. */
static uint32_t if_target(struct cpu *c)
{
    if (!cpu_pe(c))
        return FL_IF;
    if (cpu_v86(c)) {
        if (cpu_iopl(c) == 3)
            return FL_IF;
        if (c->cr4 & CR4_VME)
            return FL_VIF;
        cpu_raise_gp0(c);
    }
    if (c->cpl <= cpu_iopl(c))
        return FL_IF;
    if (c->cpl == 3 && (c->cr4 & CR4_PVI))
        return FL_VIF;
    cpu_raise_gp0(c);
}

void op_cli(struct cpu *c, const struct insn *i)
{
    c->eflags &= ~if_target(c);
}

void op_sti(struct cpu *c, const struct insn *i)
{
    uint32_t f = if_target(c);
    if (f == FL_VIF) {
        if (c->eflags & FL_VIP)
            cpu_raise_gp0(c);
        c->eflags |= FL_VIF;
        return;
    }
    if (!(c->eflags & FL_IF)) {
        c->eflags |= FL_IF;
        c->intr_shadow = true;
    }
    c->stop_block = true;
}

void op_pushf(struct cpu *c, const struct insn *i)
{
    unsigned osize = insn_osize(i);
    uint32_t fl = cpu_get_eflags(c);
    if (cpu_pe(c) && cpu_v86(c) && cpu_iopl(c) < 3) {
        if (!(c->cr4 & CR4_VME) || osize != 2)
            cpu_raise_gp0(c);
        fl = (fl & ~FL_IF) | ((fl & FL_VIF) ? FL_IF : 0) | FL_IOPL;
    }
    fl = osize == 4 ? fl & ~(FL_VM | FL_RF) : fl & 0xffff;
    cpu_push(c, fl, osize);
}

#define POPF_MASK 0x00247fd5u /* ID AC NT IOPL OF DF IF TF SF ZF AF PF CF */

void op_popf(struct cpu *c, const struct insn *i)
{
    unsigned osize = insn_osize(i);
    uint32_t v = cpu_peek(c, 0, osize);
    uint32_t mask;
    if (cpu_pe(c) && cpu_v86(c)) {
        if (cpu_iopl(c) == 3) {
            mask = (POPF_MASK | FL_RF) & ~FL_IOPL;
        } else if ((c->cr4 & CR4_VME) && osize == 2) {
            if ((v & FL_TF) || ((c->eflags & FL_VIP) && (v & FL_IF)))
                cpu_raise_gp0(c);
            v = (v & 0xffff) | ((v & FL_IF) ? FL_VIF : 0);
            mask = (0xffff & POPF_MASK & ~(FL_IOPL | FL_IF)) | FL_VIF;
        } else {
            cpu_raise_gp0(c);
        }
    } else {
        mask = POPF_MASK | FL_RF;
        if (cpu_pe(c) && c->cpl > 0)
            mask &= ~FL_IOPL;
        if (cpu_pe(c) && c->cpl > cpu_iopl(c))
            mask &= ~FL_IF;
    }
    if (osize == 2)
        mask &= 0xffff | FL_VIF;
    cpu_pop(c, osize);
    cpu_set_eflags(c, v & ~FL_RF, mask);
    finish_flags(c);
}

/* ---- TSC, PMC, MSR, CPUID ---- */

void op_rdtsc(struct cpu *c, const struct insn *i)
{
    if ((c->cr4 & CR4_TSD) && c->cpl > 0)
        cpu_raise_gp0(c);
    uint64_t t = cpu_tsc(c);
    c->regs[R_EAX] = (uint32_t)t;
    c->regs[R_EDX] = (uint32_t)(t >> 32);
}

void op_rdpmc(struct cpu *c, const struct insn *i)
{
    if ((!(c->cr4 & CR4_PCE) && c->cpl > 0) || c->regs[R_ECX] > 1)
        cpu_raise_gp0(c);
    c->regs[R_EAX] = c->regs[R_EDX] = 0;
}

void op_rdmsr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint64_t v;
    if (!msr_read(c, c->regs[R_ECX], &v))
        cpu_raise_gp0(c);
    c->regs[R_EAX] = (uint32_t)v;
    c->regs[R_EDX] = (uint32_t)(v >> 32);
}

void op_wrmsr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint64_t v = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
    if (!msr_write(c, c->regs[R_ECX], v))
        cpu_raise_gp0(c);
    c->stop_block = true;
}

void op_cpuid(struct cpu *c, const struct insn *i)
{
    uint32_t out[4];
    cpuid_query(c, c->regs[R_EAX], out);
    c->regs[R_EAX] = out[0];
    c->regs[R_EBX] = out[1];
    c->regs[R_ECX] = out[2];
    c->regs[R_EDX] = out[3];
}

/* ---- SYSENTER / SYSEXIT: flat 4 GiB segments, no descriptor reads ---- */

static struct descriptor flat_desc(unsigned dpl, bool code)
{
    struct descriptor d = {0x0000ffffu, 0x00cf9300u | (dpl << 13) | (code ? 0x800u : 0)};
    return d;
}

void op_sysenter(struct cpu *c, const struct insn *i)
{
    if (!cpu_pe(c) || (c->sysenter_cs & 0xfffc) == 0)
        cpu_raise_gp0(c);
    uint16_t cs = c->sysenter_cs & 0xfffc;
    cpu_set_eflags(c, 0, FL_VM | FL_IF | FL_RF);
    seg_set_desc(c, SEG_CS, cs, flat_desc(0, true));
    seg_set_desc(c, SEG_SS, (uint16_t)(cs + 8), flat_desc(0, false));
    cpu_set_cpl(c, 0);
    c->regs[R_ESP] = c->sysenter_esp;
    c->eip = c->sysenter_eip;
    finish_flags(c);
}

void op_sysexit(struct cpu *c, const struct insn *i)
{
    if (!cpu_pe(c) || cpu_v86(c) || c->cpl != 0 || (c->sysenter_cs & 0xfffc) == 0)
        cpu_raise_gp0(c);
    uint16_t cs = c->sysenter_cs & 0xfffc;
    seg_set_desc(c, SEG_CS, (uint16_t)((cs + 16) | 3), flat_desc(3, true));
    seg_set_desc(c, SEG_SS, (uint16_t)((cs + 24) | 3), flat_desc(3, false));
    cpu_set_cpl(c, 3);
    c->regs[R_ESP] = c->regs[R_ECX];
    c->eip = c->regs[R_EDX];
    finish_flags(c);
}
