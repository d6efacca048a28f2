/*
 * tlb.c - the TLB's slow paths: fills, page-crossing and special accesses,
 * flushes, and the wide accessors built on them.
 *
 * Sources: SDM vol. 3A 4.10 (TLB invalidation rules: MOV CR3 keeps global
 * pages, INVLPG removes one page including global ones), 6.15 #AC (alignment
 * check at CPL 3 with CR0.AM and EFLAGS.AC), 17.2 (data breakpoints).
 *
 * A fill asks paging.c for the translation of the access that missed and
 * records what the other two access kinds may do, so a read fill usually
 * makes the following fetch or write hit too.  A page that is writable but
 * not yet dirty gets an invalid write tag, so the first write walks again and
 * sets D.
 */
#include <string.h>

#include "cpu/except.h"
#include "cpu/mmu.h"
#include "cpu/paging.h"
#include "mem/bus.h"

static void entry_clear(struct tlb_entry *e)
{
    e->tag_read = e->tag_write = e->tag_fetch = TLB_INVALID;
    e->flags = 0;
    e->paddr = 0;
    e->addend = 0;
}

void tlb_flush_all(struct cpu *c)
{
    c->jcache_gen++;
    for (int s = 0; s < 3; s++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            entry_clear(&c->tlb.e[s][k]);
}

void tlb_flush_nonglobal(struct cpu *c)
{
    c->jcache_gen++;
    for (int s = 0; s < 2; s++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            if (!(c->tlb.e[s][k].flags & TLBF_GLOBAL))
                entry_clear(&c->tlb.e[s][k]);
}

void tlb_flush_page(struct cpu *c, uint32_t lin)
{
    /* Large pages are cached as 4 KiB pieces in the same slot scheme, so an
     * INVLPG inside a large page must drop every piece: flush all then. */
    unsigned k = tlb_index(lin);
    c->jcache_gen++;
    for (int s = 0; s < 2; s++) {
        struct tlb_entry *e = &c->tlb.e[s][k];
        if ((e->tag_read & ~0xfffu) == (lin & ~0xfffu) ||
            (e->tag_write & ~0xfffu) == (lin & ~0xfffu) ||
            (e->tag_fetch & ~0xfffu) == (lin & ~0xfffu))
            entry_clear(e);
    }
    if (c->cr4 & (CR4_PSE | CR4_PAE))
        tlb_flush_all(c);
}

void tlb_flush_phys_page(struct cpu *c, uint32_t paddr)
{
    paddr &= ~0xfffu;
    for (int s = 0; s < 2; s++)
        for (unsigned k = 0; k < TLB_SIZE; k++) {
            struct tlb_entry *e = &c->tlb.e[s][k];
            if (e->paddr == paddr && !(e->tag_read & TLB_INVALID && e->tag_write & TLB_INVALID &&
                                       e->tag_fetch & TLB_INVALID)) {
                e->flags |= TLBF_CODE;
                if (!(e->tag_write & TLB_INVALID))
                    e->tag_write |= TLB_SLOW;
            }
        }
}

static bool data_breakpoints_armed(const struct cpu *c)
{
    uint32_t dr7 = c->dr[7];
    for (int n = 0; n < 4; n++)
        if ((dr7 >> (n * 2)) & 3)
            return true;
    return false;
}

void cpu_update_tlb_cur(struct cpu *c)
{
    bool ac = (c->cr0 & CR0_AM) && (c->eflags & FL_AC) && c->cpl == 3;
    if (ac || data_breakpoints_armed(c))
        c->tlb_cur = c->tlb.e[TLB_ALWAYS_SLOW];
    else
        c->tlb_cur = c->tlb.e[c->cpl == 3 ? TLB_USER : TLB_SUPER];
}

void cpu_set_cpl(struct cpu *c, unsigned cpl)
{
    c->cpl = (uint8_t)cpl;
    cpu_update_tlb_cur(c);
}

/* Translate and fill the entry for `lin` in set `idx`; raises #PF. */
static struct tlb_entry *tlb_fill(struct cpu *c, uint32_t lin, int acc, int idx)
{
    uint32_t page = lin & ~0xfffu;
    struct tlb_entry *e = &c->tlb.e[idx][tlb_index(lin)];
    bool read_ok = true, write_ok = true, fetch_ok = true, global = false;
    uint32_t paddr;
    if (c->cr0 & CR0_PG) {
        bool user = idx == TLB_USER;
        struct page_walk w = paging_walk(c, lin, acc, user);
        paddr = w.paddr;
        read_ok = !user || w.user;
        write_ok = read_ok && (w.writable || (!user && !(c->cr0 & CR0_WP))) && w.dirty;
        fetch_ok = read_ok && !w.nx;
        global = w.global;
    } else {
        paddr = lin;
    }
    paddr = (paddr & c->a20_mask) & ~0xfffu;
    struct bus_page bp = bus_page_lookup(c->bus, paddr);
    e->paddr = paddr;
    e->flags = global ? TLBF_GLOBAL : 0;
    uint32_t special = 0;
    if (!bp.host) {
        e->flags |= TLBF_MMIO;
        e->addend = 0;
        special = TLB_SLOW;
    } else {
        e->addend = (uintptr_t)bp.host - page;
    }
    uint32_t wspecial = special;
    if (bp.rom) {
        e->flags |= TLBF_ROM;
        wspecial = TLB_SLOW;
    }
    if (bp.code) {
        e->flags |= TLBF_CODE;
        wspecial = TLB_SLOW;
    }
    e->tag_read = read_ok ? page | special : TLB_INVALID;
    e->tag_write = write_ok ? page | wspecial : TLB_INVALID;
    e->tag_fetch = fetch_ok ? page | special : TLB_INVALID;
    return e;
}

/* Entry allowing `acc` at `lin`, filling it when missing. */
static struct tlb_entry *tlb_entry_for(struct cpu *c, uint32_t lin, int acc, int idx)
{
    struct tlb_entry *e = &c->tlb.e[idx][tlb_index(lin)];
    uint32_t tag = acc == ACC_READ ? e->tag_read : acc == ACC_WRITE ? e->tag_write : e->tag_fetch;
    if ((tag & ~0xfffu) == (lin & ~0xfffu) && !(tag & TLB_INVALID))
        return e;
    return tlb_fill(c, lin, acc, idx);
}

uint32_t cpu_translate(struct cpu *c, uint32_t lin, int acc, int mmu_idx)
{
    struct tlb_entry *e = tlb_entry_for(c, lin, acc, mmu_idx);
    return e->paddr | (lin & 0xfff);
}

const uint8_t *tlb_fetch_ptr(struct cpu *c, uint32_t lin, uint32_t *paddr)
{
    struct tlb_entry *e = tlb_entry_for(c, lin, ACC_FETCH, c->cpl == 3 ? TLB_USER : TLB_SUPER);
    *paddr = e->paddr | (lin & 0xfff);
    if (e->flags & TLBF_MMIO)
        return NULL;
    return (const uint8_t *)(e->addend + lin);
}

/* Data breakpoints (DR7 R/W = 01 write, 11 read/write) matched against the
 * access; hits are collected in pending_dr6 and reported as a #DB trap when
 * the instruction completes (cpu_loop.c). */
static void check_data_breakpoints(struct cpu *c, uint32_t lin, unsigned size, bool write)
{
    uint32_t dr7 = c->dr[7];
    for (int n = 0; n < 4; n++) {
        if (!((dr7 >> (n * 2)) & 3))
            continue;
        unsigned rw = (dr7 >> (16 + n * 4)) & 3;
        unsigned len = ((dr7 >> (18 + n * 4)) & 3) + 1; /* 1, 2, (3: 8 on later CPUs) 4 */
        if (len == 3)
            len = 8;
        if (rw == 0 || rw == 2 || (rw == 1 && !write))
            continue;
        uint32_t bp = c->dr[n] & ~(len - 1);
        if (lin <= bp + len - 1 && bp <= lin + size - 1)
            c->pending_dr6 |= 1u << n;
    }
}

static void slow_checks(struct cpu *c, uint32_t lin, unsigned size, bool write, int idx)
{
    if (idx == TLB_USER && (c->cr0 & CR0_AM) && (c->eflags & FL_AC) && (lin & (size - 1)))
        cpu_raise(c, EXC_AC, 0);
    if (data_breakpoints_armed(c))
        check_data_breakpoints(c, lin, size, write);
}

static uint32_t read_in_page(struct cpu *c, struct tlb_entry *e, uint32_t lin, unsigned size)
{
    if (e->flags & TLBF_MMIO)
        return bus_phys_read(c->bus, e->paddr | (lin & 0xfff), size);
    return host_load((const uint8_t *)(e->addend + lin), size);
}

static void write_in_page(struct cpu *c, struct tlb_entry *e, uint32_t lin, uint32_t val,
                          unsigned size)
{
    uint32_t paddr = e->paddr | (lin & 0xfff);
    if (e->flags & TLBF_MMIO) {
        bus_phys_write(c->bus, paddr, val, size);
        return;
    }
    if (e->flags & TLBF_ROM)
        return;
    host_store((uint8_t *)(e->addend + lin), val, size);
    if (e->flags & TLBF_CODE)
        bus_code_write_check(c->bus, paddr, size);
}

uint32_t tlb_read_slow(struct cpu *c, uint32_t lin, unsigned size, int idx)
{
    slow_checks(c, lin, size, false, idx);
    if ((lin & 0xfff) + size <= 0x1000)
        return read_in_page(c, tlb_entry_for(c, lin, ACC_READ, idx), lin, size);
    /* Crosses a page: both pages are translated before anything is returned. */
    uint32_t lin2 = (lin | 0xfff) + 1;
    unsigned n1 = lin2 - lin;
    struct tlb_entry *e1 = tlb_entry_for(c, lin, ACC_READ, idx);
    uint32_t paddr1 = e1->paddr, flags1 = e1->flags;
    uintptr_t add1 = e1->addend;
    struct tlb_entry *e2 = tlb_entry_for(c, lin2, ACC_READ, idx);
    /* e2 may have evicted e1 (same slot in a small TLB): use the copies. */
    struct tlb_entry c1 = {0, 0, 0, paddr1, flags1, add1};
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint32_t b = k < n1 ? read_in_page(c, &c1, lin + k, 1) : read_in_page(c, e2, lin + k, 1);
        v |= b << (8 * k);
    }
    return v;
}

void tlb_write_slow(struct cpu *c, uint32_t lin, uint32_t val, unsigned size, int idx)
{
    slow_checks(c, lin, size, true, idx);
    if ((lin & 0xfff) + size <= 0x1000) {
        write_in_page(c, tlb_entry_for(c, lin, ACC_WRITE, idx), lin, val, size);
        return;
    }
    uint32_t lin2 = (lin | 0xfff) + 1;
    unsigned n1 = lin2 - lin;
    struct tlb_entry *e1 = tlb_entry_for(c, lin, ACC_WRITE, idx);
    struct tlb_entry c1 = *e1;
    struct tlb_entry *e2 = tlb_entry_for(c, lin2, ACC_WRITE, idx);
    struct tlb_entry c2 = *e2;
    for (unsigned k = 0; k < size; k++)
        write_in_page(c, k < n1 ? &c1 : &c2, lin + k, (val >> (8 * k)) & 0xff, 1);
}

/* Probe every page of [lin, lin+len) for writing, at the current privilege. */
static void probe_lin_write(struct cpu *c, uint32_t lin, unsigned len)
{
    int idx = c->cpl == 3 ? TLB_USER : TLB_SUPER;
    uint32_t end = lin + len - 1;
    tlb_entry_for(c, lin, ACC_WRITE, idx);
    if ((end & ~0xfffu) != (lin & ~0xfffu))
        tlb_entry_for(c, end, ACC_WRITE, idx);
}

void cpu_probe_write(struct cpu *c, int seg, uint32_t off, unsigned len)
{
    uint32_t lin = seg_check(c, seg, off, len, true);
    /* A region longer than a page (FSAVE is 108 bytes, FXSAVE 512) touches at
     * most two pages for these sizes. */
    probe_lin_write(c, lin, len);
}

uint64_t cpu_read64(struct cpu *c, int seg, uint32_t off)
{
    uint32_t lin = seg_check(c, seg, off, 8, false);
    if (c->tlb_cur == c->tlb.e[TLB_ALWAYS_SLOW] && c->cpl == 3 && (c->cr0 & CR0_AM) &&
        (c->eflags & FL_AC) && (lin & 7))
        cpu_raise(c, EXC_AC, 0);
    uint32_t lo = cpu_lin_read(c, lin, 4);
    uint32_t hi = cpu_lin_read(c, lin + 4, 4);
    return lo | ((uint64_t)hi << 32);
}

void cpu_write64(struct cpu *c, int seg, uint32_t off, uint64_t v)
{
    uint32_t lin = seg_check(c, seg, off, 8, true);
    probe_lin_write(c, lin, 8);
    cpu_lin_write(c, lin, (uint32_t)v, 4);
    cpu_lin_write(c, lin + 4, (uint32_t)(v >> 32), 4);
}

void cpu_read_bytes(struct cpu *c, int seg, uint32_t off, void *dst, unsigned len)
{
    uint8_t *d = dst;
    if (!len)
        return;
    uint32_t lin = seg_check(c, seg, off, len, false);
    for (unsigned k = 0; k < len; k++)
        d[k] = (uint8_t)cpu_lin_read(c, lin + k, 1);
}

void cpu_write_bytes(struct cpu *c, int seg, uint32_t off, const void *src, unsigned len)
{
    const uint8_t *s = src;
    if (!len)
        return;
    uint32_t lin = seg_check(c, seg, off, len, true);
    probe_lin_write(c, lin, len);
    for (unsigned k = 0; k < len; k++)
        cpu_lin_write(c, lin + k, s[k], 1);
}
