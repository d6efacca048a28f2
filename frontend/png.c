/*
 * png.c - screenshots as PNG files, written by our own encoder on zlib.
 *
 * Why not libpng: zlib is already linked (save states, compressed images),
 * and a screenshot needs only the smallest corner of PNG: one IHDR (8-bit
 * truecolour, no interlace), one IDAT holding the whole zlib stream, and
 * IEND, each with its CRC-32 (also zlib's).  That is about a hundred lines;
 * libpng would be a second image library and a build dependency for them.
 *
 * Format: PNG specification (ISO/IEC 15948), sections 5 (chunk layout and
 * CRC), 11.2.2 (IHDR) and 9 (filtering: every scanline here uses filter
 * type 0, None, which keeps the encoder trivially correct; deflate still
 * compresses flat screen areas well).
 */
#include "frontend/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC over type and data.  0 or -1. */
static int write_chunk(FILE *f, const char type[4], const uint8_t *data, size_t len)
{
    uint8_t head[8], tail[4];
    if (len > 0x7FFFFFFFu) return -1; /* PNG's limit on one chunk */
    put_be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, (const Bytef *)type, 4);
    if (len) crc = crc32(crc, data, (uInt)len);
    put_be32(tail, (uint32_t)crc);
    if (fwrite(head, 1, 8, f) != 8) return -1;
    if (len && fwrite(data, 1, len, f) != len) return -1;
    return fwrite(tail, 1, 4, f) == 4 ? 0 : -1;
}

int png_write_rgb(const char *path, const uint32_t *pixels, int width, int height, int stride,
                  char *err, size_t errlen)
{
    int blank = width <= 0 || height <= 0 || !pixels;
    if (blank) {
        width = PNG_BLANK_WIDTH;
        height = PNG_BLANK_HEIGHT;
        stride = 0;
    }
    if (width > PNG_MAX_SIDE || height > PNG_MAX_SIDE || (!blank && stride < width)) {
        snprintf(err, errlen, "%s: cannot write a %dx%d image (stride %d)", path, width, height,
                 stride);
        return -1;
    }
    /* Raw image data: each scanline is its filter byte (0) then R, G, B. */
    size_t row_bytes = 1 + (size_t)width * 3;
    size_t raw_len = row_bytes * (size_t)height;
    uint8_t *raw = calloc(1, raw_len);
    uLongf z_len = compressBound((uLong)raw_len);
    uint8_t *z = malloc(z_len);
    if (!raw || !z) {
        free(raw);
        free(z);
        snprintf(err, errlen, "%s: out of memory for a %dx%d screenshot", path, width, height);
        return -1;
    }
    if (!blank) {
        for (int y = 0; y < height; y++) {
            const uint32_t *src = pixels + (size_t)y * (size_t)stride;
            uint8_t *dst = raw + (size_t)y * row_bytes + 1;
            for (int x = 0; x < width; x++) {
                uint32_t p = src[x];
                *dst++ = (uint8_t)(p >> 16);
                *dst++ = (uint8_t)(p >> 8);
                *dst++ = (uint8_t)p;
            }
        }
    }
    int zr = compress2(z, &z_len, raw, (uLong)raw_len, Z_DEFAULT_COMPRESSION);
    free(raw);
    if (zr != Z_OK) {
        free(z);
        snprintf(err, errlen, "%s: zlib compression failed (%d)", path, zr);
        return -1;
    }

    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: truecolour (RGB) */
    ihdr[10] = 0; /* compression: deflate */
    ihdr[11] = 0; /* filter method: adaptive (type chosen per line) */
    ihdr[12] = 0; /* no interlace */
    int bad = fwrite(signature, 1, 8, f) != 8 || write_chunk(f, "IHDR", ihdr, sizeof(ihdr)) ||
              write_chunk(f, "IDAT", z, z_len) || write_chunk(f, "IEND", NULL, 0);
    free(z);
    if (fclose(f) != 0) bad = 1;
    if (bad) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}
