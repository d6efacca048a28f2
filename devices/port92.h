/*
 * port92.h - System Control Port A (port 0x92): fast A20 and fast reset.
 */
#ifndef CINDER_DEVICES_PORT92_H
#define CINDER_DEVICES_PORT92_H

#include <stdint.h>

#include "devices/device.h"

struct bus;

#define PORT92_IOBASE 0x92
#define PORT92_RESET 0x01 /* bit 0: a 0->1 transition resets the CPU */
#define PORT92_A20 0x02   /* bit 1: A20 gate */

struct port92;
extern const struct device_desc port92_desc;

/* reset_request(opaque) is called on a 0->1 write of bit 0. */
struct port92 *port92_create(struct bus *bus, void (*reset_request)(void *opaque), void *opaque);

#endif
