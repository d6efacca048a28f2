/*
 * codepages.c - per-page code bitmaps and invalidation listeners.
 *
 * See codepages.h for the model.  Invariant: a page word is non-zero exactly
 * when some chunk of the page is marked; page listeners are told on each
 * transition from zero to non-zero (a page whose marks were all cleared by
 * writes becomes code again on its next mark and is reported again).
 *
 * Out of memory while marking is fatal: silently dropping a mark would let
 * stale decoded code run, which is worse than stopping.
 */
#include "mem/codepages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNKS_PER_PAGE 32u
#define PAGE_BYTES 4096u

static void *xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes);
    if (!q) {
        fprintf(stderr, "cinder: out of memory (code page tracking)\n");
        abort();
    }
    return q;
}

void codepages_init(struct codepages *cp)
{
    memset(cp, 0, sizeof(*cp));
}

void codepages_free(struct codepages *cp)
{
    for (unsigned i = 0; i < CODEPAGES_GROUPS; i++)
        free(cp->group[i]);
    free(cp->inval);
    free(cp->page);
    memset(cp, 0, sizeof(*cp));
}

void codepages_add_listener(struct codepages *cp,
                            void (*invalidate)(void *opaque, uint32_t paddr, uint32_t len),
                            void *opaque)
{
    cp->inval = xrealloc(cp->inval, (cp->n_inval + 1) * sizeof(*cp->inval));
    cp->inval[cp->n_inval++] = (struct codepages_listener){invalidate, opaque};
}

void codepages_add_page_listener(struct codepages *cp,
                                 void (*page_became_code)(void *opaque, uint32_t page_paddr),
                                 void *opaque)
{
    cp->page = xrealloc(cp->page, (cp->n_page + 1) * sizeof(*cp->page));
    cp->page[cp->n_page++] = (struct codepages_page_listener){page_became_code, opaque};
}

/* Bits for the chunks overlapping page offsets [first, last] (last >= first). */
static uint32_t chunk_mask(uint32_t first, uint32_t last)
{
    unsigned c0 = first >> CODEPAGES_CHUNK_SHIFT, c1 = last >> CODEPAGES_CHUNK_SHIFT;
    uint32_t upto = c1 == CHUNKS_PER_PAGE - 1 ? UINT32_MAX : (1u << (c1 + 1)) - 1;
    return upto & ~((1u << c0) - 1);
}

/* Both walks below go page by page over [paddr, paddr + len); len may be close
 * to 4 GiB and the range may wrap, hence the 64-bit count of bytes left. */

void codepages_mark(struct codepages *cp, uint32_t paddr, uint32_t len)
{
    uint64_t left = len;
    uint32_t a = paddr;
    while (left) {
        uint32_t off = a & (PAGE_BYTES - 1);
        uint32_t n = PAGE_BYTES - off;
        if (n > left) n = (uint32_t)left;
        uint32_t **gp = &cp->group[a >> 22];
        if (!*gp) {
            *gp = xrealloc(NULL, CODEPAGES_PAGES_PER_GROUP * sizeof(uint32_t));
            memset(*gp, 0, CODEPAGES_PAGES_PER_GROUP * sizeof(uint32_t));
        }
        uint32_t *w = &(*gp)[(a >> 12) & (CODEPAGES_PAGES_PER_GROUP - 1)];
        uint32_t was = *w;
        *w = was | chunk_mask(off, off + n - 1);
        if (!was) {
            uint32_t page = a & ~(PAGE_BYTES - 1);
            for (size_t i = 0; i < cp->n_page; i++)
                cp->page[i].page_became_code(cp->page[i].opaque, page);
        }
        a += n;
        left -= n;
    }
}

void codepages_check(struct codepages *cp, uint32_t paddr, uint32_t len)
{
    uint64_t left = len;
    uint32_t a = paddr;
    while (left) {
        uint32_t off = a & (PAGE_BYTES - 1);
        uint32_t n = PAGE_BYTES - off;
        if (n > left) n = (uint32_t)left;
        uint32_t *g = cp->group[a >> 22];
        if (!g) {
            /* Skip the rest of this unallocated 4 MiB group at once. */
            uint64_t to_group_end = (uint64_t)(1u << 22) - (a & ((1u << 22) - 1));
            uint64_t skip = to_group_end < left ? to_group_end : left;
            a += (uint32_t)skip;
            left -= skip;
            continue;
        }
        uint32_t *w = &g[(a >> 12) & (CODEPAGES_PAGES_PER_GROUP - 1)];
        uint32_t hit = *w & chunk_mask(off, off + n - 1);
        if (hit) {
            *w &= ~hit; /* cleared before the call, so a listener may re-mark */
            uint32_t page = a & ~(PAGE_BYTES - 1);
            uint32_t start = page + ((uint32_t)__builtin_ctz(hit) << CODEPAGES_CHUNK_SHIFT);
            uint32_t end_chunk = CHUNKS_PER_PAGE - (uint32_t)__builtin_clz(hit);
            uint32_t span = (end_chunk << CODEPAGES_CHUNK_SHIFT) - (start - page);
            for (size_t i = 0; i < cp->n_inval; i++)
                cp->inval[i].invalidate(cp->inval[i].opaque, start, span);
        }
        a += n;
        left -= n;
    }
}
