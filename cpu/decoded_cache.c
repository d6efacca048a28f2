/*
 * decoded_cache.c - hash of decoded blocks plus per-physical-page lists.
 *
 * Why per-page lists: code-page invalidation arrives as a physical range; the
 * list of blocks starting in that page (a block never crosses a page) is
 * short, so invalidation costs what the page holds, not the cache size.
 *
 * Removed blocks go to a graveyard instead of free(): the interpreter may be
 * in the middle of the very block a guest store just invalidated.
 */
#include "cpu/decoded_cache.h"

#include <stdlib.h>
#include <string.h>

#define HASH_BITS 16
#define HASH_SIZE (1u << HASH_BITS)
#define PAGE_DIR_SIZE 1024 /* 4 GiB = 1024 directories x 1024 pages */

struct decoded_cache {
    struct dblock *hash[HASH_SIZE];         /* chains by (phys, mode) */
    struct dblock **page_dir[PAGE_DIR_SIZE]; /* lazily allocated: 1024 list heads each */
    struct dblock *graveyard;                /* removed, not yet freed */
    struct dblock *scratch;                  /* one-instruction block for uncached code */
    unsigned long count;                     /* blocks in the hash */
};

static unsigned hash_of(uint32_t phys, uint32_t mode)
{
    uint32_t h = (phys ^ (mode << 31)) * 0x9E3779B1u;
    return h >> (32 - HASH_BITS);
}

struct decoded_cache *dcache_create(void)
{
    struct decoded_cache *dc = calloc(1, sizeof(struct decoded_cache));
    if (dc)
        dc->scratch = dblock_alloc(1);
    return dc;
}

struct dblock *dcache_scratch(struct decoded_cache *dc) { return dc->scratch; }

static void free_chain_graveyard(struct decoded_cache *dc)
{
    while (dc->graveyard) {
        struct dblock *b = dc->graveyard;
        dc->graveyard = b->dnext;
        free(b);
    }
}

void dcache_flush(struct decoded_cache *dc)
{
    for (unsigned h = 0; h < HASH_SIZE; h++) {
        for (struct dblock *b = dc->hash[h], *next; b; b = next) {
            next = b->hnext;
            b->cached = false;
            b->dnext = dc->graveyard;
            dc->graveyard = b;
        }
        dc->hash[h] = NULL;
    }
    for (unsigned d = 0; d < PAGE_DIR_SIZE; d++)
        if (dc->page_dir[d])
            memset(dc->page_dir[d], 0, 1024 * sizeof(struct dblock *));
    dc->count = 0;
}

void dcache_destroy(struct decoded_cache *dc)
{
    if (!dc)
        return;
    dcache_flush(dc);
    free_chain_graveyard(dc);
    for (unsigned d = 0; d < PAGE_DIR_SIZE; d++)
        free(dc->page_dir[d]);
    free(dc->scratch);
    free(dc);
}

struct dblock *dcache_lookup(struct decoded_cache *dc, uint32_t phys, uint32_t mode)
{
    for (struct dblock *b = dc->hash[hash_of(phys, mode)]; b; b = b->hnext)
        if (b->phys == phys && b->mode == mode)
            return b;
    return NULL;
}

struct dblock *dblock_alloc(unsigned n)
{
    struct dblock *b = calloc(1, sizeof(struct dblock) + n * sizeof(struct insn));
    if (!b)
        abort(); /* out of host memory: nothing sensible to continue with */
    return b;
}

static struct dblock **page_head(struct decoded_cache *dc, uint32_t phys, bool create)
{
    uint32_t page = phys >> 12;
    struct dblock **dir = dc->page_dir[page >> 10];
    if (!dir) {
        if (!create)
            return NULL;
        dir = calloc(1024, sizeof(struct dblock *));
        if (!dir)
            abort();
        dc->page_dir[page >> 10] = dir;
    }
    return &dir[page & 1023];
}

void dcache_insert(struct decoded_cache *dc, struct dblock *b)
{
    unsigned h = hash_of(b->phys, b->mode);
    b->hnext = dc->hash[h];
    dc->hash[h] = b;
    struct dblock **head = page_head(dc, b->phys, true);
    b->pnext = *head;
    *head = b;
    b->cached = true;
    dc->count++;
}

static void unhash(struct decoded_cache *dc, struct dblock *b)
{
    struct dblock **pp = &dc->hash[hash_of(b->phys, b->mode)];
    while (*pp && *pp != b)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = b->hnext;
}

void dcache_invalidate(struct decoded_cache *dc, uint32_t paddr, uint32_t len)
{
    uint64_t end = (uint64_t)paddr + len;
    for (uint64_t page = paddr & ~0xfffull; page < end; page += 0x1000) {
        struct dblock **pp = page_head(dc, (uint32_t)page, false);
        if (!pp)
            continue;
        while (*pp) {
            struct dblock *b = *pp;
            if (b->phys < end && (uint64_t)b->phys + b->bytes > paddr) {
                *pp = b->pnext;
                unhash(dc, b);
                b->cached = false;
                b->dnext = dc->graveyard;
                dc->graveyard = b;
                dc->count--;
            } else {
                pp = &b->pnext;
            }
        }
    }
}

void dcache_collect(struct decoded_cache *dc) { free_chain_graveyard(dc); }

unsigned long dcache_count(const struct decoded_cache *dc) { return dc->count; }

struct jump_cache_entry *jcache_create(void)
{
    /* gen 0 never matches: cpu_reset bumps jcache_gen before the first run. */
    return calloc(JCACHE_SIZE, sizeof(struct jump_cache_entry));
}
