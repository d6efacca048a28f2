/*
 * block_test.c - devices/block.c and its drivers on their own: raw images
 * (reads, writes, read-only, bad ranges, the file lock), snapshot=on (the
 * file stays byte for byte), and qcow2 images built byte by byte here:
 * reads through L1/L2, zero, compressed and backing clusters, writes that
 * allocate clusters and grow the refcount table (checked by a small
 * refcount walker: every referenced cluster is counted, and replaced
 * compressed clusters are released), broken or unsupported headers refused
 * at open with the right one-line message and without a byte of the file
 * changing, and broken L2 entries (past the end, unaligned, reserved bits,
 * naming metadata) failing only their own requests, never writing over or
 * freeing metadata.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/block.h"

static char dir[64];
static char path[128];
static char err[512];

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static uint8_t pattern(uint64_t off, unsigned seed)
{
    return (uint8_t)((off * 7 + (off >> 9) * 13 + seed * 101) ^ (off >> 3));
}

static void fill(uint8_t *buf, size_t len, uint64_t off, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pattern(off + i, seed);
}

static void write_file(const char *p, const void *data, size_t len)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static uint8_t *read_file(const char *p, size_t *len)
{
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    uint8_t *data = malloc((size_t)st.st_size + 1);
    int fd = open(p, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(read(fd, data, (size_t)st.st_size), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return data;
}

static struct block *open_path(const char *p, enum block_format fmt, bool ro, bool snap)
{
    struct block_opts o = {.format = fmt, .readonly = ro, .snapshot = snap};
    err[0] = 0;
    return block_open(p, &o, err, sizeof(err));
}

static void setup(void)
{
    strcpy(dir, "/tmp/block_test_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/img", dir);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- raw ----------------------------------------------------------------- */

static void make_raw(const char *p, size_t size, unsigned seed)
{
    uint8_t *data = malloc(size);
    fill(data, size, 0, seed);
    write_file(p, data, size);
    free(data);
}

START_TEST(raw_read_write)
{
    make_raw(path, 65536 + 100, 1); /* the partial last sector is not part of the disk */
    struct block *b = open_path(path, BLOCK_FORMAT_AUTO, false, false);
    ck_assert_msg(b, "%s", err);
    ck_assert_str_eq(block_format_name(b), "raw");
    ck_assert_uint_eq(block_size(b), 65536);
    ck_assert(!block_readonly(b));
    uint8_t buf[2048], want[2048];
    ck_assert_int_eq(block_read(b, 1024, buf, 2048), 0);
    fill(want, 2048, 1024, 1);
    ck_assert_mem_eq(buf, want, 2048);
    fill(want, 1024, 4096, 9);
    ck_assert_int_eq(block_write(b, 4096, want, 1024), 0);
    ck_assert_int_eq(block_flush(b), 0);
    ck_assert_int_eq(block_read(b, 4096, buf, 1024), 0);
    ck_assert_mem_eq(buf, want, 1024);
    block_close(b);
    size_t len;
    uint8_t *file = read_file(path, &len);
    ck_assert_mem_eq(file + 4096, want, 1024);
    fill(want, 512, 5120, 1);
    ck_assert_mem_eq(file + 5120, want, 512); /* the neighbour is untouched */
    free(file);
}
END_TEST

START_TEST(raw_bad_ranges)
{
    make_raw(path, 8192, 1);
    struct block *b = open_path(path, BLOCK_FORMAT_RAW, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t buf[1024];
    ck_assert_int_eq(block_read(b, 100, buf, 512), -EINVAL);
    ck_assert_int_eq(block_read(b, 0, buf, 100), -EINVAL);
    ck_assert_int_eq(block_read(b, 8192, buf, 512), -EINVAL);
    ck_assert_int_eq(block_read(b, 7680, buf, 1024), -EINVAL);
    ck_assert_int_eq(block_read(b, UINT64_MAX - 511, buf, 512), -EINVAL);
    ck_assert_int_eq(block_write(b, 7680, buf, 1024), -EINVAL);
    ck_assert_int_eq(block_read(b, 8192, buf, 0), 0); /* empty, at the end: fine */
    ck_assert_int_eq(block_read(b, 7680, buf, 512), 0);
    block_close(b);
}
END_TEST

START_TEST(raw_readonly)
{
    make_raw(path, 8192, 3);
    struct block *b = open_path(path, BLOCK_FORMAT_RAW, true, false);
    ck_assert_msg(b, "%s", err);
    ck_assert(block_readonly(b));
    uint8_t buf[512] = {0};
    ck_assert_int_eq(block_write(b, 0, buf, 512), -EROFS);
    ck_assert_int_eq(block_flush(b), 0);
    block_close(b);
    size_t len;
    uint8_t *file = read_file(path, &len), want[512];
    fill(want, 512, 0, 3);
    ck_assert_mem_eq(file, want, 512);
    free(file);
    /* A file we may not write needs readonly=on; with it, it opens. */
    chmod(path, 0444);
    if (access(path, W_OK) != 0) { /* root writes anything */
        ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_RAW, false, false));
        ck_assert_ptr_nonnull(strstr(err, "readonly=on"));
    }
    b = open_path(path, BLOCK_FORMAT_RAW, true, false);
    ck_assert_msg(b, "%s", err);
    block_close(b);
}
END_TEST

