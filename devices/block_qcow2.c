/*
 * block_qcow2.c - QEMU's qcow2 image format, versions 2 and 3, read and write.
 *
 * Source: the qcow2 specification (QEMU docs/interop/qcow2.txt).  A guest
 * offset is split into an L1 index, an L2 index and an offset in a cluster
 * (2^cluster_bits bytes, 512 B .. 2 MiB).  The L1 table is kept whole in
 * memory; L2 tables go through a small write-back cache of whole tables.
 * An unallocated cluster reads from the backing file (a chain, opened
 * read-only) or as zeros; a v3 zero cluster reads as zeros; a compressed
 * cluster is inflated (raw deflate, zlib) into a one-cluster cache.
 *
 * Writes: a cluster that is ours (standard entry with the COPIED flag, i.e.
 * refcount 1) is written in place.  Anything else (unallocated, zero,
 * compressed, or shared with an internal snapshot) gets a fresh cluster at
 * the end of the file filled with the old contents plus the new data
 * (copy-on-write), and its L2 entry is changed in the cache.  An L2 table
 * shared with an internal snapshot is copied the same way.  Clusters are
 * only ever appended; a replaced compressed or shared cluster keeps its
 * refcount (a leak `qemu-img check -r leaks` reclaims), never a dangling one.
 * An in-place write whose L2 entry names the header, the L1 or refcount
 * table, an L2 table or a refcount block is refused with -EIO (QEMU's
 * overlap check), so a corrupt entry cannot spread the damage.
 *
 * Crash safety (the order QEMU keeps): a new cluster's data is written, then
 * its refcount, and only after an fdatasync does an L2 entry on disk point
 * at it; a new L2 table is written and synced before its L1 entry is; a new
 * refcount block is written and synced before the refcount table points at
 * it.  Dirty L2 tables and L1 entries stay in memory until block_flush, a
 * cache eviction or close ("commit"), so a guest streaming writes pays two
 * fdatasyncs per flush, not per cluster.  A SIGKILL at any moment thus leaves
 * at worst leaked clusters.  The refcount table grows when the file outgrows
 * it (new table and refcount blocks written and synced, then the header
 * switched in one sector write), up to 8 MiB.
 *
 * Refused at open, with one line: other versions, cluster_bits outside
 * 9..21, encryption, tables unaligned or beyond the end of the file, an L1
 * table too small for the virtual size, and incompatible features: external
 * data file, extended L2 entries, non-zlib compression and unknown bits (by
 * the name in the image's feature table when it has one).  The dirty bit
 * (lazy refcounts not yet rebuilt) and the corrupt bit are refused for
 * writable opens only: refcounts do not matter to a reader, so readonly=on
 * and snapshot=on open such images.  Autoclear bits (persistent bitmaps,
 * raw external data) are cleared at a writable open, as the spec asks of a
 * program that does not maintain what they describe.  Internal snapshots
 * are neither listed nor applied (their clusters are only copied on write).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/block_driver.h"

#define QCOW2_V2_HEADER 72u            /* bytes of a version 2 header */
#define QCOW2_V3_HEADER 104u           /* minimum bytes of a version 3 header */
#define QCOW2_MAX_L1_BYTES (32u << 20) /* as QEMU: larger L1 tables are refused */
#define QCOW2_MAX_RT_BYTES (8u << 20)  /* as QEMU: the refcount table stops here */
#define QCOW2_L2_CACHE_BYTES (4u << 20)
#define QCOW2_L2_SLOTS_MAX 64
#define QCOW2_MAX_BACKING_NAME 1023u

#define OFLAG_COPIED (1ull << 63)     /* refcount is exactly 1: may write in place */
#define OFLAG_COMPRESSED (1ull << 62) /* L2: compressed cluster descriptor */
#define OFLAG_ZERO 1ull               /* L2 (v3): reads as zeros */
#define L1E_OFFSET_MASK 0x00fffffffffffe00ull
#define L1E_RESERVED 0x7f000000000001ffull
#define L2E_OFFSET_MASK 0x00fffffffffffe00ull
#define L2E_RESERVED 0x3f000000000001feull
#define RTE_RESERVED 0x1ffull

enum {
    INCOMPAT_DIRTY = 0,
    INCOMPAT_CORRUPT = 1,
    INCOMPAT_DATA_FILE = 2,
    INCOMPAT_COMPRESSION = 3,
    INCOMPAT_EXTL2 = 4,
};

#define EXT_END 0x00000000u
#define EXT_BACKING_FORMAT 0xe2792acau
#define EXT_FEATURE_NAMES 0x6803f857u

enum qcow2_cluster_kind { CL_UNALLOC, CL_ZERO, CL_DATA, CL_COMPRESSED };

struct qcow2_l2_slot {
    uint64_t offset; /* host offset of the cached L2 table; 0 = slot empty */
    uint64_t *table; /* the table as on disk (big-endian entries) */
    bool dirty;      /* differs from disk; written at the next commit */
    uint64_t used;   /* use stamp for LRU eviction */
};

/* A host range (a replaced compressed cluster, a cluster or L2 table we
 * copied away from an internal snapshot) whose refcounts drop by one once
 * the tables no longer naming it are on disk. */
struct qcow2_free {
    uint64_t offset; /* first byte */
    uint64_t len;    /* bytes */
    bool l2_table;   /* an L2 table we copied (else guest data, never metadata) */
};

struct qcow2 {
    struct block *b;         /* the image this state belongs to (path, fd) */
    unsigned version;        /* 2 or 3 */
    unsigned cluster_bits;   /* log2 cluster size, 9..21 */
    uint64_t cs;             /* cluster size in bytes */
    unsigned l2_bits;        /* log2 entries per L2 table (cluster_bits - 3) */
    unsigned refcount_order; /* log2 refcount width in bits, 0..6 */
    unsigned rb_bits;        /* log2 entries per refcount block */
    uint64_t file_size;      /* bytes in the file, kept up to date as we extend it */
    uint64_t next_free;      /* where the next cluster is appended (cluster aligned) */
    uint64_t *l1;            /* the active L1 table, host byte order */
    uint32_t l1_size;        /* entries in l1 */
    uint64_t l1_offset;      /* host offset of the L1 table */
    uint32_t l1_dirty_lo;    /* first L1 entry changed since the last commit */
    uint32_t l1_dirty_hi;    /* one past the last; lo == hi: none */
    uint64_t *rt;            /* the refcount table, host byte order */
    uint64_t rt_entries;     /* entries in rt */
    uint64_t rt_offset;      /* host offset of the refcount table */
    struct qcow2_l2_slot slots[QCOW2_L2_SLOTS_MAX]; /* L2 table cache */
    unsigned nslots;          /* slots in use by the cache (fewer for big clusters) */
    uint64_t use_clock;       /* source of slot use stamps */
    struct block *backing;    /* backing image, read-only; NULL: unallocated reads as zeros */
    uint8_t *cluster_buf;     /* one cluster for copy-on-write merges */
    uint8_t *dcache;          /* the last decompressed cluster */
    uint64_t dcache_desc;     /* its compressed-cluster descriptor */
    bool dcache_valid;        /* dcache holds dcache_desc's data */
    uint8_t *zbuf;            /* compressed bytes being inflated (2 clusters + a sector) */
    uint8_t *header;          /* the first cluster of the file, during open only */
    uint64_t *meta;           /* sorted host offsets of L2 tables and refcount blocks */
    size_t nmeta;             /* entries in meta */
    size_t meta_cap;          /* room in meta */
    struct qcow2_free *frees; /* clusters the cached tables stopped using */
    size_t nfrees;            /* entries in frees */
    size_t frees_cap;         /* room in frees */
    bool reported;            /* a runtime corruption has been reported on stderr */
};

