/*
 * tlb.h - the software TLB: linear page -> host pointer, per privilege class.
 *
 * An entry's three tags are the linear page number (low 12 bits clear) when
 * that kind of access may take the fast path, and carry a low flag bit when it
 * may not, so the fast path is one compare.  Plain RAM that may be read,
 * written and fetched is therefore all zeros in the low bits.
 *
 * Three sets: e[0] for supervisor accesses, e[1] for CPL 3 accesses, and e[2]
 * which is never filled: the CPU points tlb_cur at it while every access must
 * take the slow path (alignment checking at CPL 3, data breakpoints), which
 * keeps those checks off the fast path entirely.
 */
#ifndef CINDER_CPU_TLB_H
#define CINDER_CPU_TLB_H

#include <stdint.h>

#define TLB_BITS 12
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID 0x1u /* entry (or this access kind) not filled / not allowed */
#define TLB_SLOW 0x2u    /* filled, but MMIO, ROM write, code page write or clean page */

enum { TLB_SUPER = 0, TLB_USER = 1, TLB_ALWAYS_SLOW = 2 };

struct tlb_entry {
    uint32_t tag_read;  /* linear page | flags for data reads */
    uint32_t tag_write; /* linear page | flags for data writes */
    uint32_t tag_fetch; /* linear page | flags for instruction fetch */
    uint32_t paddr;     /* physical page address (A20 applied) */
    uint32_t flags;     /* TLBF_* facts the slow path needs */
    uintptr_t addend;   /* host = addend + linear, for RAM pages */
};
#define TLBF_MMIO 0x1u   /* no host memory behind the page: go through the bus */
#define TLBF_ROM 0x2u    /* writes are ignored */
#define TLBF_CODE 0x4u   /* writes must be reported to the code-page tracker */
#define TLBF_GLOBAL 0x8u /* survives a CR3 load with CR4.PGE */

struct tlb {
    struct tlb_entry e[3][TLB_SIZE];
};

static inline unsigned tlb_index(uint32_t lin) { return (lin >> 12) & (TLB_SIZE - 1); }

struct cpu;
void tlb_flush_all(struct cpu *c);            /* CR3 load w/o PGE, CR0/CR4 changes, A20, bus maps */
void tlb_flush_nonglobal(struct cpu *c);      /* CR3 load with CR4.PGE */
void tlb_flush_page(struct cpu *c, uint32_t lin); /* INVLPG */
void tlb_flush_phys_page(struct cpu *c, uint32_t paddr); /* page became code: drop fast writes */
void cpu_update_tlb_cur(struct cpu *c);       /* after CPL, CR0.AM, EFLAGS.AC, DR7 changes */
/* Host pointer for an instruction fetch at `lin` (fills the TLB, may raise
 * #PF); NULL when the page is not RAM/ROM.  *paddr gets the physical address. */
const uint8_t *tlb_fetch_ptr(struct cpu *c, uint32_t lin, uint32_t *paddr);

#endif