START_TEST(refused_missing_and_tiny)
{
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_AUTO, false, false));
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    write_file(path, "abc", 3);
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_AUTO, false, false));
    ck_assert_ptr_nonnull(strstr(err, "smaller than one 512-byte sector"));
    ck_assert_ptr_null(open_path(dir, BLOCK_FORMAT_AUTO, true, false));
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

/* OFD locks belong to open file descriptions, so two opens in one process
 * conflict just as two processes would. */
START_TEST(lock_refuses_second_opener)
{
    make_raw(path, 8192, 1);
    struct block *a = open_path(path, BLOCK_FORMAT_RAW, false, false);
    ck_assert_msg(a, "%s", err);
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_RAW, false, false));
    ck_assert_ptr_nonnull(strstr(err, "in use by another process"));
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_RAW, true, false));
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_RAW, false, true));
    block_close(a);
    /* Readers share. */
    a = open_path(path, BLOCK_FORMAT_RAW, true, false);
    struct block *b = open_path(path, BLOCK_FORMAT_RAW, false, true);
    ck_assert_ptr_nonnull(a);
    ck_assert_msg(b, "%s", err);
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_RAW, false, false));
    block_close(a);
    block_close(b);
}
END_TEST

START_TEST(snapshot_leaves_file_alone)
{
    make_raw(path, 3 << 20, 5);
    size_t len0, len1;
    uint8_t *before = read_file(path, &len0);
    struct block *b = open_path(path, BLOCK_FORMAT_AUTO, false, true);
    ck_assert_msg(b, "%s", err);
    ck_assert(!block_readonly(b));
    uint8_t *buf = malloc(1 << 20), *want = malloc(1 << 20);
    /* Writes at odd places, across the 32 MiB bitmap chunk logic's small cousin. */
    fill(want, 1536, 512, 77);
    ck_assert_int_eq(block_write(b, 512, want, 1536), 0);
    fill(want, 1 << 20, (2 << 20) - 4096, 78);
    ck_assert_int_eq(block_write(b, (2 << 20) - 4096, want, 1 << 20), 0);
    ck_assert_int_eq(block_flush(b), 0);
    /* Read back a span mixing overlay and image sectors. */
    ck_assert_int_eq(block_read(b, 0, buf, 4096), 0);
    for (size_t i = 0; i < 4096; i++) {
        uint8_t w = (i >= 512 && i < 2048) ? pattern(i, 77) : pattern(i, 5);
        ck_assert_uint_eq(buf[i], w);
    }
    ck_assert_int_eq(block_read(b, (2 << 20) - 8192, buf, 1 << 20), 0);
    for (size_t i = 0; i < (1 << 20); i++) {
        uint64_t off = (2 << 20) - 8192 + i;
        ck_assert_uint_eq(buf[i], pattern(off, off >= (2u << 20) - 4096 ? 78 : 5));
    }
    block_close(b);
    uint8_t *after = read_file(path, &len1);
    ck_assert_uint_eq(len0, len1);
    ck_assert(memcmp(before, after, len0) == 0);
    free(before);
    free(after);
    free(buf);
    free(want);
}
END_TEST

/* ---- qcow2 images built here ------------------------------------------------ */

/* Layout: cluster 0 header, 1 refcount table, 2 refcount block, 3.. L1,
 * then one L2 table and one data cluster (guest cluster 0, pattern seed 1). */
struct qimg {
    uint8_t *data;     /* the file */
    size_t len;        /* its length */
    unsigned cb;       /* cluster_bits */
    uint64_t cs;       /* cluster size */
    uint64_t l1_off;   /* L1 table offset */
    uint64_t l2_off;   /* the one L2 table */
    uint64_t data_off; /* the one data cluster */
    uint64_t rb_off;   /* the refcount block */
    unsigned version;  /* 2 or 3 */
};