static uint64_t get_be64(const void *p)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

static uint32_t get_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void put_be64(void *p, uint64_t v)
{
    uint8_t *b = p;
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}

static void put_be32(void *p, uint32_t v)
{
    uint8_t *b = p;
    for (int i = 3; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}

/* A guest request met a broken table: one line on stderr, -EIO to the guest. */
static int qcow2_corrupt(struct qcow2 *q, const char *what, uint64_t value)
{
    if (!q->reported)
        fprintf(stderr, "%s: corrupt qcow2 image: %s (0x%llx)\n", q->b->path, what,
                (unsigned long long)value);
    q->reported = true;
    return -EIO;
}

static void note_file_end(struct qcow2 *q, uint64_t end)
{
    if (end > q->file_size) q->file_size = end;
}

/* ---- metadata overlap checks ------------------------------------------------ */

/* A corrupt L2 entry could name a metadata cluster as guest data; writing
 * there would spread the damage.  Every in-place write is checked against
 * the header, the L1 and refcount tables, and the L2 tables and refcount
 * blocks (kept sorted in q->meta), as QEMU's overlap checks do. */
static int meta_add(struct qcow2 *q, uint64_t offset)
{
    if (q->nmeta == q->meta_cap) {
        size_t cap = q->meta_cap ? q->meta_cap * 2 : 64;
        uint64_t *meta = realloc(q->meta, cap * sizeof(*meta));
        if (!meta) return -ENOMEM;
        q->meta = meta;
        q->meta_cap = cap;
    }
    /* New metadata is appended to the file: this loop rarely moves anything. */
    size_t i = q->nmeta++;
    for (; i > 0 && q->meta[i - 1] > offset; i--)
        q->meta[i] = q->meta[i - 1];
    q->meta[i] = offset;
    return 0;
}

static bool range_hits(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return blen && a < b + blen && b < a + alen;
}

/* Does host cluster `host` hold metadata? */
static bool is_metadata(const struct qcow2 *q, uint64_t host)
{
    if (host < q->cs || range_hits(host, q->cs, q->l1_offset, q->l1_size * 8ull) ||
        range_hits(host, q->cs, q->rt_offset, q->rt_entries * 8))
        return true;
    size_t lo = 0, hi = q->nmeta;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (q->meta[mid] == host) return true;
        if (q->meta[mid] < host)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* ---- refcounts ---------------------------------------------------------- */

static uint64_t rc_mask(const struct qcow2 *q)
{
    return q->refcount_order == 6 ? ~0ull : (1ull << (1u << q->refcount_order)) - 1;
}

/* Set entry idx of a refcount block held in memory. */
static void rc_buf_set(const struct qcow2 *q, uint8_t *block, uint64_t idx, uint64_t value)
{
    uint64_t bit = idx << q->refcount_order;
    unsigned width = 1u << q->refcount_order;
    if (width >= 8) {
        uint8_t *p = block + bit / 8;
        for (int i = (int)width / 8 - 1; i >= 0; i--, value >>= 8)
            p[i] = (uint8_t)value;
    } else {
        /* Sub-byte widths pack from the least significant bit (as QEMU). */
        unsigned shift = (unsigned)(bit % 8);
        block[bit / 8] = (uint8_t)((block[bit / 8] & ~(rc_mask(q) << shift)) | value << shift);
    }
}

/* Where host cluster `host`'s refcount lives: *pos is a byte offset in the
 * file, 0 when no refcount block covers it. */
static uint64_t rc_pos(const struct qcow2 *q, uint64_t host, unsigned *shift)
{
    uint64_t ci = host >> q->cluster_bits;
    uint64_t ri = ci >> q->rb_bits;
    if (ri >= q->rt_entries || !q->rt[ri]) return 0;
    uint64_t bit = (ci & ((1ull << q->rb_bits) - 1)) << q->refcount_order;
    *shift = (unsigned)(bit % 8);
    return q->rt[ri] + bit / 8;
}

static int rc_get(struct qcow2 *q, uint64_t host, uint64_t *value)
{
    unsigned shift, nbytes = q->refcount_order >= 3 ? 1u << (q->refcount_order - 3) : 1;
    uint64_t pos = rc_pos(q, host, &shift);
    *value = 0;
    if (!pos) return 0;
    uint8_t raw[8] = {0};
    long long n = block_pread_full(q->b->fd, raw, nbytes, pos);
    if (n < 0) return -EIO;
    for (unsigned i = 0; i < nbytes; i++)
        *value = *value << 8 | raw[i];
    if (q->refcount_order < 3) *value = (*value >> shift) & rc_mask(q);
    return 0;
}

static int rc_set(struct qcow2 *q, uint64_t host, uint64_t value)
{
    unsigned shift, nbytes = q->refcount_order >= 3 ? 1u << (q->refcount_order - 3) : 1;
    uint64_t pos = rc_pos(q, host, &shift);
    if (!pos) return qcow2_corrupt(q, "no refcount block for cluster", host);
    uint8_t raw[8] = {0};
    if (q->refcount_order >= 3) {
        for (int i = (int)nbytes - 1; i >= 0; i--, value >>= 8)
            raw[i] = (uint8_t)value;
    } else {
        if (block_pread_full(q->b->fd, raw, 1, pos) < 0) return -EIO;
        raw[0] = (uint8_t)((raw[0] & ~(rc_mask(q) << shift)) | value << shift);
    }
    if (block_pwrite_all(q->b->fd, raw, nbytes, pos) != 0) return -EIO;
    note_file_end(q, pos + nbytes);
    return 0;
}

/* Remember a range to release at the next commit.  Out of memory, it just
 * stays counted: a leak, never a dangling reference. */
static void free_later(struct qcow2 *q, uint64_t offset, uint64_t len, bool l2_table)
{
    if (q->nfrees == q->frees_cap) {
        size_t cap = q->frees_cap ? q->frees_cap * 2 : 64;
        struct qcow2_free *frees = realloc(q->frees, cap * sizeof(*frees));
        if (!frees) return;
        q->frees = frees;
        q->frees_cap = cap;
    }
    q->frees[q->nfrees++] = (struct qcow2_free){offset, len, l2_table};
}

/* Drop the refcounts of the remembered ranges; the caller has synced the
 * tables that stopped naming them. */
static int release_frees(struct qcow2 *q)
{
    for (size_t i = 0; i < q->nfrees; i++) {
        uint64_t end = q->frees[i].offset + q->frees[i].len;
        for (uint64_t c = q->frees[i].offset & ~(q->cs - 1); c < end; c += q->cs) {
            /* A corrupt L2 entry naming metadata as data must not free it. */
            if (!q->frees[i].l2_table && is_metadata(q, c)) continue;
            uint64_t rc;
            int r = rc_get(q, c, &rc);
            if (r == 0 && rc > 0) r = rc_set(q, c, rc - 1);
            if (r != 0) return r;
        }
    }
    q->nfrees = 0;
    return 0;
}

/* A refcount block for table entry ri, placed at `at` (inside the range it
 * covers, so it counts itself): written and synced before the table entry. */
static int rc_new_block(struct qcow2 *q, uint64_t ri, uint64_t at)
{
    uint8_t *block = calloc(1, q->cs);
    if (!block) return -ENOMEM;
    rc_buf_set(q, block, (at >> q->cluster_bits) & ((1ull << q->rb_bits) - 1), 1);
    int r = block_pwrite_all(q->b->fd, block, q->cs, at);
    free(block);
    if (r != 0 || fdatasync(q->b->fd) != 0) return -EIO;
    note_file_end(q, at + q->cs);
    uint8_t entry[8];
    put_be64(entry, at);
    if (block_pwrite_all(q->b->fd, entry, 8, q->rt_offset + ri * 8) != 0) return -EIO;
    q->rt[ri] = at;
    q->next_free = at + q->cs;
    return meta_add(q, at);
}

/* The file has outgrown the refcount table: write a bigger table at the end
 * followed by the refcount blocks that the table and they themselves need,
 * sync, switch the header to it, sync, then free the old table. */
static int rc_grow_table(struct qcow2 *q)
{
    uint64_t cs = q->cs;
    uint64_t start = q->next_free;
    uint64_t start_cluster = start >> q->cluster_bits;
    uint64_t first_ri = start_cluster >> q->rb_bits;
    uint64_t want = q->rt_entries * 2 > first_ri + 1 ? q->rt_entries * 2 : first_ri + 1;
    uint64_t tclusters = (want * 8 + cs - 1) / cs, nblocks, last_ri;
    for (;;) {
        /* New blocks for every uncovered range the new clusters fall in;
         * each block added may reach into one more range. */
        nblocks = 0;
        for (;;) {
            last_ri = (start_cluster + tclusters + nblocks - 1) >> q->rb_bits;
            uint64_t count = 0;
            for (uint64_t ri = first_ri; ri <= last_ri; ri++)
                count += ri >= q->rt_entries || !q->rt[ri];
            if (count == nblocks) break;
            nblocks = count;
        }
        if ((last_ri + 1) * 8 <= tclusters * cs) break;
        tclusters++;
    }
    if (tclusters * cs > QCOW2_MAX_RT_BYTES) {
        if (!q->reported)
            fprintf(stderr, "%s: qcow2 refcount table would exceed %u MiB; image is full\n",
                    q->b->path, QCOW2_MAX_RT_BYTES >> 20);
        q->reported = true;
        return -ENOSPC;
    }
    uint64_t new_entries = tclusters * cs / 8;
    uint64_t *nrt = calloc(new_entries, sizeof(*nrt));
    uint8_t *table = calloc(tclusters, cs);
    uint8_t *blocks = calloc(nblocks ? nblocks : 1, cs);
    int r = -ENOMEM;
    if (!nrt || !table || !blocks) goto out;
    memcpy(nrt, q->rt, q->rt_entries * sizeof(*nrt));
    uint64_t blocks_at = start + tclusters * cs, k = 0;
    for (uint64_t ri = first_ri; ri <= last_ri; ri++)
        if (ri >= q->rt_entries || !q->rt[ri]) nrt[ri] = blocks_at + cs * k++;
    /* Count the new clusters: in a new block in memory, or in an old block on
     * disk (harmless before the header switch: a leak at worst). */
    for (uint64_t c = start; c < blocks_at + nblocks * cs; c += cs) {
        uint64_t ci = c >> q->cluster_bits, ri = ci >> q->rb_bits;
        if (ri < q->rt_entries && q->rt[ri]) {
            if ((r = rc_set(q, c, 1)) != 0) goto out;
        } else {
            uint8_t *block = blocks + (nrt[ri] - blocks_at);
            rc_buf_set(q, block, ci & ((1ull << q->rb_bits) - 1), 1);
        }
    }
    for (uint64_t i = 0; i < new_entries; i++)
        put_be64(table + i * 8, nrt[i]);
    r = -EIO;
    if (block_pwrite_all(q->b->fd, table, tclusters * cs, start) != 0) goto out;
    if (nblocks && block_pwrite_all(q->b->fd, blocks, nblocks * cs, blocks_at) != 0) goto out;
    if (fdatasync(q->b->fd) != 0) goto out;
    note_file_end(q, blocks_at + nblocks * cs);
    q->next_free = blocks_at + nblocks * cs;
    uint8_t hdr[12];
    put_be64(hdr, start);
    put_be32(hdr + 8, (uint32_t)tclusters);
    if (block_pwrite_all(q->b->fd, hdr, sizeof(hdr), 48) != 0 || fdatasync(q->b->fd) != 0) goto out;
    uint64_t old_offset = q->rt_offset, old_clusters = (q->rt_entries * 8 + cs - 1) / cs;
    free(q->rt);
    q->rt = nrt;
    nrt = NULL;
    q->rt_entries = new_entries;
    q->rt_offset = start;
    r = 0;
    for (uint64_t i = 0; i < nblocks && r == 0; i++)
        r = meta_add(q, blocks_at + i * cs);
    /* The old table is unreferenced only now that the header is durable. */
    for (uint64_t i = 0; i < old_clusters && r == 0; i++)
        r = rc_set(q, old_offset + i * cs, 0);
out:
    free(nrt);
    free(table);
    free(blocks);
    return r;
}

/* Append one cluster holding `data` (zeros if NULL): data first, then its
 * refcount.  Nothing points at it yet. */
static int alloc_cluster(struct qcow2 *q, const void *data, uint64_t *out)
{
    unsigned skipped = 0;
    for (;;) {
        uint64_t at = q->next_free;
        uint64_t ri = (at >> q->cluster_bits) >> q->rb_bits;
        int r;
        if (ri >= q->rt_entries) {
            if ((r = rc_grow_table(q)) != 0) return r;
            continue;
        }
        if (!q->rt[ri]) {
            if ((r = rc_new_block(q, ri, at)) != 0) return r;
            continue;
        }
        uint64_t rc;
        if ((r = rc_get(q, at, &rc)) != 0) return r;
        if (rc != 0) { /* counted but past the end (preallocation): not ours to take */
            q->next_free += q->cs;
            if (++skipped > (1u << 20))
                return qcow2_corrupt(q, "refcounts claim a million clusters past the end", at);
            continue;
        }
        if (data) {
            if (block_pwrite_all(q->b->fd, data, q->cs, at) != 0) return -EIO;
        } else if (at + q->cs > q->file_size && ftruncate(q->b->fd, (off_t)(at + q->cs)) != 0) {
            return -EIO;
        }
        note_file_end(q, at + q->cs);
        if ((r = rc_set(q, at, 1)) != 0) return r;
        q->next_free = at + q->cs;
        *out = at;
        return 0;
    }
}

/* ---- L1/L2 ---------------------------------------------------------------- */

/* Write dirty L2 tables and L1 entries in their safe order. */
static int qcow2_commit(struct qcow2 *q)
{
    bool l2_dirty = false;
    for (unsigned i = 0; i < q->nslots; i++)
        l2_dirty |= q->slots[i].dirty;
    bool l1_dirty = q->l1_dirty_lo < q->l1_dirty_hi;
    if (!l2_dirty && !l1_dirty && !q->nfrees) return 0;
    /* Data and refcounts reach the disk before any table points at them. */
    if (fdatasync(q->b->fd) != 0) return -EIO;
    for (unsigned i = 0; i < q->nslots; i++) {
        struct qcow2_l2_slot *s = &q->slots[i];
        if (!s->dirty) continue;
        if (block_pwrite_all(q->b->fd, s->table, q->cs, s->offset) != 0) return -EIO;
        s->dirty = false;
    }
    if (l1_dirty) {
        /* New L2 tables reach the disk before the L1 entries naming them. */
        if (l2_dirty && fdatasync(q->b->fd) != 0) return -EIO;
        uint32_t n = q->l1_dirty_hi - q->l1_dirty_lo;
        uint8_t *raw = malloc((size_t)n * 8);
        if (!raw) return -ENOMEM;
        for (uint32_t i = 0; i < n; i++)
            put_be64(raw + i * 8, q->l1[q->l1_dirty_lo + i]);
        int r =
            block_pwrite_all(q->b->fd, raw, (size_t)n * 8, q->l1_offset + q->l1_dirty_lo * 8ull);
        free(raw);
        if (r != 0) return -EIO;
        q->l1_dirty_lo = q->l1_dirty_hi = 0;
    }
    /* What the tables no longer name loses its reference only once that is
     * on disk: a crash in between leaves a leak, never a dangling entry. */
    if (q->nfrees) {
        if (fdatasync(q->b->fd) != 0) return -EIO;
        return release_frees(q);
    }
    return 0;
}

static void l1_set(struct qcow2 *q, uint32_t i, uint64_t value)
{
    q->l1[i] = value;
    if (q->l1_dirty_lo == q->l1_dirty_hi) {
        q->l1_dirty_lo = i;
        q->l1_dirty_hi = i + 1;
    } else {
        if (i < q->l1_dirty_lo) q->l1_dirty_lo = i;
        if (i + 1 > q->l1_dirty_hi) q->l1_dirty_hi = i + 1;
    }
}

/* The cache slot for the L2 table at `offset`, loading it from disk when
 * `load` (else the caller fills it).  A dirty victim forces a commit. */
static int l2_slot(struct qcow2 *q, uint64_t offset, bool load, struct qcow2_l2_slot **out)
{
    struct qcow2_l2_slot *victim = &q->slots[0];
    for (unsigned i = 0; i < q->nslots; i++) {
        struct qcow2_l2_slot *s = &q->slots[i];
        if (s->offset == offset) {
            s->used = ++q->use_clock;
            *out = s;
            return 0;
        }
        if (s->used < victim->used) victim = s;
    }
    if (victim->dirty) {
        int r = qcow2_commit(q);
        if (r != 0) return r;
    }
    victim->offset = 0;
    if (load) {
        long long n = block_pread_full(q->b->fd, victim->table, q->cs, offset);
        if (n < 0) return -EIO;
        if ((uint64_t)n != q->cs)
            return qcow2_corrupt(q, "L2 table past the end of the file", offset);
    }
    victim->offset = offset;
    victim->dirty = false;
    victim->used = ++q->use_clock;
    *out = victim;
    return 0;
}

/* The L2 table slot and index for guest offset voff.  *slot is NULL when no
 * L2 table exists and !for_write.  for_write makes the table exist and be
 * ours (allocating or copying it). */
static int l2_lookup(struct qcow2 *q, uint64_t voff, bool for_write, struct qcow2_l2_slot **slot,
                     size_t *index)
{
    uint64_t l1i = voff >> (q->cluster_bits + q->l2_bits);
    *index = (size_t)((voff >> q->cluster_bits) & ((1ull << q->l2_bits) - 1));
    *slot = NULL;
    if (l1i >= q->l1_size) return qcow2_corrupt(q, "offset beyond the L1 table", voff);
    uint64_t l1e = q->l1[l1i];
    uint64_t l2off = l1e & L1E_OFFSET_MASK;
    int r;
    if (!l2off) {
        if (!for_write) return 0;
        uint64_t fresh;
        if ((r = alloc_cluster(q, NULL, &fresh)) != 0 || (r = meta_add(q, fresh)) != 0) return r;
        if ((r = l2_slot(q, fresh, false, slot)) != 0) return r;
        memset((*slot)->table, 0, q->cs);
        (*slot)->dirty = true;
        l1_set(q, (uint32_t)l1i, fresh | OFLAG_COPIED);
        return 0;
    }
    if ((r = l2_slot(q, l2off, true, slot)) != 0) return r;
    if (for_write && !(l1e & OFLAG_COPIED)) {
        /* Shared with an internal snapshot: continue in a private copy. */
        uint64_t fresh;
        if ((r = alloc_cluster(q, (*slot)->table, &fresh)) != 0 || (r = meta_add(q, fresh)) != 0)
            return r;
        (*slot)->offset = fresh;
        l1_set(q, (uint32_t)l1i, fresh | OFLAG_COPIED);
        free_later(q, l2off, q->cs, true);
    }
    return 0;
}

static int l2_decode(struct qcow2 *q, uint64_t e, enum qcow2_cluster_kind *kind, uint64_t *host)
{
    if (e & OFLAG_COMPRESSED) {
        *kind = CL_COMPRESSED;
        *host = e;
        return 0;
    }
    if ((e & L2E_RESERVED) || (q->version == 2 && (e & OFLAG_ZERO)))
        return qcow2_corrupt(q, "L2 entry with reserved bits set", e);
    *host = e & L2E_OFFSET_MASK;
    *kind = (e & OFLAG_ZERO) ? CL_ZERO : *host ? CL_DATA : CL_UNALLOC;
    if (*host & (q->cs - 1)) return qcow2_corrupt(q, "unaligned cluster offset in L2 entry", e);
    if (*host && *host >= q->file_size)
        return qcow2_corrupt(q, "L2 entry points past the end of the file", e);
    return 0;
}

#ifdef CINDER_DEBUG
/* Invariants (CINDER_DEBUG builds, after every write and commit): appends
 * go past everything in the file on cluster boundaries; the dirty L1 range
 * lies in the table; cached L2 tables are aligned and cached once, and only
 * a cached table can be dirty; the metadata list is sorted. */
static void qcow2_check_invariants(const struct qcow2 *q)
{
    bool ok = (q->next_free & (q->cs - 1)) == 0 && q->file_size <= q->next_free &&
              q->l1_dirty_lo <= q->l1_dirty_hi && q->l1_dirty_hi <= q->l1_size;
    for (unsigned i = 0; i < q->nslots; i++) {
        const struct qcow2_l2_slot *s = &q->slots[i];
        ok &= (s->offset & (q->cs - 1)) == 0 && (s->offset || !s->dirty);
        for (unsigned j = i + 1; j < q->nslots; j++)
            ok &= !s->offset || s->offset != q->slots[j].offset;
    }
    for (size_t i = 1; i < q->nmeta; i++)
        ok &= q->meta[i - 1] <= q->meta[i];
    if (!ok) {
        fprintf(stderr, "cinder: qcow2 invariant broken (%s)\n", q->b->path);
        abort();
    }
}
#endif

/* ---- reading ---------------------------------------------------------------- */

static int read_backing(struct qcow2 *q, uint64_t voff, uint8_t *buf, size_t len)
{
    size_t got = 0;
    if (q->backing) {
        uint64_t bsize = block_size(q->backing);
        if (voff < bsize) {
            got = bsize - voff < len ? (size_t)(bsize - voff) : len;
            int r = block_read(q->backing, voff, buf, got);
            if (r != 0) return r;
        }
    }
    memset(buf + got, 0, len - got);
    return 0;
}

/* Read host bytes; the part past the end of the file (the tail of a last
 * cluster never fully written) reads as zeros. */
static int read_host(struct qcow2 *q, uint64_t host, uint8_t *buf, size_t len)
{
    long long n = block_pread_full(q->b->fd, buf, len, host);
    if (n < 0) return -EIO;
    memset(buf + n, 0, len - (size_t)n);
    return 0;
}

/* Where a compressed cluster's bytes are: *host and the returned length
 * (the sectors the descriptor names, an upper bound on the deflate stream). */
static size_t compressed_range(const struct qcow2 *q, uint64_t desc, uint64_t *host)
{
    unsigned x = 62 - (q->cluster_bits - 8);
    uint64_t sectors = (desc >> x) & ((1ull << (q->cluster_bits - 8)) - 1);
    *host = desc & ((1ull << x) - 1);
    return (size_t)((sectors + 1) * 512 - (*host & 511));
}

static int decompress(struct qcow2 *q, uint64_t desc)
{
    if (q->dcache_valid && q->dcache_desc == desc) return 0;
    uint64_t host;
    size_t csize = compressed_range(q, desc, &host);
    if (host >= q->file_size)
        return qcow2_corrupt(q, "compressed cluster past the end of the file", desc);
    long long n = block_pread_full(q->b->fd, q->zbuf, csize, host);
    if (n < 0) return -EIO;
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, -15) != Z_OK) return -ENOMEM;
    zs.next_in = q->zbuf;
    zs.avail_in = (uInt)n;
    zs.next_out = q->dcache;
    zs.avail_out = (uInt)q->cs;
    int zr = inflate(&zs, Z_FINISH);
    bool ok = (zr == Z_STREAM_END || zr == Z_OK || zr == Z_BUF_ERROR) && zs.avail_out == 0;
    inflateEnd(&zs);
    q->dcache_valid = false;
    if (!ok) return qcow2_corrupt(q, "compressed cluster does not inflate", desc);
    q->dcache_desc = desc;
    q->dcache_valid = true;
    return 0;
}

