/*
 * bus.h - the PC's physical address space and I/O port space.
 *
 * Models: the 64 KiB x86 I/O port space and the 4 GiB physical address space
 * as seen by the CPU and by bus masters (DMA, IDE bus mastering), built from
 * regions that devices and the board map: port ranges, MMIO ranges, and RAM or
 * ROM backed by host memory.  Also holds the A20 gate mask and gives access to
 * the code-page tracking of mem/codepages.c, so that every writer of guest RAM
 * passes through it.
 *
 * Device contract (TinyEMU iomem.h, QEMU MemoryRegionOps): a device gives one
 * struct io_ops and an opaque pointer; the bus handles access widths.  If an
 * access size lies outside [impl_min, impl_max] the bus splits it into
 * impl_max-sized accesses or widens it to impl_min-sized aligned accesses,
 * little-endian.  A widened write carries zeros in the bytes the guest did not
 * write (no read-modify-write: device reads may have side effects; QEMU does
 * the same).  A port access that straddles two port regions is split per byte.
 *
 * Overlap rules: port regions never overlap; MMIO regions never overlap each
 * other; RAM/ROM regions never overlap each other; an MMIO region may lie over
 * RAM/ROM and then wins for the bytes it covers (the VGA window over low RAM, a
 * device BAR placed over memory).  A 4 KiB page holding any MMIO byte is never
 * handed out as a host pointer (bus_page_lookup, bus_ram_ptr): the CPU takes
 * its slow path (bus_phys_*) for the whole page.
 *
 * Not modelled: bus timing and wait states, open-bus values other than all
 * ones, locked cycles, the A20 gate for bus masters (on 486 and later A20M# is
 * a CPU pin, so DMA is unaffected), RAM above 4 GiB, I/O ports above 0xFFFF
 * (a port access at 0xFFFF wraps to port 0 for its upper bytes).
 *
 * Host assumption: little-endian (checked in bus.c).
 */
#ifndef CINDER_MEM_BUS_H
#define CINDER_MEM_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A device's callbacks for a port or MMIO region.  offset is relative to the
 * region's base; size is 1, 2 or 4 and lies in [impl_min, impl_max].  A NULL
 * read returns all ones; a NULL write ignores the write. */
struct io_ops {
    uint32_t (*read)(void *opaque, uint32_t offset, unsigned size);
    void (*write)(void *opaque, uint32_t offset, uint32_t value, unsigned size);
    unsigned impl_min, impl_max; /* access sizes (1, 2, 4) the device implements; 0 means 1 / 4 */
    const char *name;            /* for logs and the monitor */
};

enum {
    BUS_RAM_ROM = 1u << 0,       /* writes ignored */
    BUS_RAM_DIRTY_LOG = 1u << 1, /* record written pages (bus_ram_dirty_test_and_clear) */
};

struct bus;
struct region;

struct bus *bus_create(void); /* NULL if out of memory */
void bus_destroy(struct bus *);

/* Map a region.  All return NULL on overlap (see the rules above), on a zero or
 * out-of-range length, or on bad arguments.  RAM: base and len 4 KiB aligned;
 * the host memory (len bytes) is owned by the caller and must outlive the
 * mapping.  A DIRTY_LOG region starts with every page dirty. */
struct region *bus_map_ports(struct bus *, uint16_t base, uint16_t len, const struct io_ops *,
                             void *opaque);
struct region *bus_map_mmio(struct bus *, uint32_t base, uint32_t len, const struct io_ops *,
                            void *opaque);
struct region *bus_map_ram(struct bus *, uint32_t base, uint32_t len, uint8_t *host,
                           unsigned flags);
void bus_unmap(struct bus *, struct region *); /* NULL is a no-op */
/* Move a region (PCI BARs, VGA window, PAM).  Returns false, leaving the region
 * where it was, if the new place overlaps or is out of range (or, for RAM, not
 * 4 KiB aligned). */
bool bus_move(struct bus *, struct region *, uint32_t new_base);
uint32_t bus_region_base(const struct region *); /* current base (port or physical address) */

/* Ports.  Unmapped: reads all ones of the access width, writes ignored; logged
 * once per port to stderr when the environment variable CINDER_LOG_UNMAPPED is
 * set at bus_create. */