static struct qimg qbuild(unsigned version, unsigned cb, uint64_t size)
{
    struct qimg q = {.cb = cb, .cs = 1ull << cb, .version = version};
    uint64_t l2_span = q.cs * (q.cs / 8);
    uint32_t l1_size = (uint32_t)((size + l2_span - 1) / l2_span);
    uint64_t l1_clusters = (l1_size * 8 + q.cs - 1) / q.cs;
    uint64_t nclusters = 3 + l1_clusters + 2;
    q.len = nclusters * q.cs;
    q.data = calloc(1, q.len);
    q.rb_off = 2 * q.cs;
    q.l1_off = 3 * q.cs;
    q.l2_off = (3 + l1_clusters) * q.cs;
    q.data_off = q.l2_off + q.cs;
    uint8_t *h = q.data;
    memcpy(h, "QFI\xfb", 4);
    put_be32(h + 4, version);
    put_be32(h + 20, cb);
    put_be64(h + 24, size);
    put_be32(h + 36, l1_size);
    put_be64(h + 40, q.l1_off);
    put_be64(h + 48, q.cs);
    put_be32(h + 56, 1);
    if (version == 3) {
        put_be32(h + 96, 4);
        put_be32(h + 100, 104);
    }
    put_be64(q.data + q.cs, q.rb_off);
    for (uint64_t c = 0; c < nclusters; c++)
        q.data[q.rb_off + c * 2 + 1] = 1; /* 16-bit big-endian refcounts of 1 */
    put_be64(q.data + q.l1_off, q.l2_off | 1ull << 63);
    put_be64(q.data + q.l2_off, q.data_off | 1ull << 63);
    fill(q.data + q.data_off, q.cs, 0, 1);
    return q;
}

static void qsave(const struct qimg *q, const char *p)
{
    write_file(p, q->data, q->len);
}

static int qcheck_leaks; /* clusters counted more often than used, by the last qcheck */

struct refs {
    uint32_t *count;    /* users of each cluster */
    uint64_t nclusters; /* clusters in the file */
    uint64_t cs;        /* cluster size */
    int bad;            /* references past the end, refcounts below their users */
};

static void ref(struct refs *r, uint64_t off)
{
    if (off / r->cs < r->nclusters)
        r->count[off / r->cs]++;
    else
        r->bad++;
}

/* Every cluster that the header, the tables or an L2 entry uses must have a
 * refcount of at least its number of users (more is a leak, which is
 * harmless; less is the corruption qemu-img check reports).  Returns the
 * number of undercounted clusters. */
static int qcheck(const char *p)
{
    size_t len;
    uint8_t *f = read_file(p, &len);
    unsigned version = (unsigned)get_be(f + 4, 4), cb = (unsigned)get_be(f + 20, 4);
    uint64_t cs = 1ull << cb, nclusters = (len + cs - 1) / cs;
    unsigned order = version == 3 ? (unsigned)get_be(f + 96, 4) : 4;
    struct refs r = {calloc(nclusters + 1, sizeof(uint32_t)), nclusters, cs, 0};
    qcheck_leaks = 0;
    ref(&r, 0);
    uint32_t l1_size = (uint32_t)get_be(f + 36, 4);
    uint64_t l1_off = get_be(f + 40, 8), rt_off = get_be(f + 48, 8);
    uint32_t rt_clusters = (uint32_t)get_be(f + 56, 4);
    for (uint64_t c = 0; c < (l1_size * 8 + cs - 1) / cs; c++)
        ref(&r, l1_off + c * cs);
    for (uint64_t c = 0; c < rt_clusters; c++)
        ref(&r, rt_off + c * cs);
    for (uint64_t i = 0; i < rt_clusters * cs / 8; i++) {
        uint64_t rb = get_be(f + rt_off + i * 8, 8);
        if (rb) ref(&r, rb);
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2 = get_be(f + l1_off + i * 8, 8) & 0x00fffffffffffe00ull;
        if (!l2) continue;
        ref(&r, l2);
        for (uint64_t j = 0; j < cs / 8 && l2 + cs <= len; j++) {
            uint64_t e = get_be(f + l2 + j * 8, 8);
            if (e & 1ull << 62) {
                unsigned x = 62 - (cb - 8);
                uint64_t host = e & ((1ull << x) - 1);
                uint64_t last =
                    host + ((e >> x) & ((1ull << (cb - 8)) - 1)) * 512 + 511 - (host & 511);
                for (uint64_t c = host / cs; c <= last / cs; c++)
                    ref(&r, c * cs);
            } else if (e & 0x00fffffffffffe00ull) {
                ref(&r, e & 0x00fffffffffffe00ull);
            }
        }
    }
    for (uint64_t c = 0; c < nclusters; c++) {
        uint64_t ri = c >> (cb + 3 - order), rb = get_be(f + rt_off + ri * 8, 8), rc = 0;
        if (ri < rt_clusters * cs / 8 && rb) {
            uint64_t bit = (c & ((1ull << (cb + 3 - order)) - 1)) << order;
            if (order >= 3)
                rc = get_be(f + rb + bit / 8, 1u << (order - 3));
            else
                rc = (f[rb + bit / 8] >> (bit % 8)) & ((1u << (1u << order)) - 1);
        }
        if (rc < r.count[c]) r.bad++;
        if (rc > r.count[c]) qcheck_leaks++;
    }
    free(r.count);
    free(f);
    return r.bad;
}

