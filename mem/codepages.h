/*
 * codepages.h - which physical bytes hold decoded (or compiled) guest code.
 *
 * Models nothing in the PC: this is emulator bookkeeping so that a write to
 * guest memory that holds decoded instructions drops the stale decoded blocks
 * and JIT code (self-modifying code, the OS loading a new program over an old
 * one, DMA into a code page).
 *
 * As Bochs (pageWriteStampTable) and halfix do, each 4 KiB physical page has a
 * 32-bit word, one bit per 128-byte chunk.  Words live in groups of 1024 (one
 * group per 4 MiB of physical space, 4 KiB each), allocated on the first mark in
 * that group and kept until codepages_free, so an unmarked area costs one NULL
 * pointer test per write.
 *
 * Devices and the CPU reach this through bus_code_* in bus.h; only the bus
 * includes this header.
 *
 * Not done: finer than 128-byte granularity (a write next to code in the same
 * chunk invalidates it: a spurious but safe invalidation).
 */
#ifndef CINDER_MEM_CODEPAGES_H
#define CINDER_MEM_CODEPAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CODEPAGES_CHUNK_SHIFT 7u        /* 128-byte chunks */
#define CODEPAGES_GROUPS 1024u          /* 4 MiB groups in 4 GiB */
#define CODEPAGES_PAGES_PER_GROUP 1024u /* 4 KiB pages in 4 MiB */

struct codepages_listener {
    void (*invalidate)(void *opaque, uint32_t paddr, uint32_t len); /* chunk span hit */
    void *opaque;                                                   /* listener's state */
};

struct codepages_page_listener {
    void (*page_became_code)(void *opaque, uint32_t page_paddr); /* page got its first mark */
    void *opaque;                                                /* listener's state */
};

struct codepages {
    uint32_t *group[CODEPAGES_GROUPS];    /* per 4 MiB: 1024 page words (bit n: chunk n
                                             holds code), NULL until first mark there */
    struct codepages_listener *inval;     /* invalidation listeners (array) */
    size_t n_inval;                       /* entries used in inval */
    struct codepages_page_listener *page; /* page-became-code listeners (array) */
    size_t n_page;                        /* entries used in page */
};

void codepages_init(struct codepages *cp);
void codepages_free(struct codepages *cp);
void codepages_add_listener(struct codepages *cp,
                            void (*invalidate)(void *opaque, uint32_t paddr, uint32_t len),
                            void *opaque);
void codepages_add_page_listener(struct codepages *cp,
                                 void (*page_became_code)(void *opaque, uint32_t page_paddr),
                                 void *opaque);
/* Mark [paddr, paddr + len) as holding code (wraps at 4 GiB). */
void codepages_mark(struct codepages *cp, uint32_t paddr, uint32_t len);
/* A write to [paddr, paddr + len) happened: clear the marked chunks it touches
 * and tell the listeners, one call per page.  Out of line; codepages_write_check
 * is the cheap filter in front of it. */
void codepages_check(struct codepages *cp, uint32_t paddr, uint32_t len);

static inline bool codepages_page_has_code(const struct codepages *cp, uint32_t paddr)
{
    const uint32_t *g = cp->group[paddr >> 22];
    return g && g[(paddr >> 12) & (CODEPAGES_PAGES_PER_GROUP - 1)] != 0;
}

/* Fast filter for writes: nothing to do unless a group holding marks is touched. */
static inline void codepages_write_check(struct codepages *cp, uint32_t paddr, uint32_t len)
{
    if (len == 0) return;
    uint32_t last = paddr + (len - 1);
    if (!cp->group[paddr >> 22] && (last >> 22 == paddr >> 22 || !cp->group[last >> 22]) &&
        len <= (1u << 22))
        return;
    codepages_check(cp, paddr, len);
}

#endif
