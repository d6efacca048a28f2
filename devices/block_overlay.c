/*
 * block_overlay.c - the temporary overlay behind snapshot=on / -snapshot.
 *
 * Guest writes land in an unlinked sparse temporary file at the offsets the
 * guest wrote, so the overlay costs host disk only for what was written and
 * vanishes when Cinder exits (even on SIGKILL).  Which sectors hold overlay
 * data is a bitmap, one bit per 512-byte sector, kept in 8 KiB chunks that
 * are allocated only when a sector of their 32 MiB is first written: memory
 * stays at 1/4096 of what the guest wrote plus one pointer per 32 MiB of
 * disk.  The directory is $TMPDIR, else /var/tmp (as QEMU), because /tmp is
 * often a small tmpfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/block_driver.h"

#define OVERLAY_CHUNK_SECTORS 65536u /* sectors per bitmap chunk (32 MiB) */
#define OVERLAY_CHUNK_BYTES (OVERLAY_CHUNK_SECTORS / 8)

struct block_overlay {
    int fd;           /* unlinked temporary file; sector N at byte N * 512 */
    uint64_t sectors; /* disk size in sectors */
    uint8_t **chunks; /* chunk i: written-bitmap of sectors [i*65536, (i+1)*65536), or NULL */
    size_t nchunks;   /* entries in chunks */
};

struct block_overlay *block_overlay_create(uint64_t size, char *err, size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/var/tmp";
    char path[4096];
    snprintf(path, sizeof(path), "%s/cinder-snapshot-XXXXXX", dir);
    struct block_overlay *ov = calloc(1, sizeof(*ov));
    if (!ov) {
        snprintf(err, errlen, "snapshot overlay: out of memory");
        return NULL;
    }
    ov->fd = mkostemp(path, O_CLOEXEC);
    if (ov->fd < 0) {
        snprintf(err, errlen, "%s: cannot create the snapshot overlay: %s", path, strerror(errno));
        free(ov);
        return NULL;
    }
    unlink(path);
    ov->sectors = size / BLOCK_SECTOR;
    ov->nchunks = (size_t)((ov->sectors + OVERLAY_CHUNK_SECTORS - 1) / OVERLAY_CHUNK_SECTORS);
    ov->chunks = calloc(ov->nchunks ? ov->nchunks : 1, sizeof(*ov->chunks));
    if (!ov->chunks) {
        snprintf(err, errlen, "snapshot overlay: out of memory");
        block_overlay_destroy(ov);
        return NULL;
    }
    return ov;
}

void block_overlay_destroy(struct block_overlay *ov)
{
    if (!ov) return;
    if (ov->chunks)
        for (size_t i = 0; i < ov->nchunks; i++)
            free(ov->chunks[i]);
    free(ov->chunks);
    close(ov->fd);
    free(ov);
}

static bool overlay_written(const struct block_overlay *ov, uint64_t sector)
{
    const uint8_t *chunk = ov->chunks[sector / OVERLAY_CHUNK_SECTORS];
    unsigned bit = (unsigned)(sector % OVERLAY_CHUNK_SECTORS);
    return chunk && (chunk[bit / 8] >> (bit % 8)) & 1;
}

size_t block_overlay_run(const struct block_overlay *ov, uint64_t offset, size_t len, bool *written)
{
    uint64_t sector = offset / BLOCK_SECTOR;
    uint64_t end = sector + len / BLOCK_SECTOR;
    *written = overlay_written(ov, sector);
    uint64_t s = sector + 1;
    while (s < end) {
        const uint8_t *chunk = ov->chunks[s / OVERLAY_CHUNK_SECTORS];
        if (!chunk && !*written) {
            /* A whole untouched chunk: skip it in one step. */
            s = (s / OVERLAY_CHUNK_SECTORS + 1) * OVERLAY_CHUNK_SECTORS;
            continue;
        }
        if (overlay_written(ov, s) != *written) break;
        s++;
    }
    if (s > end) s = end;
    return (size_t)(s - sector) * BLOCK_SECTOR;
}

int block_overlay_read(struct block_overlay *ov, uint64_t offset, void *buf, size_t len)
{
    long long n = block_pread_full(ov->fd, buf, len, offset);
    return n == (long long)len ? 0 : -EIO;
}

int block_overlay_write(struct block_overlay *ov, uint64_t offset, const void *buf, size_t len)
{
    uint64_t first = offset / BLOCK_SECTOR, end = first + len / BLOCK_SECTOR;
    /* Allocate every bitmap chunk first so a failure leaves no half-marked write. */
    for (uint64_t c = first / OVERLAY_CHUNK_SECTORS; len && c <= (end - 1) / OVERLAY_CHUNK_SECTORS;
         c++) {
        if (!ov->chunks[c] && !(ov->chunks[c] = calloc(1, OVERLAY_CHUNK_BYTES))) return -EIO;
    }
    if (block_pwrite_all(ov->fd, buf, len, offset) != 0) return -EIO;
    for (uint64_t s = first; s < end; s++) {
        unsigned bit = (unsigned)(s % OVERLAY_CHUNK_SECTORS);
        ov->chunks[s / OVERLAY_CHUNK_SECTORS][bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    return 0;
}