START_TEST(qcow2_reads)
{
    for (unsigned version = 2; version <= 3; version++) {
        struct qimg q = qbuild(version, 12, 1 << 20);
        /* The walker itself sees an undercounted cluster. */
        q.data[q.rb_off + (q.data_off / q.cs) * 2 + 1] = 0;
        qsave(&q, path);
        ck_assert_int_eq(qcheck(path), 1);
        q.data[q.rb_off + (q.data_off / q.cs) * 2 + 1] = 1;
        qsave(&q, path);
        ck_assert_int_eq(qcheck(path), 0);
        struct block *b = open_path(path, BLOCK_FORMAT_AUTO, true, false);
        ck_assert_msg(b, "%s", err);
        ck_assert_str_eq(block_format_name(b), "qcow2");
        ck_assert_uint_eq(block_size(b), 1 << 20);
        uint8_t buf[8192], want[4096];
        fill(want, 4096, 0, 1);
        ck_assert_int_eq(block_read(b, 0, buf, 8192), 0);
        ck_assert_mem_eq(buf, want, 4096);
        for (int i = 4096; i < 8192; i++)
            ck_assert_uint_eq(buf[i], 0);
        ck_assert_int_eq(block_read(b, (1 << 20) - 512, buf, 512), 0);
        ck_assert_int_eq(block_read(b, 1 << 20, buf, 512), -EINVAL);
        ck_assert_int_eq(block_write(b, 0, buf, 512), -EROFS);
        block_close(b);
        free(q.data);
    }
}
END_TEST

/* Writes to unallocated clusters (partial and whole, spanning clusters, into
 * a new L2 table), in place to the existing cluster, then read back before
 * and after reopening; the refcounts cover everything. */
static void qcow2_write_roundtrip(unsigned version, unsigned cb, uint64_t size, uint64_t span)
{
    struct qimg q = qbuild(version, cb, size);
    qsave(&q, path);
    free(q.data);
    struct block *b = open_path(path, BLOCK_FORMAT_QCOW2, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t *model = calloc(1, size), *buf = malloc(span);
    fill(model, 1ull << cb, 0, 1);
    struct {
        uint64_t off, len;
    } w[] = {{512, 1024},         {(1ull << cb) - 512, 1536}, {size / 2 + 512, span / 2},
             {size - span, span}, {3ull << cb, 1ull << cb},   {size / 3 & ~511ull, 512}};
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
            fill(buf, w[i].len, w[i].off, 10 + i + pass * 10);
            ck_assert_int_eq(block_write(b, w[i].off, buf, w[i].len), 0);
            memcpy(model + w[i].off, buf, w[i].len);
        }
        ck_assert_int_eq(block_flush(b), 0);
    }
    for (uint64_t off = 0; off < size; off += span) {
        ck_assert_int_eq(block_read(b, off, buf, span), 0);
        ck_assert(memcmp(buf, model + off, span) == 0);
    }
    block_close(b);
    ck_assert_int_eq(qcheck(path), 0);
    b = open_path(path, BLOCK_FORMAT_AUTO, false, false);
    ck_assert_msg(b, "%s", err);
    for (uint64_t off = 0; off < size; off += span) {
        ck_assert_int_eq(block_read(b, off, buf, span), 0);
        ck_assert(memcmp(buf, model + off, span) == 0);
    }
    block_close(b);
    free(model);
    free(buf);
}

