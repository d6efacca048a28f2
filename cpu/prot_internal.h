/*
 * prot_internal.h - helpers shared by the protected-mode control transfers
 * (far.c, intr.c, tasking.c): descriptor field tests and a "staged" stack.
 *
 * Sources: SDM vol. 3A 3.4.5 (descriptor format), 5.8 (privilege-level
 * changes), 6.12 (interrupt stack frames), 7.2 (TSS layout).
 *
 * Why a staged stack: a far CALL through a gate or an interrupt to an inner
 * ring writes a frame on a stack that is not loaded yet.  Every push is
 * checked against that stack's limits and written at once (a fault leaves no
 * register changed); SS:ESP are committed only after the last possible fault.
 */
#ifndef CINDER_CPU_PROT_INTERNAL_H
#define CINDER_CPU_PROT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/except.h"
#include "cpu/mmu.h"
#include "cpu/seg.h"

static inline unsigned desc_dpl(struct descriptor d) { return (d.hi >> 13) & 3; }
static inline bool desc_present(struct descriptor d) { return d.hi & 0x8000u; }
static inline bool desc_is_seg(struct descriptor d) { return d.hi & 0x1000u; }
static inline unsigned desc_type(struct descriptor d) { return (d.hi >> 8) & 0xf; }
static inline bool desc_is_code(struct descriptor d) { return desc_is_seg(d) && (d.hi & 0x800u); }
static inline bool desc_is_data(struct descriptor d) { return desc_is_seg(d) && !(d.hi & 0x800u); }
static inline bool desc_conforming(struct descriptor d) { return desc_is_code(d) && (d.hi & 0x400u); }
/* code: readable; data: writable (the same bit, type bit 1) */
static inline bool desc_rw(struct descriptor d) { return d.hi & 0x200u; }

/* System descriptor types (S = 0) */
enum {
    SYS_TSS16_AVAIL = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL16 = 4, SYS_TASK = 5,
    SYS_INT16 = 6, SYS_TRAP16 = 7, SYS_TSS32_AVAIL = 9, SYS_TSS32_BUSY = 11, SYS_CALL32 = 12,
    SYS_INT32 = 14, SYS_TRAP32 = 15,
};

/* Gate fields */
static inline uint16_t gate_sel(struct descriptor d) { return (uint16_t)(d.lo >> 16); }
static inline uint32_t gate_offset(struct descriptor d)
{
    uint32_t off = d.lo & 0xffff;
    if (desc_type(d) & 8) /* 32-bit gate */
        off |= d.hi & 0xffff0000u;
    return off;
}

/* A stack being written or read before it is committed. */
struct xstack {
    struct seg s;  /* the stack segment's cache (lo/hi/base valid) */
    uint32_t sp;   /* current stack pointer (full 32 bits) */
    uint32_t mask; /* 0xffff or 0xffffffff by the B bit */
    int mmu;       /* TLB_SUPER or TLB_USER: privilege of the accesses */
    uint32_t err;  /* #SS error code on a limit violation */
};

static inline void xstack_init(struct xstack *x, const struct seg *s, uint32_t sp, unsigned cpl,
                               uint32_t err)
{
    x->s = *s;
    x->sp = sp;
    x->mask = (s->flags & SEGF_DB) ? 0xffffffffu : 0xffffu;
    x->mmu = cpl == 3 ? TLB_USER : TLB_SUPER;
    x->err = err;
}

/* The current SS:ESP, accessed at the current privilege level. */
static inline void xstack_current(struct cpu *c, struct xstack *x)
{
    xstack_init(x, &c->seg[SEG_SS], c->regs[R_ESP], c->cpl, 0);
}

static inline void xstack_check(struct cpu *c, const struct xstack *x, uint32_t off, unsigned size)
{
    if (off < x->s.lo || (uint64_t)off + size - 1 > x->s.hi)
        cpu_raise(c, EXC_SS, x->err);
}

static inline void xstack_push(struct cpu *c, struct xstack *x, uint32_t v, unsigned size)
{
    uint32_t nsp = (x->sp - size) & x->mask;
    xstack_check(c, x, nsp, size);
    tlb_write_slow(c, x->s.base + nsp, v, size, x->mmu);
    x->sp = (x->sp & ~x->mask) | nsp;
}

static inline uint32_t xstack_pop(struct cpu *c, struct xstack *x, unsigned size)
{
    uint32_t off = x->sp & x->mask;
    xstack_check(c, x, off, size);
    uint32_t v = tlb_read_slow(c, x->s.base + off, size, x->mmu);
    x->sp = (x->sp & ~x->mask) | ((off + size) & x->mask);
    return v;
}

static inline void xstack_skip(struct xstack *x, uint32_t bytes)
{
    x->sp = (x->sp & ~x->mask) | ((x->sp + bytes) & x->mask);
}

/* Write back ESP (only the bits the stack's B bit covers). */
static inline void xstack_commit_esp(struct cpu *c, const struct xstack *x)
{
    c->regs[R_ESP] = (c->regs[R_ESP] & ~x->mask) | (x->sp & x->mask);
}

/* SS:ESP for ring `dpl` from the current TSS; #TS(TR) past its limit (tasking.c). */
void tss_inner_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp);

/* A segment cache built from a descriptor, derived fields filled. */
static inline struct seg seg_from_desc(struct cpu *c, uint16_t sel, struct descriptor d, int segidx)
{
    struct seg s = {.base = desc_base(d), .limit = desc_limit(d), .sel = sel, .flags = desc_flags(d)};
    seg_update_cache(c, &s, segidx);
    return s;
}

#endif
