/*
 * msr.c - the model-specific registers of our Pentium II, and the TSC.
 *
 * Sources: SDM vol. 4 (MSR list for P6 family), vol. 3A 11.11 (MTRRs:
 * MTRRcap, default type, variable and fixed ranges), 11.12 (PAT), 17.17
 * (time-stamp counter, writes to IA32_TIME_STAMP_COUNTER), 10.4.4
 * (IA32_APIC_BASE layout), 4.1.4 / 5.13 (EFER.NXE with PAE).
 *
 * The TSC counts retired instructions (one tick each) plus an offset that
 * WRMSR 0x10 sets, so it is exactly reproducible under -icount.
 *
 * Not emulated: performance counters (they read 0 and ignore writes), machine
 * check banks (MCG_CAP = 0), microcode update (BIOS_SIGN_ID just stores),
 * memory types (MTRR/PAT values are stored, never applied), the APIC (its
 * base MSR reads the default base with BSP set and the enable bit clear).
 */
#include "cpu/msr.h"
#include "mem/sched.h"

enum {
    MSR_TSC = 0x10, MSR_PLATFORM_ID = 0x17, MSR_APIC_BASE = 0x1b, MSR_BIOS_SIGN_ID = 0x8b,
    MSR_PERFCTR0 = 0xc1, MSR_PERFCTR1 = 0xc2, MSR_MTRRCAP = 0xfe, MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176, MSR_MCG_CAP = 0x179,
    MSR_MCG_STATUS = 0x17a, MSR_EVNTSEL0 = 0x186, MSR_EVNTSEL1 = 0x187, MSR_MISC_ENABLE = 0x1a0,
    MSR_MTRR_PHYSBASE0 = 0x200, MSR_MTRR_FIX64K = 0x250, MSR_MTRR_FIX16K_80000 = 0x258,
    MSR_MTRR_FIX16K_A0000 = 0x259, MSR_MTRR_FIX4K_C0000 = 0x268, MSR_PAT = 0x277,
    MSR_MTRR_DEF_TYPE = 0x2ff,
};
#define MSR_EFER 0xc0000080u
#define MTRRCAP_VALUE 0x508u /* WC supported, fixed ranges, 8 variable ranges */
#define APIC_BASE_VALUE 0xfee00100u /* default base, BSP; global enable clear */

/* TSC ticks since power-on before the offset: virtual time scaled to
 * tsc_khz, or retired instructions without a clock. */
static uint64_t cpu_tsc_base(const struct cpu *c)
{
    if (!c->cfg.clock) return c->icount;
    uint64_t khz = c->cfg.tsc_khz ? c->cfg.tsc_khz : 1000000u;
    return (uint64_t)((unsigned __int128)sched_now(c->cfg.clock) * khz / 1000000u);
}

uint64_t cpu_tsc(const struct cpu *c)
{
    return cpu_tsc_base(c) + c->tsc_offset;
}

void cpu_tsc_restart(struct cpu *c)
{
    c->tsc_offset = (uint64_t)0 - cpu_tsc_base(c);
}

/* Index into c->mtrr_fix[] for a fixed-range MTRR, or -1. */
static int fixed_mtrr(uint32_t index)
{
    if (index == MSR_MTRR_FIX64K)
        return 0;
    if (index == MSR_MTRR_FIX16K_80000)
        return 1;
    if (index == MSR_MTRR_FIX16K_A0000)
        return 2;
    if (index >= MSR_MTRR_FIX4K_C0000 && index < MSR_MTRR_FIX4K_C0000 + 8)
        return 3 + (int)(index - MSR_MTRR_FIX4K_C0000);
    return -1;
}

bool msr_read(struct cpu *c, uint32_t index, uint64_t *v)
{
    int fix = fixed_mtrr(index);
    if (fix >= 0) {
        *v = c->mtrr_fix[fix];
        return true;
    }
    if (index >= MSR_MTRR_PHYSBASE0 && index < MSR_MTRR_PHYSBASE0 + 16) {
        *v = c->mtrr_var[index - MSR_MTRR_PHYSBASE0];
        return true;
    }
    switch (index) {
    case MSR_TSC: *v = cpu_tsc(c); return true;
    case MSR_PLATFORM_ID: *v = 0; return true;
    case MSR_APIC_BASE: *v = APIC_BASE_VALUE; return true;
    case MSR_BIOS_SIGN_ID: *v = c->bios_sign_id; return true;
    case MSR_PERFCTR0: case MSR_PERFCTR1: case MSR_EVNTSEL0: case MSR_EVNTSEL1: *v = 0; return true;
    case MSR_MTRRCAP: *v = MTRRCAP_VALUE; return true;
    case MSR_SYSENTER_CS: *v = c->sysenter_cs; return true;
    case MSR_SYSENTER_ESP: *v = c->sysenter_esp; return true;
    case MSR_SYSENTER_EIP: *v = c->sysenter_eip; return true;
    case MSR_MCG_CAP: case MSR_MCG_STATUS: *v = 0; return true;
    case MSR_MISC_ENABLE: *v = c->misc_enable; return true;
    case MSR_PAT: *v = c->pat; return true;
    case MSR_MTRR_DEF_TYPE: *v = c->mtrr_cap_def; return true;
    case MSR_EFER:
        if (!c->cfg.pae)
            return false;
        *v = c->efer;
        return true;
    default: return false;
    }
}

/* PAT entries may hold 0, 1, 4, 5, 6, 7 (2 and 3 are reserved). */
static bool pat_valid(uint64_t v)
{
    for (int k = 0; k < 8; k++) {
        unsigned t = (v >> (k * 8)) & 0xff;
        if (t > 7 || t == 2 || t == 3)
            return false;
    }
    return true;
}

bool msr_write(struct cpu *c, uint32_t index, uint64_t v)
{
    int fix = fixed_mtrr(index);
    if (fix >= 0) {
        c->mtrr_fix[fix] = v;
        return true;
    }
    if (index >= MSR_MTRR_PHYSBASE0 && index < MSR_MTRR_PHYSBASE0 + 16) {
        c->mtrr_var[index - MSR_MTRR_PHYSBASE0] = v;
        return true;
    }
    switch (index) {
    case MSR_TSC: c->tsc_offset = v - cpu_tsc_base(c); return true;
    case MSR_PLATFORM_ID: case MSR_APIC_BASE: return true;
    case MSR_BIOS_SIGN_ID: c->bios_sign_id = v; return true;
    case MSR_PERFCTR0: case MSR_PERFCTR1: case MSR_EVNTSEL0: case MSR_EVNTSEL1: return true;
    case MSR_MTRRCAP: return false;
    case MSR_SYSENTER_CS: c->sysenter_cs = (uint32_t)v; return true;
    case MSR_SYSENTER_ESP: c->sysenter_esp = (uint32_t)v; return true;
    case MSR_SYSENTER_EIP: c->sysenter_eip = (uint32_t)v; return true;
    case MSR_MCG_CAP: return false;
    case MSR_MCG_STATUS: return v == 0;
    case MSR_MISC_ENABLE: c->misc_enable = v; return true;
    case MSR_PAT:
        if (!pat_valid(v))
            return false;
        c->pat = v;
        return true;
    case MSR_MTRR_DEF_TYPE:
        if (v & ~0xcffull)
            return false;
        c->mtrr_cap_def = v;
        return true;
    case MSR_EFER:
        if (!c->cfg.pae || (v & ~(uint64_t)EFER_NXE))
            return false;
        c->efer = v;
        tlb_flush_all(c);
        return true;
    default: return false;
    }
}
