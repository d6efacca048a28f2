/*
 * block_driver.h - private interface between block.c and its format drivers
 * (raw in block.c, qcow2 in block_qcow2.c) and the -snapshot overlay
 * (block_overlay.c).  Nothing outside devices/block*.c includes this.
 *
 * block.c opens and locks the file, probes the format, checks every
 * request's range and the read-only rule, and only then calls a driver, so
 * a driver sees sector-aligned requests inside its own size and writes only
 * when the file was opened for writing.
 */
#ifndef CINDER_DEVICES_BLOCK_DRIVER_H
#define CINDER_DEVICES_BLOCK_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/block.h"

/* A backing chain deeper than this is refused (it is most likely a loop). */
#define BLOCK_MAX_BACKING_DEPTH 16

struct block_overlay;

struct block_driver {
    const char *name;
    /* Fill b->size and b->drv_state from b->fd; on failure write
     * "PATH: what is wrong" to err and return a negative errno.  depth is the
     * backing-chain depth of this image (0 for the image the user named). */
    int (*open)(struct block *b, int depth, char *err, size_t errlen);
    int (*read)(struct block *b, uint64_t offset, void *buf, size_t len);
    int (*write)(struct block *b, uint64_t offset, const void *buf, size_t len);
    /* Make every completed write durable (metadata in its safe order, then
     * fdatasync). */
    int (*flush)(struct block *b);
    /* Free b->drv_state; block_close has already called flush. */
    void (*close)(struct block *b);
};

struct block {
    char *path;                     /* as the user (or the backing header) named it */
    int fd;                         /* the image file, O_RDONLY unless file_writable */
    uint64_t size;                  /* bytes the guest sees, a multiple of BLOCK_SECTOR */
    bool readonly;                  /* guest writes fail with -EROFS */
    bool file_writable;             /* fd is O_RDWR and write-locked: the driver may write */
    enum block_cache cache;         /* writethrough: flush after every write */
    const struct block_driver *drv; /* the format */
    void *drv_state;                /* the driver's own state */
    struct block_overlay *overlay;  /* snapshot=on: every guest write lands here */
};

extern const struct block_driver block_qcow2_driver;

/* Open a backing file read-only (format from the backing-format header
 * extension, else probed), depth levels below the user's image. */
struct block *block_open_backing(const char *path, enum block_format format, int depth, char *err,
                                 size_t errlen);

/* pread/pwrite of exactly len bytes, retried on EINTR and short counts.
 * block_pread_full returns the bytes read (short only at end of file) or -EIO. */
long long block_pread_full(int fd, void *buf, size_t len, uint64_t offset);
int block_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset);

/* -snapshot overlay: a sparse unlinked temporary file in $TMPDIR (else
 * /var/tmp) holding written sectors at their own offsets, and a bitmap of
 * which sectors were written, allocated 8 KiB per 32 MiB touched. */
struct block_overlay *block_overlay_create(uint64_t size, char *err, size_t errlen);
void block_overlay_destroy(struct block_overlay *);
/* Bytes from offset (at most len) that are all written (*written = true) or
 * all not written to the overlay. */
size_t block_overlay_run(const struct block_overlay *, uint64_t offset, size_t len, bool *written);
int block_overlay_read(struct block_overlay *, uint64_t offset, void *buf, size_t len);
int block_overlay_write(struct block_overlay *, uint64_t offset, const void *buf, size_t len);

#endif