static int qcow2_read(struct block *b, uint64_t offset, void *buf, size_t len)
{
    struct qcow2 *q = b->drv_state;
    uint8_t *p = buf;
    while (len) {
        uint64_t in = offset & (q->cs - 1);
        size_t n = q->cs - in < len ? (size_t)(q->cs - in) : len;
        struct qcow2_l2_slot *slot;
        size_t idx;
        int r = l2_lookup(q, offset, false, &slot, &idx);
        if (r != 0) return r;
        uint64_t e = slot ? get_be64(&slot->table[idx]) : 0, host = 0;
        enum qcow2_cluster_kind kind = CL_UNALLOC;
        if (e && (r = l2_decode(q, e, &kind, &host)) != 0) return r;
        switch (kind) {
        case CL_UNALLOC: r = read_backing(q, offset, p, n); break;
        case CL_ZERO: memset(p, 0, n); break;
        case CL_COMPRESSED:
            if ((r = decompress(q, host)) == 0) memcpy(p, q->dcache + in, n);
            break;
        case CL_DATA:
            /* Extend over the following clusters of this table that lie
             * right after this one in the file: one pread for the run. */
            for (size_t k = idx + 1; n < len && k < ((size_t)1 << q->l2_bits); k++) {
                uint64_t next = get_be64(&slot->table[k]);
                if ((next & ~OFLAG_COPIED) != host + (k - idx) * q->cs || next & OFLAG_ZERO ||
                    host + (k - idx) * q->cs >= q->file_size)
                    break;
                n += len - n < q->cs ? len - n : (size_t)q->cs;
            }
            r = read_host(q, host + in, p, n);
            break;
        }
        if (r != 0) return r;
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

/* ---- writing ---------------------------------------------------------------- */

/* What guest cluster `vcluster` holds now, for a copy-on-write merge. */
static int cluster_contents(struct qcow2 *q, uint64_t vcluster, enum qcow2_cluster_kind kind,
                            uint64_t host, uint8_t *out)
{
    switch (kind) {
    case CL_UNALLOC: return read_backing(q, vcluster, out, q->cs);
    case CL_ZERO: memset(out, 0, q->cs); return 0;
    case CL_DATA: return read_host(q, host, out, q->cs);
    case CL_COMPRESSED: {
        int r = decompress(q, host);
        if (r == 0) memcpy(out, q->dcache, q->cs);
        return r;
    }
    }
    return -EIO;
}

static int qcow2_write(struct block *b, uint64_t offset, const void *buf, size_t len)
{
    struct qcow2 *q = b->drv_state;
    const uint8_t *p = buf;
    while (len) {
        uint64_t in = offset & (q->cs - 1);
        size_t n = q->cs - in < len ? (size_t)(q->cs - in) : len;
        struct qcow2_l2_slot *slot;
        size_t idx;
        int r = l2_lookup(q, offset, true, &slot, &idx);
        if (r != 0) return r;
        uint64_t e = get_be64(&slot->table[idx]), host = 0;
        enum qcow2_cluster_kind kind = CL_UNALLOC;
        if (e && (r = l2_decode(q, e, &kind, &host)) != 0) return r;
        if ((kind == CL_DATA || kind == CL_ZERO) && host && (e & OFLAG_COPIED) &&
            is_metadata(q, host))
            return qcow2_corrupt(q, "L2 entry points at metadata", e);
        if (kind == CL_DATA && (e & OFLAG_COPIED)) {
            if (block_pwrite_all(b->fd, p, n, host + in) != 0) return -EIO;
            note_file_end(q, host + in + n);
        } else {
            const uint8_t *src = p;
            if (n != q->cs) {
                if ((r = cluster_contents(q, offset - in, kind, host, q->cluster_buf)) != 0)
                    return r;
                memcpy(q->cluster_buf + in, p, n);
                src = q->cluster_buf;
            }
            uint64_t fresh;
            if (kind == CL_ZERO && host && (e & OFLAG_COPIED)) {
                /* A preallocated zero cluster that is ours: fill it in place;
                 * it reads as zeros until the L2 entry changes. */
                if (block_pwrite_all(b->fd, src, q->cs, host) != 0) return -EIO;
                note_file_end(q, host + q->cs);
                fresh = host;
            } else if ((r = alloc_cluster(q, src, &fresh)) != 0) {
                return r;
            }
            put_be64(&slot->table[idx], fresh | OFLAG_COPIED);
            slot->dirty = true;
            if (kind == CL_COMPRESSED) {
                uint64_t chost;
                size_t clen = compressed_range(q, host, &chost);
                free_later(q, chost, clen, false);
            } else if (host && fresh != host) {
                free_later(q, host, q->cs, false); /* shared with an internal snapshot */
            }
        }
        p += n;
        offset += n;
        len -= n;
    }
    /* Bound the memory of pending releases between guest flushes. */
    int r = q->nfrees > 4096 ? qcow2_commit(q) : 0;
#ifdef CINDER_DEBUG
    qcow2_check_invariants(q);
#endif
    return r;
}

static int qcow2_flush(struct block *b)
{
    struct qcow2 *q = b->drv_state;
    int r = qcow2_commit(q);
#ifdef CINDER_DEBUG
    qcow2_check_invariants(q);
#endif
    if (r != 0) return r;
    return fdatasync(b->fd) == 0 ? 0 : -EIO;
}

static void qcow2_close(struct block *b)
{
    struct qcow2 *q = b->drv_state;
    for (unsigned i = 0; i < QCOW2_L2_SLOTS_MAX; i++)
        free(q->slots[i].table);
    block_close(q->backing);
    free(q->l1);
    free(q->rt);
    free(q->cluster_buf);
    free(q->dcache);
    free(q->zbuf);
    free(q->header);
    free(q->meta);
    free(q->frees);
    free(q);
    b->drv_state = NULL;
}

/* ---- open ------------------------------------------------------------------- */

static const char *const incompat_names[] = {
    [INCOMPAT_DIRTY] = "dirty bit",
    [INCOMPAT_CORRUPT] = "corrupt bit",
    [INCOMPAT_DATA_FILE] = "external data file",
    [INCOMPAT_COMPRESSION] = "compression type other than zlib",
    [INCOMPAT_EXTL2] = "extended L2 entries",
};

/* The header fields and extensions open needs beyond struct qcow2. */
struct qcow2_header_info {
    uint64_t incompat;     /* incompatible feature bits */
    uint64_t autoclear;    /* autoclear feature bits */
    uint64_t backing_off;  /* backing file name offset, 0 = none */
    uint32_t backing_len;  /* its length */
    char backing_fmt[16];  /* from the backing-format extension, "" = probe */
    char feature_name[47]; /* the image's name for the first refused incompatible bit */
};

static int parse_extensions(struct qcow2 *q, const uint8_t *hbuf, size_t hlen, size_t at,
                            struct qcow2_header_info *h, int refused_bit, char *err, size_t errlen)
{
    /* Extensions end at the backing file name, or at the end of the cluster. */
    size_t end = h->backing_off && h->backing_off < hlen ? (size_t)h->backing_off : hlen;
    while (at + 8 <= end) {
        uint32_t type = get_be32(hbuf + at), len = get_be32(hbuf + at + 4);
        if (type == EXT_END) break;
        if (len > end - at - 8) {
            snprintf(err, errlen, "%s: qcow2 header extension 0x%08x overruns the header",
                     q->b->path, type);
            return -EINVAL;
        }
        const uint8_t *data = hbuf + at + 8;
        if (type == EXT_BACKING_FORMAT) {
            if (len >= sizeof(h->backing_fmt)) {
                snprintf(err, errlen, "%s: qcow2 backing format name too long", q->b->path);
                return -EINVAL;
            }
            memcpy(h->backing_fmt, data, len);
            h->backing_fmt[len] = 0;
        } else if (type == EXT_FEATURE_NAMES && refused_bit >= 0) {
            for (uint32_t i = 0; i + 48 <= len; i += 48) {
                if (data[i] == 0 && data[i + 1] == refused_bit) {
                    memcpy(h->feature_name, data + i + 2, 46);
                    h->feature_name[46] = 0;
                }
            }
        }
        at += 8 + (((size_t)len + 7) & ~(size_t)7);
    }
    return 0;
}

static int open_backing(struct qcow2 *q, const uint8_t *hbuf, const struct qcow2_header_info *h,
                        int depth, char *err, size_t errlen)
{
    char name[QCOW2_MAX_BACKING_NAME + 1];
    memcpy(name, hbuf + h->backing_off, h->backing_len);
    name[h->backing_len] = 0;
    bool printable = strlen(name) == h->backing_len;
    for (const char *c = name; *c; c++)
        printable &= (unsigned char)*c >= 0x20 && *c != 0x7f;
    if (!printable) {
        snprintf(err, errlen, "%s: qcow2 backing file name is not a printable path", q->b->path);
        return -EINVAL;
    }
    if (strncmp(name, "json:", 5) == 0) {
        snprintf(err, errlen, "%s: unsupported qcow2 backing file name \"%s\"", q->b->path, name);
        return -EINVAL;
    }
    enum block_format fmt = BLOCK_FORMAT_AUTO;
    if (strcmp(h->backing_fmt, "raw") == 0)
        fmt = BLOCK_FORMAT_RAW;
    else if (strcmp(h->backing_fmt, "qcow2") == 0)
        fmt = BLOCK_FORMAT_QCOW2;
    else if (h->backing_fmt[0]) {
        snprintf(err, errlen, "%s: unsupported backing file format \"%s\"", q->b->path,
                 h->backing_fmt);
        return -EINVAL;
    }
    /* A relative name is relative to the directory of the image naming it. */
    char path[4096];
    const char *slash = strrchr(q->b->path, '/');
    if (name[0] != '/' && slash)
        snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - q->b->path), q->b->path, name);
    else
        snprintf(path, sizeof(path), "%s", name);
    char inner[512];
    q->backing = block_open_backing(path, fmt, depth + 1, inner, sizeof(inner));
    if (!q->backing) {
        /* A link further down the chain names itself and its problem. */
        if (strstr(inner, ": backing file "))
            snprintf(err, errlen, "%s", inner);
        else
            snprintf(err, errlen, "%s: backing file %s", q->b->path, inner);
        return -EINVAL;
    }
    return 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Write the one-line reason an image is refused. */
static int __attribute__((format(printf, 3, 4)))
refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Validate the header and tables and set q up; on failure the caller frees q. */
static int qcow2_load(struct qcow2 *q, int depth, char *err, size_t errlen)
{
    struct block *b = q->b;
    const char *path = b->path;
    struct qcow2_header_info h;
    memset(&h, 0, sizeof(h));

    uint8_t fixed[QCOW2_V3_HEADER] = {0};
    long long got = block_pread_full(b->fd, fixed, sizeof(fixed), 0);
    if (got < 0) return refuse(err, errlen, "%s: %s", path, strerror(errno));
    if (got < 4 || get_be32(fixed) != 0x514649fbu)
        return refuse(err, errlen, "%s: not a qcow2 image (bad magic)", path);
    if (got < QCOW2_V2_HEADER) return refuse(err, errlen, "%s: truncated qcow2 header", path);
    q->version = get_be32(fixed + 4);
    if (q->version != 2 && q->version != 3)
        return refuse(err, errlen, "%s: unsupported qcow2 version %u (2 and 3 are supported)", path,
                      q->version);
    q->cluster_bits = get_be32(fixed + 20);
    if (q->cluster_bits < 9 || q->cluster_bits > 21)
        return refuse(err, errlen, "%s: qcow2 cluster_bits %u out of range (9..21)", path,
                      q->cluster_bits);
    q->cs = 1ull << q->cluster_bits;
    q->l2_bits = q->cluster_bits - 3;
    uint32_t header_len = QCOW2_V2_HEADER;
    q->refcount_order = 4;
    if (q->version == 3) {
        if (got < QCOW2_V3_HEADER) return refuse(err, errlen, "%s: truncated qcow2 header", path);
        header_len = get_be32(fixed + 100);
        if (header_len < QCOW2_V3_HEADER || header_len % 8 || header_len > q->cs)
            return refuse(err, errlen, "%s: bad qcow2 header length %u", path, header_len);
        h.incompat = get_be64(fixed + 72);
        h.autoclear = get_be64(fixed + 88);
        q->refcount_order = get_be32(fixed + 96);
        if (q->refcount_order > 6)
            return refuse(err, errlen, "%s: qcow2 refcount_order %u out of range (0..6)", path,
                          q->refcount_order);
    }
    q->rb_bits = q->cluster_bits + 3 - q->refcount_order;
    if (get_be32(fixed + 32) != 0)
        return refuse(err, errlen, "%s: encrypted qcow2 images are not supported", path);

    /* The whole first cluster: extensions and the backing file name live there. */
    size_t hlen = q->file_size < q->cs ? (size_t)q->file_size : (size_t)q->cs;
    if (hlen < header_len) return refuse(err, errlen, "%s: truncated qcow2 header", path);
    if (!(q->header = malloc(hlen))) return refuse(err, errlen, "%s: out of memory", path);
    if (block_pread_full(b->fd, q->header, hlen, 0) != (long long)hlen)
        return refuse(err, errlen, "%s: cannot read the qcow2 header", path);
    h.backing_off = get_be64(fixed + 8);
    h.backing_len = get_be32(fixed + 16);
    if (h.backing_off && (h.backing_len == 0 || h.backing_len > QCOW2_MAX_BACKING_NAME ||
                          h.backing_off < header_len || h.backing_off > hlen ||
                          h.backing_len > hlen - h.backing_off))
        return refuse(err, errlen, "%s: qcow2 backing file name lies outside the header cluster",
                      path);

    /* Incompatible features: everything but dirty/corrupt is refused;
     * those two only stop writers (a reader does not use refcounts). */
    uint64_t refused = h.incompat & ~((1ull << INCOMPAT_DIRTY) | (1ull << INCOMPAT_CORRUPT));
    int refused_bit = refused ? __builtin_ctzll(refused) : -1;
    if (parse_extensions(q, q->header, hlen, header_len, &h, refused_bit, err, errlen) != 0)
        return -EINVAL;
    if (refused_bit >= 0) {
        const char *name = h.feature_name[0]               ? h.feature_name
                           : refused_bit <= INCOMPAT_EXTL2 ? incompat_names[refused_bit]
                                                           : "unknown feature";
        return refuse(err, errlen,
                      "%s: unsupported qcow2 feature: %s (incompatible feature bit %d)", path, name,
                      refused_bit);
    }
    if (b->file_writable && (h.incompat & (1ull << INCOMPAT_DIRTY)))
        return refuse(err, errlen,
                      "%s: qcow2 image is dirty (lazy refcounts, not closed cleanly); run "
                      "'qemu-img check -r all' on it, or open it with readonly=on or snapshot=on",
                      path);
    if (b->file_writable && (h.incompat & (1ull << INCOMPAT_CORRUPT)))
        return refuse(
            err, errlen,
            "%s: qcow2 image is marked corrupt; run 'qemu-img check -r all' on it, or open "
            "it with readonly=on",
            path);
    if (header_len > QCOW2_V3_HEADER && q->header[104] != 0)
        return refuse(err, errlen, "%s: unsupported qcow2 compression type %u", path,
                      q->header[104]);

    /* Virtual size and the L1 table. */
    uint64_t size = get_be64(fixed + 24);
    if (size > (1ull << 55)) return refuse(err, errlen, "%s: qcow2 virtual size too large", path);
    b->size = size & ~(uint64_t)(BLOCK_SECTOR - 1);
    if (b->size == 0)
        return refuse(err, errlen, "%s: image is smaller than one 512-byte sector", path);
    q->l1_size = get_be32(fixed + 36);
    q->l1_offset = get_be64(fixed + 40);
    uint64_t l1_span = q->cs << q->l2_bits;
    uint64_t l1_needed = (size + l1_span - 1) / l1_span;
    if (q->l1_size < l1_needed)
        return refuse(err, errlen, "%s: qcow2 L1 table (%u entries) too small for the virtual size",
                      path, q->l1_size);
    if ((uint64_t)q->l1_size * 8 > QCOW2_MAX_L1_BYTES)
        return refuse(err, errlen, "%s: qcow2 L1 table too large (%u entries)", path, q->l1_size);
    if (q->l1_offset & (q->cs - 1))
        return refuse(err, errlen, "%s: qcow2 L1 table offset 0x%llx is not cluster aligned", path,
                      (unsigned long long)q->l1_offset);
    if (q->l1_offset > q->file_size || q->l1_size * 8ull > q->file_size - q->l1_offset)
        return refuse(err, errlen, "%s: qcow2 L1 table lies past the end of the file (truncated?)",
                      path);

    /* Refcount table. */
    q->rt_offset = get_be64(fixed + 48);
    uint32_t rt_clusters = get_be32(fixed + 56);
    if (rt_clusters == 0) return refuse(err, errlen, "%s: qcow2 image has no refcount table", path);
    if (rt_clusters * q->cs > QCOW2_MAX_RT_BYTES)
        return refuse(err, errlen, "%s: qcow2 refcount table too large (%u clusters)", path,
                      rt_clusters);
    if (q->rt_offset & (q->cs - 1))
        return refuse(err, errlen, "%s: qcow2 refcount table offset 0x%llx is not cluster aligned",
                      path, (unsigned long long)q->rt_offset);
    if (q->rt_offset > q->file_size || rt_clusters * q->cs > q->file_size - q->rt_offset)
        return refuse(err, errlen,
                      "%s: qcow2 refcount table lies past the end of the file (truncated?)", path);
    uint32_t nb_snapshots = get_be32(fixed + 60);
    uint64_t snapshots_offset = get_be64(fixed + 64);
    if (nb_snapshots && ((snapshots_offset & (q->cs - 1)) || snapshots_offset >= q->file_size))
        return refuse(err, errlen, "%s: qcow2 snapshot table offset is bad", path);

    q->l1 = malloc(q->l1_size ? q->l1_size * 8ull : 8);
    q->rt_entries = rt_clusters * q->cs / 8;
    q->rt = malloc(q->rt_entries * 8);
    q->cluster_buf = malloc(q->cs);
    q->dcache = malloc(q->cs);
    q->zbuf = malloc(2 * q->cs + 512);
    if (!q->l1 || !q->rt || !q->cluster_buf || !q->dcache || !q->zbuf)
        return refuse(err, errlen, "%s: out of memory", path);
    if (block_pread_full(b->fd, q->l1, q->l1_size * 8ull, q->l1_offset) != q->l1_size * 8ll ||
        block_pread_full(b->fd, q->rt, q->rt_entries * 8, q->rt_offset) !=
            (long long)(q->rt_entries * 8))
        return refuse(err, errlen, "%s: cannot read the qcow2 tables", path);
    for (uint32_t i = 0; i < q->l1_size; i++) {
        uint64_t e = q->l1[i] = get_be64(&q->l1[i]), off = e & L1E_OFFSET_MASK;
        if ((e & L1E_RESERVED) || (off & (q->cs - 1)))
            return refuse(err, errlen, "%s: qcow2 L1 entry %u is malformed (0x%llx)", path, i,
                          (unsigned long long)e);
        if (off && (off > q->file_size || q->cs > q->file_size - off))
            return refuse(err, errlen, "%s: qcow2 L1 entry %u points past the end of the file",
                          path, i);
    }
    for (uint64_t i = 0; i < q->rt_entries; i++) {
        uint64_t e = q->rt[i] = get_be64(&q->rt[i]);
        if ((e & RTE_RESERVED) || (e & (q->cs - 1)))
            return refuse(err, errlen, "%s: qcow2 refcount table entry %llu is malformed", path,
                          (unsigned long long)i);
        if (e && (e > q->file_size || q->cs > q->file_size - e))
            return refuse(err, errlen,
                          "%s: qcow2 refcount block %llu lies past the end of the file", path,
                          (unsigned long long)i);
    }
    /* Each L2 table and refcount block apart from the header, the tables and
     * each other. */
    q->meta_cap = 64;
    for (uint32_t i = 0; i < q->l1_size; i++)
        q->meta_cap += (q->l1[i] & L1E_OFFSET_MASK) != 0;
    for (uint64_t i = 0; i < q->rt_entries; i++)
        q->meta_cap += q->rt[i] != 0;
    if (!(q->meta = malloc(q->meta_cap * sizeof(*q->meta))))
        return refuse(err, errlen, "%s: out of memory", path);
    for (uint32_t i = 0; i < q->l1_size; i++)
        if (q->l1[i] & L1E_OFFSET_MASK) q->meta[q->nmeta++] = q->l1[i] & L1E_OFFSET_MASK;
    for (uint64_t i = 0; i < q->rt_entries; i++)
        if (q->rt[i]) q->meta[q->nmeta++] = q->rt[i];
    qsort(q->meta, q->nmeta, sizeof(*q->meta), compare_u64);
    for (size_t i = 0; i < q->nmeta; i++) {
        uint64_t off = q->meta[i];
        bool dup = i > 0 && q->meta[i - 1] == off;
        if (dup || off < q->cs || range_hits(off, q->cs, q->l1_offset, q->l1_size * 8ull) ||
            range_hits(off, q->cs, q->rt_offset, q->rt_entries * 8))
            return refuse(err, errlen,
                          "%s: qcow2 metadata overlap: cluster 0x%llx is used twice by the "
                          "header, L1, L2 or refcount tables",
                          path, (unsigned long long)off);
    }
    q->nslots = (unsigned)(QCOW2_L2_CACHE_BYTES / q->cs);
    if (q->nslots > QCOW2_L2_SLOTS_MAX) q->nslots = QCOW2_L2_SLOTS_MAX;
    if (q->nslots < 2) q->nslots = 2;
    for (unsigned i = 0; i < q->nslots; i++)
        if (!(q->slots[i].table = malloc(q->cs)))
            return refuse(err, errlen, "%s: out of memory", path);
    q->next_free = (q->file_size + q->cs - 1) & ~(q->cs - 1);

    if (h.backing_off && open_backing(q, q->header, &h, depth, err, errlen) != 0) return -EINVAL;

    /* We do not know what the autoclear bits protect (bitmaps, raw data
     * files): the spec says to clear them before modifying the image. */
    if (b->file_writable && h.autoclear) {
        uint8_t zero[8] = {0};
        if (block_pwrite_all(b->fd, zero, 8, 88) != 0 || fdatasync(b->fd) != 0)
            return refuse(err, errlen, "%s: cannot update the qcow2 header", path);
    }
    return 0;
}

static int qcow2_open(struct block *b, int depth, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(b->fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", b->path, strerror(errno));
        return -EIO;
    }
    struct qcow2 *q = calloc(1, sizeof(*q));
    if (!q) return refuse(err, errlen, "%s: out of memory", b->path);
    q->b = b;
    q->file_size = (uint64_t)st.st_size;
    b->drv_state = q;
    int r = qcow2_load(q, depth, err, errlen);
    free(q->header);
    q->header = NULL;
    if (r != 0) qcow2_close(b);
    return r;
}

const struct block_driver block_qcow2_driver = {
    .name = "qcow2",
    .open = qcow2_open,
    .read = qcow2_read,
    .write = qcow2_write,
    .flush = qcow2_flush,
    .close = qcow2_close,
};