START_TEST(qcow2_write_v3)
{
    qcow2_write_roundtrip(3, 12, 4 << 20, 64 << 10);
}
END_TEST
START_TEST(qcow2_write_v2)
{
    qcow2_write_roundtrip(2, 16, 8 << 20, 256 << 10);
}
END_TEST

/* 512-byte clusters: one refcount table cluster covers 8 MiB of file, so
 * writing 10 MiB must grow it (and allocate refcount blocks on the way). */
START_TEST(qcow2_refcount_table_grows)
{
    uint64_t size = 12 << 20;
    struct qimg q = qbuild(3, 9, size);
    qsave(&q, path);
    free(q.data);
    struct block *b = open_path(path, BLOCK_FORMAT_QCOW2, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t *buf = malloc(1 << 20);
    for (uint64_t off = 0; off < (10 << 20); off += 1 << 20) {
        fill(buf, 1 << 20, off, 3);
        ck_assert_int_eq(block_write(b, off, buf, 1 << 20), 0);
    }
    block_close(b);
    size_t len;
    uint8_t *f = read_file(path, &len);
    ck_assert_uint_gt(get_be(f + 56, 4), 1); /* refcount_table_clusters */
    ck_assert_uint_ne(get_be(f + 48, 8), 512);
    free(f);
    ck_assert_int_eq(qcheck(path), 0);
    b = open_path(path, BLOCK_FORMAT_QCOW2, true, false);
    ck_assert_msg(b, "%s", err);
    uint8_t *want = malloc(1 << 20);
    for (uint64_t off = 0; off < (10 << 20); off += 1 << 20) {
        ck_assert_int_eq(block_read(b, off, buf, 1 << 20), 0);
        fill(want, 1 << 20, off, 3);
        ck_assert(memcmp(buf, want, 1 << 20) == 0);
    }
    block_close(b);
    free(buf);
    free(want);
}
END_TEST

/* 1-bit refcounts (refcount_order 0) pack from the low bit. */
START_TEST(qcow2_one_bit_refcounts)
{
    struct qimg q = qbuild(3, 12, 1 << 20);
    put_be32(q.data + 96, 0);
    memset(q.data + q.rb_off, 0, q.cs);
    q.data[q.rb_off] = 0x3f; /* clusters 0..5 */
    qsave(&q, path);
    free(q.data);
    ck_assert_int_eq(qcheck(path), 0);
    struct block *b = open_path(path, BLOCK_FORMAT_QCOW2, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t buf[4096];
    fill(buf, 4096, 0, 4);
    for (uint64_t off = 4096; off < (64 << 10); off += 8192)
        ck_assert_int_eq(block_write(b, off, buf, 4096), 0);
    block_close(b);
    ck_assert_int_eq(qcheck(path), 0);
}
END_TEST

START_TEST(qcow2_zero_compressed_and_backing)
{
    /* Backing: a raw file in the directory, named relatively. */
    char base[160], sub[160];
    snprintf(base, sizeof(base), "%s/base.raw", dir);
    make_raw(base, 1 << 20, 7);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    mkdir(sub, 0755);
    snprintf(path, sizeof(path), "%s/sub/top.qcow2", dir);

    struct qimg q = qbuild(3, 12, 1 << 20);
    /* Backing name after the header, with a backing-format extension. */
    const char *name = "../base.raw";
    uint8_t *ext = q.data + 104;
    put_be32(ext, 0xe2792aca);
    put_be32(ext + 4, 3);
    memcpy(ext + 8, "raw", 3);
    put_be64(q.data + 8, 128);
    put_be32(q.data + 16, (uint32_t)strlen(name));
    memcpy(q.data + 128, name, strlen(name));
    /* Guest cluster 1: zero flag over backing data. */
    put_be64(q.data + q.l2_off + 8, 1);
    /* Guest cluster 2: compressed, at an unaligned offset past the data cluster. */
    uint8_t plain[4096], packed[8192];
    fill(plain, 4096, 2 * 4096, 42);
    memset(plain + 1000, 0, 2000); /* something to compress */
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = plain;
    zs.avail_in = sizeof(plain);
    zs.next_out = packed;
    zs.avail_out = sizeof(packed);
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t plen = sizeof(packed) - zs.avail_out;
    deflateEnd(&zs);
    ck_assert_uint_lt(plen, 4096);
    uint64_t coff = q.len + 100; /* compressed data need not be aligned */
    q.data = realloc(q.data, q.len + 4096 * 2);
    memset(q.data + q.len, 0, 8192);
    memcpy(q.data + coff, packed, plen);
    /* refcount for the new cluster(s) the compressed bytes use */
    for (uint64_t c = q.len / 4096; c <= (coff + plen - 1) / 4096; c++)
        q.data[q.rb_off + c * 2 + 1] = 1;
    q.len = coff + plen;
    unsigned x = 62 - (12 - 8);
    uint64_t sectors = (coff + plen - 1) / 512 - coff / 512;
    put_be64(q.data + q.l2_off + 16, 1ull << 62 | sectors << x | coff);
    qsave(&q, path);
    free(q.data);
    ck_assert_int_eq(qcheck(path), 0);

    struct block *b = open_path(path, BLOCK_FORMAT_AUTO, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t buf[5 * 4096], want[4096];
    ck_assert_int_eq(block_read(b, 0, buf, sizeof(buf)), 0);
    fill(want, 4096, 0, 1);
    ck_assert_mem_eq(buf, want, 4096);
    for (int i = 0; i < 4096; i++)
        ck_assert_uint_eq(buf[4096 + i], 0);
    ck_assert_mem_eq(buf + 8192, plain, 4096);
    fill(want, 4096, 3 * 4096, 7); /* unallocated: the backing file */
    ck_assert_mem_eq(buf + 3 * 4096, want, 4096);
    /* Partial writes into the zero, compressed and backed clusters keep
     * the rest of each cluster (copy-on-write). */
    uint8_t w[512];
    memset(w, 0xEE, sizeof(w));
    for (unsigned c = 1; c <= 3; c++)
        ck_assert_int_eq(block_write(b, c * 4096 + 1024, w, 512), 0);
    block_close(b);
    ck_assert_int_eq(qcheck(path), 0);
    ck_assert_int_eq(qcheck_leaks, 0); /* the compressed bytes were released */
    b = open_path(path, BLOCK_FORMAT_AUTO, true, false);
    ck_assert_msg(b, "%s", err);
    ck_assert_int_eq(block_read(b, 0, buf, sizeof(buf)), 0);
    uint8_t expect[5 * 4096];
    fill(expect, 4096, 0, 1);
    memset(expect + 4096, 0, 4096);
    memcpy(expect + 8192, plain, 4096);
    fill(expect + 3 * 4096, 8192, 3 * 4096, 7);
    for (unsigned c = 1; c <= 3; c++)
        memset(expect + c * 4096 + 1024, 0xEE, 512);
    ck_assert_mem_eq(buf, expect, sizeof(buf));
    block_close(b);
    /* The backing file was opened read-only and never written. */
    size_t len;
    uint8_t *f = read_file(base, &len);
    fill(want, 4096, 4096, 7);
    ck_assert_mem_eq(f + 4096, want, 4096);
    free(f);
    /* Missing backing file: refused, naming both. */
    unlink(base);
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_AUTO, true, false));
    ck_assert_ptr_nonnull(strstr(err, "backing file"));
    ck_assert_ptr_nonnull(strstr(err, "base.raw"));
}
END_TEST

START_TEST(qcow2_backing_loop)
{
    struct qimg q = qbuild(3, 12, 1 << 20);
    const char *name = "img"; /* itself */
    put_be64(q.data + 8, 128);
    put_be32(q.data + 16, 3);
    memcpy(q.data + 128, name, 3);
    qsave(&q, path);
    free(q.data);
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_AUTO, true, false));
    ck_assert_ptr_nonnull(strstr(err, "deeper than"));
    /* Writable, the loop meets our own write lock first. */
    ck_assert_ptr_null(open_path(path, BLOCK_FORMAT_AUTO, false, false));
}
END_TEST

