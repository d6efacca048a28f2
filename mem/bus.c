/*
 * bus.c - port and physical address dispatch, access-width adjustment, A20,
 * and the RAM side of code-page and dirty tracking.
 *
 * Models the address decoding a PC chipset does, not any one chipset: the
 * board (devices/pc.c) decides what goes where.  See bus.h for the contract,
 * the overlap rules and what is not modelled.
 *
 * Data structures, chosen so that the hot lookups are O(1):
 *  - ports: a flat 65,536-entry array of region pointers;
 *  - memory: a two-level page table for 4 GiB, 1024 nodes of 4 MiB allocated
 *    when something is first mapped there, each holding per 4 KiB page the
 *    RAM/ROM region covering it and an MMIO summary (none / the one MMIO region
 *    touching the page / "several");
 *  - MMIO regions also sit in an array sorted by base, binary-searched when a
 *    page holds several (MMIO regions have any size and alignment).
 *
 * Invariants (checked after every map change in CINDER_DEBUG builds):
 *  - port[p] is the port region covering p, or NULL;
 *  - mmio[] is sorted by base and its regions do not overlap;
 *  - node->ram[i] is the RAM region covering page i, or NULL; RAM regions do
 *    not overlap;
 *  - node->mmio[i] is NULL iff no MMIO region touches page i, the region itself
 *    iff exactly one does, &bus->mmio_many otherwise.
 */
#include "mem/bus.h"

#include <stdlib.h>
#include <string.h>

#include "mem/codepages.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mem/bus.c assumes a little-endian host"
#endif

#define PAGE_SHIFT 12u
#define PAGE_BYTES (1u << PAGE_SHIFT)
#define NODE_SHIFT 22u /* 4 MiB per node */
#define NODE_PAGES (1u << (NODE_SHIFT - PAGE_SHIFT))
#define NODES (1u << (32u - NODE_SHIFT))
#define PORTS 65536u
#define SPACE_BYTES (UINT64_C(1) << 32)

enum region_kind { REGION_PORTS, REGION_MMIO, REGION_RAM };

struct region {
    enum region_kind kind;    /* ports, MMIO or RAM/ROM */
    uint32_t base;            /* first port or physical byte address */
    uint32_t len;             /* number of ports or bytes, > 0 */
    const struct io_ops *ops; /* PORTS, MMIO: the device's callbacks */
    void *opaque;             /* PORTS, MMIO: the device's state */
    unsigned io_min, io_max;  /* PORTS, MMIO: implemented access sizes, normalised to 1..4 */
    uint8_t *host;            /* RAM: host memory backing base..base+len-1 (caller's) */
    unsigned flags;           /* RAM: BUS_RAM_* */
    uint8_t *dirty;           /* RAM with DIRTY_LOG: bit per 4 KiB page, 1 = written; else NULL */
    struct region *next;      /* next in bus->regions */
};

struct page_node {
    struct region *ram[NODE_PAGES];  /* RAM/ROM region covering each page, or NULL */
    struct region *mmio[NODE_PAGES]; /* MMIO on each page: NULL, the only region, or mmio_many */
};

struct map_listener {
    void (*fn)(void *opaque); /* called after a map or A20 change */
    void *opaque;             /* listener's state */
};

struct bus {
    struct region *port[PORTS];      /* owner of each I/O port, NULL if unmapped */
    struct page_node *node[NODES];   /* per 4 MiB of physical space, NULL if nothing mapped */
    struct region **mmio;            /* MMIO regions sorted by base, non-overlapping */
    size_t n_mmio;                   /* entries used in mmio */
    size_t cap_mmio;                 /* entries allocated in mmio */
    struct region *regions;          /* every mapped region, any kind, newest first */
    struct region mmio_many;         /* sentinel for page_node.mmio: 2+ regions on page */
    uint32_t a20_mask;               /* mask the CPU applies: 0xFFFFFFFF or 0xFFEFFFFF */
    struct map_listener *listeners;  /* map/A20 change listeners (array) */
    size_t n_listeners;              /* entries used in listeners */
    struct codepages code;           /* code-page bitmaps and their listeners */
    bool log_unmapped;               /* CINDER_LOG_UNMAPPED was set at bus_create */
    uint8_t logged_read[PORTS / 8];  /* bit per port: unmapped read already logged */
    uint8_t logged_write[PORTS / 8]; /* bit per port: unmapped write already logged */
};

static void bus_check_invariants(const struct bus *b);

/* ---- small helpers ---- */

static inline uint32_t ones(unsigned size)
{
    return size >= 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
}

