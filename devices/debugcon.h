/*
 * debugcon.h - Bochs/QEMU debug console port (isa-debugcon).
 */
#ifndef CINDER_DEVICES_DEBUGCON_H
#define CINDER_DEVICES_DEBUGCON_H

#include <stdint.h>

#include "devices/device.h"

struct bus;
struct chardev;

#define DEBUGCON_DEFAULT_IOBASE 0xE9
#define DEBUGCON_READBACK 0xE9 /* what a read returns: guests probe for the port this way */

struct debugcon;
extern const struct device_desc debugcon_desc;

/* Map one port at iobase; bytes written go to out (not owned: the board may
 * share one chardev between several debugcons).  NULL if the port is taken. */
struct debugcon *debugcon_create(struct bus *bus, uint16_t iobase, struct chardev *out);

#endif
