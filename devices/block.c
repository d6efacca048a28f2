/*
 * block.c - open an image, pick its format driver, check every request.
 *
 * Models: nothing of the hardware; this is the host side of a disk.  Range
 * and read-only checks, the file lock and the -snapshot overlay live here
 * once, so the format drivers (raw below, qcow2 in block_qcow2.c) only move
 * bytes.
 *
 * snapshot=on opens the file read-only (read lock) and sends every guest
 * write to a temporary overlay (block_overlay.c); reads take each sector
 * from the overlay if it was written there and from the format driver
 * otherwise.  The overlay is thrown away at close.
 */
#define _GNU_SOURCE
#include "devices/block.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/block_driver.h"

long long block_pread_full(int fd, void *buf, size_t len, uint64_t offset)
{
    uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, p + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -EIO;
        if (n == 0) break;
        done += (size_t)n;
    }
    return (long long)done;
}

int block_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -EIO;
        p += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- raw: the file is the disk ---------------------------------------- */

static int raw_open(struct block *b, int depth, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(b->fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", b->path, strerror(errno));
        return -EIO;
    }
    /* A raw image's last partial sector is not visible to the guest (as QEMU
     * rounds down); an image shorter than one sector is refused. */
    b->size = (uint64_t)st.st_size & ~(uint64_t)(BLOCK_SECTOR - 1);
    if (b->size == 0) {
        snprintf(err, errlen, "%s: image is smaller than one 512-byte sector", b->path);
        return -EINVAL;
    }
    return 0;
}

static int raw_read(struct block *b, uint64_t offset, void *buf, size_t len)
{
    long long n = block_pread_full(b->fd, buf, len, offset);
    if (n < 0) return -EIO;
    /* The file shrank under us: what is gone reads as zeros. */
    if ((size_t)n < len) memset((uint8_t *)buf + n, 0, len - (size_t)n);
    return 0;
}

static int raw_write(struct block *b, uint64_t offset, const void *buf, size_t len)
{
    return block_pwrite_all(b->fd, buf, len, offset);
}

static int raw_flush(struct block *b)
{
    return fdatasync(b->fd) == 0 ? 0 : -EIO;
}

static void raw_close(struct block *b) {}

static const struct block_driver block_raw_driver = {
    .name = "raw",
    .open = raw_open,
    .read = raw_read,
    .write = raw_write,
    .flush = raw_flush,
    .close = raw_close,
};

/* ---- open and close --------------------------------------------------- */

/* Refuse a second writer (another Cinder, or QEMU which uses the same OFD
 * locks): a whole-file write lock for writable images, a read lock otherwise. */
static int block_lock(int fd, bool write)
{
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = write ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    return fcntl(fd, F_OFD_SETLK, &fl);
}

static void block_free(struct block *b)
{
    if (b->drv && b->drv_state) b->drv->close(b);
    block_overlay_destroy(b->overlay);
    if (b->fd >= 0) close(b->fd);
    free(b->path);
    free(b);
}

static struct block *block_open_depth(const char *path, const struct block_opts *opts, int depth,
                                      char *err, size_t errlen)
{
    /* The file is written only when the guest may write and no overlay
     * takes the writes. */
    bool file_rw = !opts->readonly && !opts->snapshot;
    int fd = open(path, (file_rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0 && file_rw && (errno == EACCES || errno == EROFS)) {
        snprintf(err, errlen, "%s: %s (use readonly=on or snapshot=on)", path, strerror(errno));
        return NULL;
    }
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (block_lock(fd, file_rw) != 0) {
        snprintf(err, errlen, "%s: in use by another process (file lock)", path);
        close(fd);
        return NULL;
    }
    struct block *b = calloc(1, sizeof(*b));
    if (!b || !(b->path = strdup(path))) {
        free(b);
        close(fd);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    b->fd = fd;
    b->readonly = opts->readonly;
    b->file_writable = file_rw;
    b->cache = opts->cache;

    enum block_format format = opts->format;
    if (format == BLOCK_FORMAT_AUTO) {
        uint8_t magic[4];
        bool is_qcow2 = block_pread_full(fd, magic, 4, 0) == 4 && memcmp(magic, "QFI\xfb", 4) == 0;
        format = is_qcow2 ? BLOCK_FORMAT_QCOW2 : BLOCK_FORMAT_RAW;
    }
    const struct block_driver *drv =
        format == BLOCK_FORMAT_QCOW2 ? &block_qcow2_driver : &block_raw_driver;
    if (drv->open(b, depth, err, errlen) != 0) {
        block_free(b);
        return NULL;
    }
    b->drv = drv;
    if (opts->snapshot && !opts->readonly) {
        b->overlay = block_overlay_create(b->size, err, errlen);
        if (!b->overlay) {
            block_close(b);
            return NULL;
        }
    }
    return b;
}

struct block *block_open(const char *path, const struct block_opts *opts, char *err, size_t errlen)
{
    return block_open_depth(path, opts, 0, err, errlen);
}

struct block *block_open_backing(const char *path, enum block_format format, int depth, char *err,
                                 size_t errlen)
{
    if (depth > BLOCK_MAX_BACKING_DEPTH) {
        snprintf(err, errlen, "%s: backing file chain deeper than %d (a loop?)", path,
                 BLOCK_MAX_BACKING_DEPTH);
        return NULL;
    }
    struct block_opts opts = {.format = format, .readonly = true};
    return block_open_depth(path, &opts, depth, err, errlen);
}

void block_close(struct block *b)
{
    if (!b) return;
    if (b->file_writable && b->drv) b->drv->flush(b);
    block_free(b);
}

uint64_t block_size(const struct block *b)
{
    return b->size;
}
bool block_readonly(const struct block *b)
{
    return b->readonly;
}
const char *block_path(const struct block *b)
{
    return b->path;
}
const char *block_format_name(const struct block *b)
{
    return b->drv->name;
}

/* ---- requests ---------------------------------------------------------- */

static bool block_range_ok(const struct block *b, uint64_t offset, size_t len)
{
    return offset % BLOCK_SECTOR == 0 && len % BLOCK_SECTOR == 0 && offset <= b->size &&
           len <= b->size - offset;
}

int block_read(struct block *b, uint64_t offset, void *buf, size_t len)
{
    if (!block_range_ok(b, offset, len)) return -EINVAL;
    if (!b->overlay) return b->drv->read(b, offset, buf, len);
    uint8_t *p = buf;
    while (len) {
        bool written;
        size_t run = block_overlay_run(b->overlay, offset, len, &written);
        int r = written ? block_overlay_read(b->overlay, offset, p, run)
                        : b->drv->read(b, offset, p, run);
        if (r != 0) return r;
        p += run;
        offset += run;
        len -= run;
    }
    return 0;
}

int block_write(struct block *b, uint64_t offset, const void *buf, size_t len)
{
    if (b->readonly) return -EROFS;
    if (!block_range_ok(b, offset, len)) return -EINVAL;
    if (b->overlay) return block_overlay_write(b->overlay, offset, buf, len);
    if (!b->file_writable) return -EROFS;
    int r = b->drv->write(b, offset, buf, len);
    if (r == 0 && b->cache == BLOCK_CACHE_WRITETHROUGH) r = b->drv->flush(b);
    return r;
}

int block_flush(struct block *b)
{
    /* An overlay is thrown away at exit: nothing to make durable. */
    if (!b->file_writable) return 0;
    return b->drv->flush(b);
}
