/*
 * png_test.c - the PNG writer: files are read back with an independent
 * little parser (chunk lengths, CRC-32 of every chunk, IHDR fields, the
 * inflated IDAT with its filter bytes) and compared pixel for pixel.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "frontend/png.h"

static char path[64];

static void setup(void)
{
    strcpy(path, "/tmp/cinder-png-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

static void teardown(void)
{
    unlink(path);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct decoded {
    uint32_t width, height;
    uint8_t ihdr_rest[5]; /* depth, colour type, compression, filter, interlace */
    uint8_t *raw;         /* inflated image data */
    size_t raw_len;
    int n_idat;
};

/* Parse path strictly: signature, IHDR first, IDAT(s), IEND last, CRCs. */
static void decode(struct decoded *d)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static uint8_t buf[4 << 20];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    ck_assert_uint_ge(n, 8);
    ck_assert_mem_eq(buf, sig, 8);
    memset(d, 0, sizeof(*d));
    uint8_t *z = NULL;
    size_t z_len = 0, pos = 8;
    int index = 0;
    bool end = false;
    while (!end) {
        ck_assert_uint_le(pos + 12, n);
        uint32_t len = be32(buf + pos);
        ck_assert_uint_le(pos + 12 + len, n);
        const uint8_t *type = buf + pos + 4, *data = buf + pos + 8;
        uLong crc = crc32(0, type, 4 + len);
        ck_assert_uint_eq(crc, be32(data + len));
        if (index == 0) {
            ck_assert_mem_eq(type, "IHDR", 4);
            ck_assert_uint_eq(len, 13);
            d->width = be32(data);
            d->height = be32(data + 4);
            memcpy(d->ihdr_rest, data + 8, 5);
        } else if (!memcmp(type, "IDAT", 4)) {
            z = realloc(z, z_len + len);
            memcpy(z + z_len, data, len);
            z_len += len;
            d->n_idat++;
        } else {
            ck_assert_mem_eq(type, "IEND", 4);
            ck_assert_uint_eq(len, 0);
            end = true;
        }
        pos += 12 + len;
        index++;
    }
    ck_assert_uint_eq(pos, n); /* nothing after IEND */
    uLongf raw_len = (uLongf)d->width * d->height * 3 + d->height + 16;
    d->raw = malloc(raw_len);
    ck_assert_int_eq(uncompress(d->raw, &raw_len, z, z_len), Z_OK);
    d->raw_len = raw_len;
    free(z);
}

START_TEST(pixels_round_trip)
{
    /* 3 x 2 with a stride of 4: the 4th pixel of each row must not appear. */
    const uint32_t px[8] = {0x00FF0000, 0x0000FF00, 0x000000FF, 0xDEADBEEF,
                            0x00123456, 0xFF000000, 0x00FFFFFF, 0xCAFEBABE};
    char err[256];
    ck_assert_int_eq(png_write_rgb(path, px, 3, 2, 4, err, sizeof(err)), 0);
    struct decoded d;
    decode(&d);
    ck_assert_uint_eq(d.width, 3);
    ck_assert_uint_eq(d.height, 2);
    const uint8_t ihdr_rest[5] = {8, 2, 0, 0, 0};
    ck_assert_mem_eq(d.ihdr_rest, ihdr_rest, 5);
    ck_assert_int_eq(d.n_idat, 1);
    /* Filter byte 0 per scanline, then RGB; the high byte is ignored. */
    const uint8_t want[] = {0, 0xFF, 0,    0,    0, 0xFF, 0, 0,    0,    0xFF,
                            0, 0x12, 0x34, 0x56, 0, 0,    0, 0xFF, 0xFF, 0xFF};
    ck_assert_uint_eq(d.raw_len, sizeof(want));
    ck_assert_mem_eq(d.raw, want, sizeof(want));
    free(d.raw);
}
END_TEST

START_TEST(blank_frame_is_640x480_black)
{
    char err[256];
    ck_assert_int_eq(png_write_rgb(path, NULL, 0, 0, 0, err, sizeof(err)), 0);
    struct decoded d;
    decode(&d);
    ck_assert_uint_eq(d.width, PNG_BLANK_WIDTH);
    ck_assert_uint_eq(d.height, PNG_BLANK_HEIGHT);
    ck_assert_uint_eq(d.raw_len, (size_t)PNG_BLANK_HEIGHT * (1 + PNG_BLANK_WIDTH * 3));
    for (size_t i = 0; i < d.raw_len; i++)
        if (d.raw[i]) ck_abort_msg("byte %zu is 0x%02X, want 0", i, d.raw[i]);
    free(d.raw);
}
END_TEST

START_TEST(large_frame)
{
    /* 1024 x 768 with a gradient: every pixel checked after the round trip. */
    int w = 1024, h = 768;
    uint32_t *px = malloc((size_t)w * h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[y * w + x] = (uint32_t)((x * 7) & 0xFF) << 16 | (uint32_t)(y & 0xFF) << 8 |
                            (uint32_t)((x ^ y) & 0xFF);
    char err[256];
    ck_assert_int_eq(png_write_rgb(path, px, w, h, w, err, sizeof(err)), 0);
    struct decoded d;
    decode(&d);
    ck_assert_uint_eq(d.width, 1024);
    ck_assert_uint_eq(d.height, 768);
    ck_assert_uint_eq(d.raw_len, (size_t)h * (1 + w * 3));
    for (int y = 0; y < h; y++) {
        const uint8_t *row = d.raw + (size_t)y * (1 + w * 3);
        ck_assert_uint_eq(row[0], 0);
        for (int x = 0; x < w; x++) {
            uint32_t p = px[y * w + x];
            if (row[1 + x * 3] != (uint8_t)(p >> 16) || row[2 + x * 3] != (uint8_t)(p >> 8) ||
                row[3 + x * 3] != (uint8_t)p)
                ck_abort_msg("pixel %d,%d differs", x, y);
        }
    }
    free(d.raw);
    free(px);
}
END_TEST

START_TEST(errors)
{
    char err[256] = "";
    uint32_t px[4] = {0};
    ck_assert_int_eq(png_write_rgb("/nonexistent-dir/x.png", px, 2, 2, 2, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x.png: "));
    err[0] = 0;
    ck_assert_int_eq(png_write_rgb(path, px, 2, 2, 1, err, sizeof(err)), -1); /* stride < width */
    ck_assert_ptr_nonnull(strstr(err, "cannot write"));
    ck_assert_int_eq(
        png_write_rgb(path, px, PNG_MAX_SIDE + 1, 1, PNG_MAX_SIDE + 1, err, sizeof(err)), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("png");
    TCase *tc = tcase_create("png");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pixels_round_trip);
    tcase_add_test(tc, blank_frame_is_640x480_black);
    tcase_add_test(tc, large_frame);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
