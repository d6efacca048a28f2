/*
 * chardev.h - where a byte-stream device's output goes (QEMU's chardev, tiny).
 *
 * Models nothing in the PC: it is the host end of debugcon (and later the
 * UARTs).  A target is named the way QEMU names them on the command line:
 * "stdio", "file:PATH", "null".
 *
 * Not done: input, "vc", "pty", "tcp:", "unix:", "pipe:", mux.
 */
#ifndef CINDER_DEVICES_CHARDEV_H
#define CINDER_DEVICES_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;

/* true if spec names a target chardev_open understands (syntax only). */
bool chardev_spec_valid(const char *spec);
/* Open (file: is created/truncated).  NULL with a one-line message in err. */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len);
void chardev_flush(struct chardev *cd);
void chardev_close(struct chardev *cd); /* flush, close a file; NULL is a no-op */

#endif
