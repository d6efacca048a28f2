/*
 * moo_test.c - unit tests of the MOO reader (moo.c): a synthetic file parses
 * into the expected fields, every truncation of it is rejected with a message
 * (never a crash), unknown chunks are skipped, and the metadata.json and
 * revocation-list parsers accept the real shapes and reject broken input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ss386/moo.h"

/* ---- a tiny chunk writer ---- */

struct buf {
    uint8_t d[4096];
    size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
    ck_assert_uint_le(b->n + n, sizeof(b->d));
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void put8(struct buf *b, uint8_t v)
{
    put(b, &v, 1);
}
static void put16(struct buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, x, 2);
}
static void put32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}
/* Start a chunk; returns the offset of its length field for end_chunk. */
static size_t begin_chunk(struct buf *b, const char *id)
{
    put(b, id, 4);
    size_t at = b->n;
    put32(b, 0);
    return at;
}
static void end_chunk(struct buf *b, size_t at)
{
    uint32_t len = (uint32_t)(b->n - at - 4);
    for (int i = 0; i < 4; i++)
        b->d[at + i] = (uint8_t)(len >> (8 * i));
}

static void put_regs16(struct buf *b, const char *id, uint16_t mask, const uint16_t *vals)
{
    size_t c = begin_chunk(b, id);
    put16(b, mask);
    for (int i = 0, k = 0; i < 16; i++)
        if (mask & (1u << i)) put16(b, vals[k++]);
    end_chunk(b, c);
}

/* A two-test 286-style file. */
static void build_file(struct buf *b)
{
    memset(b, 0, sizeof(*b));
    size_t c = begin_chunk(b, "MOO ");
    put8(b, 1);
    put8(b, 0);
    put16(b, 0);
    put32(b, 2);
    put(b, "C286", 4);
    end_chunk(b, c);

    c = begin_chunk(b, "META");
    put8(b, 1);
    put8(b, 0);
    put8(b, 6);
    put32(b, 0xF7);
    put(b, "div     ", 8);
    put32(b, 2);
    put32(b, 0xdeadbeef);
    put32(b, 0);
    put8(b, 0);
    put(b, "\0\0\0", 3);
    end_chunk(b, c);

    c = begin_chunk(b, "ZZZZ"); /* unknown: skipped */
    put32(b, 0x12345678);
    end_chunk(b, c);

    for (uint32_t t = 0; t < 2; t++) {
        size_t tc = begin_chunk(b, "TEST");
        put32(b, 100 + t);
        size_t s = begin_chunk(b, "NAME");
        put32(b, 6);
        put(b, "div sp", 6);
        end_chunk(b, s);
        s = begin_chunk(b, "BYTS");
        put32(b, 3);
        put(b, "\xf7\xf4\xf4", 3);
        end_chunk(b, s);
        s = begin_chunk(b, "INIT");
        uint16_t all[14];
        for (int i = 0; i < 14; i++)
            all[i] = (uint16_t)(0x1000 * t + i);
        put_regs16(b, "REGS", 0x3FFF, all);
        size_t r = begin_chunk(b, "RAM ");
        put32(b, 2);
        put32(b, 0x12345);
        put8(b, 0xAB);
        put32(b, 0xFFFFFF);
        put8(b, 0xCD);
        end_chunk(b, r);
        r = begin_chunk(b, "QUEU"); /* ignored */
        put32(b, 0);
        end_chunk(b, r);
        end_chunk(b, s);
        s = begin_chunk(b, "FINA");
        uint16_t fv[2] = {0x4242, 0x0002};
        put_regs16(b, "REGS", (1u << MOO_R16_AX) | (1u << MOO_R16_FLAGS), fv);
        uint16_t mv[1] = {0x00FF};
        put_regs16(b, "RMSK", 1u << MOO_R16_FLAGS, mv);
        r = begin_chunk(b, "RAM ");
        put32(b, 0);
        end_chunk(b, r);
        end_chunk(b, s);
        s = begin_chunk(b, "CYCL");
        put32(b, 1);
        for (int i = 0; i < 15; i++)
            put8(b, 0);
        end_chunk(b, s);
        if (t == 1) {
            s = begin_chunk(b, "EXCP");
            put8(b, 0);
            put32(b, 0x00FFFA);
            end_chunk(b, s);
        }
        s = begin_chunk(b, "HASH");
        for (int i = 0; i < 20; i++)
            put8(b, (uint8_t)(i + t));
        end_chunk(b, s);
        end_chunk(b, tc);
    }
}