static inline bool is_access_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

static inline unsigned page_index(uint32_t paddr)
{
    return (paddr >> PAGE_SHIFT) & (NODE_PAGES - 1);
}

static bool io_ops_ok(const struct io_ops *ops)
{
    if (!ops) return false;
    unsigned lo = ops->impl_min ? ops->impl_min : 1, hi = ops->impl_max ? ops->impl_max : 4;
    return is_access_size(lo) && is_access_size(hi) && lo <= hi;
}

/* Ranges [a, a + alen) and [b, b + blen) in 64 bits, so that 4 GiB ends work. */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static void notify_map(struct bus *b)
{
    bus_check_invariants(b);
    for (size_t i = 0; i < b->n_listeners; i++)
        b->listeners[i].fn(b->listeners[i].opaque);
}

/* ---- device access with width adjustment ---- */

static inline uint32_t io_call_read(const struct region *r, uint32_t off, unsigned size)
{
    if (!r->ops->read) return ones(size);
    return r->ops->read(r->opaque, off, size) & ones(size);
}

static inline void io_call_write(const struct region *r, uint32_t off, uint32_t value,
                                 unsigned size)
{
    if (r->ops->write) r->ops->write(r->opaque, off, value & ones(size), size);
}

/* Read size (1, 2 or 4) bytes at offset off of a device region. */
static uint32_t io_read(const struct region *r, uint32_t off, unsigned size)
{
    if (size >= r->io_min && size <= r->io_max) return io_call_read(r, off, size);
    uint32_t v = 0;
    if (size > r->io_max) { /* split, little-endian */
        for (unsigned i = 0; i < size; i += r->io_max)
            v |= io_call_read(r, off + i, r->io_max) << (8 * i);
        return v;
    }
    /* Narrower than the device takes: read the aligned words covering it. */
    unsigned w = r->io_min;
    uint32_t end = off + size;
    for (uint32_t a = off & ~(w - 1); a < end; a += w) {
        uint32_t word = io_call_read(r, a, w);
        for (unsigned k = 0; k < w; k++) {
            uint32_t byte = a + k;
            if (byte >= off && byte < end) v |= ((word >> (8 * k)) & 0xff) << (8 * (byte - off));
        }
    }
    return v;
}

static void io_write(const struct region *r, uint32_t off, uint32_t value, unsigned size)
{
    if (size >= r->io_min && size <= r->io_max) {
        io_call_write(r, off, value, size);
        return;
    }
    if (size > r->io_max) {
        for (unsigned i = 0; i < size; i += r->io_max)
            io_call_write(r, off + i, value >> (8 * i), r->io_max);
        return;
    }
    /* Widen to aligned device words; bytes not written by the guest are zero. */
    unsigned w = r->io_min;
    uint32_t end = off + size;
    for (uint32_t a = off & ~(w - 1); a < end; a += w) {
        uint32_t word = 0;
        for (unsigned k = 0; k < w; k++) {
            uint32_t byte = a + k;
            if (byte >= off && byte < end)
                word |= ((value >> (8 * (byte - off))) & 0xff) << (8 * k);
        }
        io_call_write(r, a, word, w);
    }
}

/* ---- ports ---- */

static bool test_and_set_bit(uint8_t *bits, unsigned n)
{
    bool was = bits[n / 8] & (1u << (n % 8));
    bits[n / 8] |= (uint8_t)(1u << (n % 8));
    return was;
}

static uint32_t port_unmapped_read(struct bus *b, uint16_t port, unsigned size)
{
    if (b->log_unmapped && !test_and_set_bit(b->logged_read, port))
        fprintf(stderr, "unmapped port read 0x%03x\n", port);
    return ones(size);
}

static void port_unmapped_write(struct bus *b, uint16_t port, uint32_t value, unsigned size)
{
    if (b->log_unmapped && !test_and_set_bit(b->logged_write, port))
        fprintf(stderr, "unmapped port write 0x%03x = 0x%0*x\n", port, (int)(2 * size),
                value & ones(size));
}

/* Access not inside one region: unmapped, straddling, or an odd size. */
static uint32_t port_read_slow(struct bus *b, uint16_t port, unsigned size)
{
    if (size == 0 || size > 4) return UINT32_MAX;
    bool mapped = false;
    for (unsigned i = 0; i < size; i++)
        mapped |= b->port[(uint16_t)(port + i)] != NULL;
    if (!mapped) return port_unmapped_read(b, port, size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        struct region *r = b->port[p];
        uint32_t byte = r ? io_read(r, p - r->base, 1) : port_unmapped_read(b, p, 1);
        v |= byte << (8 * i);
    }
    return v;
}

