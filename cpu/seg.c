/*
 * seg.c - segment register loads, descriptor fetches and I/O permission.
 *
 * Sources: SDM vol. 3A 3.4 (selectors, descriptors, hidden caches), 5.4-5.8
 * (limit, type and privilege checks on segment loads), 20.1 (V86 segments),
 * vol. 1 18.5 (I/O permission bit map); MOV/POP/LDS pseudo-code in vol. 2.
 *
 * Real mode keeps the cached limit and rights of a selector load ("unreal
 * mode"): only the base changes.  V86 forces 64 KiB, DPL 3, read/write.
 *
 * Not emulated: segment-limit checks on the descriptor tables' own pages for
 * cross-page descriptors beyond what cpu_sys_read does; the accessed bit is
 * written as one byte without a locked cycle.
 */
#include "cpu/seg.h"

#include "cpu/except.h"
#include "cpu/mmu.h"
#include "cpu/prot_internal.h"

_Noreturn void seg_fault(struct cpu *c, int seg, uint32_t off, unsigned size, bool write)
{
    cpu_raise(c, seg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

void seg_update_cache(struct cpu *c, struct seg *s, int segidx)
{
    if (!cpu_pe(c) || cpu_v86(c)) {
        /* Rights are not checked outside protected mode; the limit is. */
        s->lo = 0;
        s->hi = s->limit;
        s->readable = s->writable = true;
        return;
    }
    bool null = (s->sel & ~3u) == 0 && segidx != SEG_CS && segidx != SEG_SS;
    if (null || !(s->flags & SEGF_P) || !(s->flags & SEGF_S)) {
        s->lo = 1;
        s->hi = 0;
        s->readable = s->writable = false;
        return;
    }
    unsigned type = s->flags & SEGF_TYPE;
    if (type & 8) { /* code */
        s->readable = type & 2;
        s->writable = false;
        s->lo = 0;
        s->hi = s->limit;
        return;
    }
    s->readable = true;
    s->writable = type & 2;
    if (type & 4) { /* expand-down: valid offsets lie above the limit */
        s->hi = (s->flags & SEGF_DB) ? 0xffffffffu : 0xffffu;
        if (s->limit >= s->hi) { /* empty segment */
            s->lo = 1;
            s->hi = 0;
        } else {
            s->lo = s->limit + 1;
        }
    } else {
        s->lo = 0;
        s->hi = s->limit;
    }
}

void seg_set_desc(struct cpu *c, int seg, uint16_t sel, struct descriptor d)
{
    struct seg *s = &c->seg[seg];
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->flags = desc_flags(d);
    seg_update_cache(c, s, seg);
    if (seg == SEG_CS || seg == SEG_SS)
        c->stop_block = true; /* code/stack size may have changed */
}

void seg_set_null(struct cpu *c, int seg, uint16_t sel)
{
    struct seg *s = &c->seg[seg];
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->flags = 0;
    seg_update_cache(c, s, seg);
}

void seg_load_real(struct cpu *c, int seg, uint16_t sel)
{
    struct seg *s = &c->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu_v86(c)) {
        s->limit = 0xffff;
        s->flags = seg == SEG_CS ? 0x00fb : 0x00f3; /* P, DPL 3, accessed code / RW data */
    } else if (seg == SEG_CS) {
        /* A real-mode CS load always leaves a 16-bit, present code segment. */
        s->flags = (s->flags & ~(SEGF_DB | (3u << SEGF_DPL_SHIFT))) | SEGF_P | SEGF_S;
    }
    seg_update_cache(c, s, seg);
    if (seg == SEG_CS || seg == SEG_SS)
        c->stop_block = true;
}

static uint32_t table_base(struct cpu *c, uint16_t sel, uint32_t *limit)
{
    if (sel & 4) {
        *limit = c->ldtr.limit;
        /* A null or unusable LDTR makes every LDT selector out of range. */
        if ((c->ldtr.sel & ~3u) == 0 || !(c->ldtr.flags & SEGF_P)) {
            *limit = 0;
            return 0;
        }
        return c->ldtr.base;
    }
    *limit = c->gdtr.limit;
    return c->gdtr.base;
}

bool seg_try_descriptor(struct cpu *c, uint16_t sel, struct descriptor *d)
{
    uint32_t limit;
    uint32_t base = table_base(c, sel, &limit);
    uint32_t idx = sel & ~7u;
    if (idx + 7 > limit)
        return false;
    d->lo = cpu_sys_read(c, base + idx, 4);
    d->hi = cpu_sys_read(c, base + idx + 4, 4);
    return true;
}

struct descriptor seg_read_descriptor(struct cpu *c, uint16_t sel, int vector)
{
    struct descriptor d;
    if (!seg_try_descriptor(c, sel, &d))
        cpu_raise(c, vector, sel & 0xfffc);
    return d;
}

void seg_set_accessed(struct cpu *c, uint16_t sel, struct descriptor *d)
{
    if (d->hi & 0x100u)
        return;
    uint32_t limit;
    uint32_t base = table_base(c, sel, &limit);
    d->hi |= 0x100u;
    cpu_sys_write(c, base + (sel & ~7u) + 5, (d->hi >> 8) & 0xff, 1);
}

void seg_load_cs_checked(struct cpu *c, uint16_t sel, struct descriptor d, unsigned cpl)
{
    seg_set_desc(c, SEG_CS, (uint16_t)((sel & ~3u) | cpl), d);
    if (c->cpl != cpl)
        cpu_set_cpl(c, cpl);
    c->stop_block = true;
}

struct descriptor seg_check_stack(struct cpu *c, uint16_t sel, unsigned cpl, int vector, uint32_t ext)
{
    if ((sel & ~3u) == 0)
        cpu_raise(c, vector, ext);
    uint32_t err = (sel & 0xfffcu) | ext;
    if ((sel & 3) != cpl)
        cpu_raise(c, vector, err);
    struct descriptor d;
    if (!seg_try_descriptor(c, sel, &d))
        cpu_raise(c, vector, err);
    if (!desc_is_data(d) || !desc_rw(d) || desc_dpl(d) != cpl)
        cpu_raise(c, vector, err);
    if (!desc_present(d))
        cpu_raise(c, EXC_SS, err);
    return d;
}

void seg_load(struct cpu *c, int seg, uint16_t sel)
{
    if (!cpu_pe(c) || cpu_v86(c)) {
        seg_load_real(c, seg, sel);
        return;
    }
    struct descriptor d;
    if (seg == SEG_SS) {
        d = seg_check_stack(c, sel, c->cpl, EXC_GP, 0);
    } else {
        if ((sel & ~3u) == 0) {
            seg_set_null(c, seg, sel);
            return;
        }
        d = seg_read_descriptor(c, sel, EXC_GP);
        uint32_t err = sel & 0xfffc;
        if (!desc_is_seg(d) || (desc_is_code(d) && !desc_rw(d)))
            cpu_raise(c, EXC_GP, err);
        if (!desc_conforming(d) && ((sel & 3u) > desc_dpl(d) || c->cpl > desc_dpl(d)))
            cpu_raise(c, EXC_GP, err);
        if (!desc_present(d))
            cpu_raise(c, EXC_NP, err);
    }
    seg_set_accessed(c, sel, &d);
    seg_set_desc(c, seg, sel, d);
}

void seg_invalidate_outer(struct cpu *c)
{
    static const int segs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    for (unsigned k = 0; k < 4; k++) {
        struct seg *s = &c->seg[segs[k]];
        unsigned dpl = (s->flags >> SEGF_DPL_SHIFT) & 3;
        bool conforming_code = (s->flags & SEGF_S) && (s->flags & 0xc) == 0xc;
        if ((s->sel & ~3u) == 0 || !(s->flags & SEGF_S))
            continue;
        if (!conforming_code && dpl < c->cpl)
            seg_set_null(c, segs[k], 0);
    }
}

void cpu_io_check(struct cpu *c, uint16_t port, unsigned size)
{
    if (!cpu_pe(c) || (!cpu_v86(c) && c->cpl <= cpu_iopl(c)))
        return;
    unsigned type = c->tr.flags & SEGF_TYPE;
    /* Only a 32-bit TSS has an I/O bitmap. */
    if ((c->tr.sel & ~3u) == 0 || (type != SYS_TSS32_AVAIL && type != SYS_TSS32_BUSY) ||
        c->tr.limit < 0x67)
        cpu_raise_gp0(c);
    uint32_t map = cpu_sys_read(c, c->tr.base + 0x66, 2);
    uint32_t byte = map + (port >> 3);
    if (byte + 1 > c->tr.limit)
        cpu_raise_gp0(c);
    uint32_t bits = cpu_sys_read(c, c->tr.base + byte, 2);
    uint32_t want = ((1u << size) - 1) << (port & 7);
    if (bits & want)
        cpu_raise_gp0(c);
}
