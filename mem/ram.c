/*
 * ram.c - guest RAM allocation and ROM image loading.
 *
 * RAM comes from an anonymous private mmap: page-aligned (so 4 KiB guest pages
 * never straddle host pages), zero-filled, and backed lazily by the kernel, so
 * a large -m costs nothing until the guest touches it.  See ram.h.
 */
#include "mem/ram.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t round_to_host_pages(size_t bytes)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    if (bytes > SIZE_MAX - (page - 1)) return 0;
    return (bytes + page - 1) / page * page;
}

uint8_t *ram_alloc(size_t bytes)
{
    size_t len = round_to_host_pages(bytes);
    if (len == 0) return NULL;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void ram_free(uint8_t *p, size_t bytes)
{
    if (p) munmap(p, round_to_host_pages(bytes));
}

int ram_load_file(const char *path, uint8_t **out, size_t *out_len, size_t min_len, size_t max_len,
                  char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        fclose(f);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    if (size < min_len) {
        snprintf(err, errlen, "%s: file is %zu bytes, expected at least %zu", path, size, min_len);
        fclose(f);
        return -1;
    }
    if (max_len && size > max_len) {
        snprintf(err, errlen, "%s: file is %zu bytes, more than the maximum %zu", path, size,
                 max_len);
        fclose(f);
        return -1;
    }
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory reading %zu bytes", path, size);
        fclose(f);
        return -1;
    }
    size_t got = fread(buf, 1, size, f);
    if (got != size) {
        snprintf(err, errlen, "%s: %s after %zu of %zu bytes", path,
                 ferror(f) ? "read error" : "file shrank", got, size);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *out = buf;
    *out_len = size;
    return 0;
}
