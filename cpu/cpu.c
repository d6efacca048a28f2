/*
 * cpu.c - CPU lifecycle (init, RESET state, teardown), control-register side
 * effects, and the bus listeners that keep the TLB and decoded code honest.
 *
 * Sources: SDM vol. 3A 9.1.1 (processor state after RESET, table 9-1),
 * 4.10.4 (which control-register changes invalidate TLBs).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decoded_cache.h"
#include "cpu/flags.h"
#include "cpu/msr.h"
#include "cpu/seg.h"
#include "cpu/tlb.h"
#include "mem/bus.h"

/* Family 6, model 5, stepping 2: a Pentium II (Deschutes).  Also in EDX at RESET. */
#define CPU_SIGNATURE 0x00000652u

static void on_map_change(void *opaque)
{
    struct cpu *c = opaque;
    c->a20_mask = bus_a20_mask(c->bus);
    tlb_flush_all(c);
    c->stop_block = true;
}

static void on_code_write(void *opaque, uint32_t paddr, uint32_t len)
{
    struct cpu *c = opaque;
    dcache_invalidate(c->dcache, paddr, len);
    c->jcache_gen++;
    /* The running block may be among those removed: leave it now. */
    c->stop_block = true;
}

static void on_page_became_code(void *opaque, uint32_t page)
{
    tlb_flush_phys_page(opaque, page);
}

int cpu_init(struct cpu *c, struct bus *bus, const struct cpu_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->bus = bus;
    if (cfg)
        c->cfg = *cfg;
    c->dcache = dcache_create();
    c->jcache = jcache_create();
    if (!c->dcache || !c->jcache)
        return -1;
    bus_add_map_listener(bus, on_map_change, c);
    bus_code_add_listener(bus, on_code_write, c);
    bus_code_add_page_listener(bus, on_page_became_code, c);
    cpu_reset(c);
    return 0;
}

void cpu_destroy(struct cpu *c)
{
    dcache_destroy(c->dcache);
    c->dcache = NULL;
    free(c->jcache);
    c->jcache = NULL;
}

static void seg_reset(struct cpu *c, int i, uint16_t sel, uint32_t base)
{
    struct seg *s = &c->seg[i];
    s->sel = sel;
    s->base = base;
    s->limit = 0xffff;
    s->flags = 0x93; /* present, read/write data, accessed: what RESET leaves in every cache */
    seg_update_cache(c, s, i);
}

void cpu_reset(struct cpu *c)
{
    memset(c->regs, 0, sizeof c->regs);
    c->regs[R_EDX] = CPU_SIGNATURE;
    c->eip = 0xfff0;
    c->insn_eip = 0xfff0;
    c->eflags = FL_RES1;
    c->lf.op = LF_NONE;
    c->cr0 = CR0_CD | CR0_NW | CR0_ET;
    c->cr2 = c->cr3 = c->cr4 = 0;
    c->efer = 0;
    for (int i = 0; i < SEG_COUNT; i++)
        seg_reset(c, i, 0, 0);
    seg_reset(c, SEG_CS, 0xf000, 0xffff0000u);
    c->gdtr = (struct dtr){0, 0xffff};
    c->idtr = (struct dtr){0, 0xffff};
    c->ldtr = (struct seg){.limit = 0xffff, .flags = 0x82};
    c->tr = (struct seg){.limit = 0xffff, .flags = 0x8b};
    memset(c->dr, 0, sizeof c->dr);
    c->dr[6] = 0xffff0ff0u;
    c->dr[7] = 0x00000400u;
    cpu_tsc_restart(c);
    c->sysenter_cs = c->sysenter_esp = c->sysenter_eip = 0;
    c->apic_base = 0;
    c->mtrr_cap_def = 0;
    memset(c->mtrr_var, 0, sizeof c->mtrr_var);
    memset(c->mtrr_fix, 0, sizeof c->mtrr_fix);
    c->pat = 0x0007040600070406ull;
    c->misc_enable = 1; /* fast strings */
    c->bios_sign_id = 0;
    c->intr_line = false;
    c->nmi_pending = c->nmi_blocked = false;
    c->halted = false;
    c->intr_shadow = false;
    c->trap_shadow = false;
    c->exit_request = false;
    c->shutdown = false;
    c->delivering = -1;
    c->pending_dr6 = 0;
    c->a20_mask = bus_a20_mask(c->bus);
    fpu_power_on(&c->fpu);
    tlb_flush_all(c);
    cpu_set_cpl(c, 0);
    if (c->dcache)
        dcache_flush(c->dcache);
    c->jcache_gen++;
}

/* Mode-dependent parts of the segment caches (real vs protected rights). */
static void refresh_segments(struct cpu *c)
{
    for (int i = 0; i < SEG_COUNT; i++)
        seg_update_cache(c, &c->seg[i], i);
}

void cpu_set_cr0(struct cpu *c, uint32_t v)
{
    uint32_t old = c->cr0;
    c->cr0 = v | CR0_ET; /* ET is hard-wired to 1 on the P6 */
    if ((old ^ c->cr0) & (CR0_PG | CR0_WP | CR0_PE))
        tlb_flush_all(c);
    if ((old ^ c->cr0) & CR0_PE) {
        if (!(c->cr0 & CR0_PE))
            c->cpl = 0; /* real mode runs at privilege 0 */
        refresh_segments(c);
    }
    cpu_update_tlb_cur(c);
    c->stop_block = true;
}

void cpu_set_cr4(struct cpu *c, uint32_t v)
{
    uint32_t old = c->cr4;
    c->cr4 = v;
    if ((old ^ v) & (CR4_PSE | CR4_PAE | CR4_PGE))
        tlb_flush_all(c);
    c->stop_block = true;
}

void cpu_load_cr3(struct cpu *c, uint32_t v)
{
    c->cr3 = v;
    if (c->cr4 & CR4_PGE)
        tlb_flush_nonglobal(c);
    else
        tlb_flush_all(c);
    c->stop_block = true;
}

void cpu_dump_state(struct cpu *c, FILE *out)
{
    static const char *const rn[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char *const sn[SEG_COUNT] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    for (int r = 0; r < 8; r++)
        fprintf(out, "%s=%08x%s", rn[r], c->regs[r], (r & 3) == 3 ? "\n" : " ");
    fprintf(out, "EIP=%08x EFL=%08x CPL=%u %s\n", c->eip, cpu_get_eflags(c), c->cpl,
            !cpu_pe(c) ? "real" : cpu_v86(c) ? "v86" : cpu_code32(c) ? "pm32" : "pm16");
    for (int i = 0; i < SEG_COUNT; i++)
        fprintf(out, "%s =%04x %08x %08x %04x\n", sn[i], c->seg[i].sel, c->seg[i].base,
                c->seg[i].limit, c->seg[i].flags);
    fprintf(out, "LDT=%04x %08x %08x  TR=%04x %08x %08x\n", c->ldtr.sel, c->ldtr.base,
            c->ldtr.limit, c->tr.sel, c->tr.base, c->tr.limit);
    fprintf(out, "GDT=     %08x %08x  IDT=     %08x %08x\n", c->gdtr.base, c->gdtr.limit,
            c->idtr.base, c->idtr.limit);
    fprintf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", c->cr0, c->cr2, c->cr3, c->cr4);
    fprintf(out, "DR6=%08x DR7=%08x EFER=%08llx\n", c->dr[6], c->dr[7],
            (unsigned long long)c->efer);
}
