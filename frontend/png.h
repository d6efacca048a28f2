/*
 * png.h - screenshots as PNG files (8-bit RGB, no interlace).
 */
#ifndef CINDER_FRONTEND_PNG_H
#define CINDER_FRONTEND_PNG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write width x height pixels (0x00RRGGBB, stride pixels per row) to path as
 * an 8-bit RGB PNG.  pixels may be NULL only when width or height is 0; a
 * 0 x 0 frame (nothing shown yet) is written as 640 x 480 black, so a
 * screenshot always exists and always opens.  0, or -1 with one line in err.
 */
int png_write_rgb(const char *path, const uint32_t *pixels, int width, int height, int stride,
                  char *err, size_t errlen);

/* The size used for a blank (0 x 0) frame. */
#define PNG_BLANK_WIDTH 640
#define PNG_BLANK_HEIGHT 480

/* The largest side png_write_rgb accepts (keeps every size computation far
 * from overflow; VBE tops out at 1920 x 1200 and 16 MiB of VRAM). */
#define PNG_MAX_SIDE 16384

#endif