START_TEST(qcow2_snapshot_leaves_file_alone)
{
    struct qimg q = qbuild(3, 12, 1 << 20);
    qsave(&q, path);
    struct block *b = open_path(path, BLOCK_FORMAT_AUTO, false, true);
    ck_assert_msg(b, "%s", err);
    uint8_t buf[8192], got[8192];
    fill(buf, sizeof(buf), 0, 99);
    ck_assert_int_eq(block_write(b, 2048, buf, sizeof(buf)), 0);
    ck_assert_int_eq(block_read(b, 2048, got, sizeof(got)), 0);
    ck_assert_mem_eq(got, buf, sizeof(buf));
    block_close(b);
    size_t len;
    uint8_t *f = read_file(path, &len);
    ck_assert_uint_eq(len, q.len);
    ck_assert(memcmp(f, q.data, len) == 0);
    free(f);
    free(q.data);
}
END_TEST

/* A refused image: the message, and not one byte of the file changed (an
 * autoclear bit is set in every variant, which a successful writable open
 * would clear). */
static void expect_refused(struct qimg *q, bool readonly, const char *msg)
{
    if (q->version == 3) put_be64(q->data + 88, 1);
    qsave(q, path);
    struct block *b = open_path(path, BLOCK_FORMAT_QCOW2, readonly, false);
    ck_assert_msg(!b, "opened, expected \"%s\"", msg);
    ck_assert_msg(strstr(err, msg), "got \"%s\", expected \"%s\"", err, msg);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':',
                  "message does not start with the path: %s", err);
    ck_assert(!strchr(err, '\n'));
    size_t len;
    uint8_t *f = read_file(path, &len);
    ck_assert_uint_eq(len, q->len);
    ck_assert(memcmp(f, q->data, len) == 0);
    free(f);
    free(q->data);
}

