/*
 * block.h - one interface for every disk image format (raw, qcow2), below the
 * IDE, ATAPI and floppy models.
 *
 * A struct block is an open image: a flat array of bytes of block_size()
 * that callers read and write in whole 512-byte sectors.  I/O is synchronous
 * (the device models complete a command after the call returns and time its
 * interrupt on the virtual clock themselves).  Formats hide behind a small
 * driver table in block.c; the device models never know which one it is.
 *
 * Safety rules every driver keeps: an image that is truncated, corrupt or
 * of an unsupported kind is refused by block_open with one line naming the
 * file and the problem, and is never written; a read-only or snapshot image
 * is never written; block_flush reaches stable storage (fsync) before it
 * returns; a writable image is locked (fcntl OFD lock) so a second process
 * opening it is refused.
 */
#ifndef CINDER_DEVICES_BLOCK_H
#define CINDER_DEVICES_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLOCK_SECTOR 512u

enum block_format {
    BLOCK_FORMAT_AUTO,  /* probe: qcow2 magic, else raw */
    BLOCK_FORMAT_RAW,
    BLOCK_FORMAT_QCOW2,
};

enum block_cache {
    BLOCK_CACHE_WRITEBACK,    /* writes reach the file; stable only after block_flush */
    BLOCK_CACHE_WRITETHROUGH, /* every write is followed by fdatasync */
};

struct block_opts {
    enum block_format format;
    bool readonly; /* the guest sees a write-protected medium; the file is opened O_RDONLY */
    bool snapshot; /* writes go to a temporary overlay; the file is never modified */
    enum block_cache cache;
};

struct block;

/* NULL with "PATH: what is wrong" in err on failure. */
struct block *block_open(const char *path, const struct block_opts *opts, char *err,
                         size_t errlen);
void block_close(struct block *); /* flushes; NULL is a no-op */

uint64_t block_size(const struct block *); /* bytes the guest sees */
bool block_readonly(const struct block *); /* writes fail (readonly=on, or a read-only file) */
const char *block_path(const struct block *);
const char *block_format_name(const struct block *); /* "raw", "qcow2" */

/* offset and len are multiples of BLOCK_SECTOR and lie inside block_size().
 * 0 on success, a negative errno on failure (-EINVAL for a bad range, -EROFS
 * for a write to a read-only image, -EIO for a host error). */
int block_read(struct block *, uint64_t offset, void *buf, size_t len);
int block_write(struct block *, uint64_t offset, const void *buf, size_t len);
int block_flush(struct block *);

#endif
