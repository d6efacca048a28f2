/*
 * cpuid.c - CPUID: a Pentium II (Deschutes), family 6 model 5 stepping 2.
 *
 * Sources: SDM vol. 2 "CPUID" (leaf 0, 1 feature bits, leaf 2 descriptor
 * encoding, 0x80000000/0x80000001 and the NX bit), Intel AP-485 for the
 * Pentium II leaf 2 descriptors (01 02 03: TLBs, 04: 4 MiB DTLB, 08: 16 KiB
 * L1I, 0C: 16 KiB L1D, 43: 512 KiB L2).
 *
 * The feature list is what we emulate, not everything a PII had: no APIC
 * (we have none), no MCA, no PSN, no SSE.  PAE and the extended leaves with
 * NX appear only when the machine is configured with PAE.
 *
 * Leaves above the maximum return the highest basic leaf, as Intel parts do.
 */
#include "cpu/msr.h"

#define CPUID_SIGNATURE 0x00000652u /* family 6, model 5, stepping 2 */

enum {
    F_FPU = 1u << 0, F_VME = 1u << 1, F_DE = 1u << 2, F_PSE = 1u << 3, F_TSC = 1u << 4,
    F_MSR = 1u << 5, F_PAE = 1u << 6, F_MCE = 1u << 7, F_CX8 = 1u << 8, F_SEP = 1u << 11,
    F_MTRR = 1u << 12, F_PGE = 1u << 13, F_CMOV = 1u << 15, F_PAT = 1u << 16, F_MMX = 1u << 23,
    F_FXSR = 1u << 24,
};
#define EXT_NX (1u << 20)

static void basic_leaf(const struct cpu *c, uint32_t leaf, uint32_t out[4])
{
    out[0] = out[1] = out[2] = out[3] = 0;
    switch (leaf) {
    case 0:
        out[0] = 2;
        out[1] = 0x756e6547u; /* "Genu" */
        out[3] = 0x49656e69u; /* "ineI" */
        out[2] = 0x6c65746eu; /* "ntel" */
        break;
    case 1:
        out[0] = CPUID_SIGNATURE;
        out[3] = F_FPU | F_VME | F_DE | F_PSE | F_TSC | F_MSR | F_MCE | F_CX8 | F_SEP | F_MTRR |
                 F_PGE | F_CMOV | F_PAT | F_MMX | F_FXSR | (c->cfg.pae ? F_PAE : 0);
        break;
    default: /* 2 */
        out[0] = 0x03020101u;
        out[3] = 0x0c040843u;
        break;
    }
}

void cpuid_query(const struct cpu *c, uint32_t leaf, uint32_t out[4])
{
    if (leaf >= 0x80000000u && c->cfg.pae) {
        out[0] = out[1] = out[2] = out[3] = 0;
        if (leaf == 0x80000000u)
            out[0] = 0x80000001u;
        else if (leaf == 0x80000001u)
            out[3] = EXT_NX;
        else
            basic_leaf(c, 2, out);
        return;
    }
    basic_leaf(c, leaf > 2 ? 2 : leaf, out);
}
