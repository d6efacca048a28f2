/*
 * ram.h - host memory for guest RAM and ROM images.
 *
 * Models nothing by itself: it hands out the host memory that the board maps
 * with bus_map_ram(), and reads firmware and option ROM files.  The guest's
 * view (where RAM sits, ROM write protection, A20, dirty pages) is the bus's
 * business (bus.h).
 *
 * Not done: huge-page hints, memory ballooning, RAM above 4 GiB.
 */
#ifndef CINDER_MEM_RAM_H
#define CINDER_MEM_RAM_H

#include <stddef.h>
#include <stdint.h>

/* bytes rounded up to whole host pages, page-aligned, zero-filled (mmap).
 * NULL if bytes is 0 or the memory is not available. */
uint8_t *ram_alloc(size_t bytes);
/* Release memory from ram_alloc; bytes must be the size passed to ram_alloc.
 * NULL is a no-op. */
void ram_free(uint8_t *p, size_t bytes);

/*
 * Read a whole file (a BIOS or option ROM image) into a new malloc'd buffer
 * (*out, *out_len; the caller frees it with free()).  The file must be at least
 * min_len and at most max_len bytes (max_len 0: no upper limit).  Returns 0, or
 * -1 with a one-line message naming the file in err (e.g. "bios.bin: file is
 * 1000 bytes, expected at least 65536") and *out set to NULL.
 */
int ram_load_file(const char *path, uint8_t **out, size_t *out_len, size_t min_len, size_t max_len,
                  char *err, size_t errlen);

#endif
