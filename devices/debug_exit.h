/*
 * debug_exit.h - QEMU's isa-debug-exit: a port that ends the emulator.
 */
#ifndef CINDER_DEVICES_DEBUG_EXIT_H
#define CINDER_DEVICES_DEBUG_EXIT_H

#include <stdint.h>

#include "devices/device.h"

struct bus;

/* QEMU's defaults (hw/misc/debugexit.c). */
#define DEBUG_EXIT_DEFAULT_IOBASE 0x501
#define DEBUG_EXIT_DEFAULT_IOSIZE 2

struct debug_exit;
extern const struct device_desc debug_exit_desc;

/* The process exit status for a written value: (value << 1) | 1, as QEMU's
 * exit((val << 1) | 1).  The shell sees it modulo 256. */
static inline int debug_exit_status(uint32_t value) { return (int)(((value << 1) | 1) & 0xff); }

/* Map iosize ports at iobase (iosize 1, 2 or 4).  On a write, request(opaque,
 * status) is called; the board stops the CPU and exits with that status. NULL
 * if the ports are taken or the arguments are bad. */
struct debug_exit *debug_exit_create(struct bus *bus, uint16_t iobase, unsigned iosize,
                                     void (*request)(void *opaque, int status), void *opaque);

#endif
