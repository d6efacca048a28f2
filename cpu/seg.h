/*
 * seg.h - segment registers, descriptors and privilege checks (seg.c).
 *
 * Sources: SDM vol. 3A ch. 3 (segmentation), 5 (protection), 6.
 */
#ifndef CINDER_CPU_SEG_H
#define CINDER_CPU_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* A raw 8-byte descriptor and its decoded fields. */
struct descriptor {
    uint32_t lo, hi;  /* as in memory */
};
static inline uint32_t desc_base(struct descriptor d)
{
    return (d.lo >> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000u);
}
static inline uint32_t desc_limit(struct descriptor d)
{
    uint32_t l = (d.lo & 0xffff) | (d.hi & 0x000f0000u);
    return (d.hi & 0x00800000u) ? (l << 12) | 0xfff : l;
}
static inline uint16_t desc_flags(struct descriptor d) { return (uint16_t)((d.hi >> 8) & 0xf0ff); }

/* Recompute the derived fields (lo/hi/readable/writable) after base/limit/flags change. */
void seg_update_cache(struct cpu *c, struct seg *s, int segidx);
/* Load a segment register as MOV/POP/LxS do in the current mode, with every
 * check of SDM 3.4.3/5.5; raises #GP/#SS/#NP with the selector's error code. */
void seg_load(struct cpu *c, int seg, uint16_t sel);
/* Real-mode / V86 load: base = sel << 4, keeps the cached limit in real mode
 * (unreal mode) and sets 64 KiB limits in V86. */
void seg_load_real(struct cpu *c, int seg, uint16_t sel);
/* Load CS for a control transfer whose checks the caller has done. */
void seg_load_cs_checked(struct cpu *c, uint16_t sel, struct descriptor d, unsigned cpl);
/* Fetch the descriptor for `sel` from GDT/LDT; raises `vector` (GP or TS) with
 * sel & 0xfffc when it lies outside the table. */
struct descriptor seg_read_descriptor(struct cpu *c, uint16_t sel, int vector);
/* Set the accessed bit of a descriptor in memory if clear. */
void seg_set_accessed(struct cpu *c, uint16_t sel, struct descriptor *d);

/* Load a segment register's visible and hidden parts from a descriptor
 * (no checks), or as a null selector (every access #GP). */
void seg_set_desc(struct cpu *c, int seg, uint16_t sel, struct descriptor d);
void seg_set_null(struct cpu *c, int seg, uint16_t sel);
/* Validate `sel` as the stack segment for privilege `cpl` (SDM 5.7): null,
 * RPL, DPL or type problems raise `vector` (GP or TS) with sel|ext, not
 * present raises #SS(sel|ext).  Returns the descriptor. */
struct descriptor seg_check_stack(struct cpu *c, uint16_t sel, unsigned cpl, int vector, uint32_t ext);
/* Read the descriptor of `sel` if it lies within its table; false otherwise
 * (LAR/LSL/VERR/VERW must not fault on a bad selector). */
bool seg_try_descriptor(struct cpu *c, uint16_t sel, struct descriptor *d);
/* After a return to an outer ring: null ES/DS/FS/GS whose DPL the new CPL may
 * not use (SDM 5.8.6, RET and IRET). */
void seg_invalidate_outer(struct cpu *c);

/* Port I/O permission: IOPL, then the TSS I/O bitmap (SDM 18.5); raises #GP(0). */
void cpu_io_check(struct cpu *c, uint16_t port, unsigned size);

/* Far control transfers (far.c): target selector:offset through code
 * segments, call gates, task gates and TSS descriptors. */
void cpu_far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize);
void cpu_far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize);
void cpu_far_return(struct cpu *c, unsigned osize, uint16_t pop_bytes);

#endif