START_TEST(qcow2_refused)
{
    struct qimg q;
    q = qbuild(3, 12, 1 << 20);
    q.data[0] = 'X';
    expect_refused(&q, false, "bad magic");
    q = qbuild(3, 12, 1 << 20);
    put_be32(q.data + 4, 4);
    expect_refused(&q, false, "unsupported qcow2 version 4");
    q = qbuild(3, 12, 1 << 20);
    put_be32(q.data + 4, 1);
    expect_refused(&q, true, "unsupported qcow2 version 1");
    q = qbuild(3, 12, 1 << 20);
    put_be32(q.data + 20, 30);
    expect_refused(&q, false, "cluster_bits 30 out of range");
    q = qbuild(3, 12, 1 << 20);
    put_be32(q.data + 20, 8);
    expect_refused(&q, false, "cluster_bits 8 out of range");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 40, 1 << 20);
    expect_refused(&q, false, "L1 table lies past the end of the file");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 40, q.l1_off + 8);
    expect_refused(&q, false, "L1 table offset 0x3008 is not cluster aligned");
    q = qbuild(3, 12, 64 << 20); /* needs 32 L1 entries; header says 1 */
    put_be32(q.data + 36, 1);
    expect_refused(&q, false, "too small for the virtual size");
    q = qbuild(3, 12, 1 << 20);
    q.len = 3 * 4096; /* truncated before the L1 table */
    expect_refused(&q, true, "L1 table lies past the end of the file (truncated?)");
    q = qbuild(3, 12, 1 << 20);
    q.len = 100;
    expect_refused(&q, false, "truncated qcow2 header");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 48, 64 << 20);
    expect_refused(&q, false, "refcount table lies past the end");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + q.l1_off, (64ull << 20) | 1ull << 63);
    expect_refused(&q, true, "L1 entry 0 points past the end of the file");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + q.l1_off, q.l2_off | 1ull << 63 | 1);
    expect_refused(&q, false, "L1 entry 0 is malformed");
    q = qbuild(3, 12, 1 << 20);
    put_be32(q.data + 32, 1);
    expect_refused(&q, true, "encrypted");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + q.l1_off, q.rb_off | 1ull << 63); /* L2 table = refcount block */
    expect_refused(&q, true, "metadata overlap");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + q.l1_off, q.l1_off | 1ull << 63); /* L2 table = L1 table */
    expect_refused(&q, true, "metadata overlap");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 1 << 4);
    expect_refused(&q, true, "extended L2 entries (incompatible feature bit 4)");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 1 << 2);
    expect_refused(&q, true, "external data file");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 1 << 3);
    expect_refused(&q, true, "compression type other than zlib");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 1 << 10);
    expect_refused(&q, true, "unknown feature (incompatible feature bit 10)");
    /* The image's own feature-name table names the bit. */
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 1 << 10);
    put_be32(q.data + 104, 0x6803f857);
    put_be32(q.data + 108, 48);
    q.data[112] = 0;
    q.data[113] = 10;
    strcpy((char *)q.data + 114, "frobnication");
    expect_refused(&q, true, "frobnication (incompatible feature bit 10)");
    /* Dirty and corrupt stop writers, not readers. */
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 1);
    expect_refused(&q, false, "dirty");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 2);
    expect_refused(&q, false, "marked corrupt");
    q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + 72, 3);
    qsave(&q, path);
    free(q.data);
    struct block *b = open_path(path, BLOCK_FORMAT_QCOW2, true, false);
    ck_assert_msg(b, "%s", err);
    block_close(b);
    b = open_path(path, BLOCK_FORMAT_QCOW2, false, true);
    ck_assert_msg(b, "%s", err);
    block_close(b);
}
END_TEST