static int parse_copy(const uint8_t *d, size_t n, struct moo_file *f, char *err, size_t errlen)
{
    uint8_t *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, d, n);
    return moo_parse(copy, n, f, err, errlen);
}

START_TEST(parses_synthetic_file)
{
    struct buf b;
    build_file(&b);
    struct moo_file f;
    char err[256] = "";
    ck_assert_msg(parse_copy(b.d, b.n, &f, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(f.test_count, 2);
    ck_assert_uint_eq(f.ntests, 2);
    ck_assert_str_eq(f.cpu, "C286");
    ck_assert(f.has_meta);
    ck_assert_uint_eq(f.opcode, 0xF7);
    ck_assert_str_eq(f.mnemonic, "div");
    ck_assert(!f.rmask.present);

    const struct moo_test *t = &f.tests[1];
    ck_assert_uint_eq(t->index, 101);
    ck_assert_str_eq(t->name, "div sp");
    ck_assert_uint_eq(t->nbytes, 3);
    ck_assert_mem_eq(t->bytes, "\xf7\xf4\xf4", 3);
    ck_assert(!t->init.regs.is32);
    ck_assert_uint_eq(t->init.regs.mask, 0x3FFF);
    ck_assert_uint_eq(t->init.regs.v[MOO_R16_IP], 0x100C);
    ck_assert_uint_eq(t->init.nram, 2);
    ck_assert_uint_eq(t->init.ram[1].addr, 0xFFFFFF);
    ck_assert_uint_eq(t->init.ram[1].val, 0xCD);
    ck_assert_uint_eq(t->fina.regs.mask, (1u << MOO_R16_AX) | (1u << MOO_R16_FLAGS));
    ck_assert_uint_eq(t->fina.regs.v[MOO_R16_AX], 0x4242);
    ck_assert_uint_eq(t->fina.regs.v[MOO_R16_FLAGS], 0x0002);
    ck_assert(t->fina.rmask.present);
    ck_assert_uint_eq(t->fina.rmask.v[MOO_R16_FLAGS], 0x00FF);
    ck_assert(t->fina.has_ram);
    ck_assert_uint_eq(t->fina.nram, 0);
    ck_assert(t->has_excp);
    ck_assert_uint_eq(t->excp_vector, 0);
    ck_assert_uint_eq(t->excp_flags_addr, 0xFFFA);
    ck_assert(t->has_hash);
    ck_assert_uint_eq(t->hash[0], 1);
    ck_assert(!f.tests[0].has_excp);
    moo_file_free(&f);
}
END_TEST

START_TEST(rejects_every_truncation)
{
    struct buf b;
    build_file(&b);
    for (size_t n = 0; n < b.n; n++) {
        struct moo_file f;
        char err[256] = "";
        ck_assert_msg(parse_copy(b.d, n, &f, err, sizeof(err)) == -1,
                      "truncated to %zu of %zu bytes was accepted", n, b.n);
        ck_assert_msg(err[0] != 0, "no message at length %zu", n);
    }
}
END_TEST

START_TEST(rejects_corrupt_lengths)
{
    struct buf b;
    build_file(&b);
    /* Flip every byte in turn: the parser may accept or reject, but must not
     * crash or read out of bounds (run under ASan to see the latter). */
    for (size_t i = 0; i < b.n; i++) {
        struct buf c = b;
        c.d[i] ^= 0xFF;
        struct moo_file f;
        char err[256];
        if (parse_copy(c.d, c.n, &f, err, sizeof(err)) == 0) moo_file_free(&f);
    }
    /* A RAM count that cannot fit. */
    struct buf c = b;
    size_t off = 0;
    for (size_t i = 0; i + 4 <= c.n; i++)
        if (!memcmp(c.d + i, "RAM ", 4)) {
            off = i + 8;
            break;
        }
    ck_assert_uint_ne(off, 0);
    c.d[off + 3] = 0x40; /* count = 0x40000002 */
    struct moo_file f;
    char err[256] = "";
    ck_assert_int_eq(parse_copy(c.d, c.n, &f, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "RAM"));
}
END_TEST

START_TEST(rejects_wrong_counts)
{
    struct buf b;
    build_file(&b);
    struct buf c = b;
    c.d[12] = 3; /* header says 3 tests, file holds 2 */
    struct moo_file f;
    char err[256] = "";
    ck_assert_int_eq(parse_copy(c.d, c.n, &f, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "truncated"));
    c = b;
    c.d[12] = 1; /* header says 1, file holds 2 */
    ck_assert_int_eq(parse_copy(c.d, c.n, &f, err, sizeof(err)), -1);
    c = b;
    memcpy(c.d, "MOX ", 4);
    ck_assert_int_eq(parse_copy(c.d, c.n, &f, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a MOO"));
}
END_TEST

START_TEST(metadata_flags_masks)
{
    const char *json =
        "{\"version\": \"1.0.0\", \"n\": -1.5e3, \"ok\": true, \"x\": null, \"arr\": [1, {\"a\": "
        "\"b\\\"c\\u0041\"}],\n"
        " \"opcodes\": {\"27\": {\"status\": \"normal\", \"flags\": \"o.......\", "
        "\"flags-mask\": 63487},\n"
        "  \"f7\": {\"reg\": {\"6\": {\"flags-mask\": 63274}, \"2\": {\"status\": \"normal\"}}},\n"
        "  \"00\": {\"status\": \"normal\"}}}";
    struct moo_meta m;
    char err[200] = "";
    ck_assert_msg(moo_meta_parse(json, strlen(json), &m, err, sizeof(err)) == 0, "%s", err);
    uint32_t v = 0;
    ck_assert(moo_meta_flags_mask(&m, "27", &v));
    ck_assert_uint_eq(v, 63487);
    ck_assert(moo_meta_flags_mask(&m, "F7.6", &v));
    ck_assert_uint_eq(v, 63274);
    ck_assert(!moo_meta_flags_mask(&m, "F7.2", &v));
    ck_assert(!moo_meta_flags_mask(&m, "00", &v));
    moo_meta_free(&m);

    const char *bad[] = {"{",
                         "{\"a\" 1}",
                         "{\"a\": [1, 2}",
                         "{\"a\": \"x}",
                         "{} x",
                         "{\"opcodes\": {\"27\": {\"flags-mask\": -1}}}",
                         ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = 0;
        ck_assert_msg(moo_meta_parse(bad[i], strlen(bad[i]), &m, err, sizeof(err)) == -1,
                      "accepted '%s'", bad[i]);
        ck_assert(err[0]);
    }
}
END_TEST

START_TEST(revocation_list)
{
    const char *txt = "# comment\n\n626be5084b331080eb08256c12a62d24afdf2a03\n"
                      "  0000000000000000000000000000000000000001  \n";
    struct moo_revoked r;
    char err[200] = "";
    ck_assert_msg(moo_revoked_parse(txt, strlen(txt), &r, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(r.n, 2);
    uint8_t h[20] = {0x62, 0x6b, 0xe5, 0x08, 0x4b, 0x33, 0x10, 0x80, 0xeb, 0x08,
                     0x25, 0x6c, 0x12, 0xa6, 0x2d, 0x24, 0xaf, 0xdf, 0x2a, 0x03};
    ck_assert(moo_revoked_has(&r, h));
    h[19] ^= 1;
    ck_assert(!moo_revoked_has(&r, h));
    moo_revoked_free(&r);
    const char *bad = "626be5084b331080eb08256c12a62d24afdf2a0\n";
    ck_assert_int_eq(moo_revoked_parse(bad, strlen(bad), &r, err, sizeof(err)), -1);
    const char *bad2 = "626be5084b331080eb08256c12a62d24afdf2a0g\n";
    ck_assert_int_eq(moo_revoked_parse(bad2, strlen(bad2), &r, err, sizeof(err)), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("moo");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, parses_synthetic_file);
    tcase_add_test(tc, rejects_every_truncation);
    tcase_add_test(tc, rejects_corrupt_lengths);
    tcase_add_test(tc, rejects_wrong_counts);
    tcase_add_test(tc, metadata_flags_masks);
    tcase_add_test(tc, revocation_list);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
