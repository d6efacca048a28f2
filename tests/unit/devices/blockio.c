/*
 * blockio.c - drive devices/block.c from a shell script (tests/e2e/block_qcow2.sh).
 *
 *   blockio [-f raw|qcow2] [-r] [-s] [-t] IMAGE OP...
 *
 * -f forces the format (default: probe), -r readonly=on, -s snapshot=on,
 * -t cache=writethrough.  OPs run in order:
 *   w:OFF:LEN:SEED     write LEN bytes of pattern SEED at byte OFF (K/M suffixes allowed)
 *   r:OFF:LEN          print "crc32 OFF LEN" of what reads back
 *   dump:FILE          copy the whole disk to FILE (to compare with qemu-img convert)
 *   flush              block_flush
 *   rand:N:SEED        N writes (0 = forever) of 512 B..128 KiB at random sector offsets,
 *                      a flush every 8th; prints "ready" on stdout before the first
 *   hold:SECS          keep the image open (and locked) for SECS seconds
 * Exit status 0, or 1 with the error on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/block.h"

static uint64_t parse_num(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    if (*end == 'K' || *end == 'k') v <<= 10;
    if (*end == 'M' || *end == 'm') v <<= 20;
    if (*end == 'G' || *end == 'g') v <<= 30;
    return v;
}

static void fill(uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t x = (off + i) * 2654435761u ^ seed * 40503u;
        buf[i] = (uint8_t)(x >> 13 ^ x);
    }
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

int main(int argc, char **argv)
{
    struct block_opts opts = {.format = BLOCK_FORMAT_AUTO};
    int opt;
    while ((opt = getopt(argc, argv, "f:rst")) != -1) {
        switch (opt) {
        case 'f':
            opts.format = strcmp(optarg, "qcow2") == 0 ? BLOCK_FORMAT_QCOW2 : BLOCK_FORMAT_RAW;
            break;
        case 'r': opts.readonly = true; break;
        case 's': opts.snapshot = true; break;
        case 't': opts.cache = BLOCK_CACHE_WRITETHROUGH; break;
        default: return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: blockio [-f fmt] [-r] [-s] [-t] IMAGE OP...\n");
        return 2;
    }
    char err[512];
    struct block *b = block_open(argv[optind], &opts, err, sizeof(err));
    if (!b) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int status = 0;
    uint8_t *buf = malloc(1 << 20);
    for (int i = optind + 1; i < argc && status == 0; i++) {
        char *op = argv[i], *a = strchr(op, ':'), *c = a ? strchr(a + 1, ':') : NULL;
        char *d = c ? strchr(c + 1, ':') : NULL;
        int r = 0;
        if (strncmp(op, "w:", 2) == 0 && d) {
            uint64_t off = parse_num(a + 1), len = parse_num(c + 1);
            uint32_t seed = (uint32_t)parse_num(d + 1);
            for (uint64_t done = 0; done < len && r == 0;) {
                size_t n = len - done < (1 << 20) ? (size_t)(len - done) : (1 << 20);
                fill(buf, n, off + done, seed);
                r = block_write(b, off + done, buf, n);
                done += n;
            }
        } else if (strncmp(op, "r:", 2) == 0 && c) {
            uint64_t off = parse_num(a + 1), len = parse_num(c + 1);
            uLong crc = crc32(0, NULL, 0);
            for (uint64_t done = 0; done < len && r == 0;) {
                size_t n = len - done < (1 << 20) ? (size_t)(len - done) : (1 << 20);
                r = block_read(b, off + done, buf, n);
                crc = crc32(crc, buf, (uInt)n);
                done += n;
            }
            if (r == 0)
                printf("%08lx %llu %llu\n", crc, (unsigned long long)off, (unsigned long long)len);
        } else if (strncmp(op, "dump:", 5) == 0) {
            FILE *f = fopen(op + 5, "wb");
            if (!f) r = -errno;
            uint64_t size = block_size(b);
            for (uint64_t done = 0; f && done < size && r == 0;) {
                size_t n = size - done < (1 << 20) ? (size_t)(size - done) : (1 << 20);
                r = block_read(b, done, buf, n);
                if (r == 0 && fwrite(buf, 1, n, f) != n) r = -EIO;
                done += n;
            }
            if (f && fclose(f) != 0) r = -EIO;
        } else if (strcmp(op, "flush") == 0) {
            r = block_flush(b);
        } else if (strncmp(op, "rand:", 5) == 0 && c) {
            uint64_t n = parse_num(a + 1);
            rng_state = parse_num(c + 1);
            uint64_t sectors = block_size(b) / 512;
            printf("ready\n");
            fflush(stdout);
            for (uint64_t k = 0; (n == 0 || k < n) && r == 0; k++) {
                size_t len = (size_t)(1 + rng() % 256) * 512;
                uint64_t sec = rng() % sectors;
                if (sec + len / 512 > sectors) sec = sectors - len / 512;
                fill(buf, len, sec * 512, (uint32_t)k);
                r = block_write(b, sec * 512, buf, len);
                if (r == 0 && k % 8 == 7) r = block_flush(b);
            }
        } else if (strncmp(op, "hold:", 5) == 0) {
            printf("ready\n");
            fflush(stdout);
            sleep((unsigned)parse_num(a + 1));
        } else {
            fprintf(stderr, "blockio: bad op %s\n", op);
            status = 2;
        }
        if (r != 0) {
            fprintf(stderr, "blockio: %s: %s\n", op, strerror(-r));
            status = 1;
        }
    }
    free(buf);
    block_close(b);
    return status;
}