/* Broken L2 entries are found at the request: -EIO for that cluster only,
 * and never a write over metadata. */
START_TEST(qcow2_bad_l2_entries)
{
    struct qimg q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + q.l2_off + 8, (64ull << 20) | 1ull << 63);     /* past the end */
    put_be64(q.data + q.l2_off + 16, (q.data_off + 8) | 1ull << 63); /* unaligned */
    put_be64(q.data + q.l2_off + 24, q.data_off | 1ull << 60);       /* reserved bit */
    /* compressed, pointing past the end */
    put_be64(q.data + q.l2_off + 32, 1ull << 62 | (64ull << 20));
    /* ours to write in place, but the L1 table and the L2 table itself */
    put_be64(q.data + q.l2_off + 40, q.l1_off | 1ull << 63);
    put_be64(q.data + q.l2_off + 48, q.l2_off | 1ull << 63);
    qsave(&q, path);
    size_t len0;
    uint8_t *before = read_file(path, &len0);
    free(q.data);
    struct block *b = open_path(path, BLOCK_FORMAT_AUTO, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t buf[4096];
    ck_assert_int_eq(block_read(b, 0, buf, 4096), 0);
    for (unsigned c = 1; c <= 4; c++) {
        ck_assert_int_eq(block_read(b, c * 4096, buf, 512), -EIO);
        ck_assert_int_eq(block_write(b, c * 4096, buf, 512), -EIO);
    }
    for (unsigned c = 5; c <= 6; c++)
        ck_assert_int_eq(block_write(b, c * 4096, buf, 512), -EIO);
    ck_assert_int_eq(block_read(b, 7 * 4096, buf, 4096), 0);
    block_close(b);
    size_t len1;
    uint8_t *after = read_file(path, &len1);
    ck_assert_uint_eq(len0, len1); /* nothing was allocated for the failed writes */
    ck_assert(memcmp(before, after, len0) == 0);
    free(before);
    free(after);
}
END_TEST

/* A shared (not COPIED) L2 entry naming the L1 table: the write copies the
 * "cluster" away, and the L1 table's refcount is not released with it. */
START_TEST(qcow2_shared_entry_naming_metadata)
{
    struct qimg q = qbuild(3, 12, 1 << 20);
    put_be64(q.data + q.l2_off + 8, q.l1_off);
    qsave(&q, path);
    struct block *b = open_path(path, BLOCK_FORMAT_AUTO, false, false);
    ck_assert_msg(b, "%s", err);
    uint8_t buf[512];
    memset(buf, 0x5A, sizeof(buf));
    ck_assert_int_eq(block_write(b, 4096, buf, 512), 0);
    ck_assert_int_eq(block_flush(b), 0);
    block_close(b);
    size_t len;
    uint8_t *f = read_file(path, &len);
    ck_assert_uint_eq(get_be(f + q.rb_off + (q.l1_off / q.cs) * 2, 2), 1);
    ck_assert_mem_eq(f + q.l1_off, q.data + q.l1_off, 8); /* L1 untouched */
    free(f);
    ck_assert_int_eq(qcheck(path), 0);
    free(q.data);
}
END_TEST

static Suite *block_suite(void)
{
    Suite *s = suite_create("block");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, raw_read_write);
    tcase_add_test(tc, raw_bad_ranges);
    tcase_add_test(tc, raw_readonly);
    tcase_add_test(tc, refused_missing_and_tiny);
    tcase_add_test(tc, lock_refuses_second_opener);
    tcase_add_test(tc, snapshot_leaves_file_alone);
    tcase_add_test(tc, qcow2_reads);
    tcase_add_test(tc, qcow2_write_v3);
    tcase_add_test(tc, qcow2_write_v2);
    tcase_add_test(tc, qcow2_refcount_table_grows);
    tcase_add_test(tc, qcow2_one_bit_refcounts);
    tcase_add_test(tc, qcow2_zero_compressed_and_backing);
    tcase_add_test(tc, qcow2_backing_loop);
    tcase_add_test(tc, qcow2_snapshot_leaves_file_alone);
    tcase_add_test(tc, qcow2_refused);
    tcase_add_test(tc, qcow2_bad_l2_entries);
    tcase_add_test(tc, qcow2_shared_entry_naming_metadata);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(block_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