uint32_t bus_port_read(struct bus *, uint16_t port, unsigned size);
void bus_port_write(struct bus *, uint16_t port, uint32_t value, unsigned size);

/* CPU slow path and DMA.  bus_ram_ptr returns the host address of paddr when its
 * 4 KiB page is plain RAM (or ROM and !write); the pointer is valid up to the end
 * of that page.  NULL for MMIO, unmapped, or ROM when write.  A caller writing
 * through it must report the write with bus_code_write_check when the page's
 * bus_page.code is set (bus_phys_write does all this itself). */
uint8_t *bus_ram_ptr(struct bus *, uint32_t paddr, bool write);
/* Any address, size 1, 2 or 4; may cross regions and pages (wraps at 4 GiB);
 * unmapped bytes read 0xFF. */
uint32_t bus_phys_read(struct bus *, uint32_t paddr, unsigned size);
/* ROM and unmapped writes ignored; RAM writes go through the code-page check. */
void bus_phys_write(struct bus *, uint32_t paddr, uint32_t value, unsigned size);
void bus_phys_read_block(struct bus *, uint32_t paddr, void *dst, size_t len);
void bus_phys_write_block(struct bus *, uint32_t paddr, const void *src, size_t len);

/* The 4 KiB page containing paddr, for the CPU's TLB fill.  O(1). */
struct bus_page {
    uint8_t *host; /* host address of the page's first byte; NULL if any MMIO or unmapped byte */
    bool rom;      /* writes are ignored: never write through host */
    bool code;     /* writes must be reported with bus_code_write_check (so no fast write
                      path): some 128-byte chunk holds decoded code, or the page is
                      dirty-logged */
};
struct bus_page bus_page_lookup(struct bus *, uint32_t paddr);

/* A20: the bus holds the mask; the CPU applies it to the addresses it generates.
 * Enabled (mask 0xFFFFFFFF) after bus_create. */
void bus_set_a20(struct bus *, bool enabled);
bool bus_a20(const struct bus *);
uint32_t bus_a20_mask(const struct bus *); /* 0xFFFFFFFF or 0xFFEFFFFF */

/* Called after every map change (map, unmap, move) and every A20 change: the CPU
 * flushes its TLB. */
void bus_add_map_listener(struct bus *, void (*fn)(void *opaque), void *opaque);

/* Code pages (mem/codepages.c), reached through the bus so that every RAM writer
 * passes through them.  Granularity: 128-byte chunks, 32 per 4 KiB page. */
void bus_code_mark(struct bus *, uint32_t paddr, uint32_t len); /* bytes hold decoded code */
/* invalidate(opaque, paddr, len) is called when a write hits marked chunks; it is
 * given the chunk-aligned span of the chunks hit (one call per page), whose marks
 * are already cleared, and must drop everything decoded from any byte of that
 * span.  Map changes that replace memory under marked chunks call it too. */
void bus_code_add_listener(struct bus *,
                           void (*invalidate)(void *opaque, uint32_t paddr, uint32_t len),
                           void *opaque);
/* The CPU calls this on its write slow path for pages whose bus_page.code is set,
 * after writing.  Calls the listeners if a marked chunk is hit; also records the
 * page as dirty in a DIRTY_LOG region. */
void bus_code_write_check(struct bus *, uint32_t paddr, uint32_t len);
bool bus_code_page_has_code(struct bus *, uint32_t paddr);
/* page_became_code(opaque, page_paddr) is called when a page goes from no marked
 * chunk to some marked chunk, so the CPU can drop that page's fast write path. */
void bus_code_add_page_listener(struct bus *,
                                void (*page_became_code)(void *opaque, uint32_t page_paddr),
                                void *opaque);

/* Dirty log of a BUS_RAM_DIRTY_LOG region: true if any page overlapping
 * [offset, offset + len) (relative to the region) was written since its last
 * clear; clears those pages.  Always false for other regions. */
bool bus_ram_dirty_test_and_clear(struct bus *, struct region *, uint32_t offset, uint32_t len);

/* One line per region, sorted by kind and address, for the monitor. */
void bus_info(const struct bus *, FILE *out);

#endif
