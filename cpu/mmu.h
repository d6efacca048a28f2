/*
 * mmu.h - guest memory access for instruction handlers.
 *
 * Three layers, each a function handlers can call:
 *   cpu_read/cpu_write(c, seg, offset, size)  segment checks, then linear
 *   cpu_lin_read/cpu_lin_write(c, lin, size)  TLB fast path, else tlb.c slow path
 *   cpu_sys_read/cpu_sys_write(c, lin, size)  implicit supervisor accesses
 *                                             (descriptor tables, TSS, IDT)
 * Faults never return: they longjmp through cpu_raise() (except.h).
 * Sizes are in bytes: 1, 2 or 4 (cpu_read64/cpu_write64 for 8).
 *
 * The fast path is one segment range check, one tag compare and a load from
 * host memory.  Anything else (page crossing, MMIO, ROM, code pages, TLB
 * miss, #AC, data breakpoints) is tlb.c's business.
 */
#ifndef CINDER_CPU_MMU_H
#define CINDER_CPU_MMU_H

#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Slow paths (tlb.c).  `user` selects user-mode page checks. */
uint32_t tlb_read_slow(struct cpu *c, uint32_t lin, unsigned size, int mmu_idx);
void tlb_write_slow(struct cpu *c, uint32_t lin, uint32_t val, unsigned size, int mmu_idx);
/* Segment limit/rights violation: raises #GP(0) or #SS(0) (seg.c). */
_Noreturn void seg_fault(struct cpu *c, int seg, uint32_t off, unsigned size, bool write);

static inline uint32_t host_load(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    default: { uint32_t v; memcpy(&v, p, 4); return v; }
    }
}

static inline void host_store(uint8_t *p, uint32_t v, unsigned size)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); break; }
    default: memcpy(p, &v, 4); break;
    }
}

static inline int cpu_mmu_idx(const struct cpu *c) { return c->cpl == 3; }

static inline uint32_t cpu_lin_read(struct cpu *c, uint32_t lin, unsigned size)
{
    const struct tlb_entry *e = &c->tlb_cur[tlb_index(lin)];
    if (likely(e->tag_read == (lin & ~0xfffu) && (lin & 0xfff) <= 0x1000 - size))
        return host_load((const uint8_t *)(e->addend + lin), size);
    return tlb_read_slow(c, lin, size, cpu_mmu_idx(c));
}

static inline void cpu_lin_write(struct cpu *c, uint32_t lin, uint32_t val, unsigned size)
{
    const struct tlb_entry *e = &c->tlb_cur[tlb_index(lin)];
    if (likely(e->tag_write == (lin & ~0xfffu) && (lin & 0xfff) <= 0x1000 - size)) {
        host_store((uint8_t *)(e->addend + lin), val, size);
        return;
    }
    tlb_write_slow(c, lin, val, size, cpu_mmu_idx(c));
}

/* Implicit supervisor-mode accesses (SDM 4.6.1): GDT/LDT/IDT/TSS. */
static inline uint32_t cpu_sys_read(struct cpu *c, uint32_t lin, unsigned size)
{
    return tlb_read_slow(c, lin, size, TLB_SUPER);
}
static inline void cpu_sys_write(struct cpu *c, uint32_t lin, uint32_t val, unsigned size)
{
    tlb_write_slow(c, lin, val, size, TLB_SUPER);
}

/* Offset -> linear with the segment's limit and rights checked. */
static inline uint32_t seg_check(struct cpu *c, int seg, uint32_t off, unsigned size, bool write)
{
    const struct seg *s = &c->seg[seg];
    bool ok = write ? s->writable : s->readable;
    if (unlikely(!ok || off < s->lo || (uint64_t)off + size - 1 > s->hi))
        seg_fault(c, seg, off, size, write);
    return s->base + off;
}

static inline uint32_t cpu_read(struct cpu *c, int seg, uint32_t off, unsigned size)
{
    return cpu_lin_read(c, seg_check(c, seg, off, size, false), size);
}
static inline void cpu_write(struct cpu *c, int seg, uint32_t off, uint32_t val, unsigned size)
{
    cpu_lin_write(c, seg_check(c, seg, off, size, true), val, size);
}
static inline uint32_t cpu_read8(struct cpu *c, int seg, uint32_t off) { return cpu_read(c, seg, off, 1); }
static inline uint32_t cpu_read16(struct cpu *c, int seg, uint32_t off) { return cpu_read(c, seg, off, 2); }
static inline uint32_t cpu_read32(struct cpu *c, int seg, uint32_t off) { return cpu_read(c, seg, off, 4); }
static inline void cpu_write8(struct cpu *c, int seg, uint32_t off, uint32_t v) { cpu_write(c, seg, off, v, 1); }
static inline void cpu_write16(struct cpu *c, int seg, uint32_t off, uint32_t v) { cpu_write(c, seg, off, v, 2); }
static inline void cpu_write32(struct cpu *c, int seg, uint32_t off, uint32_t v) { cpu_write(c, seg, off, v, 4); }

/* 64-bit and multi-byte operands (CMPXCHG8B, x87, MMX, descriptor images).
 * Checks the whole range before touching memory so a fault leaves no partial
 * write (tlb.c). */
uint64_t cpu_read64(struct cpu *c, int seg, uint32_t off);
void cpu_write64(struct cpu *c, int seg, uint32_t off, uint64_t v);
void cpu_read_bytes(struct cpu *c, int seg, uint32_t off, void *dst, unsigned len);
void cpu_write_bytes(struct cpu *c, int seg, uint32_t off, const void *src, unsigned len);
/* Probe that [off, off+len) is writable (segment and page) without writing:
 * used before multi-part stores such as FSAVE, FXSAVE, PUSHA, far CALL. */
void cpu_probe_write(struct cpu *c, int seg, uint32_t off, unsigned len);

/* Translate a linear address for the given access (raises #PF); returns the
 * physical address.  acc: 0 read, 1 write, 2 fetch. */
uint32_t cpu_translate(struct cpu *c, uint32_t lin, int acc, int mmu_idx);

#endif
