/*
 * paging.h - page-table walks (paging.c): 2-level 32-bit paging with PSE
 * 4 MiB pages and PGE, and PAE 3-level paging with NX (SDM vol. 3A ch. 4).
 */
#ifndef CINDER_CPU_PAGING_H
#define CINDER_CPU_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

enum { ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2 };

struct page_walk {
    uint32_t paddr;  /* physical address of the accessed byte (A20 not applied) */
    bool user;       /* page is user-accessible */
    bool writable;   /* page is writable at user level (R/W of every level) */
    bool nx;         /* execute disabled (PAE with EFER.NXE) */
    bool dirty;      /* D bit already set (writes need not walk again) */
    bool global;     /* G bit with CR4.PGE */
    uint32_t page_size; /* 4096, 2 MiB or 4 MiB */
};

/* Walk for `acc` at privilege `user`; sets A (and D for writes) bits.  On a
 * violation raises #PF with the exact error code and CR2 = lin. */
struct page_walk paging_walk(struct cpu *c, uint32_t lin, int acc, bool user);

#endif