static void port_write_slow(struct bus *b, uint16_t port, uint32_t value, unsigned size)
{
    if (size == 0 || size > 4) return;
    bool mapped = false;
    for (unsigned i = 0; i < size; i++)
        mapped |= b->port[(uint16_t)(port + i)] != NULL;
    if (!mapped) {
        port_unmapped_write(b, port, value, size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        struct region *r = b->port[p];
        uint32_t byte = (value >> (8 * i)) & 0xff;
        if (r)
            io_write(r, p - r->base, byte, 1);
        else
            port_unmapped_write(b, p, byte, 1);
    }
}

uint32_t bus_port_read(struct bus *b, uint16_t port, unsigned size)
{
    struct region *r = b->port[port];
    if (r && is_access_size(size) && (uint32_t)port + size <= r->base + r->len)
        return io_read(r, port - r->base, size);
    return port_read_slow(b, port, size);
}

void bus_port_write(struct bus *b, uint16_t port, uint32_t value, unsigned size)
{
    struct region *r = b->port[port];
    if (r && is_access_size(size) && (uint32_t)port + size <= r->base + r->len)
        io_write(r, port - r->base, value, size);
    else
        port_write_slow(b, port, value, size);
}

/* ---- physical lookup ---- */

/* MMIO region containing paddr, by binary search over the sorted array. */
static struct region *mmio_search(const struct bus *b, uint32_t paddr)
{
    size_t lo = 0, hi = b->n_mmio;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        struct region *r = b->mmio[mid];
        if (paddr < r->base)
            hi = mid;
        else if (paddr - r->base >= r->len)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

static struct region *mmio_at(const struct bus *b, uint32_t paddr)
{
    const struct page_node *n = b->node[paddr >> NODE_SHIFT];
    if (!n) return NULL;
    struct region *m = n->mmio[page_index(paddr)];
    if (!m) return NULL;
    if (m == &b->mmio_many) return mmio_search(b, paddr);
    return paddr - m->base < m->len ? m : NULL;
}

static struct region *ram_at(const struct bus *b, uint32_t paddr)
{
    const struct page_node *n = b->node[paddr >> NODE_SHIFT];
    return n ? n->ram[page_index(paddr)] : NULL;
}

/* RAM bytes [paddr, paddr + len) of region r were written (len > 0, inside r). */
static void ram_written(struct bus *b, struct region *r, uint32_t paddr, uint32_t len)
{
    if (r->dirty) {
        uint32_t first = (paddr - r->base) >> PAGE_SHIFT;
        uint32_t last = (paddr - r->base + len - 1) >> PAGE_SHIFT;
        for (uint32_t p = first; p <= last; p++)
            r->dirty[p / 8] |= (uint8_t)(1u << (p % 8));
    }
    codepages_write_check(&b->code, paddr, len);
}

/* ---- physical access ---- */

/* Any size 1..4, anywhere: walk the bytes, giving MMIO runs to the device whole. */
static uint32_t phys_read_slow(struct bus *b, uint32_t paddr, unsigned size)
{
    if (size == 0 || size > 4) return UINT32_MAX;
    uint32_t v = 0;
    for (unsigned i = 0; i < size;) {
        uint32_t a = paddr + i;
        unsigned n = 1;
        uint32_t part;
        struct region *m = mmio_at(b, a);
        if (m) {
            uint32_t off = a - m->base;
            n = size - i;
            if (n > m->len - off) n = m->len - off;
            if (n == 3) n = 2;
            part = io_read(m, off, n);
        } else {
            struct region *r = ram_at(b, a);
            part = r ? r->host[a - r->base] : 0xff;
        }
        v |= part << (8 * i);
        i += n;
    }
    return v;
}

static void phys_write_slow(struct bus *b, uint32_t paddr, uint32_t value, unsigned size)
{
    if (size == 0 || size > 4) return;
    for (unsigned i = 0; i < size;) {
        uint32_t a = paddr + i;
        unsigned n = 1;
        struct region *m = mmio_at(b, a);
        if (m) {
            uint32_t off = a - m->base;
            n = size - i;
            if (n > m->len - off) n = m->len - off;
            if (n == 3) n = 2;
            io_write(m, off, (value >> (8 * i)) & ones(n), n);
        } else {
            struct region *r = ram_at(b, a);
            if (r && !(r->flags & BUS_RAM_ROM)) {
                r->host[a - r->base] = (uint8_t)(value >> (8 * i));
                ram_written(b, r, a, 1);
            }
        }
        i += n;
    }
}

uint32_t bus_phys_read(struct bus *b, uint32_t paddr, unsigned size)
{
    if (is_access_size(size) && (paddr & (PAGE_BYTES - 1)) + size <= PAGE_BYTES) {
        const struct page_node *n = b->node[paddr >> NODE_SHIFT];
        if (!n) return ones(size);
        unsigned i = page_index(paddr);
        struct region *m = n->mmio[i];
        if (!m) {
            const struct region *r = n->ram[i];
            uint32_t v = 0;
            if (!r) return ones(size);
            memcpy(&v, r->host + (paddr - r->base), size);
            return v;
        }
        if (m != &b->mmio_many && paddr - m->base < m->len && m->len - (paddr - m->base) >= size)
            return io_read(m, paddr - m->base, size);
    }
    return phys_read_slow(b, paddr, size);
}

void bus_phys_write(struct bus *b, uint32_t paddr, uint32_t value, unsigned size)
{
    if (is_access_size(size) && (paddr & (PAGE_BYTES - 1)) + size <= PAGE_BYTES) {
        const struct page_node *n = b->node[paddr >> NODE_SHIFT];
        if (!n) return;
        unsigned i = page_index(paddr);
        struct region *m = n->mmio[i];
        if (!m) {
            struct region *r = n->ram[i];
            if (!r || (r->flags & BUS_RAM_ROM)) return;
            memcpy(r->host + (paddr - r->base), &value, size);
            ram_written(b, r, paddr, size);
            return;
        }
        if (m != &b->mmio_many && paddr - m->base < m->len && m->len - (paddr - m->base) >= size) {
            io_write(m, paddr - m->base, value, size);
            return;
        }
    }
    phys_write_slow(b, paddr, value, size);
}

/* Largest naturally aligned access size (4, 2, 1) at a with left bytes to go. */
static unsigned block_step(uint32_t a, size_t left)
{
    if (!(a & 3) && left >= 4) return 4;
    if (!(a & 1) && left >= 2) return 2;
    return 1;
}

void bus_phys_read_block(struct bus *b, uint32_t paddr, void *dst, size_t len)
{
    uint8_t *d = dst;
    while (len) {
        size_t n = PAGE_BYTES - (paddr & (PAGE_BYTES - 1));
        if (n > len) n = len;
        const struct page_node *node = b->node[paddr >> NODE_SHIFT];
        unsigned i = page_index(paddr);
        if (node && node->mmio[i]) {
            for (size_t k = 0; k < n;) {
                unsigned step = block_step(paddr + (uint32_t)k, n - k);
                uint32_t v = bus_phys_read(b, paddr + (uint32_t)k, step);
                memcpy(d + k, &v, step);
                k += step;
            }
        } else if (node && node->ram[i]) {
            const struct region *r = node->ram[i];
            memcpy(d, r->host + (paddr - r->base), n);
        } else {
            memset(d, 0xff, n);
        }
        paddr += (uint32_t)n;
        d += n;
        len -= n;
    }
}

void bus_phys_write_block(struct bus *b, uint32_t paddr, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len) {
        size_t n = PAGE_BYTES - (paddr & (PAGE_BYTES - 1));
        if (n > len) n = len;
        const struct page_node *node = b->node[paddr >> NODE_SHIFT];
        unsigned i = page_index(paddr);
        if (node && node->mmio[i]) {
            for (size_t k = 0; k < n;) {
                unsigned step = block_step(paddr + (uint32_t)k, n - k);
                uint32_t v = 0;
                memcpy(&v, s + k, step);
                bus_phys_write(b, paddr + (uint32_t)k, v, step);
                k += step;
            }
        } else if (node && node->ram[i] && !(node->ram[i]->flags & BUS_RAM_ROM)) {
            struct region *r = node->ram[i];
            memcpy(r->host + (paddr - r->base), s, n);
            ram_written(b, r, paddr, (uint32_t)n);
        }
        paddr += (uint32_t)n;
        s += n;
        len -= n;
    }
}

uint8_t *bus_ram_ptr(struct bus *b, uint32_t paddr, bool write)
{
    const struct page_node *n = b->node[paddr >> NODE_SHIFT];
    unsigned i = page_index(paddr);
    if (!n || n->mmio[i] || !n->ram[i]) return NULL;
    struct region *r = n->ram[i];
    if (write) {
        if (r->flags & BUS_RAM_ROM) return NULL;
        if (r->dirty) { /* the caller is about to write this page */
            uint32_t p = (paddr - r->base) >> PAGE_SHIFT;
            r->dirty[p / 8] |= (uint8_t)(1u << (p % 8));
        }
    }
    return r->host + (paddr - r->base);
}

struct bus_page bus_page_lookup(struct bus *b, uint32_t paddr)
{
    struct bus_page pg = {NULL, false, false};
    const struct page_node *n = b->node[paddr >> NODE_SHIFT];
    unsigned i = page_index(paddr);
    if (!n || n->mmio[i] || !n->ram[i]) return pg;
    const struct region *r = n->ram[i];
    uint32_t page = paddr & ~(PAGE_BYTES - 1);
    pg.host = r->host + (page - r->base);
    pg.rom = (r->flags & BUS_RAM_ROM) != 0;
    pg.code = r->dirty != NULL || codepages_page_has_code(&b->code, paddr);
    return pg;
}

/* ---- mapping ---- */

/* Make sure the page nodes covering [base, base + len) exist. */
static bool nodes_alloc(struct bus *b, uint32_t base, uint32_t len)
{
    uint64_t last = ((uint64_t)base + len - 1) >> NODE_SHIFT;
    for (uint64_t g = base >> NODE_SHIFT; g <= last; g++) {
        if (!b->node[g] && !(b->node[g] = calloc(1, sizeof(struct page_node)))) return false;
    }
    return true;
}

static void ram_pages_set(struct bus *b, uint32_t base, uint32_t len, struct region *r)
{
    for (uint64_t a = base; a < (uint64_t)base + len; a += PAGE_BYTES)
        b->node[a >> NODE_SHIFT]->ram[page_index((uint32_t)a)] = r;
}

/* Index of the first MMIO region ending after paddr. */
static size_t mmio_first_ending_after(const struct bus *b, uint64_t paddr)
{
    size_t lo = 0, hi = b->n_mmio;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uint64_t)b->mmio[mid]->base + b->mmio[mid]->len <= paddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* What node->mmio[] should hold for the page at page_addr. */
static struct region *mmio_page_summary(struct bus *b, uint64_t page_addr)
{
    size_t k = mmio_first_ending_after(b, page_addr);
    if (k >= b->n_mmio || b->mmio[k]->base >= page_addr + PAGE_BYTES) return NULL;
    if (k + 1 < b->n_mmio && b->mmio[k + 1]->base < page_addr + PAGE_BYTES) return &b->mmio_many;
    return b->mmio[k];
}

static void mmio_pages_rebuild(struct bus *b, uint32_t base, uint32_t len)
{
    uint64_t first = (uint64_t)base & ~(uint64_t)(PAGE_BYTES - 1);
    for (uint64_t a = first; a < (uint64_t)base + len; a += PAGE_BYTES)
        b->node[a >> NODE_SHIFT]->mmio[page_index((uint32_t)a)] = mmio_page_summary(b, a);
}

static bool mmio_overlaps(const struct bus *b, uint32_t base, uint32_t len,
                          const struct region *except)
{
    for (size_t k = 0; k < b->n_mmio; k++) {
        const struct region *r = b->mmio[k];
        if (r != except && ranges_overlap(base, len, r->base, r->len)) return true;
    }
    return false;
}

static bool ram_overlaps(const struct bus *b, uint32_t base, uint32_t len,
                         const struct region *except)
{
    for (const struct region *r = b->regions; r; r = r->next) {
        if (r->kind == REGION_RAM && r != except && ranges_overlap(base, len, r->base, r->len))
            return true;
    }
    return false;
}

/* Insert into the sorted array; capacity must already be there. */
static void mmio_insert(struct bus *b, struct region *r)
{
    size_t k = 0;
    while (k < b->n_mmio && b->mmio[k]->base < r->base)
        k++;
    memmove(&b->mmio[k + 1], &b->mmio[k], (b->n_mmio - k) * sizeof(*b->mmio));
    b->mmio[k] = r;
    b->n_mmio++;
}

static void mmio_remove(struct bus *b, struct region *r)
{
    for (size_t k = 0; k < b->n_mmio; k++) {
        if (b->mmio[k] == r) {
            memmove(&b->mmio[k], &b->mmio[k + 1], (b->n_mmio - k - 1) * sizeof(*b->mmio));
            b->n_mmio--;
            return;
        }
    }
}

static struct region *region_new(struct bus *b, enum region_kind kind, uint32_t base, uint32_t len)
{
    struct region *r = calloc(1, sizeof(*r));
    if (!r) return NULL;
    r->kind = kind;
    r->base = base;
    r->len = len;
    r->next = b->regions;
    b->regions = r;
    return r;
}

static void region_set_ops(struct region *r, const struct io_ops *ops, void *opaque)
{
    r->ops = ops;
    r->opaque = opaque;
    r->io_min = ops->impl_min ? ops->impl_min : 1;
    r->io_max = ops->impl_max ? ops->impl_max : 4;
}

struct region *bus_map_ports(struct bus *b, uint16_t base, uint16_t len, const struct io_ops *ops,
                             void *opaque)
{
    if (!io_ops_ok(ops) || len == 0 || (uint32_t)base + len > PORTS) return NULL;
    for (uint32_t p = base; p < (uint32_t)base + len; p++) {
        if (b->port[p]) return NULL;
    }
    struct region *r = region_new(b, REGION_PORTS, base, len);
    if (!r) return NULL;
    region_set_ops(r, ops, opaque);
    for (uint32_t p = base; p < (uint32_t)base + len; p++)
        b->port[p] = r;
    notify_map(b);
    return r;
}

struct region *bus_map_mmio(struct bus *b, uint32_t base, uint32_t len, const struct io_ops *ops,
                            void *opaque)
{
    if (!io_ops_ok(ops) || len == 0 || (uint64_t)base + len > SPACE_BYTES) return NULL;
    if (mmio_overlaps(b, base, len, NULL) || !nodes_alloc(b, base, len)) return NULL;
    if (b->n_mmio == b->cap_mmio) {
        size_t cap = b->cap_mmio ? 2 * b->cap_mmio : 16;
        struct region **m = realloc(b->mmio, cap * sizeof(*m));
        if (!m) return NULL;
        b->mmio = m;
        b->cap_mmio = cap;
    }
    struct region *r = region_new(b, REGION_MMIO, base, len);
    if (!r) return NULL;
    region_set_ops(r, ops, opaque);
    mmio_insert(b, r);
    mmio_pages_rebuild(b, base, len);
    codepages_check(&b->code, base, len); /* memory under it is no longer visible */
    notify_map(b);
    return r;
}

struct region *bus_map_ram(struct bus *b, uint32_t base, uint32_t len, uint8_t *host,
                           unsigned flags)
{
    if (!host || len == 0 || ((base | len) & (PAGE_BYTES - 1)) ||
        (uint64_t)base + len > SPACE_BYTES ||
        (flags & ~(unsigned)(BUS_RAM_ROM | BUS_RAM_DIRTY_LOG)))
        return NULL;
    if (ram_overlaps(b, base, len, NULL) || !nodes_alloc(b, base, len)) return NULL;
    uint8_t *dirty = NULL;
    if (flags & BUS_RAM_DIRTY_LOG) {
        size_t bytes = ((len >> PAGE_SHIFT) + 7) / 8;
        if (!(dirty = malloc(bytes))) return NULL;
        memset(dirty, 0xff, bytes); /* everything needs drawing once */
    }
    struct region *r = region_new(b, REGION_RAM, base, len);
    if (!r) {
        free(dirty);
        return NULL;
    }
    r->host = host;
    r->flags = flags;
    r->dirty = dirty;
    ram_pages_set(b, base, len, r);
    codepages_check(&b->code, base, len); /* new memory under old marks */
    notify_map(b);
    return r;
}

void bus_unmap(struct bus *b, struct region *r)
{
    if (!r) return;
    switch (r->kind) {
    case REGION_PORTS:
        for (uint32_t p = r->base; p < r->base + r->len; p++)
            b->port[p] = NULL;
        break;
    case REGION_MMIO:
        mmio_remove(b, r);
        mmio_pages_rebuild(b, r->base, r->len);
        codepages_check(&b->code, r->base, r->len);
        break;
    case REGION_RAM:
        ram_pages_set(b, r->base, r->len, NULL);
        codepages_check(&b->code, r->base, r->len);
        break;
    }
    for (struct region **pp = &b->regions; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    }
    free(r->dirty);
    free(r);
    notify_map(b);
}

bool bus_move(struct bus *b, struct region *r, uint32_t new_base)
{
    if (!r) return false;
    if (new_base == r->base) return true;
    uint32_t old = r->base;
    switch (r->kind) {
    case REGION_PORTS:
        if ((uint64_t)new_base + r->len > PORTS) return false;
        for (uint32_t p = new_base; p < new_base + r->len; p++) {
            if (b->port[p] && b->port[p] != r) return false;
        }
        for (uint32_t p = old; p < old + r->len; p++)
            b->port[p] = NULL;
        r->base = new_base;
        for (uint32_t p = new_base; p < new_base + r->len; p++)
            b->port[p] = r;
        break;
    case REGION_MMIO:
        if ((uint64_t)new_base + r->len > SPACE_BYTES || mmio_overlaps(b, new_base, r->len, r) ||
            !nodes_alloc(b, new_base, r->len))
            return false;
        mmio_remove(b, r);
        r->base = new_base;
        mmio_insert(b, r);
        mmio_pages_rebuild(b, old, r->len);
        mmio_pages_rebuild(b, new_base, r->len);
        codepages_check(&b->code, old, r->len);
        codepages_check(&b->code, new_base, r->len);
        break;
    case REGION_RAM:
        if ((new_base & (PAGE_BYTES - 1)) || (uint64_t)new_base + r->len > SPACE_BYTES ||
            ram_overlaps(b, new_base, r->len, r) || !nodes_alloc(b, new_base, r->len))
            return false;
        ram_pages_set(b, old, r->len, NULL);
        r->base = new_base;
        ram_pages_set(b, new_base, r->len, r);
        codepages_check(&b->code, old, r->len);
        codepages_check(&b->code, new_base, r->len);
        break;
    }
    notify_map(b);
    return true;
}

uint32_t bus_region_base(const struct region *r)
{
    return r->base;
}

/* ---- dirty log ---- */

bool bus_ram_dirty_test_and_clear(struct bus *b, struct region *r, uint32_t offset, uint32_t len)
{
    (void)b;
    if (!r || !r->dirty || len == 0 || offset >= r->len) return false;
    uint64_t last = (uint64_t)offset + len - 1;
    if (last >= r->len) last = r->len - 1;
    bool any = false;
    for (uint32_t p = offset >> PAGE_SHIFT; p <= (uint32_t)(last >> PAGE_SHIFT); p++) {
        uint8_t bit = (uint8_t)(1u << (p % 8));
        any |= (r->dirty[p / 8] & bit) != 0;
        r->dirty[p / 8] &= (uint8_t)~bit;
    }
    return any;
}

/* ---- A20, listeners, code pages ---- */

void bus_set_a20(struct bus *b, bool enabled)
{
    uint32_t mask = enabled ? UINT32_MAX : ~(UINT32_C(1) << 20);
    if (mask == b->a20_mask) return;
    b->a20_mask = mask;
    notify_map(b);
}

bool bus_a20(const struct bus *b)
{
    return b->a20_mask == UINT32_MAX;
}

uint32_t bus_a20_mask(const struct bus *b)
{
    return b->a20_mask;
}

void bus_add_map_listener(struct bus *b, void (*fn)(void *opaque), void *opaque)
{
    struct map_listener *l = realloc(b->listeners, (b->n_listeners + 1) * sizeof(*l));
    if (!l) {
        fprintf(stderr, "cinder: out of memory (bus listener)\n");
        abort();
    }
    b->listeners = l;
    l[b->n_listeners++] = (struct map_listener){fn, opaque};
}

void bus_code_mark(struct bus *b, uint32_t paddr, uint32_t len)
{
    codepages_mark(&b->code, paddr, len);
}

void bus_code_add_listener(struct bus *b,
                           void (*invalidate)(void *opaque, uint32_t paddr, uint32_t len),
                           void *opaque)
{
    codepages_add_listener(&b->code, invalidate, opaque);
}

void bus_code_write_check(struct bus *b, uint32_t paddr, uint32_t len)
{
    if (len == 0) return;
    /* Dirty log first (page by page, the range may span regions). */
    uint64_t end = (uint64_t)paddr + len;
    for (uint64_t a = paddr; a < end; a = (a & ~(uint64_t)(PAGE_BYTES - 1)) + PAGE_BYTES) {
        struct region *r = ram_at(b, (uint32_t)a);
        if (r && r->dirty) {
            uint32_t p = ((uint32_t)a - r->base) >> PAGE_SHIFT;
            r->dirty[p / 8] |= (uint8_t)(1u << (p % 8));
        }
    }
    codepages_write_check(&b->code, paddr, len);
}

bool bus_code_page_has_code(struct bus *b, uint32_t paddr)
{
    return codepages_page_has_code(&b->code, paddr);
}

void bus_code_add_page_listener(struct bus *b,
                                void (*page_became_code)(void *opaque, uint32_t page_paddr),
                                void *opaque)
{
    codepages_add_page_listener(&b->code, page_became_code, opaque);
}

/* ---- lifecycle, info, invariants ---- */

struct bus *bus_create(void)
{
    struct bus *b = calloc(1, sizeof(*b));
    if (!b) return NULL;
    b->a20_mask = UINT32_MAX;
    codepages_init(&b->code);
    const char *env = getenv("CINDER_LOG_UNMAPPED");
    b->log_unmapped = env && *env;
    return b;
}

void bus_destroy(struct bus *b)
{
    if (!b) return;
    for (struct region *r = b->regions, *next; r; r = next) {
        next = r->next;
        free(r->dirty);
        free(r);
    }
    for (unsigned g = 0; g < NODES; g++)
        free(b->node[g]);
    free(b->mmio);
    free(b->listeners);
    codepages_free(&b->code);
    free(b);
}

static int region_cmp(const void *pa, const void *pb)
{
    const struct region *a = *(const struct region *const *)pa;
    const struct region *b = *(const struct region *const *)pb;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return a->base < b->base ? -1 : a->base > b->base;
}

void bus_info(const struct bus *b, FILE *out)
{
    size_t n = 0;
    for (const struct region *r = b->regions; r; r = r->next)
        n++;
    const struct region **v = malloc((n ? n : 1) * sizeof(*v));
    if (!v) return;
    n = 0;
    for (const struct region *r = b->regions; r; r = r->next)
        v[n++] = r;
    qsort(v, n, sizeof(*v), region_cmp);
    for (size_t k = 0; k < n; k++) {
        const struct region *r = v[k];
        uint32_t last = r->base + (r->len - 1);
        switch (r->kind) {
        case REGION_PORTS:
            fprintf(out, "port  %04x-%04x     %s\n", r->base, last,
                    r->ops->name ? r->ops->name : "?");
            break;
        case REGION_MMIO:
            fprintf(out, "mmio  %08x-%08x %s\n", r->base, last, r->ops->name ? r->ops->name : "?");
            break;
        case REGION_RAM:
            fprintf(out, "%s   %08x-%08x%s\n", (r->flags & BUS_RAM_ROM) ? "rom" : "ram", r->base,
                    last, r->dirty ? " dirty-log" : "");
            break;
        }
    }
    fprintf(out, "a20   %s\n", bus_a20(b) ? "on" : "off");
    free(v);
}

#ifdef CINDER_DEBUG
static void invariant_failed(const char *what, uint64_t where)
{
    fprintf(stderr, "cinder: bus invariant broken: %s at 0x%llx\n", what,
            (unsigned long long)where);
    abort();
}

static void bus_check_invariants(const struct bus *b)
{
    for (uint32_t p = 0; p < PORTS; p++) {
        const struct region *r = b->port[p];
        if (r && (r->kind != REGION_PORTS || p < r->base || p - r->base >= r->len))
            invariant_failed("port table", p);
    }
    for (size_t k = 0; k < b->n_mmio; k++) {
        const struct region *r = b->mmio[k];
        if (r->kind != REGION_MMIO) invariant_failed("mmio list kind", r->base);
        if (k + 1 < b->n_mmio && (uint64_t)r->base + r->len > b->mmio[k + 1]->base)
            invariant_failed("mmio list order/overlap", r->base);
    }
    for (uint64_t g = 0; g < NODES; g++) {
        const struct page_node *n = b->node[g];
        if (!n) continue;
        for (unsigned i = 0; i < NODE_PAGES; i++) {
            uint64_t a = (g << NODE_SHIFT) | ((uint64_t)i << PAGE_SHIFT);
            const struct region *r = n->ram[i];
            if (r && (r->kind != REGION_RAM || a < r->base || a - r->base >= r->len))
                invariant_failed("ram page table", a);
            if (n->mmio[i] != mmio_page_summary((struct bus *)b, a))
                invariant_failed("mmio page summary", a);
        }
    }
    for (const struct region *r = b->regions; r; r = r->next) {
        if (r->kind == REGION_RAM) {
            for (uint64_t a = r->base; a < (uint64_t)r->base + r->len; a += PAGE_BYTES) {
                if (ram_at(b, (uint32_t)a) != r)
                    invariant_failed("ram region not in page table", a);
            }
        } else if (r->kind == REGION_PORTS) {
            for (uint32_t p = r->base; p < r->base + r->len; p++) {
                if (b->port[p] != r) invariant_failed("port region not in port table", p);
            }
        }
    }
}
#else
static void bus_check_invariants(const struct bus *b)
{
    (void)b;
}
#endif
