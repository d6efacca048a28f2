/*
 * decoded_cache.h - decoded basic blocks, keyed by (physical address, mode).
 *
 * A block is a run of decoded instructions that starts at one physical
 * address, never crosses a 4 KiB page, and ends at the first instruction that
 * transfers control or changes the mode (A_END), at the page end, or after
 * DBLOCK_MAX_INSNS.  Blocks are found by hash and listed per physical page so
 * that a write to code (reported by the bus's code-page tracking) removes
 * every block it could have changed.
 */
#ifndef CINDER_CPU_DECODED_CACHE_H
#define CINDER_CPU_DECODED_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/insn.h"

#define DBLOCK_MAX_INSNS 64

struct dblock {
    uint32_t phys;         /* physical address of the first byte */
    uint32_t mode;         /* mode key the block was decoded for (cpu_mode_key) */
    uint32_t bytes;        /* bytes covered, first to last instruction */
    uint32_t exec_count;   /* times entered (for JIT tiering later) */
    uint16_t n;            /* number of instructions */
    bool cached;           /* lives in the cache's hash and page lists */
    struct dblock *hnext;  /* hash chain */
    struct dblock *pnext;  /* next block starting in the same physical page */
    struct dblock *dnext;  /* graveyard chain of removed blocks awaiting free */
    struct insn insns[];   /* n decoded instructions */
};

struct decoded_cache;

struct decoded_cache *dcache_create(void);
void dcache_destroy(struct decoded_cache *dc);
struct dblock *dcache_lookup(struct decoded_cache *dc, uint32_t phys, uint32_t mode);
/* Allocate a block with room for n instructions (not yet inserted). */
struct dblock *dblock_alloc(unsigned n);
void dcache_insert(struct decoded_cache *dc, struct dblock *b);
/* Remove every block overlapping [paddr, paddr+len).  Removed blocks are
 * freed at the next dcache_collect(), because the CPU may be running one. */
void dcache_invalidate(struct decoded_cache *dc, uint32_t paddr, uint32_t len);
void dcache_flush(struct decoded_cache *dc);
/* A reusable one-instruction block for code that is never cached (an
 * instruction straddling a page, code in MMIO).  Valid until the next call. */
struct dblock *dcache_scratch(struct decoded_cache *dc);
/* Free removed blocks; call only when no block is executing. */
void dcache_collect(struct decoded_cache *dc);
/* The CPU's jump cache: a direct-mapped table from (linear EIP, mode, CPL
 * class) to a block, which spares the fetch translation and hash lookup for
 * blocks entered again.  An entry is only trusted while its generation equals
 * cpu.jcache_gen, which every TLB flush and code invalidation bumps. */
#define JCACHE_BITS 12
#define JCACHE_SIZE (1u << JCACHE_BITS)
struct jump_cache_entry {
    uint32_t lin;       /* linear address of the block's first byte */
    uint32_t key;       /* mode key | CPL-3 bit */
    uint32_t gen;       /* cpu.jcache_gen when filled */
    struct dblock *b;
};
struct jump_cache_entry *jcache_create(void);

/* Blocks currently cached, for statistics. */
unsigned long dcache_count(const struct decoded_cache *dc);

#endif
